"""Held-out reports: written before the extraction work of issue 17 and scored once, at its end.

Do not tune the extractors on these documents. Each spec is rendered by ``corpus.py`` as a two-column PDF
(running headers, page numbers, footnotes at page feet) and as the text pdftotext gives for such a PDF.
Markers ``^N`` in the body are printed glued to the preceding character ("election.2"). All people,
institutes and statements are invented.
"""

H1 = {
    "name": "heldout-1",
    "publisher": [
        "ABOUT US",
        "",
        "The Northern Eurasia Council is a non-profit academic association founded in 2011.",
        "Its mission is to connect scholars, diplomats and business people who work on the",
        "relations of Russia with its Asian neighbours. The Council publishes reports,",
        "policy briefs and a yearly review of Russian-Chinese relations.",
        "",
        "Board of Trustees: I.P. Somov (Chairman), L.K. Antipova, R.T. Gusev.",
        "www.northern-eurasia-council.example",
    ],
    "running": ["Northern Eurasia Council | Report No. 52 / 2020", "Russia and China: Partnership in a Changing Order"],
    "column_lines": 24,
    "title_page": [
        "NORTHERN EURASIA COUNCIL",
        "Report No. 52 / 2020",
        "",
        "Russia and China:",
        "Partnership in a Changing Order",
        "",
        "Authors:",
        "A.M. Vetrova, Leading Research Fellow, Institute of Far Eastern Studies",
        "V.B. Lugovoy, Deputy Director, Centre for Strategic Assessment",
        "Zhou Minghua, Professor, School of International Studies, Hanlin University",
        "",
        "Moscow 2020",
    ],
    "title": "Russia and China: Partnership in a Changing Order",
    "authors": [("A.M. Vetrova", "Leading Research Fellow, Institute of Far Eastern Studies"),
                ("V.B. Lugovoy", "Deputy Director, Centre for Strategic Assessment"),
                ("Zhou Minghua", "Professor, School of International Studies, Hanlin University")],
    "body": [
        ("h", "Introduction"),
        ("p", "The relationship between Moscow and Beijing entered a new stage after the presidential "
              "election.^1 Both governments describe their ties as a comprehensive strategic partnership, and "
              "the number of meetings between ministers has grown every year since the signing of the joint "
              "statement on the new era of cooperation.^2 Yet the agenda remains uneven: political dialogue "
              "is intense, while investment and technological cooperation lag behind."),
        ("p", "As A.M. Vetrova notes, the asymmetry between the two economies is no longer a taboo topic in "
              "bilateral expert discussions. According to V.B. Lugovoy, the partnership rests on a shared "
              "reading of the international environment rather than on commercial interdependence. Zhou "
              "Minghua believes that the decisive factor will be the ability of both sides to build "
              "institutions that survive changes of leadership."),
        ("h", "Economic Cooperation"),
        ("p", "Trade between the two countries exceeded one hundred billion dollars in 2018 and kept growing "
              "despite the fall of commodity prices.^3 The structure of trade, however, has hardly changed: "
              "Russia exports oil, gas, timber and metals, and imports machinery, electronics and consumer "
              "goods. Infrastructure projects along the border advance slowly, and many agreements signed at "
              "summits remain declarations of intent."),
        ("p", "Deputy Minister of Economic Development S.N. Bragin stressed that the two sides still lack "
              "a common system of project finance in national currencies. The chief economist of the "
              "Amur Development Bank, Lin Xiaoqing, argues that regional banks should carry more of the risk "
              "of cross-border projects.^4 Experts on both sides agree that the energy sector will remain the "
              "backbone of economic ties for at least a decade."),
        ("h", "Security and International Coordination"),
        ("p", "Military cooperation includes joint naval exercises, regular staff consultations and the "
              "exchange of information on missile defence.^5 The two countries coordinate their positions in "
              "the United Nations Security Council and in the Shanghai Cooperation Organisation, and they "
              "hold similar views on the rules of cyberspace. In the view of R.K. Sedykh, the main risk for "
              "the partnership is not a conflict of interests but mutual disappointment caused by inflated "
              "expectations."),
        ("p", "Some Western observers predict an alliance, while others expect a rivalry in Central Asia. "
              "Both predictions ignore how carefully the two governments manage their differences and how "
              "much each values strategic autonomy."),
        ("h", "Instead of a Conclusion"),
        ("p", "The authors propose the following steps for the next five years:"),
        ("li", "1)", "to hold an annual expert forum of the two countries that reports to the intergovernmental "
                     "commission and prepares concrete proposals for the summit agenda;"),
        ("li", "2)", "to create a joint database of investment projects with transparent criteria of selection "
                     "and regular public reports on their progress;"),
        ("li", "3)", "to expand settlements in national currencies and to connect the payment systems of the "
                     "two countries;"),
        ("li", "4)", "to simplify visa procedures for students, researchers and business travellers;"),
        ("li", "5)", "to launch a programme of joint research in artificial intelligence, biotechnology and "
                     "new materials with shared funding;"),
        ("li", "6)", "to develop transport corridors across the border and to modernise the border crossing "
                     "points in the Far East;"),
        ("li", "7)", "to coordinate positions on the reform of the World Trade Organization;"),
        ("li", "8)", "to establish a permanent dialogue on strategic stability and arms control at the level of "
                     "deputy foreign ministers;"),
        ("li", "9)", "to increase the number of Russian students in Chinese universities and of Chinese "
                     "students in Russian universities;"),
        ("li", "10)", "to support joint film, television and publishing projects that tell the public about "
                      "each other's culture;"),
        ("li", "11)", "to deepen cooperation within the Shanghai Cooperation Organisation and BRICS on regional "
                      "security and development;"),
        ("li", "12)", "to monitor the implementation of all agreements signed at summits and to publish a yearly "
                      "scorecard of results."),
    ],
    "notes": {
        1: "Presidential Address to the Federal Assembly // Official Website of the President of the Russian "
           "Federation. 01.03.2018. URL: http://www.president.example/events/president/news/56957",
        2: "Joint Statement of the Russian Federation and the People's Republic of China on the New Era // "
           "Ministry of Foreign Affairs. 05.06.2019. URL: http://www.mfa.example/foreign_policy/news/3669451"
           "http://www.mfa.example/foreign_policy/news/3669451 (In Russian)",
        3: "Customs statistics of foreign trade // Federal Customs Service. 14.01.2019. "
           "URL: http://customs.example/statistic/trade-2018 (In Russian)",
        4: "Interview with the authors, Harbin, 12.09.2019.",
        5: "Gusev R.T. Military cooperation between Russia and China: the next steps // Eurasian Security "
           "Review. 2019. No. 4. URL: http://esr.example/articles/2019/4/gusev-military-cooperation-next-steps",
    },
    "expected_notes": {
        1: ("http://www.president.example/events/president/news/56957", "2018-03-01", None),
        2: ("http://www.mfa.example/foreign_policy/news/3669451", "2019-06-05", "ru"),
        3: ("http://customs.example/statistic/trade-2018", "2019-01-14", "ru"),
        4: (None, "2019-09-12", None),
        5: ("http://esr.example/articles/2019/4/gusev-military-cooperation-next-steps", None, None),
    },
    "quotes": [
        ("A.M. Vetrova", "notes", "the asymmetry between the two economies is no longer a taboo topic in "
                                  "bilateral expert discussions"),
        ("V.B. Lugovoy", "according to", "the partnership rests on a shared reading of the international "
                                         "environment rather than on commercial interdependence"),
        ("Zhou Minghua", "believes", "the decisive factor will be the ability of both sides to build "
                                     "institutions that survive changes of leadership"),
        ("S.N. Bragin", "stressed", "the two sides still lack a common system of project finance in national "
                                    "currencies"),
        ("Lin Xiaoqing", "argues", "regional banks should carry more of the risk of cross-border projects"),
        ("R.K. Sedykh", "in the view of", "the main risk for the partnership is not a conflict of interests but "
                                          "mutual disappointment caused by inflated expectations"),
    ],
}

H2 = {
    "name": "heldout-2",
    "publisher": None,
    "running": ["Energy Bridges Across the Amur"],
    "column_lines": 22,
    "title_page": [
        "Pacific Policy Forum | Analytical Paper",
        "",
        "Energy Bridges Across the Amur",
        "",
        "By Marina Kolesova (Pacific Policy Forum) and Tang Wenjie (Institute of Energy Economics)",
        "",
        "September 2021",
    ],
    "title": "Energy Bridges Across the Amur",
    "authors": [("Marina Kolesova", "Pacific Policy Forum"), ("Tang Wenjie", "Institute of Energy Economics")],
    "body": [
        ("h", "Summary"),
        ("p", "Energy is the most mature field of cooperation between Russia and China. Pipelines, long-term "
              "contracts and joint ventures link Siberian deposits to the industrial provinces of northern "
              "China.^1 The next decade will test whether this cooperation can extend to electricity, "
              "hydrogen and nuclear technology."),
        ("h", "Oil and Gas"),
        ("p", "Oil deliveries through the eastern pipeline reached thirty million tonnes a year, and the gas "
              "pipeline began commercial operation at the end of 2019.^2 “The pipeline turned a long "
              "negotiation into a permanent infrastructure,” said Pavel Drozdov, Head of the Energy Programme "
              "at the Pacific Policy Forum. Chinese buyers nevertheless keep a diversified portfolio of "
              "suppliers, and prices remain the subject of hard bargaining."),
        ("p", "Tang Wenjie points out that Chinese state companies prefer equity stakes in upstream projects "
              "to simple purchase contracts. Professor Elena Yashina of the Siberian Mining University "
              "maintains that such stakes give Chinese partners a voice in technology choices, which Russian "
              "regulators have so far accepted."),
        ("h", "Electricity and New Energy"),
        ("p", "Cross-border electricity trade is small and has fallen since 2015.^3 Projects for a northeast "
              "Asian power grid have been discussed for two decades without a decision. In the opinion of "
              "Guo Haiyan, a northeast Asian grid will not appear without a political agreement that includes "
              "Japan and the Republic of Korea.^4"),
        ("p", "Hydrogen is a new topic. Russian companies have announced pilot projects, and Chinese "
              "provinces compete to host hydrogen clusters. Marina Kolesova writes that the first joint "
              "hydrogen project is more likely to be a research consortium than a commercial plant."),
        ("h", "What Moscow and Beijing Could Do"),
        ("li", "a)", "Agree on a long-term framework for gas prices that links the price to a basket of "
                     "regional benchmarks."),
        ("li", "b)", "Open a joint centre for the certification of low-carbon hydrogen and publish its "
                     "standards."),
        ("li", "c)", "Resume the feasibility study of a cross-border power line from the Amur region to "
                     "Liaoning province."),
        ("li", "d)", "Create a training programme for engineers of nuclear power plants built with Russian "
                     "technology in China."),
        ("li", "e)", "Publish annual data on energy trade, investment and joint ventures in a common format."),
    ],
    "notes": {
        1: "Kolesova M. Energy dialogue between Russia and China, 2000-2020 // Pacific Policy Forum Papers. "
           "2020. No. 7. URL: https://ppf.example/papers/2020/energy-dialogue-between-russia-and-china-2000-2020",
        2: "Gas pipeline begins commercial deliveries // Energy Bulletin. 02.12.2019. "
           "URL: https://energy-bulletin.example/news/2019/12/02/pipeline-deliveries",
        3: "Statistical Yearbook of Electricity Trade 2020. Beijing, 2020. (In Chinese)",
        4: "Guo Haiyan. The Northeast Asian grid: a political project // Journal of Regional Energy. "
           "2021. No. 2. URL: https://jre.example/2021/2/guo",
    },
    "expected_notes": {
        1: ("https://ppf.example/papers/2020/energy-dialogue-between-russia-and-china-2000-2020", None, None),
        2: ("https://energy-bulletin.example/news/2019/12/02/pipeline-deliveries", "2019-12-02", None),
        3: (None, None, "zh"),
        4: ("https://jre.example/2021/2/guo", None, None),
    },
    "quotes": [
        ("Pavel Drozdov", "said", "The pipeline turned a long negotiation into a permanent infrastructure"),
        ("Tang Wenjie", "points out", "Chinese state companies prefer equity stakes in upstream projects to "
                                      "simple purchase contracts"),
        ("Elena Yashina", "maintains", "such stakes give Chinese partners a voice in technology choices, which "
                                       "Russian regulators have so far accepted"),
        ("Guo Haiyan", "in the opinion of", "a northeast Asian grid will not appear without a political "
                                            "agreement that includes Japan and the Republic of Korea"),
        ("Marina Kolesova", "writes", "the first joint hydrogen project is more likely to be a research "
                                      "consortium than a commercial plant"),
    ],
}

H3 = {
    "name": "heldout-3",
    "publisher": [
        "About the Institute",
        "",
        "The Institute for Asian Futures is an independent research centre founded in 2006 in",
        "Vladivostok. Our mission is to provide decision-makers with analysis of the",
        "Asia-Pacific region.",
        "",
        "Editorial board: T.V. Zimina (Editor-in-Chief), O.N. Kravets, Wu Jian.",
        "© Institute for Asian Futures, 2022",
    ],
    "running": ["Institute for Asian Futures", "Students, Tourists and Scholars"],
    "column_lines": 24,
    "title_page": [
        "INSTITUTE FOR ASIAN FUTURES",
        "Working Paper Series, No. 18",
        "",
        "Students, Tourists and Scholars:",
        "The Human Dimension of Russian-Chinese Relations",
        "",
        "Authors:",
        "O.N. Kravets, Senior Research Fellow, Institute for Asian Futures",
        "Wu Jian, Associate Professor, Northeast Normal University",
        "",
        "Vladivostok, 2022",
    ],
    "title": "Students, Tourists and Scholars: The Human Dimension of Russian-Chinese Relations",
    "authors": [("O.N. Kravets", "Senior Research Fellow, Institute for Asian Futures"),
                ("Wu Jian", "Associate Professor, Northeast Normal University")],
    "body": [
        ("h", "Introduction"),
        ("p", "Official documents of both countries call humanitarian ties the foundation of the "
              "partnership.^1 Before the pandemic, more than two million Chinese tourists visited Russia "
              "every year, and the number of Chinese students in Russian universities passed fifty "
              "thousand.^2 Public opinion in both countries, however, knows little about the other "
              "society."),
        ("p", "As the sociologist T.V. Zimina observes, young Russians increasingly see China as a "
              "technological leader, while older generations keep the images of the late Soviet period. "
              "Wu Jian emphasizes that Chinese students choose Russian universities mainly for engineering, "
              "medicine and the Russian language.^3"),
        ("h", "Education and Science"),
        ("p", "Joint universities and double-degree programmes have multiplied since 2015. The rector of "
              "the Far Eastern Polytechnic, Viktor Panteleev, noted that double-degree graduates find jobs "
              "faster than their peers. Joint laboratories remain few, and co-authored articles account for "
              "a small share of the scientific output of both countries.^4"),
        ("p", "According to Liu Fang, Director of the Centre for Russian Studies at Northeast Normal "
              "University, the shortage of teachers of Chinese in Russian schools is the main obstacle to "
              "growth. O.N. Kravets suggests that regional universities in the Far East could train such "
              "teachers together with Chinese partners."),
        ("h", "Tourism and Culture"),
        ("p", "Visa-free group travel made Russia a popular destination for Chinese tourists, but few "
              "Russian tourists go beyond the resorts of Hainan.^5 Cultural festivals are held every year, "
              "yet they rarely reach audiences outside the capitals."),
        ("h", "Conclusions"),
        ("p", "On this basis we suggest the following measures:"),
        ("li", "1)", "extend visa-free group travel to individual tourists from both countries;"),
        ("li", "2)", "create a joint fund for scholarships in engineering, medicine and the humanities with "
                     "equal contributions of the two governments;"),
        ("li", "3)", "set a target of one hundred thousand students from each country studying in the other "
                     "by 2030;"),
        ("li", "4)", "support the teaching of Chinese in Russian schools and of Russian in Chinese schools, "
                     "starting with the border regions;"),
        ("li", "5)", "hold a yearly congress of young scientists of the two countries;"),
        ("li", "6)", "launch a bilingual online platform with news and analysis about the two societies;"),
        ("li", "7)", "include cultural cooperation in the agenda of the meetings of the heads of government;"),
        ("li", "8)", "commission regular opinion polls on mutual perceptions and publish the results."),
    ],
    "notes": {
        1: "Treaty of Good-Neighbourliness and Friendly Cooperation, 16.07.2001 // Ministry of Foreign Affairs. "
           "URL: http://mfa.example/treaties/2001-07-16 (In Russian)",
        2: "Education in figures 2019 // Ministry of Science and Higher Education. 20.02.2020. "
           "URL: http://education.example/stat/2019/foreign-studentshttp://education.example/stat/2019/"
           "foreign-students (In Russian)",
        3: "Wu Jian. Why Chinese students go to Russia // Journal of Comparative Education. 2021. No. 3.",
        4: "Scientometric review of Russian-Chinese co-authorship // Science Watch. 11.11.2021. "
           "URL: https://science-watch.example/reviews/ru-cn-coauthorship",
        5: "Tourist flows between Russia and China, 2019 // Association of Tour Operators. 30.01.2020. "
           "URL: https://ato.example/analytics/2019/ru-cn (In Russian)",
    },
    "expected_notes": {
        1: ("http://mfa.example/treaties/2001-07-16", "2001-07-16", "ru"),
        2: ("http://education.example/stat/2019/foreign-students", "2020-02-20", "ru"),
        3: (None, None, None),
        4: ("https://science-watch.example/reviews/ru-cn-coauthorship", "2021-11-11", None),
        5: ("https://ato.example/analytics/2019/ru-cn", "2020-01-30", "ru"),
    },
    "quotes": [
        ("T.V. Zimina", "observes", "young Russians increasingly see China as a technological leader, while "
                                    "older generations keep the images of the late Soviet period"),
        ("Wu Jian", "emphasizes", "Chinese students choose Russian universities mainly for engineering, "
                                  "medicine and the Russian language"),
        ("Viktor Panteleev", "noted", "double-degree graduates find jobs faster than their peers"),
        ("Liu Fang", "according to", "the shortage of teachers of Chinese in Russian schools is the main "
                                     "obstacle to growth"),
        ("O.N. Kravets", "suggests", "regional universities in the Far East could train such teachers together "
                                     "with Chinese partners"),
    ],
}

SPECS = [H1, H2, H3]
