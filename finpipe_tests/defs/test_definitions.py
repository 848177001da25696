import datetime as dt

from dagster import AssetKey, build_schedule_context

from finpipe.definitions import build_definitions
from finpipe.defs.partitions import daily_partitions, previous_week_mapping, weekly_partitions
from finpipe.defs.schedules import daily_after_close, weekly_training

ASSETS = {"universe", "raw_prices", "raw_news", "macro_indicators", "cleaned_prices", "news_sentiment",
          "features", "trained_model", "predictions", "drift_report", "insights",
          "prediction_scores", "backtest"}  # fmt: skip
EDGES = [("raw_prices", "cleaned_prices"), ("cleaned_prices", "features"), ("features", "trained_model"),
         ("trained_model", "predictions"), ("predictions", "insights"), ("features", "drift_report"),
         ("raw_news", "news_sentiment"), ("news_sentiment", "features"), ("macro_indicators", "features"),
         ("predictions", "prediction_scores"), ("features", "prediction_scores"),
         ("predictions", "backtest")]  # fmt: skip


def test_asset_graph_has_every_stage_and_the_lineage(settings):
    graph = build_definitions(settings).resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert keys == ASSETS
    for up, down in EDGES:
        assert AssetKey(up) in graph.get(AssetKey(down)).parent_keys, (up, down)


def test_predictions_map_to_the_previous_weeks_model():
    mapped = previous_week_mapping.get_upstream_mapped_partitions_result_for_partitions(
        daily_partitions.subset_with_partition_keys(["2024-03-13"]),
        daily_partitions,
        weekly_partitions,
    )
    assert mapped.partitions_subset.get_partition_keys() == ["2024-03-04"]


def test_daily_schedule_runs_sessions_and_skips_holidays(settings):
    defs = build_definitions(settings)

    def tick(schedule, when):
        context = build_schedule_context(
            scheduled_execution_time=when, repository_def=defs.get_repository_def()
        )
        return schedule.evaluate_tick(context)

    assert (
        tick(daily_after_close, dt.datetime(2024, 3, 13, 17, 30)).run_requests[0].partition_key
        == "2024-03-13"
    )
    assert tick(daily_after_close, dt.datetime(2024, 7, 4, 17, 30)).skip_message.endswith(
        "nothing traded"
    )
    assert (
        tick(weekly_training, dt.datetime(2024, 3, 16, 6, 0)).run_requests[0].partition_key
        == "2024-03-11"
    )


def test_scoring_follows_the_outcome_of_the_next_session():
    from dagster import RunRequest

    from finpipe.defs.evaluation.sensors import scoring_request

    # Tuesday after Martin Luther King Day: Friday's predictions can now be scored.
    request = scoring_request("2024-01-16", 42, today=dt.date(2024, 1, 16))
    assert isinstance(request, RunRequest) and request.partition_key == "2024-01-12"
    assert (
        "not a recent session" in scoring_request("2024-01-16", 1, dt.date(2024, 3, 1)).skip_message
    )
    assert (
        "not a recent session"
        in scoring_request("2024-01-15", 1, dt.date(2024, 1, 15)).skip_message
    )
