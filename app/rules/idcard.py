"""Checks for identity and bank-card numbers: GB 11643 check digit, birth date, province code, Luhn."""

from __future__ import annotations

from datetime import date

# First two digits of a resident ID number: the province-level division (GB/T 2260).
PROVINCE_CODES = frozenset({
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
    50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91,
})
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def id_birth_ok(number: str, today: date | None = None) -> bool:
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= (today or date.today())


def id_region_ok(number: str) -> bool:
    return int(number[:2]) in PROVINCE_CODES and number[2:6] != "0000"


def id_checksum_ok(number: str) -> bool:
    return id_check_char(number[:17]) == number[17].upper()


def is_resident_id(number: str) -> bool:
    """An 18-character resident ID number (digits, last may be X) that passes every check."""
    return (len(number) == 18 and number[:17].isdigit() and (number[17].isdigit() or number[17] in "xX")
            and id_region_ok(number) and id_birth_ok(number) and id_checksum_ok(number))


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def card_prefix_ok(digits: str) -> bool:
    """UnionPay (62, 60, 81), Visa (4), Mastercard (51-55, 22-27), Amex/JCB/Diners (34, 37, 35, 36, 30)."""
    return digits.startswith(("62", "60", "81", "4", "51", "52", "53", "54", "55", "34", "35", "36", "37", "30")) \
        or (digits[:2].isdigit() and 22 <= int(digits[:2]) <= 27)
