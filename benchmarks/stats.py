"""Small statistics helpers for the benchmark figures (stdlib only)."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by linear interpolation between closest ranks."""
    if not values:
        return math.nan
    data = sorted(values)
    if len(data) == 1:
        return float(data[0])
    pos = (len(data) - 1) * q / 100.0
    lo = math.floor(pos)
    hi = math.ceil(pos)
    return float(data[lo] + (data[hi] - data[lo]) * (pos - lo))


def median(values: Sequence[float]) -> float:
    return percentile(values, 50.0)


def p95(values: Sequence[float]) -> float:
    return percentile(values, 95.0)


def mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values) if values else math.nan


def ratio(value: float, reference: float) -> float:
    """``value / reference``; NaN when either is missing or the reference is zero."""
    if math.isnan(value) or math.isnan(reference) or reference == 0:
        return math.nan
    return value / reference


def fmt_ms(seconds: float) -> str:
    if math.isnan(seconds):
        return "n/a"
    ms = seconds * 1000
    if ms >= 100:
        return f"{ms:.0f} ms"
    if ms >= 10:
        return f"{ms:.1f} ms"
    return f"{ms:.2f} ms"


def fmt_s(seconds: float) -> str:
    if math.isnan(seconds):
        return "n/a"
    return fmt_ms(seconds) if seconds < 1 else f"{seconds:.2f} s"


def fmt_bytes(n: float) -> str:
    if math.isnan(n):
        return "n/a"
    if n >= 1024:
        return f"{n / 1024:.2f} KB"
    return f"{n:.0f} B"


def fmt_mb(n: float) -> str:
    return "n/a" if math.isnan(n) else f"{n / (1024 * 1024):.1f} MB"


def fmt_ratio(r: float) -> str:
    return "n/a" if math.isnan(r) else f"{r:.2f}x"


def growth_exponent(n1: float, v1: float, n2: float, v2: float) -> float:
    """The log-log slope between two sizes: ``v`` grows as ``n ** slope`` between them
    (1 is linear, 0 flat, 2 quadratic). NaN when a figure is missing or not positive."""
    values = (n1, v1, n2, v2)
    if any(math.isnan(x) or x <= 0 for x in values) or n1 == n2:
        return math.nan
    return math.log(v2 / v1) / math.log(n2 / n1)


def fmt_exponent(k: float) -> str:
    return "n/a" if math.isnan(k) else f"{k:.2f}"
