"""Restatements: when a day's splits or dividends change after the fact, redo what used them.

A vendor can deliver a split or dividend late, or correct one. Re-materializing that day's
`raw_prices` partition records its corporate actions in metadata; this sensor compares them
with the day's previous materialization and, when they differ, requests one run that
re-cleans the day and recomputes every already-materialized downstream partition whose
lookback reads it (features adjust history through the total-return index, so that is
where the re-adjustment happens). The run is tagged with the reason, visible in the UI.
"""

from collections.abc import Iterator

from dagster import (
    AssetKey,
    AssetRecordsFilter,
    DagsterInstance,
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SkipReason,
    sensor,
)
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
)

from finpipe.defs.partitions import daily_partitions, feature_lookback_mapping
from finpipe.lib.corporate_actions import CORPORATE_ACTIONS_KEY

RAW = AssetKey("raw_prices")
# What reads a raw day, in the order a run materializes it (drift reports and backtests
# are left for their schedules: they summarize, and redoing them is slow).
RESTATED = ["cleaned_prices", "features", "predictions", "prediction_scores", "insights"]


def _metadata(record, key: str, default):
    entry = record.event_log_entry.asset_materialization.metadata.get(key)
    return entry.value if entry is not None and entry.value is not None else default


def _restated(previous, current, day: str) -> bool:
    """Whether the day's splits or dividends of tickers in both materializations differ
    (a ticker added to the universe brings its own history, not a restatement)."""
    both = set(_metadata(previous, "tickers", [])) & set(_metadata(current, "tickers", []))

    def events(record) -> list:
        rows = _metadata(record, CORPORATE_ACTIONS_KEY, {}).get(day, [])
        return sorted(r for r in rows if r[0] in both)

    return events(previous) != events(current)


def restated_days(instance: DagsterInstance, after_storage_id: int) -> tuple[list[str], int]:
    """Days whose newest raw_prices materialization (after the cursor) carries different
    corporate actions than the one before it, and the new cursor."""
    result = instance.fetch_materializations(
        AssetRecordsFilter(asset_key=RAW, after_storage_id=after_storage_id),
        limit=1000,
        ascending=True,
    )
    days, cursor = set(), after_storage_id
    for record in result.records:
        cursor = max(cursor, record.storage_id)
        day = record.partition_key
        previous = instance.fetch_materializations(
            AssetRecordsFilter(
                asset_key=RAW, asset_partitions=[day], before_storage_id=record.storage_id
            ),
            limit=1,
        ).records
        if previous and _restated(previous[0], record, day):
            days.add(day)
    return sorted(days), cursor


def affected_range(instance: DagsterInstance, days: list[str]) -> tuple[str, str, list[str]]:
    """First and last partition to redo and the assets to redo there: from the first restated
    day to the last day whose lookback reaches a restated day, limited to what exists."""
    keys = daily_partitions.get_partition_keys()
    reach = -feature_lookback_mapping.start_offset
    last_reached = keys[min(keys.index(days[-1]) + reach, len(keys) - 1)]
    selection, last = [], days[-1]
    for asset in RESTATED:
        done = [
            k
            for k in instance.get_materialized_partitions(AssetKey(asset))
            if days[0] <= k <= last_reached
        ]
        if done:
            selection.append(asset)
            last = max(last, *done)
    return days[0], last, selection


@sensor(
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.RUNNING,
    asset_selection=RESTATED,
    description="Re-cleans and recomputes downstream partitions when a day's splits or "
    "dividends are restated.",
)
def corporate_action_restatements(context: SensorEvaluationContext) -> Iterator:
    days, cursor = restated_days(context.instance, int(context.cursor or 0))
    context.update_cursor(str(cursor))
    if not days:
        yield SkipReason("no restated corporate actions")
        return
    first, last, selection = affected_range(context.instance, days)
    if not selection:
        yield SkipReason(f"corporate actions restated on {days}; nothing downstream exists yet")
        return
    yield RunRequest(
        run_key=f"restatement-{cursor}",
        asset_selection=[AssetKey(a) for a in selection],
        tags={
            ASSET_PARTITION_RANGE_START_TAG: first,
            ASSET_PARTITION_RANGE_END_TAG: last,
            "finpipe/reason": f"corporate actions restated on {', '.join(days[:10])}",
        },
    )


sensors = [corporate_action_restatements]
