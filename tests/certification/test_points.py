from __future__ import annotations

from datetime import date

import pytest

from examsrv.certification.points import (
    DEFAULT_AWARDS,
    ENTRY_ROLES,
    SOURCE_LABELS,
    Award,
    PointsSource,
    award_error,
    balance_by_year,
    total_between,
)

S = PointsSource


def test_default_awards_are_the_source_amounts() -> None:
    assert {
        S.KB_CORRECTION: Award(2, 5, 2),
        S.NEW_CASE: Award(20, 50, 20),
        S.CASE_REVISION: Award(5, 20, 5),
        S.QUALITY_CASE: Award(5, 10, 5, also=(60,)),
        S.SUGGESTION: Award(30, 200, 30),
        S.APPRENTICE_PROMOTED: Award(200, 200, 200),
        S.REVIEW_DONE: Award(5, 5, 5, also=(20,)),
        S.CORRECTION: Award(-200, 200, 0),
    } == DEFAULT_AWARDS
    assert set(SOURCE_LABELS) == set(PointsSource)


@pytest.mark.parametrize(
    ("source", "amount"),
    [
        (S.KB_CORRECTION, 2),
        (S.KB_CORRECTION, 5),
        (S.NEW_CASE, 20),
        (S.NEW_CASE, 50),
        (S.CASE_REVISION, 5),
        (S.CASE_REVISION, 20),
        (S.QUALITY_CASE, 5),
        (S.QUALITY_CASE, 10),
        (S.QUALITY_CASE, 60),
        (S.SUGGESTION, 30),
        (S.SUGGESTION, 200),
        (S.APPRENTICE_PROMOTED, 200),
        (S.REVIEW_DONE, 5),
        (S.REVIEW_DONE, 20),
        (S.CORRECTION, -200),
        (S.CORRECTION, -1),
        (S.CORRECTION, 200),
    ],
)
def test_amounts_at_the_edges_of_each_range_are_accepted(source: PointsSource, amount: int) -> None:
    assert award_error(source, amount, "hr") is None


@pytest.mark.parametrize(
    ("source", "amount", "message"),
    [
        (
            S.KB_CORRECTION,
            1,
            "Points for Accepted knowledge-base correction must be from 2 to 5, got 1.",
        ),
        (
            S.KB_CORRECTION,
            6,
            "Points for Accepted knowledge-base correction must be from 2 to 5, got 6.",
        ),
        (
            S.NEW_CASE,
            19,
            "Points for New case accepted into the bank must be from 20 to 50, got 19.",
        ),
        (
            S.NEW_CASE,
            51,
            "Points for New case accepted into the bank must be from 20 to 50, got 51.",
        ),
        (S.CASE_REVISION, 21, "Points for Case revision must be from 5 to 20, got 21."),
        (
            S.QUALITY_CASE,
            11,
            "Points for Case rated high-quality must be from 5 to 10, or 60, got 11.",
        ),
        (S.SUGGESTION, 29, "Points for Accepted suggestion must be from 30 to 200, got 29."),
        (S.SUGGESTION, 201, "Points for Accepted suggestion must be from 30 to 200, got 201."),
        (
            S.APPRENTICE_PROMOTED,
            199,
            "Points for Apprentice brought up a level must be 200, got 199.",
        ),
        (S.REVIEW_DONE, 10, "Points for Review done must be 5 or 20, got 10."),
        (S.CORRECTION, 201, "Points for Correction of an entry must be from -200 to 200, got 201."),
        (
            S.CORRECTION,
            -201,
            "Points for Correction of an entry must be from -200 to 200, got -201.",
        ),
        (S.CORRECTION, 0, "A correction must change the balance: the amount cannot be 0."),
        (
            S.NEW_CASE,
            -20,
            "Points for New case accepted into the bank must be from 20 to 50, got -20.",
        ),
    ],
)
def test_amounts_outside_the_range_are_refused(
    source: PointsSource, amount: int, message: str
) -> None:
    assert award_error(source, amount, "hr") == message


def test_an_amount_that_is_not_a_whole_number_is_refused() -> None:
    assert award_error("new_case", 20.5, "hr") == "Points must be a whole number, got 20.5."  # type: ignore[arg-type]
    assert award_error("new_case", True, "hr") == "Points must be a whole number, got True."


def test_an_unknown_source_is_refused() -> None:
    assert award_error("bribe", 10, "hr") == "Unknown points source bribe."


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("hr", set(PointsSource)),
        ("author", {S.KB_CORRECTION, S.NEW_CASE, S.CASE_REVISION, S.QUALITY_CASE, S.REVIEW_DONE}),
        ("approver", {S.SUGGESTION}),
        ("admin", {S.CORRECTION}),
        ("proctor", set()),
        ("candidate", set()),
        ("nobody", set()),
    ],
)
def test_roles(role: str, allowed: set[PointsSource]) -> None:
    accepted = {s for s in PointsSource if award_error(s, DEFAULT_AWARDS[s].min, role) is None}
    assert accepted == allowed


def test_role_refusal_message() -> None:
    assert award_error("suggestion", 30, "candidate") == (
        "The candidate role may not enter points for Accepted suggestion."
    )
    assert award_error("apprentice_promoted", 200, "author") == (
        "The author role may not enter points for Apprentice brought up a level."
    )


def test_entry_roles_name_known_sources_only() -> None:
    assert all(sources <= set(PointsSource) for sources in ENTRY_ROLES.values())


def test_awards_can_be_overridden() -> None:
    awards = {**DEFAULT_AWARDS, S.NEW_CASE: Award(10, 100, 10)}
    assert award_error(S.NEW_CASE, 100, "hr", awards) is None


def test_default_amounts_are_accepted() -> None:
    for source, award in DEFAULT_AWARDS.items():
        expected = None if source is not S.CORRECTION else award_error(source, 0, "hr")
        assert award_error(source, award.default, "hr") == expected


def test_balance_by_year() -> None:
    entries = [
        (date(2024, 12, 31), 200),
        (date(2025, 1, 1), 20),
        (date(2025, 6, 1), 5),
        (date(2025, 6, 2), -5),
        (date(2023, 3, 3), 30),
    ]
    assert balance_by_year(entries) == {2023: 30, 2024: 200, 2025: 20}
    assert list(balance_by_year(entries)) == [2023, 2024, 2025]
    assert balance_by_year([]) == {}


def test_total_between_includes_both_ends() -> None:
    entries = [
        (date(2024, 3, 14), 1000),
        (date(2024, 3, 15), 100),
        (date(2025, 3, 15), 99),
        (date(2025, 3, 16), 1000),
    ]
    assert total_between(entries, date(2024, 3, 15), date(2025, 3, 15)) == 199
