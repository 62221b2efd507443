"""Agendas as data: directions, proposals and the indicators that evidence them, read from YAML.

An agenda names the directions of a relationship (D1 political trust ...), lists proposals in its own
words, links each proposal to registered indicators with the sign of change the proposal expects, and fixes a
baseline and an evaluation window. :func:`load` validates a file and raises :class:`AgendaError` listing
every problem with the file and the entry it concerns. The format is described in docs/methods/agenda.md.

Built-in agendas live in ``dyad/agendas/<name>.yaml``; :func:`load` accepts such a name or a path.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from dyad import indicators as registry
from dyad import safety
from dyad.countries import try_resolve

SIGNS = {"+": 1, "+1": 1, "up": 1, "increase": 1, "-": -1, "-1": -1, "down": -1, "decrease": -1}
DIRECTED = ("a_to_b", "b_to_a", "both", "pooled")
AGGREGATES = ("mean", "sum")
EVIDENCE = ("indicators", "weak", "none")

_TOP_KEYS = {"id", "title", "source", "description", "countries", "baseline", "evaluation", "directions",
             "proposals", "weights", "alpha"}
_PROPOSAL_KEYS = {"id", "statement", "directions", "indicators", "evidence", "note"}
_LINK_KEYS = {"id", "sign", "directed", "pair", "options", "rationale", "aggregate", "min_n"}
_YEAR_MIN, _YEAR_MAX = 1800, 2200


class AgendaError(ValueError):
    """An agenda file that does not validate; ``problems`` lists each one with the entry it concerns."""

    def __init__(self, where: str, problems: list[str], what: str = "agenda"):
        self.where = where
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{what} {where}: {len(self.problems)} problem(s):\n{lines}")


# ----------------------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Window:
    """A span of calendar years, both ends included; ``end=None`` means open (all later years)."""

    start: int
    end: int | None = None

    def contains(self, year: int) -> bool:
        return year >= self.start and (self.end is None or year <= self.end)

    @property
    def label(self) -> str:
        return f"{self.start}-{self.end}" if self.end is not None else f"{self.start}-"


@dataclass(frozen=True)
class Direction:
    id: str
    name: str
    covers: str = ""
    note: str = ""


@dataclass(frozen=True)
class Link:
    """One indicator linked to a proposal: the sign of change expected and, if directed, which way."""

    indicator: str
    sign: int
    # a_to_b, b_to_a, both, or pooled (one series computed for (a, b), for indicators that pool both flows
    # unless told otherwise); None = undirected, or "both" when the indicator is registered as directed
    directed: str | None = None
    options: tuple[tuple[str, Any], ...] = ()
    rationale: str = ""
    aggregate: str | None = None       # how monthly values become a year: mean or sum (default from the unit)
    min_n: int = 0                     # years resting on fewer observations (column n) are left out

    @property
    def key(self) -> tuple:
        """What makes two links the same series: indicator, direction of flow and how it is computed."""
        return (self.indicator, self.directed, self.options, self.aggregate, self.min_n)

    @property
    def options_dict(self) -> dict[str, Any]:
        return dict(self.options)


@dataclass(frozen=True)
class Proposal:
    id: str
    statement: str
    directions: tuple[str, ...]
    links: tuple[Link, ...] = ()
    evidence: str = "indicators"       # indicators, weak (proxies only) or none (no loaded data can evidence it)
    note: str = ""


@dataclass(frozen=True)
class Weights:
    """Index and scorecard weights: per direction (overall index) and per indicator id (default 1 each)."""

    directions: dict[str, float] = field(default_factory=dict)
    indicators: dict[str, float] = field(default_factory=dict)

    def direction(self, direction_id: str) -> float:
        return float(self.directions.get(direction_id, 1.0))

    def indicator(self, indicator_id: str) -> float:
        return float(self.indicators.get(indicator_id, 1.0))

    def override(self, other: Weights | dict | None) -> Weights:
        """These weights with ``other``'s entries taking precedence."""
        if other is None:
            return self
        if isinstance(other, dict):
            other = parse_weights(other, "weights")
        return Weights({**self.directions, **other.directions}, {**self.indicators, **other.indicators})


@dataclass(frozen=True)
class Agenda:
    id: str
    title: str
    baseline: Window
    evaluation: Window
    directions: tuple[Direction, ...]
    proposals: tuple[Proposal, ...]
    weights: Weights = field(default_factory=Weights)
    countries: tuple[str, str] | None = None
    source: str = ""
    description: str = ""
    alpha: float = 0.05
    path: str = ""

    def direction(self, direction_id: str) -> Direction:
        for d in self.directions:
            if d.id == direction_id:
                return d
        raise KeyError(f"agenda {self.id} has no direction {direction_id!r}")

    def indicator_ids(self) -> list[str]:
        return sorted({link.indicator for p in self.proposals for link in p.links})

    def to_frame(self):
        """One row per proposal and linked indicator (proposals without indicators get one row)."""
        import pandas as pd

        rows = []
        for p in self.proposals:
            base = {"proposal": p.id, "directions": ",".join(p.directions), "statement": p.statement,
                    "evidence": p.evidence}
            if not p.links:
                rows.append({**base, "indicator": None, "sign": None, "directed": None, "rationale": p.note})
            for link in p.links:
                rows.append({**base, "indicator": link.indicator, "sign": "+" if link.sign > 0 else "-",
                             "directed": link.directed, "rationale": link.rationale})
        return pd.DataFrame(rows)

    def to_dict(self) -> dict:
        return {
            "id": self.id, "title": self.title, "source": self.source,
            "countries": list(self.countries) if self.countries else None,
            "baseline": self.baseline.label, "evaluation": self.evaluation.label, "alpha": self.alpha,
            "directions": [{"id": d.id, "name": d.name, "covers": d.covers, "note": d.note}
                           for d in self.directions],
            "weights": {"directions": self.weights.directions, "indicators": self.weights.indicators},
            "proposals": [{"id": p.id, "statement": p.statement, "directions": list(p.directions),
                           "evidence": p.evidence, "note": p.note,
                           "indicators": [{"id": k.indicator, "sign": "+" if k.sign > 0 else "-",
                                           "directed": k.directed, "options": k.options_dict,
                                           "rationale": k.rationale} for k in p.links]}
                          for p in self.proposals],
        }

    def summary(self) -> str:
        lines = [f"{self.id}: {self.title}", f"baseline {self.baseline.label}, evaluation {self.evaluation.label}"]
        for d in self.directions:
            lines.append(f"{d.id} {d.name}" + (f" -- {d.covers}" if d.covers else ""))
        for p in self.proposals:
            ids = ", ".join(k.indicator + ("+" if k.sign > 0 else "-") for k in p.links) or "no indicator"
            lines.append(f"{p.id} [{','.join(p.directions)}] {p.statement} ({ids}; evidence: {p.evidence})")
        return "\n".join(lines)


# ----------------------------------------------------------------------------------------- parsing


def builtin_names() -> list[str]:
    """Names of the agendas shipped with dyad."""
    folder = resources.files("dyad") / "agendas"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def _locate(name_or_path: str | Path) -> tuple[str, str]:
    """(text, where) for a built-in agenda name or a file path."""
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") or path.exists():
        if not path.exists():
            raise FileNotFoundError(f"agenda file {path} does not exist")
        return safety.read_text(path), str(path)    # a regular file of bounded size (dyad.safety)
    name = str(name_or_path)
    if name in builtin_names():
        res = resources.files("dyad") / "agendas" / f"{name}.yaml"
        return res.read_text(encoding="utf-8"), f"{name} (built in)"
    raise FileNotFoundError(f"no agenda named {name!r} and no such file; built in: {', '.join(builtin_names())}")


def load(name_or_path: str | Path, *, strict: bool = True) -> Agenda:
    """Read and validate an agenda (a built-in name or a YAML file).

    With ``strict`` every linked indicator must be registered; ``strict=False`` accepts ids that are not
    (yet) registered -- they then count as not measurable -- but still checks everything else.
    """
    text, where = _locate(name_or_path)
    return loads(text, where=where, strict=strict)


def loads(text: str, *, where: str = "<string>", strict: bool = True) -> Agenda:
    """Validate agenda YAML given as text; ``where`` names it in error messages."""
    try:
        data = safety.load_yaml(text)   # safe, with bounded aliases and nesting
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        raise AgendaError(where, [f"not valid YAML at{line}: {getattr(exc, 'problem', exc)}"]) from None
    if not isinstance(data, dict):
        raise AgendaError(where, ["the file must be a YAML mapping with id, baseline, evaluation, directions, "
                                  "proposals"])
    return _Parser(where, strict, _entry_lines(text)).agenda(data)


def _entry_lines(text: str) -> dict[tuple[int, ...], int]:
    """1-based line of each proposal ``(i,)`` and each of its indicators ``(i, j)`` (1-based i, j)."""
    lines: dict[tuple[int, ...], int] = {}
    root = yaml.compose(text)
    if not isinstance(root, yaml.MappingNode):
        return lines
    for key, value in root.value:
        if key.value != "proposals" or not isinstance(value, yaml.SequenceNode):
            continue
        for i, item in enumerate(value.value, start=1):
            lines[(i,)] = item.start_mark.line + 1
            if not isinstance(item, yaml.MappingNode):
                continue
            for k2, v2 in item.value:
                if k2.value == "indicators" and isinstance(v2, yaml.SequenceNode):
                    for j, link in enumerate(v2.value, start=1):
                        lines[(i, j)] = link.start_mark.line + 1
    return lines


def parse_window(value: Any) -> Window:
    """``{start: 2013, end: 2017}``, ``[2013, 2017]``, ``"2013-2017"`` or ``"2018-"`` (open end)."""
    if isinstance(value, dict):
        unknown = set(value) - {"start", "end"}
        if unknown:
            raise ValueError(f"unknown keys {sorted(unknown)}; use start and end")
        start, end = value.get("start"), value.get("end")
    elif isinstance(value, list | tuple) and len(value) == 2:
        start, end = value
    elif isinstance(value, int) and not isinstance(value, bool):
        start, end = value, value
    elif isinstance(value, str) and re.fullmatch(r"\s*\d{4}\s*-\s*(\d{4})?\s*", value):
        left, right = value.split("-")
        start, end = int(left), (int(right) if right.strip() else None)
    else:
        raise ValueError(f"{value!r} is not a window; write {{start: 2013, end: 2017}} or \"2013-2017\" "
                         "or \"2018-\" for an open end")
    for label, year in (("start", start), ("end", end)):
        if year is None and label == "end":
            continue
        if isinstance(year, bool) or not isinstance(year, int) or not _YEAR_MIN <= year <= _YEAR_MAX:
            raise ValueError(f"{label} {year!r} is not a year between {_YEAR_MIN} and {_YEAR_MAX}")
    if end is not None and end < start:
        raise ValueError(f"ends ({end}) before it starts ({start})")
    return Window(start, end)


def parse_weights(data: Any, where: str) -> Weights:
    """A weights mapping ``{directions: {D1: 2}, indicators: {un_agreement: 0.5}}``; raises AgendaError."""
    problems: list[str] = []
    if data is None:
        return Weights()
    if not isinstance(data, dict):
        raise AgendaError(where, ["weights must be a mapping with 'directions' and/or 'indicators'"])
    unknown = set(data) - {"directions", "indicators"}
    if unknown:
        problems.append(f"weights: unknown keys {sorted(unknown)}; use directions and indicators")
    parsed: dict[str, dict[str, float]] = {}
    for key in ("directions", "indicators"):
        block = data.get(key) or {}
        if not isinstance(block, dict):
            problems.append(f"weights.{key} must map ids to numbers")
            block = {}
        parsed[key] = {}
        for k, v in block.items():
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or v < 0:
                problems.append(f"weights.{key}.{k}: {v!r} is not a non-negative number")
            else:
                parsed[key][str(k)] = float(v)
    if problems:
        raise AgendaError(where, problems)
    return Weights(parsed["directions"], parsed["indicators"])


def load_weights(path: str | Path) -> Weights:
    """Weights from a YAML file (same layout as an agenda's ``weights`` block)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"weights file {path} does not exist")
    try:
        data = safety.load_yaml(safety.read_text(path))
    except yaml.YAMLError as exc:
        raise AgendaError(str(path), [f"not valid YAML: {exc}"], what="weights file") from None
    try:
        return parse_weights(data, str(path))
    except AgendaError as exc:
        raise AgendaError(str(path), exc.problems, what="weights file") from None


class _Parser:
    """Turns a YAML mapping into an :class:`Agenda`, collecting every problem before raising."""

    def __init__(self, where: str, strict: bool, lines: dict[tuple[int, ...], int] | None = None):
        self.where = where
        self.strict = strict
        self.lines = lines or {}
        self.problems: list[str] = []

    def bad(self, message: str) -> None:
        self.problems.append(message)

    def at(self, *index: int) -> str:
        line = self.lines.get(index)
        return f" (line {line})" if line else ""

    def agenda(self, data: dict) -> Agenda:
        unknown = set(data) - _TOP_KEYS
        if unknown:
            self.bad(f"unknown top-level keys {sorted(unknown)}; allowed: {', '.join(sorted(_TOP_KEYS))}")
        agenda_id = data.get("id")
        if not isinstance(agenda_id, str) or not agenda_id.strip():
            self.bad("id: give the agenda a name (a non-empty string)")
        baseline = self.window(data, "baseline")
        evaluation = self.window(data, "evaluation")
        if baseline and evaluation and (baseline.end is None or baseline.end >= evaluation.start):
            self.bad(f"bad window: baseline {baseline.label} must end before evaluation {evaluation.label} starts")
        countries = self.countries(data.get("countries"))
        directions = self.directions(data.get("directions"))
        dir_ids = [d.id for d in directions]
        proposals = self.proposals(data.get("proposals"), dir_ids, countries)
        weights = self.weights(data.get("weights"), dir_ids, proposals)
        alpha = data.get("alpha", 0.05)
        if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0 < alpha < 1:
            self.bad(f"alpha: {alpha!r} is not a significance level between 0 and 1")
        self.conflicting_signs(proposals)
        if self.problems:
            raise AgendaError(self.where, self.problems)
        return Agenda(id=agenda_id, title=str(data.get("title") or agenda_id), baseline=baseline,
                      evaluation=evaluation, directions=tuple(directions), proposals=tuple(proposals),
                      weights=weights, countries=countries, source=str(data.get("source") or ""),
                      description=str(data.get("description") or ""), alpha=float(alpha), path=self.where)

    def window(self, data: dict, key: str) -> Window | None:
        if key not in data:
            self.bad(f"{key}: missing; write e.g. {key}: {{start: 2013, end: 2017}}")
            return None
        try:
            return parse_window(data[key])
        except ValueError as exc:
            self.bad(f"bad window: {key} {exc}")
            return None

    def countries(self, value: Any) -> tuple[str, str] | None:
        if value is None:
            return None
        if not isinstance(value, list) or len(value) != 2:
            self.bad(f"countries: {value!r} must be a list of two countries, e.g. [RUS, CHN]")
            return None
        codes = [try_resolve(v) for v in value]
        if None in codes or codes[0] == codes[1]:
            self.bad(f"countries: {value!r} must name two different known countries")
            return None
        return codes[0], codes[1]

    def directions(self, value: Any) -> list[Direction]:
        if not isinstance(value, dict) or not value:
            self.bad("directions: give a mapping of direction ids to {name, covers}, e.g. D1: {name: trust}")
            return []
        out = []
        for key, body in value.items():
            if isinstance(body, str):
                body = {"name": body}
            if not isinstance(body, dict) or not body.get("name"):
                self.bad(f"direction {key}: needs a name")
                continue
            unknown = set(body) - {"name", "covers", "note"}
            if unknown:
                self.bad(f"direction {key}: unknown keys {sorted(unknown)}; use name, covers, note")
            out.append(Direction(str(key), str(body["name"]), str(body.get("covers") or ""),
                                 str(body.get("note") or "")))
        return out

    def proposals(self, value: Any, dir_ids: list[str], countries) -> list[Proposal]:
        if not isinstance(value, list) or not value:
            self.bad("proposals: give a list of proposals (id, statement, directions, indicators)")
            return []
        out, seen = [], set()
        for i, body in enumerate(value, start=1):
            if not isinstance(body, dict):
                self.bad(f"proposal #{i}{self.at(i)}: must be a mapping")
                continue
            pid = str(body.get("id") or f"#{i}")
            if "id" not in body:
                self.bad(f"proposal #{i}{self.at(i)}: missing id")
            if pid in seen:
                self.bad(f"proposal {pid}{self.at(i)}: duplicate id (proposal ids must be unique)")
            seen.add(pid)
            proposal = self.proposal(pid, i, body, dir_ids, countries)
            if proposal is not None:
                out.append(proposal)
        return out

    def proposal(self, pid: str, i: int, body: dict, dir_ids: list[str], countries) -> Proposal | None:
        where = f"proposal {pid}{self.at(i)}"
        unknown = set(body) - _PROPOSAL_KEYS
        if unknown:
            self.bad(f"{where}: unknown keys {sorted(unknown)}; allowed: {', '.join(sorted(_PROPOSAL_KEYS))}")
        statement = body.get("statement")
        if not isinstance(statement, str) or not statement.strip():
            self.bad(f"{where}: statement missing (say what the proposal asks, in a sentence)")
        dirs = body.get("directions")
        dirs = [dirs] if isinstance(dirs, str) else dirs
        if not isinstance(dirs, list) or not dirs:
            self.bad(f"{where}: directions missing (a list such as [D1, D2])")
            dirs = []
        for d in dirs:
            if str(d) not in dir_ids:
                self.bad(f"{where}: unknown direction {d!r}; the agenda defines {', '.join(dir_ids)}")
        evidence = body.get("evidence", "indicators")
        if evidence not in EVIDENCE:
            self.bad(f"{where}: evidence {evidence!r} must be one of {', '.join(EVIDENCE)}")
        raw_links = body.get("indicators") or []
        if not isinstance(raw_links, list):
            self.bad(f"{where}: indicators must be a list")
            raw_links = []
        if not raw_links and evidence != "none":
            self.bad(f"{where}: no indicators; link some, or write `evidence: none` with a note on the data "
                     "that would be needed")
        if evidence == "none" and not body.get("note"):
            self.bad(f"{where}: evidence none needs a note saying what data would evidence it")
        links = [k for j, raw in enumerate(raw_links, start=1)
                 if (k := self.link(f"proposal {pid}, indicator #{j}", self.lines.get((i, j)), raw, countries))
                 is not None]
        keys = [k.key for k in links]
        for key in {k for k in keys if keys.count(k) > 1}:
            self.bad(f"{where}: indicator {key[0]} linked twice with the same direction and options")
        return Proposal(pid, str(statement or ""), tuple(str(d) for d in dirs), tuple(links), evidence,
                        str(body.get("note") or "").strip())

    def link(self, where: str, line: int | None, raw: Any, countries) -> Link | None:
        at = f", line {line}" if line else ""
        if isinstance(raw, str):
            raw = {"id": raw, "sign": "+"}
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            self.bad(f"{where}{f' (line {line})' if line else ''}: must be a mapping with at least id and sign")
            return None
        ind_id = raw["id"]
        where = f"{where} ({ind_id}{at})"
        unknown = set(raw) - _LINK_KEYS
        if unknown:
            self.bad(f"{where}: unknown keys {sorted(unknown)}; allowed: {', '.join(sorted(_LINK_KEYS))}")
        registered = self.indicator(where, ind_id)
        sign = SIGNS.get(str(raw.get("sign", "")).strip().lower())
        if sign is None:
            self.bad(f"{where}: bad sign {raw.get('sign')!r}; write + (expected to rise) or - (expected to fall)")
        directed = self.directed(where, raw, countries, registered)
        options = raw.get("options") or {}
        if not isinstance(options, dict):
            self.bad(f"{where}: options must be a mapping passed to the indicator")
            options = {}
        aggregate = raw.get("aggregate")
        if aggregate is not None and aggregate not in AGGREGATES:
            self.bad(f"{where}: aggregate {aggregate!r} must be mean or sum")
        min_n = raw.get("min_n", 0)
        if isinstance(min_n, bool) or not isinstance(min_n, int) or min_n < 0:
            self.bad(f"{where}: min_n {min_n!r} must be a whole number of observations (0 keeps every year)")
            min_n = 0
        return Link(ind_id, sign or 1, directed, tuple(sorted(options.items())),
                    str(raw.get("rationale") or "").strip(), aggregate, min_n)

    def indicator(self, where: str, ind_id: str):
        try:
            return registry.get(ind_id)
        except KeyError:
            if self.strict:
                known = [i.id for i in registry.all_indicators()]
                near = difflib.get_close_matches(ind_id, known, n=3)
                hint = f"; did you mean {', '.join(near)}?" if near else "; `dyad indicators` lists them"
                self.bad(f"{where}: unknown indicator {ind_id!r}{hint}")
            return None

    def directed(self, where: str, raw: dict, countries, registered) -> str | None:
        directed, pair = raw.get("directed"), raw.get("pair")
        if directed is not None and pair is not None:
            self.bad(f"{where}: give either directed or pair, not both")
            return None
        if pair is not None:
            directed = self.pair_role(where, pair, countries)
        elif directed is not None and directed not in DIRECTED:
            self.bad(f"{where}: directed {directed!r} must be one of {', '.join(DIRECTED)}")
            return None
        if directed is not None and registered is not None and not registered.directed:
            self.bad(f"{where}: {registered.id} is undirected; drop `directed`/`pair`")
            return None
        return directed

    def pair_role(self, where: str, pair: Any, countries) -> str | None:
        if countries is None:
            self.bad(f"{where}: pair needs the agenda's countries (countries: [RUS, CHN]) to know roles")
            return None
        codes = [try_resolve(c) for c in pair] if isinstance(pair, list) and len(pair) == 2 else None
        if codes == list(countries):
            return "a_to_b"
        if codes == list(countries[::-1]):
            return "b_to_a"
        self.bad(f"{where}: pair {pair!r} must be the agenda's two countries in some order, e.g. "
                 f"[{countries[0]}, {countries[1]}]")
        return None

    def weights(self, value: Any, dir_ids: list[str], proposals: list[Proposal]) -> Weights:
        try:
            weights = parse_weights(value, self.where)
        except AgendaError as exc:
            self.problems.extend(exc.problems)
            return Weights()
        for d in weights.directions:
            if d not in dir_ids:
                self.bad(f"weights.directions: unknown direction {d!r}")
        linked = {k.indicator for p in proposals for k in p.links}
        for ind in weights.indicators:
            if ind not in linked:
                self.bad(f"weights.indicators: {ind!r} is not linked to any proposal")
        return weights

    def conflicting_signs(self, proposals: list[Proposal]) -> None:
        """The index pools links per direction, so one series cannot be expected to rise and fall at once."""
        seen: dict[tuple, tuple[int, str]] = {}
        for p in proposals:
            for d in p.directions:
                for k in p.links:
                    key = (d, *k.key)
                    if key in seen and seen[key][0] != k.sign:
                        self.bad(f"proposal {p.id}: {k.indicator} has sign {k.sign:+d} in direction {d} but "
                                 f"{seen[key][0]:+d} in proposal {seen[key][1]}")
                    seen.setdefault(key, (k.sign, p.id))
