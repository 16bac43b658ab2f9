"""When checks fall due: the rules over a school year, as pure functions."""

from datetime import date

from tracker.controls.rules import Rule, TermSpan, YearSpan, schedule

QUARTERS = (
    TermSpan(1, "quarter", 1, "1 четверть", date(2023, 9, 1), date(2023, 10, 27)),
    TermSpan(2, "quarter", 2, "2 четверть", date(2023, 11, 7), date(2023, 12, 29)),
    TermSpan(3, "quarter", 3, "3 четверть", date(2024, 1, 9), date(2024, 3, 22)),
    TermSpan(4, "quarter", 4, "4 четверть", date(2024, 4, 1), date(2024, 5, 24)),
)
HALVES = (
    TermSpan(5, "half_year", 1, "1 полугодие", date(2023, 9, 1), date(2023, 12, 29)),
    TermSpan(6, "half_year", 2, "2 полугодие", date(2024, 1, 9), date(2024, 5, 24)),
)
HOLIDAYS = (
    (date(2023, 10, 28), date(2023, 11, 5)),
    (date(2023, 12, 30), date(2024, 1, 7)),
    (date(2024, 3, 23), date(2024, 3, 31)),
)
YEAR = YearSpan(date(2023, 9, 1), date(2024, 5, 24), QUARTERS + HALVES, HOLIDAYS)


def days(rule: Rule, year: YearSpan = YEAR) -> list[date]:
    return [due.due_on for due in schedule(rule, year).dues]


def test_monthly_on_the_last_working_day_skips_weekends_and_holidays():
    assert days(Rule("monthly")) == [
        date(2023, 9, 29),  # the 30th is a Saturday
        date(2023, 10, 27),  # from the 28th: autumn holidays
        date(2023, 11, 30),
        date(2023, 12, 29),  # from the 30th: winter holidays
        date(2024, 1, 31),
        date(2024, 2, 29),
        date(2024, 3, 22),  # from the 23rd: spring holidays
        date(2024, 4, 30),
        date(2024, 5, 24),  # the year ends on the 24th
    ]


def test_monthly_on_day_31_falls_back_to_the_months_last_day():
    dues = days(Rule("monthly", month_day=31))
    assert dues[0] == date(2023, 9, 30) and dues[2] == date(2023, 11, 30)
    assert dues[5] == date(2024, 2, 29) and dues[-1] == date(2024, 5, 24)
    assert len(dues) == 9  # one per month of the school year


def test_end_of_each_quarter_on_the_terms_last_day_plus_offset():
    assert days(Rule("term_end", term_kinds=("quarter",))) == [t.ends_on for t in QUARTERS]
    shifted = days(Rule("term_end", term_kinds=("quarter",), offset_days=3))
    assert shifted[0] == date(2023, 10, 30)


def test_quarter_half_year_and_year_ends_on_one_day_are_one_check():
    dues = schedule(Rule("term_end", term_kinds=("quarter", "half_year", "year")), YEAR).dues
    assert [(d.due_on, d.label) for d in dues] == [
        (date(2023, 10, 27), "1 четверть"),
        (date(2023, 12, 29), "2 четверть, 1 полугодие"),
        (date(2024, 3, 22), "3 четверть"),
        (date(2024, 5, 24), "4 четверть, 2 полугодие, учебный год"),
    ]
    assert dues[1].term_ids == (2, 5)
    assert len({d.period_key for d in dues}) == 4


def test_a_year_with_no_terms_creates_no_term_checks_and_says_why():
    empty = YearSpan(date(2023, 9, 1), date(2024, 5, 24))
    result = schedule(Rule("term_end", term_kinds=("quarter",)), empty)
    assert result.dues == () and "нет четвертей" in result.note
    year_end = schedule(Rule("term_end", term_kinds=("quarter", "year")), empty)
    assert [d.due_on for d in year_end.dues] == [date(2024, 5, 24)] and year_end.note


def test_dates_set_by_the_deputy_and_once_inside_the_year_only():
    rule = Rule("dates", dates=(date(2023, 10, 16), date(2023, 8, 1), date(2023, 10, 16)))
    assert days(rule) == [date(2023, 10, 16)]
    assert days(Rule("once", once_on=date(2024, 2, 1))) == [date(2024, 2, 1)]
    assert days(Rule("once", once_on=date(2025, 2, 1))) == []


def test_period_keys_are_stable_when_a_term_end_moves():
    moved = YearSpan(
        YEAR.starts_on,
        YEAR.ends_on,
        (
            QUARTERS[0].__class__(
                1, "quarter", 1, "1 четверть", date(2023, 9, 1), date(2023, 10, 20)
            ),
        )
        + QUARTERS[1:],
        HOLIDAYS,
    )
    before = schedule(Rule("term_end", term_kinds=("quarter",)), YEAR).dues[0]
    after = schedule(Rule("term_end", term_kinds=("quarter",)), moved).dues[0]
    assert before.period_key == after.period_key and after.due_on == date(2023, 10, 20)
