"""Hand-made GDELT rows for the synthetic tests (no real data copied)."""

from __future__ import annotations

QUAD = {"01": 1, "02": 1, "03": 1, "04": 1, "05": 1, "06": 2, "07": 2, "08": 2, "09": 2, "10": 3, "11": 3,
        "12": 3, "13": 3, "14": 3, "15": 4, "16": 4, "17": 4, "18": 4, "19": 4, "20": 4}


def gdelt2_row(gid: int, date: str, a1: str, a2: str, code: str, goldstein: float, tone: float = 1.5,
               t1: str = "", t2: str = "", mentions: int = 3) -> list[str]:
    """A 61-field GDELT 2.0 export row with the fields dyad reads filled in and the rest empty."""
    f = [""] * 61
    f[0], f[1], f[2], f[3], f[4] = str(gid), date, date[:6], date[:4], f"{date[:4]}.5000"
    f[5], f[6], f[7], f[12] = a1 + t1, a1, a1, t1
    f[15], f[16], f[17], f[22] = a2 + t2, a2, a2, t2
    f[25], f[26], f[27], f[28] = "1", code, code[:3], code[:2]
    f[29], f[30], f[31], f[32], f[33], f[34] = str(QUAD.get(code[:2], 1)), str(goldstein), str(mentions), "1", "3", str(tone)
    f[59], f[60] = date + "000000", f"https://example.org/{gid}"
    return f


def write_tab(path, rows) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write("\t".join(r) + "\n")
