"""Day numbers, the columns' dates: one definition, and numpy's datetime64 agrees with it."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from indexer.dates import (
    EPOCH,
    calendar_parts,
    day_date,
    day_dates,
    day_months,
    day_number,
    day_years,
)

DATES = st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))


def test_day_numbers_count_days_since_1970() -> None:
    assert day_number(EPOCH) == 0
    assert day_number(dt.date(2017, 2, 3)) == 17200
    assert day_date(17200) == dt.date(2017, 2, 3)
    assert day_number(dt.date(1969, 12, 31)) == -1


def test_a_datetime_counts_by_its_date() -> None:
    assert day_number(dt.datetime(2017, 2, 3, 23, 59)) == day_number(dt.date(2017, 2, 3))


@given(DATES)
def test_a_day_number_gives_its_date_back(date: dt.date) -> None:
    assert day_date(day_number(date)) == date
    assert day_date(np.int32(day_number(date))) == date


@given(st.lists(DATES, max_size=20))
def test_arrays_of_day_numbers_are_numpy_dates_and_their_parts(dates: list[dt.date]) -> None:
    numbers = np.asarray([day_number(d) for d in dates], np.int32)
    assert day_dates(numbers).tolist() == dates
    years, months, days = calendar_parts(numbers)
    assert years.tolist() == [d.year for d in dates]
    assert months.tolist() == [d.month for d in dates]
    assert days.tolist() == [d.day for d in dates]
    assert day_years(numbers).tolist() == years.tolist()
    assert day_months(numbers).tolist() == months.tolist()
