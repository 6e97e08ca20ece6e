"""Cell values, a whole column at a time: text and ids, numbers with either decimal mark, and codes.

Every function takes an Arrow array of any type (text from CSV, numbers and dates from Excel or Parquet) and
works on the whole column with Arrow compute kernels, NumPy, or a compiled pass over the column's bytes
(`rules.cohort.numbered_ids`); nothing here loops over rows in Python.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeAlias

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from rules.cohort.numbered_ids import numbered_codes, split_numbered
from rules.cohort.plain_numbers import plain_decimals

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
AnyArray: TypeAlias = "pa.Array | pa.ChunkedArray"
DecimalMark = Literal[".", ","]

_NULL_TEXT = pa.scalar(None, pa.string())
SAMPLE_VALUES = 5000
# The largest quantity and amount an order line may have (by magnitude). No real line comes near them, and they
# keep the sums over millions of lines exact and finite: a value beyond them is a broken cell, not an order.
MAX_LINE_QUANTITY = 1e9
MAX_LINE_AMOUNT = 1e12

# Evidence for a decimal mark: one or two digits after it at the end (12,5 · 1.234,50), or a thousands group
# before it (1,234.5). Exactly three digits after a single mark ("1.234") is no evidence either way.
# Two or more groups after the same mark (1.234.567) are thousands: evidence for the other mark.
# A leading 0 before the mark (0,250) or an exponent (1.5e3) is evidence too: neither is a thousands group.
_COMMA_DECIMAL = re.compile(r"\d,(\d{1,2}|\d{4,})$|\.\d{3},\d+$|^[+-]?\d{1,3}(\.\d{3}){2,}$|^[+-]?0,\d+$"
                            r"|\d,\d+[eE][+-]?\d+$")
_DOT_DECIMAL = re.compile(r"\d\.(\d{1,2}|\d{4,})$|,\d{3}\.\d+$|^[+-]?\d{1,3}(,\d{3}){2,}$|^[+-]?0\.\d+$"
                          r"|\d\.\d+[eE][+-]?\d+$")
_EITHER_MARK = re.compile(r"^[+-]?[1-9]\d{0,2}[.,]\d{3}$")  # 1.250: 1.25 or 1250
# What a number cell may hold besides the number: a currency sign or code before or after it, a sign before
# that, white space; "(3,00)" and "3,00-" are negatives. Digits may be grouped in threes by the thousands
# separator, a space or an apostrophe. Anything else (letters, a formula, "1/2", "1,2,3") is not a number.
_CURRENCY = r"(?:[₺$€£¥]|(?i:TL|TRY|USD|EUR|GBP))"
_AFFIXES = rf"^\s*([+-]?)\s*{_CURRENCY}?\s*(.*?)\s*{_CURRENCY}?\s*$"
_PARENTHESES = r"^\s*\((.*)\)\s*$"
_TRAILING_MINUS = r"^(.*\d)\s*-$"
_GROUP_SEPARATORS = {".": "[, \u00a0\u202f'’]", ",": "[. \u00a0\u202f'’]"}


def _number_grammar(mark: DecimalMark) -> str:
    groups, point = _GROUP_SEPARATORS[mark], re.escape(mark)
    exponent = r"(?:[eE][+-]?\d+)?"
    return (rf"^[+-]?(?:[1-9]\d{{0,2}}(?:{groups}\d{{3}})+|\d+)(?:{point}\d*)?{exponent}$"
            rf"|^[+-]?{point}\d+{exponent}$")


def contiguous(array: AnyArray) -> pa.Array:
    """One Arrow array (chunks joined)."""
    if isinstance(array, pa.ChunkedArray):
        if array.num_chunks == 1:
            return array.chunk(0)
        if pa.types.is_dictionary(array.type):  # each chunk has its own dictionary: merge them first
            array = array.unify_dictionaries()
        return array.combine_chunks()
    return array


def as_text(array: AnyArray) -> pa.Array:
    """Trimmed text with blanks as null; numbers as decimal text (whole floats without ``.0``, decimals without
    the zeros of their scale, NaN as null), dates as ISO.

    Examples:
        >>> as_text(pa.array([" 007 ", "", None, "x"])).to_pylist()
        ['007', None, None, 'x']
        >>> as_text(pa.array([12345.0, 1.5, None, float("nan")])).to_pylist()
        ['12345', '1.5', None, None]
    """
    values = contiguous(array)
    kind = values.type
    if pa.types.is_dictionary(kind):
        values = pc.cast(values, kind.value_type)
        kind = values.type
    if pa.types.is_floating(kind):
        values = _float_text(values)
    elif pa.types.is_decimal(kind):
        values = _decimal_text(values)
    elif not pa.types.is_string(kind):
        values = pc.cast(values, pa.string())
    trimmed = pc.utf8_trim_whitespace(values)
    return pc.if_else(pc.equal(pc.utf8_length(trimmed), 0), _NULL_TEXT, trimmed)


def _float_text(values: pa.Array) -> pa.Array:
    numbers = values.to_numpy(zero_copy_only=False)
    # Every digit of a whole float, never 1.2345678901234568e+16 (an id written as a float).
    whole = np.isfinite(numbers) & (numbers == np.floor(numbers)) & (np.abs(numbers) < 2.0**63)
    ints = pc.cast(pa.array(np.where(whole, numbers, 0).astype(np.int64)), pa.string())
    texts = pc.if_else(pa.array(whole), ints, pc.cast(values, pa.string()))
    # NaN, which Polars, Spark and NumPy keep apart from null, is no value, as a "NaN" cell of a CSV is.
    return pc.if_else(pa.array(np.isnan(numbers)), _NULL_TEXT, texts)


def _decimal_text(values: pa.Array) -> pa.Array:
    """Decimals as the numbers they are, without the zeros their scale pads them with: an id in a decimal(38,10)
    column (Oracle's NUMBER through Spark) is ``101``, as in another file, not ``101.0000000000``."""
    text = pc.cast(values, pa.string())
    if values.type.scale <= 0:
        return text
    # Arrow writes tiny values in scientific notation (1E-10), which has no zeros to cut, and zero as 0E-10.
    text = pc.replace_substring_regex(text, r"^-?0E-\d+$", "0")
    return pc.replace_substring_regex(text, r"\.0*$|(\.\d*?[1-9])0+$", r"\1")


def id_text(array: AnyArray) -> tuple[pa.Array, str | None]:
    """Ids as text, leading zeros kept; returns a note when ids written as floats (``17850.0``) were fixed, or
    when ids stored as floats are too large to be exact.

    Examples:
        >>> id_text(pa.array(["0012", " 0012", None]))[0].to_pylist()
        ['0012', '0012', None]
        >>> id_text(pa.array(["17850.0", "13047.0"]))[1]
        'ids written as 17850.0 were read as 17850'
    """
    text = as_text(array)
    if pa.types.is_floating(array.type):
        inexact = pc.drop_null(pc.filter(text, pc.greater_equal(pc.abs(contiguous(array)), 2.0**53)))
        if len(inexact):  # the writer rounded them: 12345678901234567 and …568 are one float
            return text, (f"ids stored as floating-point numbers of 2**53 or more (e.g. {inexact[0].as_py()}) "
                          "keep only 15 to 17 digits: ids that differed in their last digits may have become one; "
                          "export the ids as text or whole numbers")
    present = pc.drop_null(text)
    # Whole numbers, some written as floats (a spreadsheet column of 17850 and 17850.0 alike): one form.
    floats = pc.ends_with(present, ".0") if len(present) else None
    if floats is not None and pc.any(floats).as_py() and \
            pc.all(pc.match_substring_regex(present, r"^\d+(?:\.0)?$")).as_py():
        first = pc.filter(present, floats)[0].as_py()
        return pc.replace_substring_regex(text, r"\.0$", ""), f"ids written as {first} were read as {first[:-2]}"
    return text, None


def sample_texts(array: AnyArray, limit: int = SAMPLE_VALUES) -> list[str]:
    """Up to ``limit`` non-null values as text, spread evenly over the column."""
    size = len(array)
    if size > 4 * limit:  # look at evenly spread rows first; a mostly empty column is searched whole
        spread = pc.drop_null(array.take(pa.array(np.linspace(0, size - 1, 2 * limit).astype(np.int64))))
        if len(spread) >= limit // 4:
            if len(spread) > limit:  # every part of the column, not its first half
                spread = spread.take(pa.array(np.linspace(0, len(spread) - 1, limit).astype(np.int64)))
            return [str(value) for value in spread.to_pylist()]
    present = pc.drop_null(contiguous(array))
    if len(present) > limit:
        present = present.take(pa.array(np.linspace(0, len(present) - 1, limit).astype(np.int64)))
    texts: list[str] = [str(value) for value in present.to_pylist()]
    return texts


@dataclass(frozen=True)
class MarkDecision:
    """The decimal mark numbers use, and how sure that is."""

    mark: DecimalMark
    comma_evidence: int
    dot_evidence: int
    undecided: str | None = None  # a value like 1.250 when nothing else tells which mark the file uses

    @property
    def warning(self) -> str | None:
        if self.undecided is not None:
            other = "." if self.mark == "," else ","
            reading = "thousands" if self.undecided[-4] == other else "decimals"
            return (f"no number tells which decimal mark the file uses, and values like {self.undecided} could be "
                    f"either: {self.mark!r} was taken as the decimal mark ({self.undecided} read as {reading}"
                    f"{', as ; separated files write numbers' if self.mark == ',' else ''})")
        if self.comma_evidence and self.dot_evidence:
            other = "." if self.mark == "," else ","
            return (f"numbers use both decimal marks ({self.comma_evidence} values look like 1,5 and "
                    f"{self.dot_evidence} like 1.5); read {self.mark!r} as the decimal mark, so values with "
                    f"{other!r} as their decimal mark are rejected, or read as thousands where they look like "
                    f"them (1{other}234)")
        return None


def decide_decimal_mark(columns: list[AnyArray], default: DecimalMark = ".") -> MarkDecision:
    """The decimal mark of a file's number columns, from the evidence in their text (``default`` when there is
    none; a file separated by ``;`` usually writes decimal commas).

    Examples:
        >>> decide_decimal_mark([pa.array(["1.234,50", "12"])]).mark
        ','
        >>> decide_decimal_mark([pa.array(["1,234.50", "7"])]).mark
        '.'
    """
    comma = dot = 0
    undecided: str | None = None
    for column in columns:
        if not _is_text(column.type):
            continue
        for value in _bare_numbers(sample_texts(column)):
            if value.isdigit():  # most quantities: no mark at all
                continue
            comma += bool(_COMMA_DECIMAL.search(value))
            dot += bool(_DOT_DECIMAL.search(value))
            if undecided is None and _EITHER_MARK.match(value):
                undecided = value
    if comma == dot == 0:
        return MarkDecision(default, 0, 0, undecided)
    return MarkDecision("," if comma > dot else ".", comma, dot)


def _bare_numbers(texts: list[str]) -> list[str]:
    """The texts without what a number cell may hold besides the number (a currency before or after it, the
    parentheses or trailing minus of a negative): the evidence patterns look at the number's own end, and
    spreadsheets export currency formats as ``12.50 ₺`` and ``25,00 TL``."""
    text = pc.replace_substring(pa.array(texts, pa.string()), "\u2212", "-")
    for pattern, kept in ((_PARENTHESES, r"\1"), (_AFFIXES, r"\1\2"), (_TRAILING_MINUS, r"\1")):
        text = pc.replace_substring_regex(text, pattern, kept)
    return [str(value) for value in text.to_pylist()]


@dataclass(frozen=True)
class Numbers:
    """A column of numbers: ``values`` (NaN where absent or unreadable) and where a value was given at all (a NaN
    of a number column is no value given, as null is)."""

    values: FloatArray
    present: BoolArray

    @property
    def bad(self) -> BoolArray:
        """Given but not a finite number."""
        bad: BoolArray = self.present & ~np.isfinite(self.values)
        return bad


def to_numbers(array: AnyArray, mark: DecimalMark = ".") -> Numbers:
    """Numbers from any column: thousands separators, currency signs, ``(12,50)`` and ``12,50-`` understood;
    any other text is not a number (NaN), never a number made of its digits.

    Examples:
        >>> to_numbers(pa.array(["1.234,50", "₺ 12,5", "(3,00)", "x", "abc12", "1,2,3", None]), ",").values.tolist()
        [1234.5, 12.5, -3.0, nan, nan, nan, nan]
    """
    column = contiguous(array)
    present = column.is_valid().to_numpy(zero_copy_only=False)
    if pa.types.is_integer(column.type) or pa.types.is_floating(column.type) or pa.types.is_decimal(column.type):
        if pa.types.is_decimal(column.type):
            values = _decimal_floats(column, present)
        else:
            # Unsafe: an integer beyond 2**53 (9223372036854775807 for "no value") is rounded, then found too large.
            values = pc.cast(column, pa.float64(), safe=False).to_numpy(zero_copy_only=False)
        if pa.types.is_floating(column.type):  # NaN, which Polars and Spark keep apart from null, is no value
            present = present & ~np.isnan(values)
    elif pa.types.is_boolean(column.type) or not _is_text(column.type):
        values = np.full(len(column), np.nan)
    else:
        quick = None
        if mark == "." and pa.types.is_string(column.type):
            plain = plain_decimals(column)
            if plain is not None:  # plain numbers without padding: read in one pass, never infinite
                return Numbers(plain, present)
            quick = _cast_all(column)  # other numbers Arrow reads in one pass (1e3, +5, .5)
        if quick is not None:
            values = quick
        else:
            text = as_text(column)
            present = text.is_valid().to_numpy(zero_copy_only=False)
            values = _parse_text_numbers(text, mark)
    values = np.where(np.isfinite(values), values, np.nan)
    return Numbers(values.astype(np.float64, copy=False), present)


def _decimal_floats(column: pa.Array, present: BoolArray) -> FloatArray:
    """Decimals as the floats nearest to them, as their text in a CSV is read (Arrow's own cast is one unit in
    the last place off for many: 0.35 becomes 0.35000000000000003); NaN where there is no value.

    Up to 15 digits (every price and amount) the stored integer and the power of ten are both exact floats, and
    one division of exact floats is correctly rounded; longer decimals are read through their text.
    """
    kind = column.type
    if kind.precision <= 15 and 0 <= kind.scale <= 22 and kind.byte_width >= 8 and len(column):
        words = kind.byte_width // 8  # little-endian: the lowest word holds any number of up to 18 digits
        stored = np.frombuffer(column.buffers()[1], dtype=np.int64)
        unscaled = stored[column.offset * words:(column.offset + len(column)) * words:words]
        values: FloatArray = unscaled / float(10**kind.scale)
        return np.where(present, values, np.nan)
    read: FloatArray = pc.cast(pc.cast(column, pa.string()), pa.float64()).to_numpy(zero_copy_only=False)
    return read


def _parse_text_numbers(text: pa.Array, mark: DecimalMark) -> FloatArray:
    if mark == "." or not pc.any(pc.match_substring(text, ".")).as_py():
        plain = text if mark == "." else pc.replace_substring(text, ",", ".")
        quick = _cast_all(plain)  # the common case: plain numbers, parsed by Arrow in one pass
        if quick is not None:
            return quick
    text = pc.replace_substring(text, "\u2212", "-")  # the minus sign some locales export
    in_parentheses = pc.match_substring_regex(text, _PARENTHESES)
    body = pc.replace_substring_regex(text, _PARENTHESES, r"\1")
    body = pc.replace_substring_regex(body, _AFFIXES, r"\1\2")
    minus_after = pc.match_substring_regex(body, _TRAILING_MINUS)
    body = pc.replace_substring_regex(body, _TRAILING_MINUS, r"\1")
    valid = pc.match_substring_regex(body, _number_grammar(mark))
    plain = pc.replace_substring_regex(body, _GROUP_SEPARATORS[mark], "")
    if mark == ",":
        plain = pc.replace_substring(plain, ",", ".")
    parsed = pc.cast(pc.if_else(valid, plain, _NULL_TEXT), pa.float64())
    parsed = pc.if_else(pc.or_(in_parentheses, minus_after), pc.negate(parsed), parsed)
    values: FloatArray = parsed.to_numpy(zero_copy_only=False)
    return values


def _cast_all(text: pa.Array) -> FloatArray | None:
    try:
        values: FloatArray = pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return values


def _is_text(kind: pa.DataType) -> bool:
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_dictionary(kind))


@dataclass(frozen=True)
class Codes:
    """A column as integer codes (-1 for null) and the distinct values, in order of first appearance."""

    codes: IntArray
    values: pa.Array
    count: int | None = None  # how many codes there are, when ``values`` was not built (ids only counted)

    def __len__(self) -> int:
        return len(self.values) if self.count is None else self.count


def spread_flags(per_value: npt.ArrayLike, codes: IntArray) -> BoolArray:
    """A flag per distinct value spread over the rows by their codes (False for code -1, a null)."""
    lookup = np.append(np.asarray(per_value, dtype=np.bool_), False)  # code -1 reads the False at the end
    spread: BoolArray = lookup[codes]
    return spread


def longer_than(codes: Codes, limit: int) -> BoolArray:
    """Rows whose text is longer than ``limit`` characters."""
    return spread_flags(long_values(codes, limit), codes.codes)


def long_values(codes: Codes, limit: int) -> BoolArray:
    """Per code: whether its text is longer than ``limit`` characters."""
    per_value: BoolArray = pc.fill_null(pc.greater(pc.utf8_length(codes.values), limit), False).to_numpy(
        zero_copy_only=False)
    return per_value


def encode(text: pa.Array) -> Codes:
    """Integer codes for a text column, numbered by first appearance.

    Runs of equal neighbouring values (an export sorted by order or customer) are hashed once.
    """
    size = len(text)
    if size > 1:
        same = pc.fill_null(pc.equal(text.slice(1), text.slice(0, size - 1)), False).to_numpy(zero_copy_only=False)
        starts = np.flatnonzero(np.concatenate(([True], ~same)))
        if len(starts) * 3 < size * 2:
            head = _encode_plain(text.take(pa.array(starts)))
            lengths = np.diff(np.append(starts, size))
            return Codes(np.repeat(head.codes, lengths), head.values)
    return _encode_plain(text)


def encode_text(
    array: AnyArray, *, ids: bool = False, texts: bool | Callable[[list[str]], bool] = True,
) -> tuple[Codes, str | None]:
    """Codes for a column read as text (`as_text`, or `id_text` for ids), and id_text's note.

    With ``texts=False`` (ids that are only counted, like order ids) ids that are a number after a prefix may
    come back without their texts (``values`` empty, ``count`` set); ``texts`` may also decide from those ids'
    distinct prefixes (the texts before their numbers).

    The raw values are encoded first and only the distinct values are cleaned, so trimming and blank checks
    cost per distinct value, not per row.

    Ids written in another Unicode form (a decomposed Ü) or with an invisible character at an end (a zero-width
    space, a byte-order mark) are the same id, NFC-normalised and cut (noted as well).

    Examples:
        >>> codes, _ = encode_text(pa.array(["a ", "b", " a", "", None]))
        >>> codes.codes.tolist(), codes.values.to_pylist()
        ([0, 1, 0, -1, -1], ['a', 'b'])
    """
    codes, note = _encode_column(array, ids, texts)
    return _one_form(codes, note) if ids else (codes, note)


# Characters no one sees that an id may carry at an end: zero-width spaces and joiners, word joiner, byte-order
# mark, soft hyphen, and direction marks. Public: the dashboard cuts them from a typed id as the reader does.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def _one_form(codes: Codes, note: str | None) -> tuple[Codes, str | None]:
    """Ids that print alike as one id: NFC, invisible characters at the ends cut, codes merged where ids become
    equal; done on the distinct ids (none of them is touched when all are ASCII). Adds to the id note."""
    values = codes.values
    if codes.count is not None or pc.all(pc.string_is_ascii(values)).as_py() is not False:
        return codes, note
    cut = pc.utf8_trim_whitespace(pc.utf8_trim(pc.utf8_normalize(values, "NFC"), INVISIBLE))
    cleaned = pc.if_else(pc.equal(pc.utf8_length(cut), 0), _NULL_TEXT, cut)
    blank = pc.and_(pc.is_null(cleaned), pc.is_valid(values))  # only invisible characters: no id at all
    changed = pc.or_(pc.fill_null(pc.not_equal(cleaned, values), False), blank).to_numpy(zero_copy_only=False)
    if not changed.any():
        return codes, note
    again = _encode_plain(cleaned)
    merged = np.where(codes.codes >= 0, again.codes[np.maximum(codes.codes, 0)], -1).astype(np.int64)
    example = next((text for text in pc.filter(cleaned, pa.array(changed)).to_pylist() if text is not None), "")
    said = (f"{int(changed.sum())} id(s) written in another Unicode form or with an invisible character at an end "
            f"were read as written plainly (e.g. {shown(example)!r})")
    return Codes(merged, again.values), "; ".join(filter(None, [note, said]))


def _encode_column(array: AnyArray, ids: bool, texts: bool | Callable[[list[str]], bool]) -> tuple[Codes, str | None]:
    column = contiguous(array)
    if pa.types.is_dictionary(column.type) and pa.types.is_string(column.type.value_type):
        raw = Codes(pc.fill_null(column.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64),
                    column.dictionary)  # already encoded (by the CSV reader, or in Parquet)
    elif not pa.types.is_string(column.type):
        text, note = id_text(column) if ids else (as_text(column), None)
        return encode(text), note
    else:
        numeric = _numeric_ids(column, texts) if ids else None
        if numeric is not None:
            return numeric, None
        raw = encode(column)
    cleaned, note = id_text(raw.values) if ids else (as_text(raw.values), None)
    if cleaned.equals(raw.values):
        return raw, note
    again = _encode_plain(cleaned)
    codes = np.where(raw.codes >= 0, again.codes[np.maximum(raw.codes, 0)] if len(again.codes) else -1, -1)
    return Codes(codes.astype(np.int64), again.values), note


def _numeric_ids(column: pa.Array, texts: bool | Callable[[list[str]], bool]) -> Codes | None:
    """Codes for ids that are digits after a few prefixes (``12345``, ``C0000042``, ``SO-106150``, ``RET-7``),
    without hashing every row: the code is the prefix's number × the numbers' range + the number − the smallest.

    Only when the numbers tell the texts apart (no leading zeros, or all numbers of one width) and, with
    ``texts``, the codes stay few enough; the texts are rebuilt from prefix and number. Codes then follow the
    numbers, not first appearance, and ``values`` has a null text for codes no row uses. Without ``texts`` the
    codes may be sparse (``count`` up to 2**40).
    """
    size = len(column)
    if size == 0 or column.null_count == size:
        return None
    split = split_numbered(column)
    if split is None:
        return None
    if callable(texts):
        texts = texts(split.prefixes)
    fixed_width = split.shortest == split.longest
    if not fixed_width and split.zero_led:
        return None
    low, high = split.low, split.high
    span = high - low + 1
    count = span * len(split.prefixes)
    # With texts, a table of `count` texts is built: only when the codes are dense enough. Without, nothing
    # is sized by `count`, and sparse codes still tell the ids apart.
    if count >= (4 * size + 1024 if texts else 2**40):
        return None
    codes, used = numbered_codes(split, span, count if texts else 0)
    if not texts:
        return Codes(codes, pa.array([], pa.string()), count=count)
    written = pc.cast(pa.array(np.arange(low, high + 1, dtype=np.int64)), pa.string())
    if fixed_width:
        written = pc.utf8_lpad(written, width=split.longest, padding="0")
    joined = pa.concat_arrays([pc.binary_join_element_wise(pa.scalar(prefix), written, "")
                               for prefix in split.prefixes])
    return Codes(codes, pc.if_else(pa.array(used), joined, pa.scalar(None, pa.string())))


def _encode_plain(text: pa.Array) -> Codes:
    encoded = pc.dictionary_encode(text)
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    return Codes(codes, encoded.dictionary)


def describer(texts: pa.Array) -> Callable[[int], str]:
    """A function that shows the text of a code, for warnings."""

    def describe(code: int) -> str:
        return repr(shown(texts[code].as_py()))

    return describe


SHOWN_CHARACTERS = 60


def shown(value: object) -> object:
    """A value as a message quotes it: text cut to `SHOWN_CHARACTERS` (an id may be a pasted paragraph).

    Examples:
        >>> shown("C-1"), shown("x" * 100)[-3:], shown(7)
        ('C-1', 'xx…', 7)
    """
    if isinstance(value, str) and len(value) > SHOWN_CHARACTERS:
        return value[:SHOWN_CHARACTERS - 1] + "…"
    return value
