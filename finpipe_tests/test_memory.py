"""finpipe's allocator setting: freed arrays are reused, not faulted in again."""

import subprocess
import sys

import pytest

from finpipe.memory import reuse_freed_memory

# Page faults of a fresh 24 MB array, then of another after the first is freed: glibc's
# default serves the second from new pages; with `reuse_freed_memory` from the freed ones.
_FAULTS = """
import resource, sys
import numpy as np
if sys.argv[1] == "finpipe":
    import finpipe  # sets the allocator on import
def faults():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    array = np.ones(3_000_000)  # 24 MB, written
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
first = faults()
print(first, faults())
"""


def _faults(mode: str) -> tuple[int, int]:
    out = subprocess.run([sys.executable, "-c", _FAULTS, mode], capture_output=True, text=True,
                         check=True)  # fmt: skip
    first, second = map(int, out.stdout.split())
    return first, second


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_a_freed_array_is_reused_without_page_faults():
    first, second = _faults("finpipe")
    assert first > 0 and second <= first // 10
    first, second = _faults("glibc default")  # the setting is what makes the difference
    assert second > first // 2


def test_an_operators_own_malloc_setting_wins(monkeypatch):
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "131072")
    assert reuse_freed_memory() is False
