"""Payloads that would run script if a page printed them as HTML, and a checker that reads a page
as a browser would and lists anything executable in it.

tests/views/test_authoring_xss.py began this corpus for Markdown fields; it is reused here and
extended with payloads that escape attributes, break out of <textarea> and <title>, and hide in
SVG, for every field people can write (tests/test_xss_everywhere.py).
"""

import re
from html.parser import HTMLParser

from tests.views.test_authoring_xss import PAYLOADS as MARKDOWN_PAYLOADS

# Short enough for every name field (API token names are the shortest: 100 characters).
SHORT_PAYLOADS = [
    "<script>alert('n')</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe srcdoc='<script>alert(1)</script>'>",
    '{{ 7|add:"7" }}<b onmouseover=alert(1)>b</b>',
]
PAYLOADS = [*MARKDOWN_PAYLOADS, *SHORT_PAYLOADS]
CORPUS = "\n\n".join(PAYLOADS)

FORBIDDEN_TAGS = {"iframe", "object", "embed", "frame", "frameset", "base", "math", "style"}
URL_ATTRIBUTES = {"href", "src", "action", "data", "formaction", "xlink:href", "srcdoc"}
VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class Checker(HTMLParser):
    """Everything in a page that could run code: scripts that are not our static files, event
    handlers, javascript: and data: URLs, frames and plugins, and any <svg> that is not one of
    ours (charts: class "chart-svg"; hotspot diagrams: inside <figure class="diagram">)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.stack: list[tuple[str, dict]] = []
        self.svg_depth = 0

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)
        if tag not in VOID:
            self.stack.append((tag, dict(attrs)))
            if tag == "svg":
                self.svg_depth += 1

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                if tag == "svg":
                    self.svg_depth -= 1
                del self.stack[i:]
                return

    def _ours(self, attrs: dict) -> bool:
        if "chart-svg" in (attrs.get("class") or "").split():
            return True
        return any(
            tag == "figure" and "diagram" in (a.get("class") or "").split() for tag, a in self.stack
        )

    def _check(self, tag, attrs):
        values = dict(attrs)
        if tag == "script" and not (values.get("src") or "").startswith("/static/"):
            self.found.append(f"<script {values}>")
        if tag in FORBIDDEN_TAGS:
            self.found.append(f"<{tag}>")
        if tag == "svg" and self.svg_depth == 0 and not self._ours(values):
            self.found.append("<svg> that is not one of ours")
        if tag in ("foreignobject", "use", "animate", "set") and self.svg_depth:
            self.found.append(f"<{tag}> inside an <svg>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name == "style":
                self.found.append(f"<{tag} style=...>")
            if name in URL_ATTRIBUTES and value:
                if (
                    re.sub(r"[\s\x00-\x1f]", "", value)
                    .lower()
                    .startswith(("javascript:", "data:", "vbscript:"))
                ):
                    self.found.append(f"<{tag} {name}={value!r}>")
            if self.svg_depth and value and "alert(" in value:
                self.found.append(f"a payload in our <svg>: <{tag} {name}={value!r}>")


def executable_parts(html: str) -> list[str]:
    checker = Checker()
    checker.feed(html)
    checker.close()
    return checker.found


def assert_inert(html: str, where: str = "") -> None:
    found = executable_parts(html)
    assert found == [], f"{where}: {found}"
