"""Norwegian identifiers: org.nr, MVA number, kontonr, IBAN/BIC, and KID with MOD10 and MOD11."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fakturaflyt.core.errors import FormatError
from fakturaflyt.core.identifiers import (
    format_kontonr,
    format_orgnr,
    kid_check_digit,
    kid_method,
    kontonr_to_iban,
    make_kid,
    mva_number,
    normalise_bic,
    normalise_iban,
    normalise_kontonr,
    normalise_orgnr,
    peppol_id,
    validate_kid,
)

# --- organisation number --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "923609016",
        "923 609 016",
        " 923609016 ",
        "NO923609016MVA",
        "NO 923 609 016 MVA",
        "no923609016mva",
        "923609016MVA",
    ],
)
def test_orgnr_accepts_the_ways_it_is_printed(text: str) -> None:
    assert normalise_orgnr(text) == "923609016"


@pytest.mark.parametrize(
    "text",
    [
        "923609017",  # wrong check digit
        "92360901",  # eight digits
        "9236090160",  # ten digits
        "92360901A",
        "",
        "SE923609016MVA",
    ],
)
def test_orgnr_refuses_invalid_numbers(text: str) -> None:
    with pytest.raises(FormatError) as err:
        normalise_orgnr(text)
    assert err.value.code == "FF-ORGNR-INVALID"
    assert err.value.problems[0].location == "orgnr"


def test_mva_number_format_and_peppol_id() -> None:
    assert mva_number("923 609 016") == "NO923609016MVA"
    assert format_orgnr("923609016") == "923 609 016"
    assert peppol_id("NO923609016MVA") == "0192:923609016"
    with pytest.raises(FormatError):
        mva_number("923609017")


# --- bank account, IBAN, BIC ---------------------------------------------------------------


@pytest.mark.parametrize("text", ["15032080119", "1503.20.80119", "1503 20 80119"])
def test_kontonr_valid(text: str) -> None:
    assert normalise_kontonr(text) == "15032080119"
    assert format_kontonr(text) == "1503.20.80119"


@pytest.mark.parametrize("text", ["15032080118", "1503208011", "150320801190", "1503208011x"])
def test_kontonr_invalid(text: str) -> None:
    with pytest.raises(FormatError) as err:
        normalise_kontonr(text)
    assert err.value.code == "FF-KONTONR-INVALID"


def test_kontonr_to_iban() -> None:
    assert kontonr_to_iban("8601.11.17947") == "NO9386011117947"
    assert normalise_iban(kontonr_to_iban("15032080119")) == kontonr_to_iban("15032080119")


@pytest.mark.parametrize("text", ["NO9386011117947", "NO93 8601 1117 947", "no93 8601 1117 947"])
def test_iban_valid(text: str) -> None:
    assert normalise_iban(text) == "NO9386011117947"


@pytest.mark.parametrize("text", ["NO9386011117948", "NO93860111179", "XX9386011117947", ""])
def test_iban_invalid(text: str) -> None:
    with pytest.raises(FormatError) as err:
        normalise_iban(text)
    assert err.value.code == "FF-IBAN-INVALID"


def test_bic() -> None:
    assert normalise_bic("dnbanokk") == "DNBANOKK"
    with pytest.raises(FormatError) as err:
        normalise_bic("DNB")
    assert err.value.code == "FF-BIC-INVALID"


# --- KID ---------------------------------------------------------------------------------------
# Independent reference implementations (written from the Nets specification, not copied from
# the code under test), so a wrong weight or a wrong remainder rule in the product shows up.


def luhn_reference(base: str) -> str:
    digits = [int(c) for c in base]
    total = 0
    for pos, d in enumerate(reversed(digits)):
        if pos % 2 == 0:  # the digit next to the check digit is doubled
            d *= 2
            if d > 9:
                d = d // 10 + d % 10
        total += d
    return str((10 - total % 10) % 10)


def mod11_reference(base: str) -> str:
    weights = [2, 3, 4, 5, 6, 7]
    total = sum(int(c) * weights[pos % 6] for pos, c in enumerate(reversed(base)))
    remainder = total % 11
    if remainder == 0:
        return "0"
    return "-" if remainder == 1 else str(11 - remainder)


def test_kid_known_values() -> None:
    assert make_kid("12345678", "mod10") == "123456782"
    assert make_kid("12345678", "mod11") == "123456785"
    assert kid_method("123456782") == "mod10"
    assert kid_method("123456785") == "mod11"
    assert kid_method("123456789") is None


def test_kid_length_pads_with_zeros() -> None:
    kid = make_kid("42", "mod10", length=10)
    assert len(kid) == 10
    assert kid.startswith("000000042")
    assert validate_kid(kid, "mod10") == kid


@pytest.mark.parametrize(
    ("base", "length"),
    [("12345", 5), ("1", 1), ("1", 26)],
)
def test_kid_length_errors(base: str, length: int) -> None:
    with pytest.raises(FormatError) as err:
        make_kid(base, "mod10", length=length)
    assert err.value.code == "FF-KID-LENGTH"


def test_kid_longer_than_25_digits_is_refused() -> None:
    assert len(make_kid("1" * 24, "mod10")) == 25
    with pytest.raises(FormatError) as err:
        make_kid("1" * 25, "mod10")
    assert err.value.code == "FF-KID-LENGTH"


@pytest.mark.parametrize("base", ["", "12a4", "12 34", "-1"])
def test_kid_base_must_be_digits(base: str) -> None:
    with pytest.raises(FormatError) as err:
        make_kid(base, "mod11")
    assert err.value.code == "FF-KID-FORMAT"


def _first_dash_base() -> str:
    return next(str(n) for n in range(1, 10_000) if mod11_reference(str(n)) == "-")


def test_mod11_dash_is_refused_unless_allowed() -> None:
    # given a base whose MOD11 remainder is 10 (weighted sum % 11 == 1)
    base = _first_dash_base()
    assert kid_check_digit(base, "mod11") == "-"
    # when / then: the default KID agreement forbids "-", so the base is refused
    with pytest.raises(FormatError) as err:
        make_kid(base, "mod11")
    assert err.value.code == "FF-KID-DASH"
    # and an agreement that allows it gets a KID ending in "-", which validates as MOD11
    kid = make_kid(base, "mod11", allow_dash=True)
    assert kid == base + "-"
    assert validate_kid(kid) == kid
    assert validate_kid(kid, "mod11") == kid
    assert kid_method(kid) == "mod11"
    with pytest.raises(FormatError) as err:
        validate_kid(kid, "mod10")
    assert err.value.code == "FF-KID-CHECKDIGIT"


def test_mod11_remainder_zero_gives_check_digit_zero() -> None:
    base = next(str(n) for n in range(1, 10_000) if mod11_reference(str(n)) == "0")
    assert make_kid(base, "mod11") == base + "0"


def test_validate_kid_wrong_check_digit() -> None:
    with pytest.raises(FormatError) as err:
        validate_kid("123456780")
    assert err.value.code == "FF-KID-CHECKDIGIT"
    assert "123456780" in str(err.value)


def test_validate_kid_respects_the_method() -> None:
    # 123456785 is MOD11 but not MOD10
    assert validate_kid("123456785", "mod11") == "123456785"
    with pytest.raises(FormatError) as err:
        validate_kid("123456785", "mod10")
    assert err.value.code == "FF-KID-CHECKDIGIT"


@pytest.mark.parametrize("kid", ["", "1", "12a45", "1" * 26, "12345-6"])
def test_validate_kid_format(kid: str) -> None:
    with pytest.raises(FormatError) as err:
        validate_kid(kid)
    assert err.value.code == "FF-KID-FORMAT"


bases = st.text(alphabet="0123456789", min_size=1, max_size=24)
methods = st.sampled_from(["mod10", "mod11"])


@given(base=bases, method=methods)
def test_make_kid_then_validate_round_trips(base: str, method: str) -> None:
    reference = luhn_reference(base) if method == "mod10" else mod11_reference(base)
    if reference == "-":
        with pytest.raises(FormatError):
            make_kid(base, method)  # type: ignore[arg-type]
        return
    kid = make_kid(base, method)  # type: ignore[arg-type]
    assert kid == base + reference
    assert validate_kid(kid, method) == kid  # type: ignore[arg-type]
    assert validate_kid(kid) == kid


@given(base=bases, data=st.data())
def test_mod10_detects_every_single_digit_change(base: str, data: st.DataObject) -> None:
    kid = make_kid(base, "mod10")
    pos = data.draw(st.integers(min_value=0, max_value=len(kid) - 1), label="position")
    new = data.draw(st.sampled_from([d for d in "0123456789" if d != kid[pos]]), label="digit")
    changed = kid[:pos] + new + kid[pos + 1 :]
    with pytest.raises(FormatError) as err:
        validate_kid(changed, "mod10")
    assert err.value.code == "FF-KID-CHECKDIGIT"


@given(base=bases, data=st.data())
def test_mod11_detects_every_single_digit_change(base: str, data: st.DataObject) -> None:
    kid = make_kid(base, "mod11", allow_dash=True)
    pos = data.draw(st.integers(min_value=0, max_value=len(kid) - 2), label="position in the base")
    new = data.draw(st.sampled_from([d for d in "0123456789" if d != kid[pos]]), label="digit")
    changed = kid[:pos] + new + kid[pos + 1 :]
    with pytest.raises(FormatError):
        validate_kid(changed, "mod11")
