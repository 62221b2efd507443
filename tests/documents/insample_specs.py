"""In-sample reports for issue 17: used while building the extractors (the held-out ones are in heldout/).

Same format as heldout/heldout_specs.py; all people, institutes and statements are invented.
"""

S1 = {
    "name": "insample-1",
    "publisher": [
        "ABOUT US",
        "",
        "The Baltic-Pacific Dialogue Club is a non-profit association founded in 2009 by",
        "universities of St Petersburg and Vladivostok. Its mission is to support an open",
        "discussion of Russia's policy in Asia.",
        "",
        "Board of Trustees: K.L. Orlova (Chair), D.S. Fomin.",
        "www.bp-dialogue.example",
    ],
    "running": ["Baltic-Pacific Dialogue Club | Report No. 31 / 2019", "Russia and China in Central Asia"],
    "column_lines": 24,
    "title_page": [
        "BALTIC-PACIFIC DIALOGUE CLUB",
        "Report No. 31 / 2019",
        "",
        "Russia and China in Central Asia:",
        "Competition or Condominium?",
        "",
        "Authors:",
        "I.S. Gorelov, Senior Research Fellow, Institute of World Economy",
        "Han Lijuan, Associate Professor, Centre for Eurasian Studies, Jinling University",
        "",
        "St Petersburg 2019",
    ],
    "title": "Russia and China in Central Asia: Competition or Condominium?",
    "authors": [("I.S. Gorelov", "Senior Research Fellow, Institute of World Economy"),
                ("Han Lijuan", "Associate Professor, Centre for Eurasian Studies, Jinling University")],
    "body": [
        ("h", "Introduction"),
        ("p", "Central Asia is the region where the interests of Russia and China meet most directly.^1 "
              "Moscow remains the main security partner of the five republics, while Beijing has become "
              "their largest creditor and a leading trading partner. The coexistence of the two powers in "
              "the region has so far been peaceful, and many observers describe it as a division of labour."),
        ("p", "As K.L. Orlova notes, the division of labour is a convenient formula rather than an agreed "
              "policy. According to D.S. Fomin, the republics themselves gain from the presence of two "
              "partners and avoid choosing between them. Han Lijuan believes that Chinese investment will "
              "increasingly require security guarantees that only regional organisations can give."),
        ("h", "Trade, Credit and Infrastructure"),
        ("p", "Chinese trade with the region grew fivefold over the decade, and Chinese banks financed "
              "roads, pipelines and power plants.^2 The Eurasian Economic Union, led by Russia, offers a "
              "common market and customs rules, and the two integration projects agreed in 2015 to work in "
              "conjunction.^3 In practice the conjunction produced few common projects."),
        ("p", "The head of the Eurasian Development Fund, Timur Abenov, argued that common projects need a "
              "single list of priorities approved by all governments. Professor Ma Rui of the Silk Road "
              "Academy points out that Chinese lenders now demand more transparency from their borrowers."),
        ("h", "Security"),
        ("p", "Russia keeps military bases in Kyrgyzstan and Tajikistan and leads the Collective Security "
              "Treaty Organization. China has increased its security presence more cautiously, through "
              "training programmes and joint exercises.^4 Deputy Foreign Minister P.A. Zharov said that "
              "Moscow and Beijing consult closely on Afghanistan and on the fight against terrorism."),
        ("h", "Our Proposals"),
        ("p", "We believe the two countries should take the following steps:"),
        ("li", "1)", "to draw up a common list of infrastructure projects in Central Asia and to finance "
                     "them jointly through development banks;"),
        ("li", "2)", "to hold regular trilateral consultations with the governments of the region on water "
                     "and energy;"),
        ("li", "3)", "to harmonise the technical standards of the Eurasian Economic Union with those used "
                     "by Chinese contractors;"),
        ("li", "4)", "to create a joint centre for the analysis of security threats from Afghanistan;"),
        ("li", "5)", "to expand educational programmes for students from Central Asia in Russian and Chinese "
                     "universities;"),
        ("li", "6)", "to report every year on the results of the conjunction of the two integration "
                     "projects."),
    ],
    "notes": {
        1: "Central Asia in the foreign policy of Russia // Russian Foreign Policy Review. 2018. No. 2. "
           "URL: http://rfpr.example/2018/2/central-asia (In Russian)",
        2: "China's trade with Central Asia, 2008-2018 // Silk Road Statistics. 15.03.2019. "
           "URL: http://silkroad-stat.example/trade/ca-2008-2018http://silkroad-stat.example/trade/ca-2008-2018",
        3: "Joint Statement on Cooperation in Conjunction of the Eurasian Economic Union and the Silk Road "
           "Economic Belt. 08.05.2015. URL: http://kremlin.example/supplement/4971",
        4: "Interview with a military expert, Bishkek, 21.04.2019.",
    },
    "expected_notes": {
        1: ("http://rfpr.example/2018/2/central-asia", None, "ru"),
        2: ("http://silkroad-stat.example/trade/ca-2008-2018", "2019-03-15", None),
        3: ("http://kremlin.example/supplement/4971", "2015-05-08", None),
        4: (None, "2019-04-21", None),
    },
    "quotes": [
        ("K.L. Orlova", "notes", "the division of labour is a convenient formula rather than an agreed policy"),
        ("D.S. Fomin", "according to", "the republics themselves gain from the presence of two partners and "
                                       "avoid choosing between them"),
        ("Han Lijuan", "believes", "Chinese investment will increasingly require security guarantees that only "
                                   "regional organisations can give"),
        ("Timur Abenov", "argued", "common projects need a single list of priorities approved by all "
                                   "governments"),
        ("Ma Rui", "points out", "Chinese lenders now demand more transparency from their borrowers"),
        ("P.A. Zharov", "said", "Moscow and Beijing consult closely on Afghanistan and on the fight against "
                                "terrorism"),
    ],
}

S2 = {
    "name": "insample-2",
    "publisher": None,
    "running": ["Digital Silk Roads in the North"],
    "column_lines": 22,
    "title_page": [
        "Arctic and Asia Research Group | Policy Paper",
        "",
        "Digital Silk Roads in the North",
        "",
        "By Olga Sidorenko (Arctic and Asia Research Group) and Feng Jiayi (Institute of Digital Economy)",
        "",
        "May 2022",
    ],
    "title": "Digital Silk Roads in the North",
    "authors": [("Olga Sidorenko", "Arctic and Asia Research Group"), ("Feng Jiayi", "Institute of Digital Economy")],
    "body": [
        ("h", "Overview"),
        ("p", "Digital cooperation between Russia and China covers telecommunications equipment, satellite "
              "navigation, e-commerce and data centres.^1 Chinese vendors supply a large share of Russian "
              "mobile networks, and the two satellite navigation systems have been made compatible."),
        ("h", "Networks and Platforms"),
        ("p", "Cross-border e-commerce grew quickly until logistics became the bottleneck.^2 “Our parcels "
              "wait longer at the border than on the road,” said Andrei Belov, Director of the Northern "
              "Logistics Association. Feng Jiayi maintains that a common electronic customs declaration "
              "would halve delivery times."),
        ("p", "Olga Sidorenko writes that Russian regulators remain wary of foreign cloud services. In the "
              "opinion of Sun Kai, data localisation rules are compatible with joint data centres if both "
              "sides accept mutual audits.^3"),
        ("h", "Recommendations for the Next Summit"),
        ("li", "a)", "Sign an agreement on the mutual recognition of electronic signatures in trade "
                     "documents."),
        ("li", "b)", "Build a joint data centre for satellite navigation services in the Far East."),
        ("li", "c)", "Introduce a common electronic customs declaration for postal parcels."),
        ("li", "d)", "Establish a working group on cybersecurity standards under the intergovernmental "
                     "commission."),
    ],
    "notes": {
        1: "Sidorenko O. Digital cooperation between Russia and China // Arctic and Asia Papers. 2021. No. 5. "
           "URL: https://aarg.example/papers/2021/5/digital-cooperation-between-russia-and-china",
        2: "Cross-border e-commerce in 2021 // E-Commerce Monitor. 17.02.2022. "
           "URL: https://ecm.example/2022/02/17/cross-border",
        3: "Data localisation and cloud services. Beijing, 2021. (In Chinese)",
    },
    "expected_notes": {
        1: ("https://aarg.example/papers/2021/5/digital-cooperation-between-russia-and-china", None, None),
        2: ("https://ecm.example/2022/02/17/cross-border", "2022-02-17", None),
        3: (None, None, "zh"),
    },
    "quotes": [
        ("Andrei Belov", "said", "Our parcels wait longer at the border than on the road"),
        ("Feng Jiayi", "maintains", "a common electronic customs declaration would halve delivery times"),
        ("Olga Sidorenko", "writes", "Russian regulators remain wary of foreign cloud services"),
        ("Sun Kai", "in the opinion of", "data localisation rules are compatible with joint data centres if "
                                         "both sides accept mutual audits"),
    ],
}

S3 = {
    "name": "insample-3",
    "publisher": [
        "About the Centre",
        "",
        "The Centre for Russian-Chinese Studies is an independent think tank founded in 2014.",
        "Our mission is to inform the public debate on the relations of the two countries.",
        "",
        "Editorial board: N.V. Lapina (Editor-in-Chief), Qian Bo.",
        "© Centre for Russian-Chinese Studies, 2021",
    ],
    "running": ["Centre for Russian-Chinese Studies", "Trust and Its Limits"],
    "column_lines": 24,
    "title_page": [
        "CENTRE FOR RUSSIAN-CHINESE STUDIES",
        "Analytical Report, No. 9",
        "",
        "Trust and Its Limits:",
        "Political Dialogue Between Moscow and Beijing",
        "",
        "Authors:",
        "N.V. Lapina, Head of the Asia Programme, Centre for Russian-Chinese Studies",
        "Qian Bo, Research Fellow, Academy of Social Sciences of Jiangnan",
        "",
        "Moscow, 2021",
    ],
    "title": "Trust and Its Limits: Political Dialogue Between Moscow and Beijing",
    "authors": [("N.V. Lapina", "Head of the Asia Programme, Centre for Russian-Chinese Studies"),
                ("Qian Bo", "Research Fellow, Academy of Social Sciences of Jiangnan")],
    "body": [
        ("h", "Introduction"),
        ("p", "Political dialogue between Moscow and Beijing is dense: the leaders meet several times a year, "
              "and dozens of intergovernmental commissions and subcommissions meet regularly.^1 Trust "
              "between the leaderships is high, but trust between the societies and bureaucracies develops "
              "more slowly."),
        ("p", "As the political scientist E.P. Morozova observes, institutional memory of past conflicts "
              "still shapes the behaviour of officials on both sides. Qian Bo emphasizes that the border "
              "settlement of 2004 removed the main source of mistrust.^2"),
        ("h", "Mechanisms of Dialogue"),
        ("p", "The mechanism of regular meetings of the heads of government covers trade, energy, "
              "investment and humanitarian cooperation. The former ambassador G.I. Rudnev noted that the "
              "commissions often repeat the same decisions year after year.^3"),
        ("p", "According to Zhao Ping, Director of the Institute of Neighbourhood Diplomacy, parliamentary "
              "contacts remain the least developed channel. N.V. Lapina suggests that a joint parliamentary "
              "commission could review the implementation of intergovernmental agreements."),
        ("h", "Conclusion"),
        ("p", "To strengthen political trust, the two governments could:"),
        ("li", "1)", "create a joint parliamentary commission on the implementation of agreements;"),
        ("li", "2)", "publish yearly reports of the intergovernmental commissions with measurable targets;"),
        ("li", "3)", "organise regular meetings of young diplomats and civil servants;"),
        ("li", "4)", "set up an expert council that reviews the results of each summit;"),
        ("li", "5)", "expand the exchange of regional delegations between the border provinces."),
    ],
    "notes": {
        1: "Mechanisms of Russian-Chinese cooperation // Ministry of Foreign Affairs. 10.10.2020. "
           "URL: http://mfa.example/cooperation/mechanisms (In Russian)",
        2: "Qian Bo. The border settlement and its consequences // Neighbourhood Studies. 2019. No. 1.",
        3: "Rudnev G.I. Notes of an ambassador. Moscow, 2018. URL: http://memoirs.example/rudnev/notes"
           "http://memoirs.example/rudnev/notes (In Russian)",
    },
    "expected_notes": {
        1: ("http://mfa.example/cooperation/mechanisms", "2020-10-10", "ru"),
        2: (None, None, None),
        3: ("http://memoirs.example/rudnev/notes", None, "ru"),
    },
    "quotes": [
        ("E.P. Morozova", "observes", "institutional memory of past conflicts still shapes the behaviour of "
                                      "officials on both sides"),
        ("Qian Bo", "emphasizes", "the border settlement of 2004 removed the main source of mistrust"),
        ("G.I. Rudnev", "noted", "the commissions often repeat the same decisions year after year"),
        ("Zhao Ping", "according to", "parliamentary contacts remain the least developed channel"),
        ("N.V. Lapina", "suggests", "a joint parliamentary commission could review the implementation of "
                                    "intergovernmental agreements"),
    ],
}

SPECS = [S1, S2, S3]
