"""Template filters for the class reports: shares as percents, figures with their intervals.

A missing value is an em dash, never "None" or "0": the pages say why it is missing next to it.
"""

from django import template

from quizzes import charts

register = template.Library()

MISSING = "—"


@register.filter
def pct(value) -> str:
    """A share from 0 to 1 as a whole percent: 0.734 → '73%'."""
    if value is None or value == "":
        return MISSING
    return f"{round(float(value) * 100)}%"


@register.filter
def num(value, places=1) -> str:
    """A number with `places` decimals (a minus sign, not a hyphen, below zero)."""
    if value is None or value == "":
        return MISSING
    return f"{float(value):.{int(places)}f}".replace("-", "−")


@register.filter
def ci_pct(figure) -> str:
    """The 95% interval of a share, in percent: '41–67%'; empty when there is none."""
    if figure is None or figure.low is None or figure.high is None:
        return ""
    return f"{round(figure.low * 100)}–{round(figure.high * 100)}%"


@register.filter
def ci_num(figure) -> str:
    """The 95% interval of a figure already in percent: '−12 to 48'; empty when none."""
    if figure is None or figure.low is None or figure.high is None:
        return ""
    return f"{figure.low:.0f} to {figure.high:.0f}".replace("-", "−")


@register.filter
def band(value) -> str:
    """The heatmap band of a share ('0'…'4'), or 'none' when there is no value."""
    found = charts.heat_band(value)
    return "none" if found is None else str(found)


@register.filter
def at(sequence, index):
    """`sequence[index]` in a template."""
    return sequence[int(index)]
