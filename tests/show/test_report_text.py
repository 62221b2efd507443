"""What the report writes under and over its charts: titles, axis units and captions a reader can take as
they are (no code names, no placeholders, the right country)."""

from __future__ import annotations

import pytest

from dyad.indicators import all_indicators
from dyad.report import display
from dyad.report.display import human_unit, neutral_title, user_text


def test_titles_name_no_pair_and_no_direction_code():
    assert neutral_title("Capability ratio (CINC a / CINC b)") == "Capability ratio (CINC)"
    assert neutral_title("Speech emphasis on D1 (political trust)") == "Speech emphasis on political trust"
    assert neutral_title("Bilateral trade relative to a's GDP or total trade") == \
        "Bilateral trade relative to each country's GDP"
    for ind in all_indicators():
        title = neutral_title(ind.label)
        assert "each side /" not in title and not any(f"D{i}" in title for i in range(1, 6)), (ind.id, title)


@pytest.mark.parametrize("unit,label", [("0..1", "index (0 to 1)"), ("index -1..1", "index (−1 to 1)"),
                                        ("cosine 0..1", "cosine (0 to 1)"), ("-10..10", "index (−10 to 10)"),
                                        ("Goldstein points (-10..10)", "Goldstein points (−10 to 10)")])
def test_range_units_read_as_words(unit, label):
    assert human_unit(unit, [0.5]) == (1.0, label)


def test_axis_units_carry_no_dot_dot_range():
    for ind in all_indicators():
        assert ".." not in human_unit(ind.unit, [0.5])[1], ind.id


def test_captions_leave_out_code_and_package_names():
    code = user_text("State-year covariate NY.GDP.MKTP.CD from the wdi source; the denominator of "
                     "trade_dependence.", "CHN", "RUS")
    assert "trade_dependence" not in code and "covariate" not in code
    assert user_text("Undirected by default (both directions pooled).", "CHN", "RUS") == ""
    assert "peacesciencer" not in user_text("V-Dem index of the country named first (via peacesciencer).",
                                            "CHN", "RUS")
    for ind in all_indicators():
        text = user_text(ind.description, "CHN", "RUS", True)
        assert "(via peacesciencer)" not in text and "_" not in text, (ind.id, text)
        assert not display.placeholder_debris(text), (ind.id, text)


def test_captions_of_charts_drawn_for_each_side_name_each_country():
    text = "Share of the directions-lexicon matches in a's speech that belong to this direction."
    assert "China's" in user_text(text, "CHN", "RUS")                 # one country's figure: its name
    each = user_text(text, "CHN", "RUS", each_side=True)               # both drawn: not only China
    assert "China" not in each and "each country's speech" in each and "lexicon matches" not in each
    assert user_text("V-Dem index of the country named first.", "CHN", "RUS", True) == "V-Dem index of each country."


def test_pair_placeholders_with_or_are_replaced():
    text = "Of the resolutions that a or b sponsored, the share that both sponsored."
    assert user_text(text, "CHN", "RUS").startswith("Of the resolutions that China or Russia sponsored")
    assert display.placeholder_debris(text)


def test_captions_of_charts_drawn_both_ways_name_no_single_direction():
    tiv = "TIV (millions) delivered a→b per delivery year; n = deals with deliveries that year."
    assert user_text(tiv, "CHN", "RUS") == "TIV (millions) delivered China → Russia per delivery year."
    both = user_text(tiv, "CHN", "RUS", both_ways=True)
    assert both == "TIV (millions) delivered from each country to the other per delivery year."
    share = "Percent of b's arms imports (TIV delivered from all suppliers) that came from a, per year."
    assert "Russia" not in user_text(share, "CHN", "RUS", both_ways=True)
    level = "Value in USD of HS 27 in a's exports to b (the level behind trade_share_energy). Definition: WITS."
    assert user_text(level, "CHN", "RUS") == "Value in USD of HS 27 in China's exports to Russia. Definition: WITS."


def test_speech_units_and_captions_in_plain_words():
    assert human_unit("share of lexicon matches", [0.3]) == (0.01, "% of direction words")
    text = user_text("Cosine of the two speeches' TF-IDF vectors; idf fitted on every stored speech.", "CHN", "RUS")
    assert text.startswith("How alike the two countries' speeches") and "idf fitted" not in text


def test_chart_source_line_names_the_datasets():
    """The source line names what readers know (CEPII BACI, ICEWS ...), not the store's table names."""
    import pandas as pd

    from dyad.report.charts import source_names

    rows = pd.DataFrame({"value": [1.0, 2.0, 3.0], "source": ["baci", "baci", "cow-trade"]})
    assert source_names(rows, "trade") == "CEPII BACI, Correlates of War trade"
    assert source_names(pd.DataFrame({"value": [1.0]}), "votes, rollcalls").startswith("UN General Assembly votes")
    assert source_names(pd.DataFrame({"value": [1.0], "source": ["netify_icews"]}), "covariates") == \
        "ICEWS dyad-years (netify)"
    assert source_names(pd.DataFrame({"value": [1.0], "source": ["someplugin"]}), "x") == "someplugin"
