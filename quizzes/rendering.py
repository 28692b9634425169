"""Markdown written by instructors, turned into HTML that cannot carry a script to a student.

Every prompt, explanation, feedback and option text goes through here before it is shown. Markdown
first, then nh3 keeps only the tags and attributes below, so raw HTML typed into a field (or
imported from a GIFT `[html]` question) is cleaned the same way.
"""

from functools import lru_cache

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "u", "s", "sub", "sup", "code", "pre", "kbd",
    "blockquote", "ul", "ol", "li", "a", "h3", "h4", "h5", "h6", "table", "thead", "tbody",
    "tr", "th", "td", "abbr", "span", "small", "mark",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}, "td": set()}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


@lru_cache(maxsize=4096)
def render_markdown(text: str) -> SafeString:
    """Block Markdown (paragraphs, lists) as sanitised HTML."""
    html = markdown.markdown(text or "", extensions=["sane_lists"], output_format="html")
    return mark_safe(sanitize_html(html))  # noqa: S308 - cleaned by nh3 just above


@lru_cache(maxsize=4096)
def render_markdown_inline(text: str) -> SafeString:
    """Markdown for short texts shown inside a label or cell: no wrapping paragraph."""
    html = render_markdown(text).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return mark_safe(html)  # noqa: S308 - already sanitised
