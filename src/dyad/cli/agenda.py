"""``dyad index``, ``dyad scorecard`` and ``dyad agenda``: an agenda's relationship index and proposal scorecard."""

from __future__ import annotations

import json

import click

from dyad import agenda as ag
from dyad.analysis.index import relationship_index
from dyad.analysis.scorecard import CORRECTIONS, TESTS, scorecard
from dyad.cli.common import format_option, show
from dyad.countries import resolve
from dyad.output import records

agenda_option = click.option("--agenda", "agenda_name", default="russia-china-2018", show_default=True,
                             help="A built-in agenda name or a YAML file.")
lenient_option = click.option("--lenient", is_flag=True,
                              help="Accept indicator ids that are not registered (they count as not measurable).")
thin_option = click.option("--include-thin", is_flag=True,
                           help="Keep values the indicators mark thin (below their minimum support); left out "
                                "by default.")
PARTS = ("all", "index", "inputs", "contributions")


def _agenda(name: str, lenient: bool) -> ag.Agenda:
    return ag.load(name, strict=not lenient)


@click.command("index")
@click.argument("a")
@click.argument("b")
@agenda_option
@click.option("--weights", "weights_file", type=click.Path(dir_okay=False),
              help="YAML file {directions: {D1: 2}, indicators: {un_agreement: 0.5}} overriding the agenda's weights.")
@click.option("--reference", help="Years the z-scores are taken against, e.g. 2017-2019 (default: the agenda's "
                                  "baseline).")
@click.option("--start", type=int, help="First year shown.")
@click.option("--end", type=int, help="Last year shown.")
@click.option("--reps", type=int, default=999, show_default=True, help="Bootstrap replicates (0: no intervals).")
@click.option("--part", type=click.Choice(PARTS), default=None,
              help="What to print: the index, its inputs (weights, baseline, status), the per-year "
                   "contributions, or all (default; CSV defaults to index).")
@thin_option
@lenient_option
@format_option
@click.pass_obj
def index_cmd(obj, a, b, agenda_name, weights_file, reference, start, end, reps, part, include_thin, lenient, fmt):
    """Relationship index per direction and overall: baseline z-scores, sign-aligned and weighted.

    Each row shows the value, its bootstrap interval and the coverage (share of the direction's weight
    with data that year); the inputs table shows each series' weight, baseline mean and sd, and status.

    Example:

    \b
        dyad index CHN RUS
        dyad index CHN RUS --agenda my-agenda.yaml --weights weights.yaml --format json
        dyad index CHN RUS --part inputs --reference 2017-2019
    """
    agenda = _agenda(agenda_name, lenient)
    weights = ag.load_weights(weights_file) if weights_file else None
    a, b = resolve(a), resolve(b)
    with obj.store(read_only=True) as store:
        result = relationship_index(store, agenda, a, b, weights=weights, reference=reference, reps=reps,
                                    start=start, end=end, include_thin=include_thin)
    part = part or ("index" if fmt == "csv" else "all")
    if fmt == "csv" and part == "all":
        raise click.UsageError("CSV holds one table: choose --part index, inputs or contributions")
    tables = {"index": result.to_frame(), "inputs": result.inputs, "contributions": result.contributions}
    if fmt == "json" and part == "all":
        payload = {"a": a, "b": b, "agenda": result.agenda, "reference": result.reference, "note": result.note,
                   **{k: records(v) for k, v in tables.items()}}
        click.echo(json.dumps(payload, indent=1))
        return
    if part != "all":
        show(tables[part], fmt)
        return
    click.echo(result.summary() + "\n")
    if fmt == "table":
        # at a glance: a year per row, a direction per column (the tidy rows: --part index)
        wide, legend = result.wide()
        names = dict(result.values[["direction", "name"]].drop_duplicates().itertuples(index=False))
        click.echo("Index by year (z-scores against the reference; overall with its 95% interval):")
        click.echo("  " + "; ".join(f"{d} {n}" for d, n in names.items() if d != "overall"))
        show(wide, fmt)
        for line in legend:
            click.echo(f"  {line}")
    else:
        show(tables["index"].drop(columns=["a", "b", "indicator"]), fmt)
    click.echo("\nInputs (weights, baseline and status of each series):")
    show(tables["inputs"], fmt)


@click.command("scorecard")
@click.argument("a")
@click.argument("b")
@agenda_option
@click.option("--weights", "weights_file", type=click.Path(dir_okay=False),
              help="YAML weights file (indicator weights combine series into a proposal verdict).")
@click.option("--test", type=click.Choice(TESTS), default="welch", show_default=True,
              help="Test of the level change between the windows.")
@click.option("--alpha", type=float, help="Significance level (default: the agenda's, usually 0.05).")
@click.option("--correction", type=click.Choice(CORRECTIONS), default="bh", show_default=True,
              help="Multiple-testing correction over all series tests of the run: Benjamini-Hochberg, Holm or none.")
@click.option("--baseline", help="Baseline years, e.g. 2013-2017 (default: the agenda's).")
@click.option("--evaluation", help="Evaluation years, e.g. 2018- or 2018-2023 (default: the agenda's).")
@thin_option
@lenient_option
@format_option
@click.pass_obj
def scorecard_cmd(obj, a, b, agenda_name, weights_file, test, alpha, correction, baseline, evaluation,
                  include_thin, lenient, fmt):
    """Which of the agenda's proposals advanced, stalled or reversed, with the evidence for each.

    Each series uses the strongest design its years allow (windows compared with 3+ baseline and 3+
    evaluation years; else change and trend since the last pre-evaluation year, weaker; else not
    measurable), named with the years used. Verdicts read p-values corrected over all tests of the run.
    Table: one block per proposal with each linked series' design, years, level change, slopes and test.
    CSV: one row per proposal and series. JSON: proposals with their evidence records.

    Example:

    \b
        dyad scorecard CHN RUS --agenda russia-china-2018
        dyad scorecard CHN RUS --test permutation --format json
        dyad scorecard CHN RUS --baseline 2015-2017 --evaluation 2018-2023 --correction holm
        dyad scorecard USA CHN      # other countries: the generic five-direction agenda
    """
    agenda = _agenda(agenda_name, lenient)
    weights = ag.load_weights(weights_file) if weights_file else None
    a, b = resolve(a), resolve(b)
    with obj.store(read_only=True) as store:
        try:
            card = scorecard(store, agenda, a, b, weights=weights, alpha=alpha, test=test, correction=correction,
                             baseline=baseline, evaluation=evaluation, include_thin=include_thin)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from exc
    if fmt == "json":
        click.echo(json.dumps(card.to_dict(), indent=1))
    elif fmt == "csv":
        show(card.to_frame(), fmt)
    else:
        click.echo(card.summary())


@click.group("agenda")
def agenda_group():
    """Agendas: directions, proposals and their indicators, as YAML.

    Example:

    \b
        dyad agenda list
        dyad agenda show russia-china-2018
        dyad agenda validate my-agenda.yaml
    """


@agenda_group.command("list")
def agenda_list():
    """The built-in agendas.

    Example:

    \b
        dyad agenda list
    """
    for name in ag.builtin_names():
        click.echo(name)


@agenda_group.command("show")
@click.argument("name")
@lenient_option
@format_option
def agenda_show(name, lenient, fmt):
    """Show an agenda (built-in name or file): directions, proposals, linked indicators and signs.

    Example:

    \b
        dyad agenda show russia-china-2018 --format json
    """
    agenda = _agenda(name, lenient)
    if fmt == "json":
        click.echo(json.dumps(agenda.to_dict(), indent=1))
    elif fmt == "csv":
        show(agenda.to_frame(), fmt)
    else:
        click.echo(agenda.summary())


@agenda_group.command("validate")
@click.argument("path")
@lenient_option
def agenda_validate(path, lenient):
    """Check an agenda file; every problem is listed with the entry it concerns (exit status 2 if any).

    Example:

    \b
        dyad agenda validate my-agenda.yaml
    """
    _validate(path, lenient)


@agenda_group.command("check")
@click.argument("path")
@lenient_option
def agenda_check(path, lenient):
    """Same as ``validate``: check an agenda file and list every problem (exit status 2 if any).

    Example:

    \b
        dyad agenda check agenda.yaml
    """
    _validate(path, lenient)


@agenda_group.command("draft")
@click.argument("doc_id")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), required=True,
              help="YAML file to write the draft agenda to.")
@click.option("--countries", nargs=2, help="The agenda's two countries (default: the two the document names most).")
@click.option("--evaluation-start", type=int, help="First evaluated year (default: the document's year).")
@click.pass_obj
def agenda_draft(obj, doc_id, output, countries, evaluation_start):
    """Turn a stored document's numbered proposals into a draft agenda (YAML) to edit and check.

    Directions come from the directions lexicon, candidate indicators with expected signs from the
    registry's metadata; proposals nothing fits get `evidence: none`.

    Example:

    \b
        dyad agenda draft 3f2a9c -o agenda.yaml
        dyad agenda check agenda.yaml
        dyad scorecard CHN RUS --agenda agenda.yaml
    """
    from pathlib import Path

    from dyad import agenda_draft as drafting

    pair = tuple(resolve(c) for c in countries) if countries else None
    with obj.store(read_only=True) as store:
        try:
            data = drafting.draft(store, doc_id, countries=pair, evaluation_start=evaluation_start)
        except KeyError as exc:
            raise click.ClickException(str(exc.args[0])) from None
    Path(output).write_text(drafting.to_yaml(data), encoding="utf-8")
    links = sum(len(p.get("indicators", [])) for p in data["proposals"])
    none = sum(p.get("evidence") == "none" for p in data["proposals"])
    click.echo(f"{output}: {len(data['proposals'])} proposals, {links} candidate indicator links, "
               f"{none} with evidence: none")


def _validate(path, lenient):
    agenda = _agenda(path, lenient)
    links = sum(len(p.links) for p in agenda.proposals)
    click.echo(f"{agenda.path}: valid -- {len(agenda.directions)} directions, {len(agenda.proposals)} proposals, "
               f"{links} indicator links, baseline {agenda.baseline.label}, evaluation {agenda.evaluation.label}")


COMMANDS = [index_cmd, scorecard_cmd, agenda_group]
