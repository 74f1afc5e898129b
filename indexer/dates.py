"""Dates as the columns keep them: a *day number*, days since 1970-01-01 (``int32``).

Defined here once, for the columns that store day numbers and every reader of them::

    day_number(date(2017, 2, 3)) == 17200      day_date(17200) == date(2017, 2, 3)

That is also numpy's ``datetime64[D]``, days since the same epoch, so arrays convert
without arithmetic (:func:`day_dates`) and split into calendar parts vectorised
(:func:`calendar_parts`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import numpy.typing as npt

EPOCH = dt.date(1970, 1, 1)  # day number 0, and numpy's datetime64 epoch


def day_number(date: dt.date) -> int:
    """The day number of *date* (a ``datetime`` counts by its date)."""
    day = date.date() if isinstance(date, dt.datetime) else date
    return (day - EPOCH).days


def day_date(number: int | np.integer[Any]) -> dt.date:
    """The date of day number *number*."""
    return EPOCH + dt.timedelta(days=int(number))


def day_dates(numbers: npt.ArrayLike) -> npt.NDArray[np.datetime64]:
    """Day numbers as ``datetime64[D]`` (the same count of days: no arithmetic)."""
    return np.asarray(numbers).astype("datetime64[D]")


def day_years(numbers: npt.ArrayLike) -> npt.NDArray[np.int16]:
    """The year of each day number."""
    return (day_dates(numbers).astype("datetime64[Y]").astype(np.int64) + 1970).astype(np.int16)


def day_months(numbers: npt.ArrayLike) -> npt.NDArray[np.int8]:
    """The month (1-12) of each day number."""
    return (day_dates(numbers).astype("datetime64[M]").astype(np.int64) % 12 + 1).astype(np.int8)


def calendar_parts(
    numbers: npt.ArrayLike,
) -> tuple[npt.NDArray[np.int16], npt.NDArray[np.int8], npt.NDArray[np.int8]]:
    """Year, month (1-12) and day of the month of each day number."""
    dates = day_dates(numbers)
    day = ((dates - dates.astype("datetime64[M]")).astype(np.int64) + 1).astype(np.int8)
    return day_years(dates), day_months(dates), day
