"""Template filters: sanitised Markdown, and durations a person reads easily."""

from datetime import timedelta

from django import template

from quizzes.rendering import render_markdown, render_markdown_inline

register = template.Library()


@register.filter
def markdown(text: str):
    return render_markdown(text or "")


@register.filter
def markdown_inline(text: str):
    return render_markdown_inline(text or "")


@register.filter
def duration(value) -> str:
    """`timedelta` or seconds as '1 h 5 min', '3 min 20 s', '45 s', '3 days'."""
    if value is None or value == "":
        return "—"
    seconds = int(value.total_seconds() if isinstance(value, timedelta) else value)
    seconds = max(seconds, 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} day{'s' if days != 1 else ''}" + (f" {hours} h" if hours else "")
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    return f"{secs} s"


@register.filter
def percent(fraction) -> str:
    """0.8333 → '83%'; None → '—'."""
    if fraction is None or fraction == "":
        return "—"
    return f"{round(float(fraction) * 100)}%"
