"""Values derived from the findings (spec section 3): calendar months and synchronicity."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from .findings import Findings


def add_months(start: date, months: int) -> date:
    """Return ``start`` moved by ``months`` calendar months, keeping the day of the month;
    a day that does not exist in the target month becomes that month's last day
    (2024-02-29 + 12 months = 2025-02-28)."""
    month_index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(month_index, 12)
    month += 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def whole_months_between(start: date, end: date) -> int:
    """Return the number of whole calendar months from ``start`` to ``end``: the largest
    ``n`` with ``add_months(start, n) <= end`` (2023-01-15 to 2024-01-14 is 11, to
    2024-01-15 is 12). ``end`` must not be before ``start``."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if add_months(start, months) > end:
        months -= 1
    return months


def is_synchronous(findings: Findings) -> bool:
    """True when the liver metastases were found before the primary was removed: the
    primary is still in place, or it was resected on or after the diagnosis date."""
    return (
        not findings.primary_resected
        or findings.primary_resection_date is None
        or findings.primary_resection_date >= findings.liver_metastases_diagnosis_date
    )


@dataclass(frozen=True, slots=True)
class Derived:
    """Derived values: synchronicity and the disease-free interval in whole months."""

    synchronous: bool
    disease_free_interval_months: int

    def to_dict(self) -> dict[str, object]:
        """The ``derived`` object of the evaluator's output."""
        return {
            "synchronous": self.synchronous,
            "disease_free_interval_months": self.disease_free_interval_months,
        }


def derive(findings: Findings) -> Derived:
    """Compute the derived values of ``findings``; the interval is 0 when synchronous."""
    if is_synchronous(findings):
        return Derived(synchronous=True, disease_free_interval_months=0)
    assert findings.primary_resection_date is not None  # not synchronous implies resected
    months = whole_months_between(
        findings.primary_resection_date, findings.liver_metastases_diagnosis_date
    )
    return Derived(synchronous=False, disease_free_interval_months=months)
