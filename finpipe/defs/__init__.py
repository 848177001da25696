"""Dagster wiring only: one folder per stage; logic lives in `finpipe.lib`."""
