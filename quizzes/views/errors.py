"""Error pages that Django's own handlers cannot give in the site's style or under our CSP."""

import re

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme

from quizzes import csp
from quizzes.security_log import log_refusal

CSRF_FAILED_TITLE = "This form has expired"
CSRF_FAILED = (
    "The page was open too long, or your browser is blocking cookies for this site. Reload the "
    "page and try again; what you typed may need typing again."
)

_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)


def server_error(request):
    """Django's 500 handler, plus a CSP hash for the page's one inline <style>.

    The 500 page stands alone (no base.html, no database, no static files) because whatever
    failed may be one of those; so its few styles are inline, and the policy allows exactly
    them and nothing else.
    """
    html = loader.get_template("500.html").render()
    response = HttpResponseServerError(html)
    for style in _STYLE.findall(html):
        csp.allow(response, "style-src", csp.sha256_source(style))
    return response


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: say what happened and how to go on, never Django's reason text."""
    log_refusal(request, "csrf_failed", status=403, reason=reason)
    response = render(
        request,
        "403_csrf.html",
        {"title": CSRF_FAILED_TITLE, "message": CSRF_FAILED, "back": _same_site_referer(request)},
        status=403,
    )
    response.refusal_logged = True
    return response


def _same_site_referer(request) -> str:
    """Where the form was, if it was on this site (so "go back" can reload it)."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return ""
