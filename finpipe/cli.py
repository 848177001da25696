"""The `finpipe` command: `demo`, `serve`."""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

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
    import warnings

    warnings.filterwarnings("ignore")
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
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
