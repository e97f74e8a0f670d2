"""Check-in codes: short, easy to read aloud and type, drawn from an injected random source."""

from __future__ import annotations

import random

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: nothing a candidate can misread on a printed slip.
ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
LENGTH = 8


def new_code(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(LENGTH))


def normalise(typed: str) -> str:
    """What the candidate typed, as stored: upper case, no spaces or dashes."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())[: LENGTH * 2]
