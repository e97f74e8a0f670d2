"""Check-in codes: the alphabet a person cannot misread, and typed codes normalised."""

from __future__ import annotations

import random

from examsrv.proctoring.checkin_codes import ALPHABET, LENGTH, new_code, normalise


def test_codes_use_only_the_unambiguous_alphabet() -> None:
    rng = random.Random(3)
    codes = [new_code(rng) for _ in range(2000)]
    assert all(len(c) == LENGTH and set(c) <= set(ALPHABET) for c in codes)
    assert set("".join(codes)) == set(ALPHABET)  # every letter is drawn
    assert not set(ALPHABET) & set("0O1IL2Z5S8B")


def test_the_same_seed_draws_the_same_codes_and_codes_differ() -> None:
    first = [new_code(random.Random(9)) for _ in range(3)]
    assert first[0] == first[1] == first[2]
    rng = random.Random(9)
    assert len({new_code(rng) for _ in range(1000)}) == 1000


def test_a_system_random_source_works() -> None:
    code = new_code(random.SystemRandom())
    assert len(code) == LENGTH and normalise(code) == code


def test_typing_is_forgiven_case_spaces_and_dashes() -> None:
    assert normalise("ab3d-ef4g") == "AB3DEF4G"
    assert normalise("  AB3D EF4G \n") == "AB3DEF4G"
    assert normalise("") == ""


def test_a_long_paste_is_cut_short() -> None:
    assert normalise("A" * 100) == "A" * (LENGTH * 2)
    assert normalise("A-" * 100) == "A" * (LENGTH * 2)
