"""Join codes: short, easy to read aloud and type on a phone. Pure."""

import secrets
import unicodedata

# No 0/O, 1/I/L, 2/Z or 5/S: codes are read off a projector and typed on phones.
ALPHABET = "ABCDEFGHJKMNPQRTUVWXY346789"
LENGTH = 8

# People copy codes with the grouping they were shown ("PSOAS-DEMO", "4KXM 7TQA") and phones
# turn a typed "-" into a dash or a minus sign; none of these is ever part of a code.
_SEPARATORS = frozenset("-_.\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d")


def join_code_new() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def join_code_normalize(typed: str | None) -> str:
    """The code as stored: upper case, without spaces or separators.

    Letters are not swapped for look-alikes (O for 0 and so on): generated codes contain neither
    of each confusable pair, and hand-picked codes such as PSOASDEMO may contain either.
    """
    # NFKC turns full-width letters from East Asian phone keyboards into plain ASCII.
    text = unicodedata.normalize("NFKC", typed or "")
    return "".join(ch for ch in text if not ch.isspace() and ch not in _SEPARATORS).upper()
