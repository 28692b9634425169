"""Join codes: short, easy to read aloud and type on a phone. Pure."""

import secrets

# No 0/O, 1/I/L, 2/Z or 5/S: codes are read off a projector and typed on phones.
ALPHABET = "ABCDEFGHJKMNPQRTUVWXY346789"
LENGTH = 8


def join_code_new() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
