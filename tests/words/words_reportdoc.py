"""A realistic think-tank report, as the text a PDF gives back, with every planted item listed.

Planted: a two-line title and a byline; words hyphenated across lines (develop-ment, Coun-cil, dis-cussed,
in-creasingly, Initia-tive) and one true compound cut at its hyphen (well-established); page numbers;
a running header; footnotes at page feet with markers in the body, URLs and dates (one with an accessed
date, one with neither); a paragraph cut by a page break and a footnote block; three quotations attributed
in three phrasings; five numbered recommendations; and an about-the-publisher page that names
organisations (APEC, NATO) the body does not.
"""

from __future__ import annotations

from pathlib import Path

HEADER = "Partners Without Limits? | Eurasia Policy Institute"

PAGES: list[list[str]] = [
    [
        "Partners Without Limits?",
        "China-Russia Relations After 2022",
        "By Elena Sokolova and Zhang Wei",
        "Eurasia Policy Institute, Policy Report No. 14, March 2024",
        "",
        "Executive Summary",
        "",
        "Since February 2022 the partnership between China and Russia has deepened in",
        "trade, energy and diplomacy. Bilateral trade reached a record in 2023,1 and the",
        "two governments have coordinated closely in the United Nations Security Coun-",
        "cil and in the Shanghai Cooperation Organisation. Yet the economic develop-",
        "ment of the relationship remains uneven, and Beijing remains cautious about",
        "secondary sanctions.",
        "",
        "This report examines the military, economic and diplomatic dimensions of the",
        "relationship and sets out five recommendations for European policy-makers.2 The",
        "first section turns to security, where cooperation has advanced fastest and where",
        "",
        "1 General Administration of Customs of the People's Republic of China, \"China's",
        "Imports and Exports by Country, 2023\", https://english.customs.gov.cn/statics/report/2023.html, 12 January 2024.",
        "2 The recommendations reflect the views of the authors only.",
        "1",
    ],
    [
        HEADER,
        "",
        "the gap between words and deeds is widest.",
        "",
        "1. Security and Defence",
        "",
        "Military cooperation has expanded steadily. Joint naval exercises in the Sea of",
        "Japan and joint bomber patrols have become routine, and the two sides have dis-",
        "cussed cooperation on missile defence and early warning systems.3 \u201cWe are not",
        "forming a military alliance, but our coordination on strategic stability has never",
        "been closer,\u201d said Dmitry Orlov, Senior Fellow at the Moscow Institute of",
        "International Relations. Still, a well-",
        "established pattern of hedging persists on both sides.",
        "",
        "Western observers are less sanguine. Li Na, Director of the Center for Eurasian",
        "Studies, said that \u201cthe partnership rests on a shared opposition to the United",
        "States rather than on shared interests.\u201d4",
        "",
        "3 Ministry of Defence of the Russian Federation, statement of 15 November 2023,",
        "https://eng.mil.ru/en/news_page/country/more.htm?id=12489532.",
        "4 Interview with the authors, Shanghai, 3 October 2023.",
        "2",
    ],
    [
        HEADER,
        "",
        "2. Economy and Connectivity",
        "",
        "Trade between the two countries passed 240 billion US dollars in 2023. Russia now",
        "supplies more crude oil to China than Saudi Arabia does, and payments are in-",
        "creasingly settled in yuan. Connectivity projects under the Belt and Road Initia-",
        "tive and the Eurasian Economic Union have been slower to materialise.5 According",
        "to Anna Kuznetsova, Head of Research at the Valdai Discussion Club, \u201cthe Power of",
        "Siberia 2 pipeline is the real test of the partnership.\u201d",
        "",
        "Recommendations",
        "",
        "1. Establish a standing EU-China dialogue on sanctions circumvention and dual-use",
        "   exports to Russia.",
        "2. Fund independent research on Chinese and Russian coordination in the BRICS",
        "   and the G20.",
        "3. Expand student and academic exchanges with Central Asian universities.",
        "4. Support ASEAN partners in monitoring arms transfers and missile defence",
        "   cooperation in the region.",
        "5. Review export controls on machine tools jointly with Japan and the Republic of",
        "   Korea.",
        "",
        "5 Asian Development Bank, Central Asia connectivity review (Manila: ADB, 2023),",
        "https://www.adb.org/publications/central-asia-connectivity-review, accessed 20 February 2024.",
        "3",
    ],
    [
        "About the Eurasia Policy Institute",
        "",
        "The Eurasia Policy Institute is an independent research centre on Eurasian affairs,",
        "with offices in Berlin and Almaty. It works with partners across APEC and NATO",
        "member states.",
        "",
        "Published by the Eurasia Policy Institute, Berlin.",
        "\u00a9 2024 Eurasia Policy Institute. All rights reserved.",
        "ISBN 978-3-16-148410-0",
        "www.eurasia-policy.example",
        "4",
    ],
]

BOLD = {"Partners Without Limits?", "China-Russia Relations After 2022", "Executive Summary",
        "1. Security and Defence", "2. Economy and Connectivity", "Recommendations",
        "About the Eurasia Policy Institute"}

EXPECTED = {
    "title": "Partners Without Limits? China-Russia Relations After 2022",
    "authors": ["Elena Sokolova", "Zhang Wei"],
    "date": "2024-03",
    "words": ["Council", "development", "discussed", "increasingly", "Initiative", "well-established"],
    "not_words": ["Coun-", "develop-", "dis-", "in-", "Initia-", "wellestablished"],
    "rejoined": "The first section turns to security, where cooperation has advanced fastest and where "
                "the gap between words and deeds is widest.",
    "headings": ["Executive Summary", "Security and Defence", "Economy and Connectivity", "Recommendations"],
    "footnotes": [
        (1, "https://english.customs.gov.cn/statics/report/2023.html", "2024-01-12", None),
        (2, None, None, None),
        (3, "https://eng.mil.ru/en/news_page/country/more.htm?id=12489532", "2023-11-15", None),
        (4, None, "2023-10-03", None),
        (5, "https://www.adb.org/publications/central-asia-connectivity-review", None, "2024-02-20"),
    ],
    "proposals": [
        ("1", "Establish a standing EU-China dialogue on sanctions circumvention and dual-use exports to Russia."),
        ("2", "Fund independent research on Chinese and Russian coordination in the BRICS and the G20."),
        ("3", "Expand student and academic exchanges with Central Asian universities."),
        ("4", "Support ASEAN partners in monitoring arms transfers and missile defence cooperation in the region."),
        ("5", "Review export controls on machine tools jointly with Japan and the Republic of Korea."),
    ],
    "quotes": [
        ("Dmitry Orlov", "Senior Fellow", "Moscow Institute of International Relations",
         "We are not forming a military alliance, but our coordination on strategic stability has never been closer"),
        ("Li Na", "Director", "Center for Eurasian Studies",
         "the partnership rests on a shared opposition to the United States rather than on shared interests"),
        ("Anna Kuznetsova", "Head of Research", "Valdai Discussion Club",
         "the Power of Siberia 2 pipeline is the real test of the partnership"),
    ],
    "organisations": {"UN", "SCO", "BRI", "EAEU", "EU", "BRICS", "G20", "ASEAN"},
    "countries": {"CHN", "RUS", "USA", "SAU", "JPN", "KOR"},
    "publisher_only": ["APEC", "NATO", "Almaty", "ISBN"],
}


def write_text(path: Path, pages: list[list[str]] | None = None) -> Path:
    """The report as a plain-text file: pages separated by form feeds, as pdftotext writes them."""
    pages = PAGES if pages is None else pages
    path.write_text("\f".join("\n".join(page) for page in pages) + "\n", encoding="utf-8")
    return path


def write_pdf(path: Path, pages: list[list[str]] | None = None, bold: set[str] | None = None) -> Path:
    """The same pages as an A4 PDF drawn with reportlab: one text line per line, blank lines as gaps."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pages = PAGES if pages is None else pages
    bold = BOLD if bold is None else bold
    pdf = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    for page in pages:
        y = height - 60
        footnotes = False
        for k, line in enumerate(page):
            is_last = k == len(page) - 1
            if is_last and line.strip().isdigit():          # page number at the foot, centred
                pdf.setFont("Helvetica", 9)
                pdf.drawCentredString(width / 2, 30, line)
                continue
            if not line:
                y -= 14
                continue
            footnotes = footnotes or (line[:1].isdigit() and not line[1:3].startswith(".") and y < height - 100
                                      and page is not pages[-1] and " " in line[:3])
            size = 8 if footnotes else (11 if line in bold else 9.5)
            pdf.setFont("Helvetica-Bold" if line in bold else "Helvetica", size)
            pdf.drawString(50, y, line)
            y -= size + 4
        pdf.showPage()
    pdf.save()
    return path


# A second report, one page without page breaks: endnotes under a "Notes" heading with bracketed markers,
# "Recommendation N:" proposals, a numbered list that is not a proposal, an unattributed quotation (not
# extracted) and one without role or organisation (extracted with an empty role), and an about-the-network block at the end.
BRIEF: list[list[str]] = [[
    "POLICY BRIEF",
    "Central Asia Between Two Partners",
    "Authors: Aigerim Nurlanova, Pavel Sokolov & Chen Yu",
    "Steppe Research Network | 5 June 2023",
    "",
    "Summary",
    "",
    "Kazakhstan and Uzbekistan balance their ties with Beijing and Moscow through",
    "the Collective Security Treaty Organization, the SCO and a growing network of",
    "bilateral agreements.[1] As Marat Tokayev, Chief Economist at the Eurasian Develop-",
    "ment Bank, put it, \u201cthe region no longer wants to choose.\u201d",
    "",
    "Officials are more guarded. \u201cEvery partnership has its limits,\u201d a senior diplomat",
    "said on condition of anonymity.[2] Viktor Lee argued that \u201cneutrality is expensive.\u201d",
    "",
    "Three features of the region stand out:",
    "1. dependence on Russian transit routes for exports;",
    "2. Chinese investment in mining and transport; and",
    "3. a young population seeking education abroad.",
    "",
    "Policy Options",
    "",
    "Recommendation 1: Create a regional fund for water and energy infrastructure with",
    "the Asian Infrastructure Investment Bank.",
    "Recommendation 2: Open scholarship programmes for Central Asian students in Europe.",
    "",
    "Notes",
    "",
    "1. Ministry of Foreign Affairs of Kazakhstan, \"Foreign policy concept 2020-2030\",",
    "   https://www.gov.kz/memleket/entities/mfa/documents/details/12345?lang=en, March 6, 2020.",
    "2. Author's interview, Tashkent, 2023-04-18.",
    "",
    "About Steppe Research Network",
    "Steppe Research Network is a consortium of universities in Kyrgyzstan and Mongolia",
    "working with APEC economies.",
    "Copyright 2023 Steppe Research Network.",
]]

BRIEF_BOLD = {"POLICY BRIEF", "Central Asia Between Two Partners", "Summary", "Policy Options", "Notes",
              "About Steppe Research Network"}

BRIEF_EXPECTED = {
    "title": "Central Asia Between Two Partners",
    "authors": ["Aigerim Nurlanova", "Pavel Sokolov", "Chen Yu"],
    "date": "2023-06-05",
    "headings": ["Summary", "Policy Options"],
    "footnotes": [
        (1, "https://www.gov.kz/memleket/entities/mfa/documents/details/12345?lang=en", "2020-03-06", None),
        (2, None, "2023-04-18", None),
    ],
    "proposals": [
        ("1", "Create a regional fund for water and energy infrastructure with the Asian Infrastructure "
              "Investment Bank."),
        ("2", "Open scholarship programmes for Central Asian students in Europe."),
    ],
    # Viktor Lee is named: an attributed quotation without role or organisation counts (issue 17); the
    # anonymous senior diplomat does not
    "quotes": [("Marat Tokayev", "Chief Economist", "Eurasian Development Bank", "the region no longer wants to choose"),
               ("Viktor Lee", "", "", "neutrality is expensive")],
    "list_items": ["1", "2", "3"],
    "organisations": {"CSTO", "SCO", "AIIB"},
    "countries": {"KAZ", "UZB", "RUS", "CHN"},
    "publisher_only": ["APEC", "Kyrgyzstan", "Copyright"],
}
