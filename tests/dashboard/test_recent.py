"""The session's recent answers: bounded, least recently used dropped first, and counted."""

from __future__ import annotations

import pytest

from dashboard.recent import KEPT_ANSWERS, RecentAnswers


def test_the_least_recently_used_answers_go_beyond_the_limit_and_are_counted() -> None:
    recent: RecentAnswers[str, int] = RecentAnswers(limit=2)
    recent.put("a", 1)
    recent.put("b", 2)
    assert recent.get("a") == 1  # now the most recently used
    recent.put("c", 3)
    recent.put("c", 4)  # asked again: replaced, nothing more dropped

    assert (recent.keys(), recent.get("b"), recent.get("c"), recent.dropped) == (["a", "c"], None, 4, 1)
    assert recent.dropped_note("customer analyses") == (
        "This session keeps the last 2 customer analyses; 1 older one was dropped and would be asked for again.")


def test_nothing_dropped_says_nothing_and_the_default_keeps_twenty() -> None:
    recent: RecentAnswers[int, int] = RecentAnswers()
    for key in range(25):
        recent.put(key, key)

    assert (KEPT_ANSWERS, len(recent), recent.keys()[0], recent.dropped) == (20, 20, 5, 5)
    assert RecentAnswers[int, int]().dropped_note("narratives") is None
    with pytest.raises(ValueError, match="limit must be at least 1, got 0"):
        RecentAnswers(limit=0)
