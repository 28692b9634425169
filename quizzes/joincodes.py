"""Join codes: short, easy to read aloud and type on a phone. Pure."""

import secrets

# No 0/O, 1/I/L, 2/Z or 5/S: codes are read off a projector and typed on phones.
ALPHABET = "ABCDEFGHJKMNPQRTUVWXY346789"
LENGTH = 8


def join_code_new() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def join_code_normalize(raw: str) -> str:
    """What a student typed, in the form codes are stored: capitals, no spaces or dashes."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())
