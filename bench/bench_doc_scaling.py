"""`dyad doc add` scaling (issue 16 item 5): process() on reports of 4,000 and 40,000 paragraphs, each
naming countries, with footnote markers and numbered items; the time ratio should be near 10 (linear).
Also the country matcher alone against the former rule (every match compared with every earlier one).

Run:  python bench/bench_doc_scaling.py [--small 4000] [--large 40000]
Prints seconds per size and the ratios, measured in this one process.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

from dyad.documents.extract import _country_index, _fold, country_mentions
from dyad.documents.pipeline import process

PARA = ("Trade between Russia and China grew while Japan, the Republic of Korea and Kazakhstan watched; "
        "Chinese and Russian officials met in Mongolia.{n} The partnership deepened in energy and security.")


def report(n: int, path: Path) -> Path:
    lines = ["A Long Report on Partners", "By Ivan Petrov and Li Wei", ""]
    for _k in range(n):
        lines += [PARA.format(n=""), ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def former_rule(text: str) -> dict[str, int]:
    folded = _fold(text)
    names = sorted({c for cands in _country_index().values() for c in cands}, key=lambda c: (-len(c[0]), c[0]))
    taken, counts = [], {}
    for name, iso in names:
        for m in re.finditer(r"(?<![\w-])" + re.escape(name) + r"(?!\w)", folded, re.IGNORECASE):
            if not m.group(0)[:1].isupper() or any(s < m.end() and m.start() < e for s, e in taken):
                continue
            taken.append(m.span())
            counts[iso] = counts.get(iso, 0) + 1
    return counts


def timed(fn, *args) -> float:
    t = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--small", type=int, default=4000)
    ap.add_argument("--large", type=int, default=40000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small = report(args.small, Path(tmp) / "small.txt")
        large = report(args.large, Path(tmp) / "large.txt")
        process(small)                                   # warm caches (country index, lexicon)
        ts, tl = timed(process, small), timed(process, large)
        print(f"process: {args.small} paragraphs {ts:.2f} s, {args.large} paragraphs {tl:.2f} s, "
              f"ratio {tl / ts:.1f} for {args.large / args.small:.0f}x the text")
    text = " ".join(PARA.format(n="") for _ in range(400))
    new, old = timed(country_mentions, text), timed(former_rule, text)
    print(f"country mentions, 400 paragraphs: one pass {new:.3f} s, former rescanning rule {old:.2f} s, "
          f"speed-up {old / new:.0f}x")


if __name__ == "__main__":
    main()
