"""glibc's allocator, set to reuse freed memory instead of giving it back at once.

Cleaning and features allocate dozens of grid-sized numpy arrays (10-100 MB) per run and
free them soon after. By default glibc serves arrays that large from fresh mappings, or
from a heap it trims on every large free, so each new array is faulted in page by page
again; on the 2-core VM finpipe is developed on, those faults were half of cleaning's time
(`ingest_clean`'s 1.26M rows: cleaning 0.85-1.27 s, 0.53-0.70 s with this). Keeping freed
memory in the heap for the next array is what jemalloc and mimalloc (pyarrow's allocator)
do by default. The cost: a process keeps its peak heap until it exits, as Dagster's run
and step processes soon do.
"""

from __future__ import annotations

import ctypes
import os
import sys

__all__ = ["reuse_freed_memory"]

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt parameters (malloc.h)
_MMAP_THRESHOLD = 32 << 20  # arrays up to this size come from the heap (glibc's maximum)
_TRIM_THRESHOLD = 1 << 30  # free heap top kept before it is given back to the system


def reuse_freed_memory() -> bool:
    """Set glibc's thresholds; False where there is no glibc or an operator set them with
    glibc's own `MALLOC_*_THRESHOLD_` variables (theirs win)."""
    if not sys.platform.startswith("linux") or any(
        os.environ.get(f"MALLOC_{name}_THRESHOLD_") for name in ("MMAP", "TRIM")
    ):
        return False
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):  # another C library (musl) has no mallopt
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)) and bool(
        mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD)
    )
