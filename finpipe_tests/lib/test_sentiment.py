import numpy as np
import pandas as pd
import pytest

from finpipe.lib.sentiment import daily_sentiment, headline_tone, session_of


@pytest.mark.parametrize(
    ("text", "sign"),
    [("SYN001 beats on results", 1), ("SYN001 misses badly", -1), ("no loss for SYN001", 1),
     ("SYN001 not strong", -1), ("SYN001 holds meeting", 0), ("Impairment charge at SYN001", -1),
     ("SYN001 did not miss estimates", 1), ("SYN001 fails to meet targets, shares fall", -1),
     ("Tax liability rises at SYN001", 1)],
)  # fmt: skip
def test_headline_tone_is_finance_aware_with_negation(text, sign):
    assert np.sign(headline_tone(text)) == sign


def test_a_negator_reaches_three_words_only():
    assert headline_tone("not expected to be strong") == 1.0  # four words on: not negated
    assert headline_tone("not expected to beat") == -1.0


def test_news_after_the_close_counts_for_the_next_session():
    utc = pd.Series(pd.to_datetime(["2024-03-01 20:59", "2024-03-01 21:01", "2024-03-02 15:00",
                                    "2024-07-03 17:30", "2024-07-03 16:59"]))  # fmt: skip
    got = session_of(utc).dt.strftime("%Y-%m-%d").tolist()
    # 16:00 New York is 21:00 UTC in winter; 3 July 2024 closed early at 13:00 (17:00 UTC).
    assert got == ["2024-03-01", "2024-03-04", "2024-03-04", "2024-07-05", "2024-07-03"]


def test_vendor_scores_and_relevance_blend_into_the_day():
    rows = pd.DataFrame({
        "published_at": pd.to_datetime(["2024-03-01 14:00", "2024-03-01 15:00", "2024-03-01 16:00"]),
        "ticker": ["AAA", "AAA", "BBB"],
        "headline": ["AAA beats", "AAA holds meeting", "BBB plunges"],
        "vendor_sentiment": [0.35, -0.35, np.nan], "relevance": [1.0, 0.5, np.nan],
    })  # fmt: skip
    out = daily_sentiment(rows).set_index("ticker")
    # AAA: (1 + 1)/2 = 1.0 weighted 1, (0 - 1)/2 = -0.5 weighted 0.5
    assert out.loc["AAA", "tone"] == pytest.approx((1.0 - 0.25) / 1.5)
    assert out.loc["AAA", "vendor_tone"] == pytest.approx((0.35 - 0.175) / 1.5)
    assert out.loc["AAA", "headlines"] == 2 and out.loc["AAA", "lexicon_tone"] == 0.5
    assert out.loc["BBB", "tone"] == -1.0 and np.isnan(out.loc["BBB", "vendor_tone"])
    assert (out["date"] == pd.Timestamp("2024-03-01")).all()


def test_rows_without_vendor_columns_use_the_lexicon(market):
    import datetime as dt

    headlines = market.headlines(dt.date(2024, 3, 1), dt.date(2024, 3, 1))
    headlines = headlines.drop(columns=["vendor_sentiment", "relevance"])  # as RSS rows
    out = daily_sentiment(headlines)
    assert len(out) == len(market.tickers) and out["vendor_tone"].isna().all()
    assert out["tone"].to_numpy() == pytest.approx(out["lexicon_tone"].to_numpy())
    assert daily_sentiment(headlines.iloc[0:0]).columns.tolist() == out.columns.tolist()
