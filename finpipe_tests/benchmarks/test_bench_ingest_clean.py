"""Benchmark `ingest_clean`: vendor CSVs through parsing, validation and cleaning, against
merely reading the same files with pyarrow."""

import datetime as dt
import time

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from finpipe.lib.cleaning import clean_prices
from finpipe.lib.sources import AlphaVantageCsvDirectory
from finpipe.lib.synthetic import MarketConfig, SyntheticMarket
from finpipe_tests.benchmarks.bench import best_of, report

pytestmark = pytest.mark.bench
N_TICKERS, START, END = 500, dt.date(2013, 1, 2), dt.date(2022, 12, 30)


@pytest.fixture(scope="module")
def vendor_folder(tmp_path_factory):
    """500 tickers × 10 years in Alpha Vantage's daily-adjusted CSV layout, faults included."""
    market = SyntheticMarket(MarketConfig(n_tickers=N_TICKERS, start=START, end=END))
    folder = tmp_path_factory.mktemp("vendor")
    frame = market.prices(START, END)
    frame = frame.assign(timestamp=frame["date"].dt.strftime("%Y-%m-%d"), adjusted_close=frame["close"],
                         dividend_amount=0.0)  # fmt: skip
    columns = ["timestamp", "open", "high", "low", "close", "adjusted_close", "volume",
               "dividend_amount", "split_coefficient"]  # fmt: skip
    for ticker, rows in frame.groupby("ticker"):
        rows.sort_values("timestamp", ascending=False)[columns].to_csv(
            folder / f"{ticker}.csv", index=False
        )
    return folder, list(market.tickers), len(frame)


def test_bench_ingest_clean(vendor_folder):
    """The path of the assets: the CSV source (`raw_prices`), then `clean_prices` over the
    range (`cleaned_prices`); parsing and cleaning are also reported apart."""
    folder, tickers, rows = vendor_folder
    source = AlphaVantageCsvDirectory(folder)
    timings: list[tuple[float, float]] = []  # (parse, clean) of each run

    def ours():
        started = time.perf_counter()
        raw = source.prices(tickers, START, END)
        parsed = time.perf_counter()
        result = clean_prices(raw, tickers, start=START, end=END)
        timings.append((parsed - started, time.perf_counter() - parsed))
        assert result.rows_kept + len(result.rejected) == len(raw)
        assert result.rejected_share < 0.01

    def pyarrow_read():
        pa.concat_tables([pacsv.read_csv(folder / f"{t}.csv") for t in tickers])

    # Both sides best of 3. Our first call also pays one-time costs (the exchange calendar,
    # pandera's backends: about 2 s), reported apart as `ingest_clean_cold`.
    cold = best_of(ours, repeat=1)
    timings.clear()
    seconds, baseline = best_of(ours, repeat=3), best_of(pyarrow_read, repeat=3)
    params = {"tickers": N_TICKERS, "rows": rows, "years": 10}
    report("ingest_clean", seconds, "s", baseline, params)
    report("ingest_clean_cold", cold, "s", baseline, params)
    parse, clean = min(timings, key=sum)  # the parts of the fastest run
    report("ingest_clean_parse", parse, "s", baseline, params)
    report("ingest_clean_cleaning", clean, "s", baseline, params)
