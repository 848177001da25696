"""Jobs and schedules: the daily pipeline after the US close, training every weekend."""

import datetime as dt

from dagster import (
    AssetSelection,
    RunRequest,
    ScheduleEvaluationContext,
    SkipReason,
    define_asset_job,
    schedule,
)

from finpipe.defs.partitions import daily_partitions, weekly_partitions
from finpipe.lib.calendar import is_session

DAILY_ASSETS = ["raw_prices", "raw_news", "macro_indicators", "cleaned_prices", "news_sentiment",
                "features", "predictions", "drift_report", "insights"]  # fmt: skip

daily_job = define_asset_job(
    "daily_job",
    selection=AssetSelection.assets(*DAILY_ASSETS),
    partitions_def=daily_partitions,
    description="Ingest, clean, featurize, predict, monitor and publish one trading day.",
)
training_job = define_asset_job(
    "weekly_training_job",
    selection=AssetSelection.assets("trained_model", "backtest"),
    partitions_def=weekly_partitions,
    description="Train the week's challenger on the trailing 52 weeks, decide whether it "
    "becomes champion, and backtest the year of served predictions.",
)
scoring_job = define_asset_job(
    "scoring_job",
    selection=AssetSelection.assets("prediction_scores"),
    partitions_def=daily_partitions,
    description="Score a session's predictions once the next session's outcome is known "
    "(requested by the score_when_outcome_arrives sensor).",
)


@schedule(job=daily_job, cron_schedule="30 17 * * 1-5", execution_timezone="America/New_York")
def daily_after_close(context: ScheduleEvaluationContext) -> RunRequest | SkipReason:
    """17:30 New York time on weekdays: run the day that just closed."""
    day = context.scheduled_execution_time.date()
    if not is_session(day):
        return SkipReason(f"{day} is an exchange holiday: nothing traded")
    return RunRequest(run_key=day.isoformat(), partition_key=day.isoformat())


@schedule(job=training_job, cron_schedule="0 6 * * 6", execution_timezone="America/New_York")
def weekly_training(context: ScheduleEvaluationContext) -> RunRequest:
    """Saturday 06:00 New York time: train on the week that just ended (Monday's key)."""
    monday = context.scheduled_execution_time.date() - dt.timedelta(days=5)
    return RunRequest(run_key=monday.isoformat(), partition_key=monday.isoformat())


jobs = [daily_job, training_job, scoring_job]
schedules = [daily_after_close, weekly_training]
