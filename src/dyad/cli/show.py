"""``dyad report`` and ``dyad serve``: the HTML report and the web dashboard."""

from __future__ import annotations

import ipaddress
import time
from pathlib import Path

import click

from dyad.countries import resolve_pair


def _open(obj, store_path: Path | None, read_only: bool):
    from dyad.store import open_store

    return open_store(store_path, read_only=read_only) if store_path else obj.store(read_only=read_only)


@click.command("report")
@click.argument("a")
@click.argument("b")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default="report.html",
              show_default=True, help="The HTML file to write.")
@click.option("--data", "data_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder of public files to ingest first (layout: docs/sources/layout.md).")
@click.option("--store", "store_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Store file (overrides the global --store / $DYAD_STORE).")
@click.option("--charts", "charts_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write one SVG and one PNG per chart into this folder, for slides.")
@click.option("--download", "download", default=None, metavar="SOURCES",
              help="Download these sources' public files first (comma list, e.g. unvotes,wdi,gdelt; "
                   "'default' = unvotes,wdi). Needs a connection; failures are reported, the report still builds.")
@click.option("--start", help="With --download: first date for dated sources (gdelt).")
@click.option("--end", help="With --download: last date for dated sources (gdelt).")
@click.option("--progress/--no-progress", default=None, help="Progress bars (default: when stderr is a terminal).")
@click.option("--compare", "compare", default=None, metavar="DYADS",
              help="Up to three other dyads drawn on the same charts, e.g. USA-CHN,IND-RUS.")
@click.pass_obj
def report_cmd(obj, a, b, output, data_dir, store_path, charts_dir, download, start, end, progress,
               compare) -> None:
    """Write one self-contained HTML report on the relations of A and B (opens offline).

    With --data DIR, first ingest every file the layout table finds in DIR (files already ingested with the
    same content are skipped, so a second run is fast). Files that fail, or whose source adapter is not in
    this build, are listed in the report and here; the report is still written.

    Example:

    \b
        dyad report CHN RUS --data ../shared/data -o report.html
        dyad report CHN RUS -o report.html --charts slides/
        dyad report CHN RUS --download default -o report.html
        dyad report CHN RUS -o report.html --compare USA-CHN,IND-RUS
    """
    from dyad.report import build_report
    from dyad.report.data import compare_pairs
    from dyad.report.ingest import ingest_layout

    a, b = resolve_pair(a, b)
    try:
        pairs = compare_pairs(compare, a, b)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--compare") from exc
    started = time.perf_counter()
    with _open(obj, store_path, read_only=data_dir is None and download is None) as store:
        plan = None
        if data_dir is not None:
            plan = ingest_layout(store, data_dir, show_progress=progress)
            _echo_problems(plan)
        if download:
            from dyad.report.fetch import DEFAULT_DOWNLOADS, download_and_ingest

            names = DEFAULT_DOWNLOADS if download == "default" else tuple(n.strip() for n in download.split(","))
            for fetched in download_and_ingest(store, names, start, end):
                click.echo(f"{fetched.status.upper()}: {fetched.source}: {fetched.message}",
                           err=fetched.status == "failed")
        ingest_seconds = time.perf_counter() - started
        report = build_report(store, a, b, output, ingest=plan, charts_dir=charts_dir, progress_enabled=progress,
                              compare=pairs)
    computed = sum(1 for r in report.indicators if r.ok)
    click.echo(f"wrote {output}: {computed} of {len(report.indicators)} indicators drawn (the others have no data "
               "or too little, and the report lists them with the reason); "
               f"ingest {ingest_seconds:.1f} s, total {time.perf_counter() - started:.1f} s")
    if charts_dir is not None:
        click.echo(f"charts (SVG and PNG) in {charts_dir}")


def _echo_problems(plan) -> None:
    """Say loudly what was not ingested: failures one by one, missing adapters once per source."""
    missing: dict[tuple[str, str], int] = {}
    # the report's rule (IngestPlan.problems): a pattern that matched nothing is news only when its source
    # got no file from another pattern (BACI under trade/ rather than under its CEPII names is fine)
    absent = [f"{o.source} ({o.pattern})" for o in plan.problems() if o.status == "absent"]
    if absent:
        click.echo(f"ABSENT (nothing matched under {plan.data_dir}): {', '.join(absent)}", err=True)
    for o in plan.outcomes:
        if o.status == "failed":
            click.echo(f"FAILED: {o.source} {o.path}: {o.message}", err=True)
        elif o.status == "not ingested":
            missing[(o.source, o.message)] = missing.get((o.source, o.message), 0) + 1
    for (source, message), count in missing.items():
        click.echo(f"NOT INGESTED: {source} ({count} file{'s' if count != 1 else ''}): {message}", err=True)


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True)
@click.option("--allow-remote", is_flag=True, help="Allow binding an address other than loopback.")
@click.option("--store", "store_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Store file (overrides the global --store / $DYAD_STORE).")
@click.pass_obj
def serve_cmd(obj, host, port, allow_remote, store_path) -> None:
    """Serve the dashboard and the JSON API (docs at /api/docs) over the store, read-only.

    Binds 127.0.0.1 unless told otherwise; any non-loopback address needs --allow-remote.

    Example:

    \b
        dyad serve
        dyad serve --port 9000
    """
    import uvicorn

    from dyad.store import default_path
    from dyad.web import create_app

    if not is_loopback(host) and not allow_remote:
        raise click.UsageError(f"refusing to bind {host}: it is not a loopback address. The dashboard has no "
                               f"authentication; pass --allow-remote if you really want it reachable.")
    path = store_path or (Path(obj.store_path) if obj.store_path else default_path())
    app = create_app(path, allowed_hosts=None if allow_remote else ["127.0.0.1", "localhost", "[::1]", "::1"])
    click.echo(f"dyad dashboard on http://{host}:{port}/ (API docs /api/docs), store {path} read-only", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


COMMANDS = [report_cmd, serve_cmd]
