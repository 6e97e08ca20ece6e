"""Text keys that match Turkish names however they are spelled (İzmir, Izmir, IZMIR, izmir), and counts in words."""

from __future__ import annotations

import unicodedata

_TURKISH_TO_ASCII = str.maketrans(
    {"İ": "i", "I": "i", "ı": "i", "Ş": "s", "ş": "s", "Ğ": "g", "ğ": "g",
     "Ü": "u", "ü": "u", "Ö": "o", "ö": "o", "Ç": "c", "ç": "c", "Â": "a", "â": "a"}
)


def fold(text: str) -> str:
    """A lookup key: Turkish letters to ASCII, accents dropped, lower case, single spaces.

    Examples:
        >>> fold("  Şanlıurfa ") == fold("SANLIURFA") == "sanliurfa"
        True
    """
    ascii_ish = unicodedata.normalize("NFKD", text.translate(_TURKISH_TO_ASCII))
    without_marks = "".join(ch for ch in ascii_ish if not unicodedata.combining(ch))
    return " ".join(without_marks.lower().split())


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """The count with its noun: ``1 customer``, ``2,500 customers`` (``plural`` for irregular nouns).

    Examples:
        >>> counted(1, "customer"), counted(2500, "row"), counted(0, "entry", "entries")
        ('1 customer', '2,500 rows', '0 entries')
    """
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"
