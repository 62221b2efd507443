"""``dyad ingest``: load a public file or folder into the store."""

from __future__ import annotations

from pathlib import Path

import click

from dyad import sources
from dyad.progress import heartbeat


@click.command("ingest")
@click.argument("source")
@click.option("--from", "path", type=click.Path(exists=True, path_type=Path),
              help="A file or folder in the source's format.")
@click.option("--start", help="First date to download (sources that download, e.g. gdelt).")
@click.option("--end", help="Last date to download.")
@click.option("--download", is_flag=True, help="Download the source's public files first.")
@click.option("--cache", type=click.Path(path_type=Path), help="Download folder (default: the user cache).")
@click.option("--force", is_flag=True, help="Ingest even if this exact content was ingested before.")
@click.option("--option", "options", multiple=True, metavar="KEY=VALUE",
              help="An adapter option, repeatable (e.g. baci countries=CHN,RUS; sipri supplier=Russia).")
@click.pass_obj
def ingest(obj, source: str, path: Path | None, start: str | None, end: str | None, download: bool,
           cache: Path | None, force: bool, options: tuple[str, ...]) -> None:
    """Ingest SOURCE from a file or folder (or download it), in one transaction.

    Rows that fail validation are kept in the quarantine with the reason; rows read = rows loaded +
    rows rejected. Ingesting the same content twice changes nothing.

    Example:

    \b
        dyad ingest unvotes --from ../shared/data/unvotes
        dyad ingest gdelt --start 2024-01-01 --end 2024-01-03
        dyad ingest baci --from BACI_HS17_V202401.zip --option countries=CHN,RUS
    """
    adapter = sources.get(source)
    extra = {}
    for item in options:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--option")
        extra[key.strip()] = value.strip()
    paths: list[Path] = []
    if path is not None:
        paths.append(path)
    if download or start or end:
        fetch = getattr(adapter, "download", None)
        if fetch is None:
            raise click.UsageError(f"source {source!r} has no download; pass --from PATH")
        paths.extend(fetch(start=start, end=end, cache=cache))
    if not paths:
        raise click.UsageError("give --from PATH, or --download / --start and --end")
    with obj.store() as store:
        for p in paths:
            with heartbeat(f"ingest {source} {p}"):
                result = store.ingest(source, p, force=force, **extra)
            click.echo(result.summary())


COMMANDS = [ingest]
