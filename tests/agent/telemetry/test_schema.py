"""Dimension values as CloudWatch accepts them: printable ASCII, at most 1,024 characters, and reversible."""

from __future__ import annotations

import pytest

from agent.telemetry import schema


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Riskli", "Riskli"),
        ("Gümüş", "G%C3%BCm%C3%BC%C5%9F"),
        ("a b/c:d", "a b/c:d"),
        ("50%", "50%25"),
        ("tab\there", "tab%09here"),
    ],
)
def test_a_dimension_value_is_printable_ascii_and_decodes_to_its_text(text: str, value: str) -> None:
    assert schema.dimension_value(text) == value
    assert schema.dimension_text(value) == text


def test_a_value_too_long_once_encoded_keeps_whole_characters() -> None:
    value = schema.dimension_value("x" + "ş" * 400)  # each ş is six characters encoded

    assert value == "x" + "%C5%9F" * 170
    assert len(value) == 1021 <= schema.MAX_DIMENSION_VALUE_LENGTH


def test_the_builders_encode_every_value() -> None:
    assert schema.segment_dimensions("loyaltyTier", "Altın") == (
        ("SegmentDimension", "loyaltyTier"),
        ("Segment", "Alt%C4%B1n"),
    )
    assert schema.mode_dimensions("customer") == (("Mode", "customer"),)
