"""Small real files per source adapter (paths under ../shared/data), shared by the engine-parity,
fault and fuzz suites.

This is the one hook for adapters merged later: add a line ``"name": [(folder, ..., file), ...]`` and
the parity store ingests those files, the kill -9 test interrupts an ingest of them, and the fuzzer
mutates their lines. Names of adapters that are not registered are ignored.
"""

from __future__ import annotations

SAMPLE_INPUTS: dict[str, list[tuple[str, ...]]] = {
    # The unvotes package tables (not the 2016 release): 870,109 votes, 6,203 roll calls.
    "unvotes": [("unvotes", "un_roll_calls.rda"), ("unvotes", "un_roll_call_issues.rda"),
                ("unvotes", "un_votes.rda"), ("unvotes", "unxml", "78.json")],
    # Events and trade adapters (branches events and trade), under the names they register; the files
    # are those their own tests ingest.
    "gdelt": [("events", "gdelt", "gdelt2_20191024143000.export.CSV"),
              ("events", "gdelt", "gdelt1_daily_20160728_sample710.tsv")],
    "icews": [("events", "icews", "icews_events.2018.sample.tab")],
    "baci": [("trade", "baci_russia_china_processed_2017_2023.csv")],
    "comtrade": [("trade", "comtrade_imports_chn_from_rus_2017_2024.csv")],
    "oec": [("trade", "exports_russia_to_china_2018_2023.csv")],
    "sipri": [("arms",)],
    "wdi": [("wdi", "worldbank_russia_china_raw.csv")],
    "ungdc": [("ungdc",)],
}

# Text files of every kind, for fuzzing adapters with foreign lines too (read in place, never copied).
TEXT_FILES: list[tuple[str, ...]] = [
    ("unvotes", "un_roll_call_issues.csv"),
    ("events", "gdelt", "gdelt2_20191024143000.export.CSV"),
    ("events", "gdelt", "gdelt1_daily_20160728_sample710.tsv"),
    ("events", "icews", "icews_events.2018.sample.tab"),
    ("arms", "sipri_trade_register_all_1949_2024.csv"),
    ("trade", "baci_russia_china_processed_2017_2023.csv"),
    ("wdi", "WB2018_API_SP.POP.TOTL_DS2_en_csv_v2.csv"),
]

# Text files in an adapter's own format, for fuzzing with mutated lines (adapters whose SAMPLE_INPUTS are
# text use those; the rest fall back to TEXT_FILES).
TEXT_SAMPLES: dict[str, list[tuple[str, ...]]] = {
    "unvotes": [("unvotes", "un_votes.csv.gz"), ("unvotes", "un_roll_calls.csv.gz"),
                ("unvotes", "un_roll_call_issues.csv")],
}
