"""The last few answers a session asked the agent for (customer analyses, cohort narratives), so a rerun shows them
again without asking twice, while a long session's state stays bounded."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Final, Generic, TypeVar

KEPT_ANSWERS: Final = 20  # per kind of answer and session; each is a few kB of text and JSON

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class RecentAnswers(Generic[K, V]):
    """At most ``limit`` answers, the least recently used dropped first; `dropped` counts those, for the page to
    say so.

    Examples:
        >>> recent: RecentAnswers[str, int] = RecentAnswers(limit=2)
        >>> recent.put("a", 1); recent.put("b", 2); _ = recent.get("a"); recent.put("c", 3)
        >>> sorted(recent.keys()), recent.dropped
        (['a', 'c'], 1)
    """

    def __init__(self, limit: int = KEPT_ANSWERS) -> None:
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        self.limit = limit
        self.dropped = 0
        self._answers: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        """The answer under ``key`` (now the most recently used), or None."""
        if key not in self._answers:
            return None
        self._answers.move_to_end(key)
        return self._answers[key]

    def put(self, key: K, answer: V) -> None:
        """Keep ``answer`` under ``key``, dropping the least recently used answer beyond the limit."""
        self._answers[key] = answer
        self._answers.move_to_end(key)
        while len(self._answers) > self.limit:
            self._answers.popitem(last=False)
            self.dropped += 1

    def keys(self) -> list[K]:
        """The keys kept, least recently used first."""
        return list(self._answers)

    def __len__(self) -> int:
        return len(self._answers)

    def dropped_note(self, what: str) -> str | None:
        """A caption saying older answers were dropped (None while none were): ``what`` names them, plural."""
        if not self.dropped:
            return None
        return (f"This session keeps the last {self.limit} {what}; {self.dropped:,} older "
                f"{'one was' if self.dropped == 1 else 'ones were'} dropped and would be asked for again.")
