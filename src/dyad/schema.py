"""Canonical tables: one schema per kind of data. Every source adapter maps its format into these.

Downstream code never knows which file format a row came from. Each table names its natural key:
an ingest merges by that key, so loading the same rows twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[tuple[str, str], ...]
    key: tuple[str, ...]
    doc: str = ""

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c for c, _ in self.columns)

    def ddl(self, name: str | None = None, run_column: bool = False) -> str:
        """``CREATE TABLE IF NOT EXISTS``; ``run_column`` adds :data:`RUN_COLUMN` (the store's canonical tables
        carry it: the ingest run that loaded each row, so a run can be deleted)."""
        cols = [f'"{c}" {t}' for c, t in self.columns]
        if run_column and RUN_COLUMN not in self.column_names:
            cols.append(f'"{RUN_COLUMN}" INTEGER')
        return f'CREATE TABLE IF NOT EXISTS "{name or self.name}" ({", ".join(cols)})'


def _t(name: str, key: tuple[str, ...], doc: str, *cols: tuple[str, str]) -> Table:
    return Table(name, tuple(cols), key, doc)


TABLES: dict[str, Table] = {}

# Every canonical table in a store has this column besides its own: the ingest run that first loaded the row
# (NULL for rows loaded before dyad recorded it). Adapters never fill it; the store does when it merges.
RUN_COLUMN = "ingest_id"


def register(table: Table) -> Table:
    """Add a canonical table (plugins may add their own kinds)."""
    existing = TABLES.get(table.name)
    if existing is not None and existing != table:
        raise ValueError(f"canonical table {table.name!r} is already registered with another schema")
    TABLES[table.name] = table
    return table


for _table in (
    _t("rollcalls", ("rcid",), "UN General Assembly roll calls",
       ("rcid", "BIGINT"), ("session", "INTEGER"), ("date", "DATE"), ("year", "INTEGER"),
       ("resolution", "VARCHAR"), ("short", "VARCHAR"), ("descr", "VARCHAR"),
       ("important", "BOOLEAN"), ("amend", "BOOLEAN"), ("para", "BOOLEAN")),
    _t("rollcall_issues", ("rcid", "issue", "coding"),
       "issue codes of roll calls (me nu di hr co ec); coding = which release assigned them",
       ("rcid", "BIGINT"), ("issue", "VARCHAR"), ("coding", "VARCHAR")),
    _t("votes", ("rcid", "country"), "one country's vote on one roll call",
       ("rcid", "BIGINT"), ("country", "VARCHAR"), ("vote", "VARCHAR")),
    _t("events", ("dataset", "event_id"), "coded political events (GDELT, ICEWS)",
       ("dataset", "VARCHAR"), ("event_id", "VARCHAR"), ("date", "DATE"),
       ("source_country", "VARCHAR"), ("target_country", "VARCHAR"),
       ("source_actor", "VARCHAR"), ("target_actor", "VARCHAR"),
       ("source_type", "VARCHAR"), ("target_type", "VARCHAR"),
       ("cameo", "VARCHAR"), ("root", "INTEGER"), ("quad", "INTEGER"), ("goldstein", "DOUBLE"),
       ("mentions", "INTEGER"), ("tone", "DOUBLE"), ("url", "VARCHAR")),
    _t("trade", ("source", "year", "month", "exporter", "importer", "product", "reporter"),
       "trade flows in US dollars; month 0 = annual; reporter = who reported the flow",
       ("source", "VARCHAR"), ("year", "INTEGER"), ("month", "INTEGER"),
       ("exporter", "VARCHAR"), ("importer", "VARCHAR"), ("product", "VARCHAR"),
       ("classification", "VARCHAR"), ("reporter", "VARCHAR"),
       ("value_usd", "DOUBLE"), ("quantity", "DOUBLE"), ("quantity_unit", "VARCHAR")),
    _t("arms", ("source", "deal_id"), "arms transfer deals (SIPRI); TIV in millions; names as SIPRI wrote them",
       ("source", "VARCHAR"), ("deal_id", "VARCHAR"), ("supplier", "VARCHAR"), ("recipient", "VARCHAR"),
       ("supplier_name", "VARCHAR"), ("recipient_name", "VARCHAR"),
       ("order_year", "INTEGER"), ("order_year_uncertain", "BOOLEAN"),
       ("number_ordered", "DOUBLE"), ("number_ordered_uncertain", "BOOLEAN"),
       ("number_delivered", "DOUBLE"), ("number_delivered_uncertain", "BOOLEAN"), ("delivery_years", "VARCHAR"),
       ("weapon", "VARCHAR"), ("description", "VARCHAR"), ("category", "VARCHAR"), ("status", "VARCHAR"),
       ("tiv_unit", "DOUBLE"), ("tiv_total", "DOUBLE"), ("tiv_delivered", "DOUBLE"),
       ("uncertain", "BOOLEAN"), ("comments", "VARCHAR"), ("local_production", "BOOLEAN")),
    _t("arms_deliveries", ("source", "deal_id", "year"),
       "arms deliveries per deal and year (TIV millions); basis says whether reported or split from totals",
       ("source", "VARCHAR"), ("deal_id", "VARCHAR"), ("year", "INTEGER"), ("supplier", "VARCHAR"),
       ("recipient", "VARCHAR"), ("number", "DOUBLE"), ("number_uncertain", "BOOLEAN"),
       ("year_uncertain", "BOOLEAN"), ("tiv", "DOUBLE"), ("category", "VARCHAR"), ("basis", "VARCHAR")),
    _t("arms_tiv", ("source", "supplier", "recipient", "year"),
       "SIPRI TIV tables: millions of TIV delivered per supplier, recipient (WLD = all) and year",
       ("source", "VARCHAR"), ("supplier", "VARCHAR"), ("recipient", "VARCHAR"), ("year", "INTEGER"),
       ("tiv", "DOUBLE")),
    _t("speeches", ("country", "session"), "UN General Debate speeches",
       ("country", "VARCHAR"), ("session", "INTEGER"), ("year", "INTEGER"), ("date", "DATE"),
       ("seat", "VARCHAR"), ("text", "VARCHAR")),
    _t("documents", ("doc_id",), "reports and other long documents",
       ("doc_id", "VARCHAR"), ("title", "VARCHAR"), ("authors", "VARCHAR"), ("date", "VARCHAR"),
       ("file", "VARCHAR"), ("sha256", "VARCHAR"), ("text", "VARCHAR"), ("meta", "VARCHAR")),
    _t("segments", ("doc_id", "seq"), "segments of documents",
       ("doc_id", "VARCHAR"), ("seq", "INTEGER"), ("kind", "VARCHAR"), ("number", "VARCHAR"),
       ("text", "VARCHAR"), ("direction", "VARCHAR"), ("meta", "VARCHAR")),
    _t("segment_terms", ("doc_id", "seq", "term"), "search index: term frequency per document segment",
       ("doc_id", "VARCHAR"), ("seq", "INTEGER"), ("term", "VARCHAR"), ("tf", "INTEGER")),
    _t("calendar", ("country", "date", "kind"), "political-cycle events",
       ("country", "VARCHAR"), ("date", "DATE"), ("kind", "VARCHAR"), ("label", "VARCHAR"),
       ("source", "VARCHAR"), ("end_date", "DATE"), ("status", "VARCHAR")),
    _t("covariates", ("source", "a", "b", "year", "variable"),
       "dyad-year and state-year covariates (b = '' for state-year values)",
       ("source", "VARCHAR"), ("a", "VARCHAR"), ("b", "VARCHAR"), ("year", "INTEGER"),
       ("variable", "VARCHAR"), ("value", "DOUBLE")),
):
    register(_table)

PROVENANCE = _t(
    "provenance", ("ingest_id",), "one row per ingest run",
    *(("ingest_id", "INTEGER"), ("source", "VARCHAR"), ("path", "VARCHAR"), ("sha256", "VARCHAR"),
     ("size", "BIGINT"), ("rows_read", "BIGINT"), ("rows_loaded", "BIGINT"), ("rows_new", "BIGINT"),
     ("rows_rejected", "BIGINT"), ("status", "VARCHAR"), ("message", "VARCHAR"),
     ("started", "TIMESTAMP"), ("finished", "TIMESTAMP"), ("dyad_version", "VARCHAR"),
     ("options", "VARCHAR"), ("rows_present", "BIGINT")),
)
PROVENANCE_FILES = _t(
    "provenance_files", ("ingest_id", "file"), "files read by each ingest run",
    *(("ingest_id", "INTEGER"), ("file", "VARCHAR"), ("sha256", "VARCHAR"), ("size", "BIGINT"),
     ("rows_read", "BIGINT"), ("rows_loaded", "BIGINT"), ("rows_rejected", "BIGINT")),
)
QUARANTINE = _t(
    "quarantine", ("ingest_id", "file", "row"), "rejected input rows with the reason",
    *(("ingest_id", "INTEGER"), ("file", "VARCHAR"), ("row", "BIGINT"), ("reason", "VARCHAR"),
     ("raw", "VARCHAR")),
)
COVERAGE = _t(
    "coverage", ("ingest_id", "file", "kind", "dataset", "scope", "country_a", "country_b", "first"),
    "what each ingested file observed: dates covered and scope (see dyad.coverage)",
    *(("ingest_id", "INTEGER"), ("file", "VARCHAR"), ("kind", "VARCHAR"), ("dataset", "VARCHAR"),
     ("scope", "VARCHAR"), ("country_a", "VARCHAR"), ("country_b", "VARCHAR"), ("first", "DATE"),
     ("last", "DATE"), ("rows", "BIGINT"), ("detail", "VARCHAR")),
)
STORE_META = _t(
    "store_meta", ("key",), "store-wide counters; 'version' goes up with every committed ingest (keys the results cache)",
    *(("key", "VARCHAR"), ("value", "BIGINT")),
)
META_TABLES = (PROVENANCE, PROVENANCE_FILES, QUARANTINE, COVERAGE, STORE_META)
