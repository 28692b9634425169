"""Content Security Policy: the one place that writes the `Content-Security-Policy` header.

Every response gets the site's policy (POLICY below): scripts, styles and everything else only
from our own origin, no plugins, no <base>, forms posting only back to us, and no framing.
Templates carry no inline scripts, event handlers or style attributes, so no nonce is needed.

A view or another middleware that needs more says so on the response, never by writing the
header itself:
- `allow(response, "form-action", origin)` adds a source to one directive (the LTI deep-linking
  page posts back to the learning platform);
- `frame_ancestors(response, sources)` replaces who may frame the page (an LTI session may be
  framed by its platform: quizzes/lti/middleware.py decides which origins).
A view marked `@xframe_options_exempt` with no frame ancestors of its own may be framed by
anyone, so its policy has no frame-ancestors directive.
"""

import base64
import hashlib
from urllib.parse import urlsplit

from django.conf import settings

HEADER = "Content-Security-Policy"

POLICY: dict[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'",),
    "img-src": ("'self'", "data:"),
    "object-src": ("'none'",),
    "base-uri": ("'none'",),
    "form-action": ("'self'",),
    "frame-ancestors": ("'none'",),
}

_EXTRA = "csp_extra"
_FRAME_ANCESTORS = "csp_frame_ancestors"


def allow(response, directive: str, *sources: str) -> None:
    """Add sources to one directive of this response's policy only."""
    if directive not in POLICY:
        raise ValueError(f"unknown CSP directive {directive!r}")
    extra = getattr(response, _EXTRA, None)
    if extra is None:
        extra = {}
        setattr(response, _EXTRA, extra)
    extra.setdefault(directive, [])
    extra[directive].extend(source for source in sources if source)


def frame_ancestors(response, sources) -> None:
    """Replace who may show this response in a frame."""
    setattr(response, _FRAME_ANCESTORS, tuple(sources))


def origin(url: str) -> str:
    """scheme://host[:port] of an absolute http(s) URL, or "" for anything else."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


def sha256_source(text: str) -> str:
    """The CSP hash source that allows exactly this inline <style> (or <script>) body."""
    digest = hashlib.sha256(text.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def policy_for(response) -> dict[str, tuple[str, ...]]:
    policy = dict(POLICY)
    for directive, sources in getattr(response, _EXTRA, {}).items():
        merged = list(policy[directive])
        merged.extend(s for s in sources if s not in merged)
        policy[directive] = tuple(merged)
    framers = getattr(response, _FRAME_ANCESTORS, None)
    if framers:
        policy["frame-ancestors"] = framers
    elif getattr(response, "xframe_options_exempt", False):
        del policy["frame-ancestors"]
    elif response.get("X-Frame-Options", "").upper() == "SAMEORIGIN":
        policy["frame-ancestors"] = ("'self'",)
    return policy


def header_value(policy: dict[str, tuple[str, ...]]) -> str:
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in policy.items())


def directives(header: str) -> dict[str, str]:
    """{directive: "its sources"} of a header value; for tests and for reading a response."""
    parsed = {}
    for part in header.split(";"):
        name, _, sources = part.strip().partition(" ")
        if name:
            parsed[name] = sources.strip()
    return parsed


class ContentSecurityPolicyMiddleware:
    """Listed above XFrameOptionsMiddleware and the LTI middleware, so it sees what they decided."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Django's debug pages (DEBUG only) are made of inline styles and scripts.
        if settings.DEBUG and response.status_code >= 400:
            return response
        response[HEADER] = header_value(policy_for(response))
        return response
