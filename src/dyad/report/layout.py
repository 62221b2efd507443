"""Where ``dyad report --data DIR`` looks for each public file, and which source adapter reads it.

The table is data, not logic: one :class:`Entry` per glob pattern under DIR. A pattern may use
``{a,b}`` alternatives and ``*`` wildcards; it matches files or folders. Every match is ingested on its own
(one provenance run per file or folder, so one bad file does not block the others); a pattern naming a
folder hands the adapter the whole folder. ``root="package"`` entries read data shipped inside dyad (the
political calendars) instead of DIR.

The same table is documented in docs/sources/layout.md; keep the two in step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Entry:
    pattern: str
    source: str
    what: str
    options: dict = field(default_factory=dict, hash=False, compare=False)
    root: str = "data"          # "data": under --data DIR; "package": inside the dyad package

    def base(self, data_dir: Path | None) -> Path | None:
        return PACKAGE_DIR if self.root == "package" else data_dir

    def matches(self, data_dir: Path | None) -> list[Path]:
        """The existing files or folders this entry names, sorted; empty when none exist."""
        base = self.base(data_dir)
        if base is None:
            return []
        found: set[Path] = set()
        for pattern in expand_braces(self.pattern.rstrip("/")):
            found.update(p for p in base.glob(pattern) if p.exists() and not p.name.startswith("."))
        return sorted(found)


def expand_braces(pattern: str) -> list[str]:
    """``a/*.{csv,tsv}`` -> ``["a/*.csv", "a/*.tsv"]`` (pathlib's glob has no brace alternatives)."""
    match = re.search(r"\{([^{}]*)\}", pattern)
    if match is None:
        return [pattern]
    head, tail = pattern[:match.start()], pattern[match.end():]
    out: list[str] = []
    for alt in match.group(1).split(","):
        out.extend(expand_braces(head + alt + tail))
    return out


LAYOUT: tuple[Entry, ...] = (
    Entry("unvotes/", "unvotes", "UN General Assembly roll calls and votes (Voeten / unvotes release; "
          "UN resolution records in unvotes/unxml/ from Nov 2019)"),
    Entry("events/gdelt/*.{csv,CSV,tsv}", "gdelt", "GDELT 1.0 / 2.0 event exports and extracts"),
    # selected by event location (ActionGeo in Georgia), which the rows' actor codes cannot show: declared
    # so that they count as coverage of Georgia's dyads only (docs/methods/coverage.md)
    Entry("events/gdelt/undp_georgia_2011_2013/*.csv", "gdelt", "GDELT monthly extracts (UNDP Georgia)",
          options={"scope": "location:GEO"}),
    Entry("politics/gdelt_russia_china_latest.csv", "gdelt", "recent GDELT China-Russia events"),
    Entry("events/icews/icews_events.2018.sample.tab", "icews", "ICEWS raw events (2018 sample)"),
    Entry("events/icews/netify_icews_dyad_year_*.rda", "icews",
          "ICEWS dyad-year counts, every pair (netify layout); the CSV slices beside it are subsets of it"),
    Entry("trade/baci_*.csv", "baci", "CEPII BACI HS6 bilateral trade"),
    # CEPII's own names, wherever they sit under DIR: yearly files (BACI_HS17_Y2022_V202401b.csv, read with
    # the country_codes_V*.csv beside them) and release zips (BACI_HS17_V202401b.zip)
    Entry("**/BACI_HS[0-9][0-9]_Y[0-9][0-9][0-9][0-9]_V*.csv", "baci", "CEPII BACI yearly files (official names)"),
    Entry("**/BACI_HS[0-9][0-9]_V*.zip", "baci", "CEPII BACI release zip (official name)"),
    Entry("trade/comtrade_*.csv", "comtrade", "UN Comtrade monthly trade"),
    Entry("trade/exports_russia_to_china_*.csv", "oec", "OEC-style HS4 exports"),
    Entry("trade/cow_trade_ndy.rda", "cow-trade", "Correlates of War dyadic trade 1870-2014"),
    Entry("trade/cow_trade_sy.rda", "cow-trade", "Correlates of War state trade totals"),
    # The peacesciencer tables the adapter recognises; LEAD, leader_codes and ps_data_version are metadata.
    Entry("politics/{archigos,archigossums,atop_alliance,ccode_democracy,cow_alliance,cow_igo_ndy,"
          "cow_mid_ddydisps,cow_mindist,cow_nmc,gml_mid_ddydisps,td_rivalries,tss_rivalries}.rda",
          "peacesciencer", "dyad-year and state-year covariates (alliances, IGOs, disputes, leaders, ...)"),
    Entry("arms/sipri_trade_register_all_*.csv", "sipri", "SIPRI arms transfers register"),
    Entry("arms/sipri_trade_register_deliveries_*.csv", "sipri", "SIPRI deliveries per deal and year (2000 on)"),
    Entry("arms/sipri_tiv_*.csv", "sipri", "SIPRI TIV table (one supplier's exports by recipient and year)"),
    Entry("ungdc/speeches", "ungdc", "UN General Debate speeches (one .txt per country-session)"),
    Entry("ungdc/reference_session78_2023", "ungdc", "UN General Debate, all speeches of 2023"),
    # Not wdi/*.csv: cow_sdp_gdp_CHN_RUS.csv there is a Correlates of War GDP slice, not a World Bank layout.
    Entry("wdi/{WB*,worldbank_*,gdp_*}.csv", "wdi", "World Bank indicators (World Bank CSV layouts)"),
    Entry("calendars", "calendar", "political-cycle events and bilateral milestones shipped with dyad",
          root="package"),
)
