"""Held-out check of report extraction: a document written AFTER the extractor was frozen, never tuned on.

The test documents in tests/words/words_reportdoc.py were written while the extractor was built, so their perfect
scores are in-sample. This script plants items in a third report with other phrasings and layouts and
prints precision and recall per item type, for the text file and for a PDF made from it (reportlab).

Run: PYTHONPATH=src python bench/words_extraction.py   (results recorded in bench/README.md)
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "words"))

import words_reportdoc as reportdoc  # noqa: E402

from dyad.documents.pipeline import process  # noqa: E402

HEADER = "Arctic and Eurasian Security Review 2025"
PAGES = [
    [
        "WORKING PAPER",
        "Northern Sea Route Cooperation and Its Limits",
        "Dr. Sergei Volkov and Professor Mei Lin",
        "Polar Affairs Centre, Oslo, 14 January 2025",
        "",
        "Introduction",
        "",
        "The Northern Sea Route has become a showcase of Sino-Russian economic coopera-",
        "tion. Chinese shipping companies made 14 transits in 2024,1 while Russian ports",
        "on the Arctic coast remain dependent on Western technology. Cooperation within",
        "the BRICS+ format and the Shanghai Cooperation Organization has so far had little",
        "bearing on Arctic projects.2",
        "",
        "1 Centre for High North Logistics, NSR Shipping Traffic 2024, https://arctic-lio.com/nsr-2024/,",
        "published 10 December 2024.",
        "2 See also the discussion in Section 3 below.",
        HEADER + " | 1",
    ],
    [
        HEADER + " | 2",
        "",
        "Icebreakers and Insurance",
        "",
        "Insurance remains the main obstacle. \u201cNo Western underwriter will cover a tanker",
        "on this route today,\u201d says Ingrid Dahl, head of marine risk at Nordic Insurance",
        "Partners. Kirill Smirnov, the deputy director of Rosatom's Northern Sea Route",
        "directorate, noted: \u201cwe will build the fleet ourselves.\u201d3 The United States and",
        "Japan have criticised the project, while India and Türkiye have sent observers.",
        "",
        "Policy Recommendations",
        "",
        "(a) Keep sanctions on Arctic LNG equipment in force and coordinate them in the G-20.",
        "(b) Create a search-and-rescue hotline between the Arctic Council members.",
        "(c) Monitor ship-to-ship transfers of oil off Norway.",
        "",
        "3 Interview in Murmansk, 2 November 2024; accessed 5 January 2025 from",
        "https://www.polar-affairs.example/interviews/smirnov",
        HEADER + " | 2",
    ],
]
BOLD = {"Northern Sea Route Cooperation and Its Limits", "Introduction", "Icebreakers and Insurance",
        "Policy Recommendations", "WORKING PAPER"}

PLANTED = {
    "title": ["Northern Sea Route Cooperation and Its Limits"],
    "authors": ["Sergei Volkov", "Mei Lin"],
    "footnotes": [
        (1, "https://arctic-lio.com/nsr-2024/", "2024-12-10", None),
        (2, None, None, None),
        (3, "https://www.polar-affairs.example/interviews/smirnov", "2024-11-02", "2025-01-05"),
    ],
    "proposals": [
        ("a", "Keep sanctions on Arctic LNG equipment in force and coordinate them in the G-20."),
        ("b", "Create a search-and-rescue hotline between the Arctic Council members."),
        ("c", "Monitor ship-to-ship transfers of oil off Norway."),
    ],
    "quotes": [
        ("Ingrid Dahl", "head of marine risk", "Nordic Insurance Partners"),
        ("Kirill Smirnov", "deputy director", "Rosatom's Northern Sea Route directorate"),
    ],
    "organisations": ["BRICS", "G20", "SCO"],
    "countries": ["CHN", "IND", "JPN", "NOR", "RUS", "TUR", "USA"],
}


# A fourth report, written after the fixes that the first run of PAGES prompted, and run once untouched.
PAGES2 = [
    [
        "Energy Interdependence in Northeast Asia:",
        "Pipelines, Prices and Politics",
        "By Olga Petrenko",
        "",
        "Key Findings",
        "",
        "Russia's pivot to Asian gas markets accelerated after 2022. Mongolia, which would host",
        "the Power of Siberia 2 transit section, has hesitated, and South Korea and Vietnam are",
        "diversifying suppliers. Members of the Eurasian Economic Union (EAEU) such as Belarus",
        "and Kyrgyzstan have watched the negotiations closely.1",
        "",
        "Pricing disputes persist. As one analyst, Tomas Berg, Senior Analyst at the Oxford",
        "Institute for Energy Studies, wrote: \u201cthe price gap is the whole story.\u201d2 APEC energy",
        "ministers discussed the issue in 2024, and the matter also reached the United Nations",
        "General Assembly in a side event.",
        "",
        "1 Reuters, \u201cMongolia delays pipeline decision\u201d, 22 May 2024, https://www.reuters.com/world/asia/x1.",
        "2 T. Berg, Gas Pricing in Asia (Oxford: OIES, 2024), p. 12.",
        "Page 1 of 2",
        "www.energy-northeast.example",
    ],
    [
        "Recommendations for policymakers",
        "",
        "1) Require transparent pricing formulas in all long-term contracts.",
        "2) Link any new pipeline finance to methane-leak monitoring.",
        "3) Open a trilateral dialogue with Mongolia on transit fees.",
        "",
        "Asked about the project, Deputy Minister Chen Hao of the National Energy Administration",
        "said only that \u201call options remain open.\u201d",
        "Page 2 of 2",
        "www.energy-northeast.example",
    ],
]
BOLD2 = {"Energy Interdependence in Northeast Asia:", "Pipelines, Prices and Politics", "Key Findings",
         "Recommendations for policymakers"}
PLANTED2 = {
    "title": ["Energy Interdependence in Northeast Asia: Pipelines, Prices and Politics"],
    "authors": ["Olga Petrenko"],
    "footnotes": [(1, "https://www.reuters.com/world/asia/x1", "2024-05-22", None), (2, None, None, None)],
    "proposals": [
        ("1", "Require transparent pricing formulas in all long-term contracts."),
        ("2", "Link any new pipeline finance to methane-leak monitoring."),
        ("3", "Open a trilateral dialogue with Mongolia on transit fees."),
    ],
    "quotes": [("Tomas Berg", "Senior Analyst", "Oxford Institute for Energy Studies"),
               ("Chen Hao", "Deputy Minister", "National Energy Administration")],
    "organisations": ["APEC", "EAEU", "UN"],
    "countries": ["BLR", "KGZ", "KOR", "MNG", "RUS", "VNM"],
}


def found(doc) -> dict[str, list]:
    return {
        "title": [doc.title],
        "authors": list(doc.authors),
        "footnotes": [(f.number, f.url, f.date, f.accessed) for f in doc.footnotes],
        "proposals": [(p.number, p.text) for p in doc.proposals],
        "quotes": [(q.person, q.role, q.organisation) for q in doc.quotes],
        "organisations": sorted(doc.organisations),
        "countries": sorted(doc.countries),
    }


def prf(got: list, planted: list) -> tuple[float, float]:
    g, p = Counter(got), Counter(planted)
    hit = sum((g & p).values())
    return (hit / sum(g.values()) if g else float("nan"), hit / sum(p.values()) if p else float("nan"))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for name, pages, bold, planted_items in (("arctic", PAGES, BOLD, PLANTED),
                                                 ("energy", PAGES2, BOLD2, PLANTED2)):
            paths = {"txt": reportdoc.write_text(Path(tmp) / f"{name}.txt", pages),
                     "pdf": reportdoc.write_pdf(Path(tmp) / f"{name}.pdf", pages, bold)}
            for kind, path in paths.items():
                got = found(process(path))
                print(f"== {name} {kind}")
                for item, planted in planted_items.items():
                    p, r = prf(got[item], planted)
                    print(f"  {item:14s} precision {p:.2f} recall {r:.2f}   found {got[item]}")


if __name__ == "__main__":
    main()
