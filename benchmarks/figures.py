"""A benchmark figure: what was measured, its reference in the same run, the target, the verdict."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from benchmarks.stats import fmt_bytes, fmt_mb, fmt_ratio, fmt_s, ratio

UNITS = ("s", "B", "B/s", "mem", "count", "%")


def fmt_value(value: float, unit: str) -> str:
    if math.isnan(value):
        return "n/a"
    if unit == "s":
        return fmt_s(value)
    if unit == "B":
        return fmt_bytes(value)
    if unit == "B/s":
        return f"{fmt_bytes(value)}/s"
    if unit == "mem":
        return fmt_mb(value)
    if unit == "%":
        return f"{value:.2f}%"
    return f"{value:g}"


@dataclass
class Row:
    bench: str  # the --only name of the benchmark that produced it
    what: str  # "first paint, bundled library"
    stat: str  # "median", "p95", "mean per key", ...
    value: float  # NaN when it could not be measured (see note)
    unit: str  # one of UNITS
    reference: float = math.nan
    reference_label: str = ""
    target: str = ""  # as the issue states it
    limit: float | None = None  # the target's bound on value (or on the ratio, see on_ratio)
    on_ratio: bool = False
    note: str = ""
    samples: int = 0
    extra: dict[str, float] = field(default_factory=dict)
    unmet: str = ""  # a part of the target that is not a number and is not met

    @property
    def ratio(self) -> float:
        return ratio(self.value, self.reference)

    @property
    def measured(self) -> float:
        """What the target is judged on: the value, or its ratio to the reference."""
        return self.ratio if self.on_ratio else self.value

    @property
    def met(self) -> bool | None:
        if self.unmet:
            return False
        if self.limit is None or math.isnan(self.measured):
            return None
        return self.measured <= self.limit

    def verdict(self) -> str:
        if self.limit is None:
            return "—" if not math.isnan(self.value) else "not measured"
        if math.isnan(self.measured):
            return "not measured"
        if self.met:
            return "met"
        if self.unmet:
            return f"MISSED: {self.unmet}"
        return f"MISSED by {self.shortfall()}"

    def shortfall(self) -> str:
        """By how much the target is missed: the excess, and in % of the bound where it has one."""
        assert self.limit is not None
        if self.unmet and self.measured <= self.limit:
            return self.unmet
        excess = self.measured - self.limit
        text = (
            fmt_ratio(excess).rstrip("x") + "x" if self.on_ratio else fmt_value(excess, self.unit)
        )
        if self.limit > 0:
            text += f" ({100 * excess / self.limit:.0f}% over)"
        return text

    def value_text(self) -> str:
        return fmt_value(self.value, self.unit)

    def reference_text(self) -> str:
        if math.isnan(self.reference):
            return self.reference_label or "—"
        label = f" ({self.reference_label})" if self.reference_label else ""
        return f"{fmt_value(self.reference, self.unit)}{label}"

    def ratio_text(self) -> str:
        return fmt_ratio(self.ratio)

    def as_dict(self) -> dict[str, object]:
        def num(x: float) -> float | None:
            return None if math.isnan(x) else x

        return {
            "bench": self.bench,
            "what": self.what,
            "stat": self.stat,
            "value": num(self.value),
            "unit": self.unit,
            "reference": num(self.reference),
            "reference_label": self.reference_label,
            "ratio": num(self.ratio),
            "target": self.target,
            "verdict": self.verdict(),
            "note": self.note,
            "samples": self.samples,
            "extra": {k: num(v) for k, v in self.extra.items()},
        }
