"""``dyad doc``: reports as structured, searchable documents."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pandas as pd

from dyad.cli.common import format_option, show
from dyad.documents import search as ds
from dyad.documents.pipeline import doc_id_for


@click.group("doc")
def doc_group() -> None:
    """Add, list, search and show reports (plain text or PDF).

    Example:

    \b
        dyad doc add report.pdf
        dyad doc search "missile defence"
        dyad doc show 3f2a9c --proposals
    """


@doc_group.command("add")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Process the file again even if this content was added before.")
@click.pass_obj
def add_cmd(obj, file: Path, force: bool) -> None:
    """Clean, segment and index FILE (.txt, .md or .pdf); print the new document's id.

    Example:

    \b
        dyad doc add ../reports/partners-without-limits.pdf
    """
    with obj.store() as store:
        result = store.ingest("doc", file, force=force)
    click.echo(doc_id_for(file))
    click.echo(result.summary(), err=True)


@doc_group.command("list")
@format_option
@click.pass_obj
def list_cmd(obj, fmt: str) -> None:
    """Every stored document with its id, title, authors, date and item counts.

    Example:

    \b
        dyad doc list --format json
    """
    with obj.store(read_only=True) as store:
        frame = ds.list_documents(store)
    if fmt == "table":
        frame = frame.drop(columns=["file"])
    show(frame, fmt)


@doc_group.command("search")
@click.argument("query")
@click.option("--limit", type=int, default=20, show_default=True)
@format_option
@click.pass_obj
def search_cmd(obj, query: str, limit: int, fmt: str) -> None:
    """Segments containing every word of QUERY, best BM25 score first.

    Example:

    \b
        dyad doc search "missile defence"
        dyad doc search "belt and road" --format json
    """
    with obj.store(read_only=True) as store:
        frame = ds.search(store, query, limit)
    if fmt == "table":
        frame = frame.assign(text=frame["text"].str.slice(0, 90), title=frame["title"].str.slice(0, 40))
    show(frame, fmt)


@doc_group.command("show")
@click.argument("doc_id")
@click.option("--proposals", "what", flag_value="proposal", help="Numbered proposals or recommendations.")
@click.option("--footnotes", "what", flag_value="footnote", help="Footnotes with URL and date.")
@click.option("--quotes", "what", flag_value="quote", help="Attributed quotations.")
@format_option
@click.pass_obj
def show_cmd(obj, doc_id: str, what: str | None, fmt: str) -> None:
    """A document: its record and segments, or one kind of extracted item. DOC_ID may be a prefix.

    Example:

    \b
        dyad doc show 3f2a9c
        dyad doc show 3f2a9c --footnotes --format json
    """
    with obj.store(read_only=True) as store:
        if what:
            show(ds.items(store, doc_id, what), fmt)
            return
        record = ds.document(store, doc_id)
        segs = ds.segments(store, doc_id)
    if fmt == "json":
        record["segments"] = [{**r, "meta": json.loads(r["meta"] or "{}")} for r in segs.to_dict("records")]
        click.echo(json.dumps(record, indent=1, ensure_ascii=False, default=str))
        return
    head = pd.DataFrame({"field": ["doc_id", "title", "authors", "date", "file", "organisations", "countries"],
                         "value": [record["doc_id"], record["title"], record["authors"], record["date"],
                                   record["file"], json.dumps(record["meta"].get("organisations", {})),
                                   json.dumps(record["meta"].get("countries", {}))]})
    if fmt == "csv":
        show(segs, fmt)
        return
    show(head, fmt)
    click.echo("")
    show(segs.drop(columns=["meta"]).assign(text=segs["text"].str.slice(0, 100)), fmt)


@doc_group.command("delete")
@click.argument("doc_id")
@click.pass_obj
def delete_cmd(obj, doc_id: str) -> None:
    """Remove a stored document (DOC_ID or a unique prefix): its record, segments and search index.

    Example:

    \b
        dyad doc delete 3f2a9c
    """
    with obj.store() as store:
        try:
            gone = ds.delete(store, doc_id)
        except KeyError as exc:
            raise click.ClickException(str(exc.args[0])) from None
    rows = ", ".join(f"{n} {t}" for t, n in gone["removed"].items())
    click.echo(f"deleted {gone['doc_id']} ({gone['title'] or 'untitled'}): {rows}")


COMMANDS = [doc_group]
