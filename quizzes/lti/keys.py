"""The tool's RSA key pair, made once and kept in the database."""

import json

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import IntegrityError, transaction
from jwcrypto.jwk import JWK

from quizzes.models import LtiToolKey

KEY_BITS = 2048


def _new_pair() -> tuple[str, str]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private_pem, public_pem


def public_jwk(public_pem: str) -> dict:
    """The key as platforms read it; its kid is the key's RFC 7638 thumbprint, as pylti1p3 signs."""
    key = json.loads(JWK.from_pem(public_pem.encode()).export_public())
    key["alg"] = "RS256"
    key["use"] = "sig"
    return key


def tool_key_generate(*, rotate: bool = False) -> LtiToolKey:
    """A new active key; with `rotate`, the old one is retired (still published) first."""
    private_pem, public_pem = _new_pair()
    kid = public_jwk(public_pem)["kid"]
    with transaction.atomic():
        if rotate:
            LtiToolKey.objects.filter(active=True).update(active=False)
        return LtiToolKey.objects.create(kid=kid, private_key=private_pem, public_key=public_pem)


def tool_key() -> LtiToolKey:
    """The active key, generated on first use."""
    key = LtiToolKey.objects.filter(active=True).first()
    if key is not None:
        return key
    try:
        return tool_key_generate()
    except IntegrityError:
        # Another process made the first key at the same moment: use theirs.
        return LtiToolKey.objects.get(active=True)


def jwks() -> dict:
    """Every key a platform may see a signature from: the active one and the retired ones."""
    tool_key()
    keys = LtiToolKey.objects.order_by("-active", "-created_at")
    return {"keys": [public_jwk(k.public_key) for k in keys]}
