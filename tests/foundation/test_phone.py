"""The one phone module: every way people type a Korean number, and the forms it is kept in."""
from __future__ import annotations

import pytest

from sentem.security import phone


@pytest.mark.parametrize("typed, normal", [
    ("010-1234-5678", "010-1234-5678"),
    ("01012345678", "010-1234-5678"),
    ("010 1234 5678", "010-1234-5678"),
    ("010.1234.5678", "010-1234-5678"),
    ("(010) 1234-5678", "010-1234-5678"),
    ("+82 10-1234-5678", "010-1234-5678"),
    ("+821012345678", "010-1234-5678"),
    ("+82 010-1234-5678", "010-1234-5678"),  # trunk zero typed after the country code
    ("821012345678", "010-1234-5678"),
    ("０１０-１２３４-５６７８", "010-1234-5678"),  # full-width digits
    ("  010-1234-5678 ", "010-1234-5678"),
    ("011-123-4567", "011-123-4567"),
    ("0212345678", "02-1234-5678"),
    ("02-123-4567", "02-123-4567"),
    ("+82 2 123 4567", "02-123-4567"),
    ("031-123-4567", "031-123-4567"),
    ("0311234567", "031-123-4567"),
    ("064-1234-5678", "064-1234-5678"),
    ("070-1234-5678", "070-1234-5678"),
    ("080-123-4567", "080-123-4567"),
    ("0504-1234-5678", "0504-1234-5678"),
    ("0505-123-4567", "0505-123-4567"),
    ("1588-1234", "1588-1234"),
    ("15881234", "1588-1234"),
])
def test_normalise_accepts_every_usual_way_of_typing(typed, normal):
    assert phone.normalise(typed) == normal


@pytest.mark.parametrize("typed", [
    "", None, "abc", "010-12-34", "123-45", "099-1234-5678", "010-1234-5678-9", "010-1234-567a",
    "+1 212 555 1234", "010+1234+5678", "010_1234_5678", "02-12-345", "1234-5678",
])
def test_normalise_refuses_what_is_not_a_korean_number(typed):
    assert phone.normalise(typed) is None


def test_mobile_only():
    assert phone.normalise("+82 10 1234 5678", mobile=True) == "010-1234-5678"
    assert phone.normalise("011-123-4567", mobile=True) == "011-123-4567"
    for landline in ("02-123-4567", "031-123-4567", "070-1234-5678", "1588-1234"):
        assert phone.normalise(landline) is not None and phone.normalise(landline, mobile=True) is None


@pytest.mark.parametrize("digits, grouped", [
    ("01012345678", "010-1234-5678"), ("0111234567", "011-123-4567"), ("0212345678", "02-1234-5678"),
    ("021234567", "02-123-4567"), ("0311234567", "031-123-4567"), ("050412345678", "0504-1234-5678"),
    ("15881234", "1588-1234"),
])
def test_format(digits, grouped):
    assert phone.format(digits) == grouped


@pytest.mark.parametrize("value, masked", [
    ("010-1234-5678", "010-****-5678"), ("01012345678", "010-****-5678"), ("+82 10 1234 5678", "010-****-5678"),
    ("02-123-4567", "02-***-4567"), ("0504-1234-5678", "0504-****-5678"), ("1588-1234", "****-1234"),
    ("12345", "*****"), ("", ""), (None, ""),
])
def test_mask_keeps_prefix_and_last_four(value, masked):
    assert phone.mask(value) == masked


def test_index_form_is_the_same_for_every_spelling_of_one_number():
    spellings = ("010-1234-5678", "01012345678", "+82 10 1234 5678", "+82 010 1234 5678", "821012345678",
                 "０１０ １２３４ ５６７８")
    assert {phone.index_form(s) for s in spellings} == {"01012345678"}
    assert phone.index_form("02-123-4567") == "021234567"
    assert phone.index_form("010-1234-567a") == "0101234567"  # not a number: its digits, never an error
