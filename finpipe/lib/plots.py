"""Charts as PNG bytes, for asset metadata and the lake (no screen: matplotlib's Agg)."""

from __future__ import annotations

import io
from typing import Any

__all__ = ["figure", "png"]


def figure(width: float, height: float) -> tuple[Any, Any]:
    """A new (figure, axes) pair drawn off-screen."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(width, height), dpi=100)


def png(fig: Any) -> bytes:
    """The figure as PNG bytes; the figure is closed."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()
