"""``dyad trade`` and ``dyad arms``: bilateral trade flows and arms transfers."""

from __future__ import annotations

import click
import pandas as pd

from dyad import quality
from dyad.cli.common import format_option, show, show_notes, ussr_option
from dyad.countries import resolve_pair
from dyad.measures import arms as ar
from dyad.measures import trade as tr
from dyad.output import for_reading, tidy

TRADE_VIEWS = ("values", "shares", "hhi", "dependence", "mirror")


def _trade_frames(store, a, b, by, view, group, source, basis, start=None, end=None):
    opts = {"source": source, "start": start, "end": end}
    if view == "values":
        if group:
            return [tr.group_value(store, a, b, by=by, group=group, **opts),
                    tr.group_value(store, b, a, by=by, group=group, **opts),
                    tr.shares(store, a, b, by=by, groups=[group], **opts),
                    tr.shares(store, b, a, by=by, groups=[group], **opts)]
        frames = [tr.exports(store, a, b, by=by, **opts), tr.exports(store, b, a, by=by, **opts),
                  tr.total(store, a, b, by=by, **opts), tr.balance(store, a, b, by=by, **opts)]
        if by != "all":
            frames.append(tr.growth(store, a, b, by=by, **opts))
        return frames
    if view == "shares":
        groups = [group] if group else tr.exclusive_groups()
        return [tr.shares(store, a, b, by=by, groups=groups, **opts),
                tr.shares(store, b, a, by=by, groups=groups, **opts)]
    if view == "hhi":
        return [tr.hhi(store, a, b, by=by, **opts), tr.hhi(store, b, a, by=by, **opts)]
    if view == "dependence":
        return [tr.dependence(store, a, b, by=by, basis=basis, **opts),
                tr.dependence(store, b, a, by=by, basis=basis, **opts)]
    return [tr.mirror_gap(store, a, b, by=by), tr.mirror_gap(store, b, a, by=by)]  # all years: needs both reports


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=tr.TIDY)
    return tidy(pd.concat(frames, ignore_index=True))


@click.command("trade")
@click.argument("a")
@click.argument("b")
@click.option("--by", type=click.Choice(tr.PERIODS), default="year", show_default=True,
              help="Period: year, month (monthly sources such as Comtrade) or all.")
@click.option("--view", type=click.Choice(TRADE_VIEWS), default="values", show_default=True,
              help="values: exports each way, total, balance, growth; shares: product-group shares; hhi: "
                   "concentration over HS chapters; dependence: relative to GDP or total trade; mirror: "
                   "importer vs exporter/BACI reports.")
@click.option("--group", help="A product group (see reference/product_groups.csv), e.g. energy, machinery, hightech.")
@click.option("--source", help="baci, comtrade, oec or cow-trade (default: the first of these with data).")
@click.option("--basis", type=click.Choice(["gdp", "trade"]), default="gdp", show_default=True,
              help="Denominator for --view dependence.")
@click.option("--start", type=int, help="First year.")
@click.option("--end", type=int, help="Last year.")
@ussr_option
@format_option
@click.pass_obj
def trade_cmd(obj, a, b, by, view, group, source, basis, start, end, ussr_as_russia, fmt):
    """Trade between A and B in US dollars, both directions, per period.

    Values are USD (BACI's thousands and COW's millions are converted on ingest); the source used is a
    column of the output.

    Example:

    \b
        dyad trade CHN RUS --by year
        dyad trade CHN RUS --by year --group energy
        dyad trade RUS CHN --view shares --source baci
        dyad trade RUS CHN --by month --source comtrade --start 2022
    """
    a, b = resolve_pair(a, b)
    if group and group not in tr.product_groups():
        raise click.BadParameter(f"unknown group {group!r}; groups: {', '.join(tr.product_groups())}",
                                 param_hint="--group")
    with obj.store(read_only=True) as store:
        frame = _concat(_trade_frames(store, a, b, by, view, group, source, basis, start, end))
    frame = quality.existing(frame, a, b, by, ussr_as_russia=ussr_as_russia)    # no Russia before Dec 1991
    show(for_reading(frame) if fmt == "table" else frame, fmt)
    show_notes(frame)


@click.command("arms")
@click.argument("supplier")
@click.argument("recipient")
@click.option("--by", type=click.Choice(["year", "all"]), default="year", show_default=True)
@click.option("--source", type=click.Choice(ar.SOURCES), default="sipri-register", show_default=True,
              help="Register (all deals; delivered TIV spread over delivery years, by units per year where the "
                   "deliveries export is loaded), the per-year deliveries export, or SIPRI's TIV table (TIV only).")
@click.option("--category", help="Only one SIPRI armament category, e.g. Aircraft, Missiles, Ships.")
@click.option("--categories", is_flag=True, help="Instead: deals and TIV per armament category, all years.")
@ussr_option
@format_option
@click.pass_obj
def arms_cmd(obj, supplier, recipient, by, source, category, categories, ussr_as_russia, fmt):
    """Arms transfers from SUPPLIER to RECIPIENT (SIPRI): deals ordered, TIV delivered, share of imports.

    TIV is SIPRI's trend-indicator value in millions, a volume measure, not US dollars.

    Example:

    \b
        dyad arms RUS CHN
        dyad arms RUS CHN --category Aircraft --format csv
        dyad arms RUS CHN --categories
        dyad arms RUS CHN --source sipri-tiv
    """
    a, b = resolve_pair(supplier, recipient)
    with obj.store(read_only=True) as store:
        opts = {"by": by, "source": source, "category": category}
        if source == "sipri-tiv":          # the table has TIV only: no deals, no other suppliers
            if categories:
                raise click.UsageError("SIPRI's TIV table has no armament categories; use another --source")
            try:
                frame = quality.existing(ar.tiv_delivered(store, a, b, **opts), a, b, by,
                                         ussr_as_russia=ussr_as_russia)
            except ValueError as exc:
                raise click.UsageError(str(exc)) from exc
            show(frame, fmt)
            show_notes(frame)
            return
        if categories:
            show(ar.by_category(store, a, b, source=source), fmt)
            return
        frame = quality.existing(_concat([ar.deals(store, a, b, **opts), ar.tiv_delivered(store, a, b, **opts),
                                          ar.share_of_imports(store, a, b, **opts)]), a, b, by,
                                 ussr_as_russia=ussr_as_russia)
    show(frame, fmt)
    show_notes(frame)


COMMANDS = [trade_cmd, arms_cmd]
