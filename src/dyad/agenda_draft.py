"""A draft agenda from the proposals found in a stored report (``dyad agenda draft DOC_ID``).

Each numbered proposal of the document becomes an agenda proposal:

* **directions** by the directions lexicon (docs/methods/words.md): the direction(s) with the most lexicon
  matches in the proposal's text; when the lexicon matches nothing, every direction is listed and the
  note says so (the user narrows it);
* **candidate indicators** from the registry's metadata: an indicator is a candidate when it belongs to
  one of the proposal's directions and its label or id shares at least one content word with
  the proposal (words of four letters or more, stop words and the generic words of ``GENERIC`` left
  out, compared on their first five letters, so "students" meets "student" and "energy" meets
  "energy"). The three with the most shared words are kept; ties go to the shorter id;
* **expected sign**: ``-`` for indicators where a larger value means conflict (threats, coercion ...),
  ``+`` otherwise, since a proposal asks for more cooperation; directed indicators are linked
  ``directed: both``;
* ``evidence: none`` with a note where no indicator fits.

Windows: the baseline is the five years before the document's year and the evaluation starts in that year;
without a document date, ``--evaluation-start`` must be given. The draft is meant to be edited, then
checked with ``dyad agenda check`` and run with ``dyad scorecard A B --agenda FILE``.
"""

from __future__ import annotations

import json
import re

import yaml

from dyad import indicators as registry
from dyad.documents.text import DIRECTION_IDS, FUNCTION_WORDS, default_lexicon, words

GENERIC = frozenset("""share exports export imports import products product countries country events event
dyad dyads between per both directions direction option options default value values series group groups
total including incl other list year years every result results report common regular hold create
joint make take level""".split())
MAX_LINKS = 3


def _stems(text: str) -> set[str]:
    return {w[:5] for w in words(text) if len(w) >= 4 and w not in FUNCTION_WORDS and w not in GENERIC}


def directions_for(text: str) -> tuple[list[str], bool]:
    """(directions with the most lexicon matches, whether the lexicon matched anything)."""
    counts, _ = default_lexicon().scores(text)
    best = max(counts.values())
    if not best:
        return list(DIRECTION_IDS), False
    return [d for d in DIRECTION_IDS if counts[d] == best], True


def candidates(text: str, directions: list[str]) -> list[tuple[registry.Indicator, list[str]]]:
    """Registered indicators of the given directions whose metadata shares content words with ``text``,
    most shared words first, at most ``MAX_LINKS``; each with the shared stems."""
    registry.load()
    stems = _stems(text)
    scored = []
    for ind in registry.all_indicators():
        if not set(ind.directions) & set(directions):
            continue
        shared = sorted(stems & _stems(f"{ind.label} {ind.id.replace('_', ' ')}"))
        if shared:
            scored.append((ind, shared))
    scored.sort(key=lambda x: (-len(x[1]), len(x[0].id), x[0].id))
    return scored[:MAX_LINKS]


def sign_for(indicator: registry.Indicator) -> str:
    return "-" if indicator.higher_means == "conflict" else "+"


def draft(store, doc_id: str, *, countries: tuple[str, str] | None = None,
          evaluation_start: int | None = None) -> dict:
    """The draft agenda of a stored document, as the mapping written to YAML."""
    from dyad.documents import search as ds

    record = ds.document(store, doc_id)
    props = ds.items(store, record["doc_id"], "proposal")
    if props.empty:
        raise ValueError(f"document {record['doc_id']} has no numbered proposals to turn into an agenda; "
                         "`dyad doc show ID --proposals` lists what was found")
    year = evaluation_start
    if year is None:
        found = re.match(r"(\d{4})", str(record.get("date") or ""))
        if not found:
            raise ValueError(f"document {record['doc_id']} has no date; give --evaluation-start YEAR "
                             "(the first year the proposals are evaluated)")
        year = int(found.group(1))
    if countries is None:
        mentioned = record["meta"].get("countries", {})
        top = sorted(mentioned, key=lambda c: (-mentioned[c], c))[:2]
        countries = tuple(top) if len(top) == 2 else None
    labels = default_lexicon().labels
    out_props = []
    for k, row in enumerate(props.itertuples(index=False), start=1):
        text = " ".join(str(row.text).split())
        dirs, matched = directions_for(text)
        links = candidates(text, dirs)
        body: dict = {"id": f"P{k}", "statement": text, "directions": dirs}
        notes = []
        if not matched:
            notes.append("the directions lexicon matched no term: every direction is listed, keep the right one")
        if links:
            body["indicators"] = []
            for ind, shared in links:
                link = {"id": ind.id, "sign": sign_for(ind)}
                if ind.directed:
                    link["directed"] = "both"
                link["rationale"] = (f"candidate from the registry metadata (shared words: {', '.join(shared)}); "
                                     f"higher means {ind.higher_means}")
                body["indicators"].append(link)
        else:
            body["evidence"] = "none"
            notes.append("no registered indicator's label or id shares a content word with this "
                         "proposal; name the data that would evidence it")
        if notes:
            body["note"] = "; ".join(notes)
        out_props.append(body)
    agenda = {
        "id": f"draft-{record['doc_id']}",
        "title": f"Draft agenda from: {record['title'] or record['doc_id']}",
        "source": f"dyad agenda draft {record['doc_id']} ({record['file']})",
        "baseline": {"start": year - 5, "end": year - 1},
        "evaluation": {"start": year},
        "directions": {d: {"name": labels[d]} for d in DIRECTION_IDS},
        "proposals": out_props,
    }
    if countries:
        agenda["countries"] = list(countries)
    return agenda


def to_yaml(agenda: dict) -> str:
    head = ("# Draft agenda written by `dyad agenda draft`: directions by the lexicon, indicators are\n"
            "# candidates from the registry metadata. Edit, then `dyad agenda check FILE`.\n")
    return head + yaml.safe_dump(json.loads(json.dumps(agenda)), sort_keys=False, allow_unicode=True, width=110)
