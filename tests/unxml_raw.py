"""China's and Russia's votes in the UN's own resolution records (../shared/data/unvotes/unxml), read with
json and pandas only (no dyad code), for tests that compare dyad's series after 2019 with the raw files."""

from __future__ import annotations

import json

import pandas as pd

from conftest import need_data

LISTS = {"MS_in_favour": "yes", "MS_against": "no", "MS_abstaining": "abstain"}


def china_russia_votes() -> pd.DataFrame:
    """One row per resolution symbol with a recorded vote that Voeten's release does not hold:
    date, year, CN, RU (yes / no / abstain, or None when the state is in no list)."""
    voeten = set(pd.read_csv(need_data("unvotes", "un_roll_calls.csv.gz"), usecols=["unres"])["unres"].dropna())
    seen = {}
    for path in sorted(need_data("unvotes", "unxml").glob("*.json")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            o = json.loads(line)
            symbol = " ".join(o["symbol"].split())
            if symbol in seen or symbol in voeten or not any(o[k] for k in LISTS):
                continue
            vote = {name: label for key, label in LISTS.items() for name in o[key]}
            date = pd.to_datetime(" ".join(o["adoption_date"].replace("\u00a0", " ").split()), format="mixed")
            seen[symbol] = {"symbol": symbol, "date": date, "year": date.year,
                            "CN": vote.get("CHINA"), "RU": vote.get("RUSSIAN FEDERATION")}
    return pd.DataFrame(list(seen.values()))


def china_russia_yearly(min_n: int = 1) -> pd.DataFrame:
    """Identical-vote share and count per year, Voeten's wide export and the UN records together."""
    wide = pd.read_csv(need_data("unvotes", "un_votes_CN_RU_wide.csv"))
    wide = wide.assign(year=pd.to_datetime(wide["date"]).dt.year)[["year", "CN", "RU"]]
    both = pd.concat([wide, china_russia_votes()[["year", "CN", "RU"]]], ignore_index=True)
    cats = ["yes", "no", "abstain"]
    both = both[both["CN"].isin(cats) & both["RU"].isin(cats)]
    out = (both["CN"] == both["RU"]).groupby(both["year"]).agg(["mean", "size"])
    return out[out["size"] >= min_n]
