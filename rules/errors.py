"""The one error the rule engine raises for bad input: every problem, each located, with its value."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError


@dataclass(frozen=True)
class Problem:
    """One problem in the input.

    Attributes:
        loc: where it is, e.g. ``customer.productHistory[2].totalSpent``.
        msg: what is wrong, in words.
        input: the offending value.
        hint: how to fix it with the API's arguments or the command line's options, when there is a way; kept
            apart from the message so that a user interface can point to its own controls instead.
    """

    loc: str
    msg: str
    input: Any
    hint: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"loc": self.loc, "msg": self.msg, "input": self.input}


def format_loc(parts: Sequence[int | str]) -> str:
    """Render a pydantic location tuple as a path: ``("a", 2, "b")`` → ``a[2].b``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class InvalidInput(ValueError):  # noqa: N818 - reads better at call sites than InvalidInputError
    """The input breaks one or more rules; `problems` lists every one of them."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self._summary())

    def _summary(self) -> str:
        count = len(self.problems)
        lines = [f"{count} problem{'s' if count != 1 else ''} in the input:"]
        for p in self.problems:
            line = f"- {p.loc or '(root)'}: {p.msg} (got {p.input!r})" if p.loc or p.input is not None else \
                f"- {p.msg}"
            lines.append(f"{line}. {p.hint}" if p.hint else line)
        return "\n".join(lines)

    @classmethod
    def from_validation_error(
        cls, error: ValidationError, prefix: Sequence[int | str] = (), given: Any = None
    ) -> InvalidInput:
        """Convert pydantic's error, keeping every entry, its location and its input.

        Args:
            error: pydantic's error.
            prefix: the location of the validated value within the whole input.
            given: the value that was validated. A check that runs after a day is parsed (its range, its order)
                reports the parsed day, which for an aware datetime is its UTC day; the problem echoes the value
                at its location in `given` instead, as the caller wrote it, and names that UTC day when it is
                not the day written.
        """
        problems = []
        for entry in error.errors(include_url=False):
            msg = entry["msg"].removeprefix("Value error, ")
            value = entry.get("input")
            if isinstance(value, date) and given is not None:
                day, value = value, _at(given, entry["loc"], value)
                if isinstance(value, str) and not value.strip().startswith(day.isoformat()):
                    msg += f" (its day in UTC is {day.isoformat()})"  # an aware time near midnight
            problems.append(Problem(format_loc((*prefix, *entry["loc"])), msg, describe_input(value)))
        return cls(problems)


ECHO_LIMIT = 80
"""The most characters of an offending text (or digits of a number) an error echoes; the rest is counted."""


def describe_input(value: Any) -> Any:
    """An offending input as errors echo it back in JSON: scalars as they are, containers summarised, and text
    longer than `ECHO_LIMIT` cut (a 5 MB value would otherwise come back whole in the error).

    Examples:
        >>> describe_input(-5.0), describe_input([1, 2, 3]), describe_input({"b": 1, "a": 2})
        (-5.0, '<list of 3>', {'<object with keys>': ['a', 'b']})
        >>> describe_input("x" * 100)
        'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx… (100 characters)'
    """
    if isinstance(value, str):
        return _cut(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**ECHO_LIMIT:
        return f"<integer of {value.bit_length()} bits>"  # str() refuses ints beyond 4300 digits
    if isinstance(value, int | float | bool) or value is None:
        return value
    if isinstance(value, dict):
        return {"<object with keys>": [_cut(key) for key in sorted(map(str, value))[:20]]}
    if isinstance(value, list):
        return f"<list of {len(value)}>"
    if isinstance(value, date):  # a day that parsed but is out of range: as the JSON writes days
        return value.isoformat()
    return f"<{type(value).__name__}>"


def _at(container: Any, loc: Sequence[int | str], default: Any) -> Any:
    """The value at `loc` in nested dicts and lists; `default` when the path leads nowhere."""
    for part in loc:
        found = part in container if isinstance(container, dict) else \
            isinstance(container, list) and isinstance(part, int) and 0 <= part < len(container)
        if not found:
            return default
        container = container[part]
    return container


def _cut(text: str) -> str:
    return text if len(text) <= ECHO_LIMIT else f"{text[:ECHO_LIMIT]}… ({len(text)} characters)"
