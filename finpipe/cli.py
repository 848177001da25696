"""The `finpipe` command: `demo`, `serve`, `universe`, `model`."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import warnings
from pathlib import Path

from finpipe.errors import FinpipeError
from finpipe.settings import Settings, get_settings

__all__ = ["main"]


def prepare_home(settings: Settings) -> None:
    """Create the embedded state folders and point Dagster at its home."""
    settings.home.mkdir(parents=True, exist_ok=True)
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(settings.dagster_home)))
    home.mkdir(parents=True, exist_ok=True)
    instance_yaml = Path("dagster.yaml")  # the repository's local instance config
    if instance_yaml.exists() and not (home / "dagster.yaml").exists():
        shutil.copy(instance_yaml, home / "dagster.yaml")


def _demo(args: argparse.Namespace) -> int:
    from finpipe.demo import run_demo

    settings = get_settings()
    prepare_home(settings)
    run_demo(settings, drift_days=args.drift_days)
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = get_settings()
    prepare_home(settings)
    dagster = subprocess.Popen(
        [sys.executable, "-m", "dagster", "dev", "-m", "finpipe.definitions",
         "-h", "127.0.0.1", "-p", str(settings.dagster_port)],
    )  # fmt: skip
    print(f"Dagster UI: http://127.0.0.1:{settings.dagster_port}  "
          f"API: http://{settings.api_host}:{settings.api_port}/schema", flush=True)  # fmt: skip
    try:
        uvicorn.run("finpipe.api.app:create_app", factory=True,
                    host=settings.api_host, port=settings.api_port)  # fmt: skip
    finally:
        dagster.send_signal(signal.SIGINT)  # `dagster dev` stops its children on SIGINT
        try:
            dagster.wait(timeout=30)
        except subprocess.TimeoutExpired:
            dagster.kill()
    return 0


def _universe(args: argparse.Namespace) -> int:
    from dagster import DagsterInstance
    from rich.console import Console
    from rich.table import Table

    from finpipe.definitions import build_definitions
    from finpipe.demo import refresh_history
    from finpipe.lib.universe import add_tickers, remove_tickers

    settings = get_settings()
    prepare_home(settings)
    defs = build_definitions(settings)
    market, path, console = defs.resources["market"], settings.universe_path, Console()
    current = market.universe()
    if args.action == "add":
        current = add_tickers(path, args.tickers, current, market.listed())
    elif args.action == "remove":
        current = remove_tickers(path, args.tickers, current)
    table = Table("ticker", "name", "sector", title=f"{len(current)} tickers followed")
    for row in current.itertuples():
        table.add_row(row.ticker, row.name, row.sector)
    console.print(table if args.action == "list" else table.title + f" ({path})")
    if args.action == "add" and args.backfill:
        refresh_history(defs, DagsterInstance.get(), console)
    return 0


def _model(args: argparse.Namespace) -> int:
    import pandas as pd
    from rich.console import Console
    from rich.table import Table

    from finpipe.errors import ConfigError
    from finpipe.lib.registry import CHAMPION_FROM, ModelRegistry
    from finpipe.lib.targets import get_target

    settings = get_settings()
    name = get_target(args.target or settings.serving_target).model_name(settings.model_prefix)
    reg = ModelRegistry(settings.mlflow_uri, settings.mlflow_artifacts, name)
    serves_from = pd.Timestamp(args.serves_from or dt.date.today())
    if args.action == "promote":
        if args.version not in {v.version for v in reg.versions()}:
            raise ConfigError(f"model {reg.name} has no version {args.version!r}")
        reg.promote(args.version, serves_from)
    elif args.action == "rollback":
        previous = reg.previous_champion()
        if previous is None:
            raise ConfigError(f"model {reg.name} has no earlier champion to roll back to")
        reg.promote(previous, serves_from, rollback=True)
    champion, versions = reg.champion(), reg.versions()
    table = Table("version", "week", "data_end", "decision", "reason", "champion from",
                  title=f"{reg.name}: champion {champion.version if champion else '-'}")  # fmt: skip
    for v in versions[-args.last :]:
        table.add_row(v.version, v.tags.get("partition", ""), v.data_end.date().isoformat(),
                      v.tags.get("promotion.decision", ""), v.tags.get("promotion.reason", ""),
                      v.tags.get(CHAMPION_FROM, ""))  # fmt: skip
    Console().print(table)
    return 0


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, got {text!r}") from exc


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="finpipe", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="backfill every asset on embedded defaults, print a summary")
    demo.add_argument("--drift-days", type=_positive, default=10,
                      help="trading days at the end that get drift reports (default 10)")  # fmt: skip
    demo.set_defaults(func=_demo)
    serve = sub.add_parser("serve", help="run the Dagster webserver and daemon, and the API")
    serve.set_defaults(func=_serve)
    universe = sub.add_parser("universe", help="list, add or remove followed tickers")
    universe.add_argument("action", choices=["list", "add", "remove"])
    universe.add_argument("tickers", nargs="*", metavar="TICKER")
    universe.add_argument("--no-backfill", dest="backfill", action="store_false",
                          help="add without re-materializing the history already built")  # fmt: skip
    universe.set_defaults(func=_universe)
    model = sub.add_parser("model", help="list model versions, promote one or roll back")
    model.add_argument("action", choices=["list", "promote", "rollback"])
    model.add_argument("version", nargs="?", help="the version to promote")
    model.add_argument("--from", dest="serves_from", type=_iso_date, default=None,
                       help="first day the new champion serves (default: today)")  # fmt: skip
    model.add_argument("--last", type=_positive, default=20, help="versions to list")
    model.add_argument("--target", default=None,
                       help="return_1d, return_5d, direction_1d or direction_5d "
                       "(default: FINPIPE_SERVING_TARGET)")  # fmt: skip
    model.set_defaults(func=_model)
    args = parser.parse_args(argv)
    if args.command == "model" and args.action == "promote" and not args.version:
        parser.error("model promote needs a VERSION")
    if args.command == "universe" and args.action != "list" and not args.tickers:
        parser.error(f"universe {args.action} needs at least one TICKER")
    warnings.filterwarnings("ignore")  # Dagster's beta/preview notices are not for CLI users
    try:
        return args.func(args)
    except FinpipeError as exc:
        print(f"finpipe: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
