"""Diagrams for hotspot questions: the named regions an SVG offers, and a safety check."""

import xml.etree.ElementTree as ET
from dataclasses import dataclass

SVG_NS = "{http://www.w3.org/2000/svg}"
FORBIDDEN_TAGS = {"script", "foreignObject", "iframe", "embed", "object"}

NOT_SVG = "this file is not an SVG drawing"
UNSAFE = "the drawing contains {what}, which is not allowed in a diagram"
NO_REGIONS = "the drawing has no element with a data-region attribute"
REGION_NO_TITLE = "region {region!r} has no <title> naming it"
REGION_TWICE = "region {region!r} appears twice"
# The site's Content Security Policy (quizzes/csp.py) allows no inline styles, so a browser
# would ignore them and draw the diagram unstyled: refuse them where they can still be fixed.
STYLE_ATTRIBUTE = (
    'the drawing uses style attributes (style="..."), which the site\'s Content Security '
    'Policy blocks; write them as presentation attributes instead, e.g. fill="#c0392b" '
    'stroke-width="2" (Inkscape: Preferences › Input/Output › SVG output › '
    "Style properties: presentation attributes)"
)
STYLE_ELEMENT = (
    "the drawing has a <style> element, which the site's Content Security Policy blocks; put "
    "fill, stroke and font settings on the elements as presentation attributes"
)


@dataclass(frozen=True)
class DiagramFile:
    title: str
    regions: dict[str, str]
    problems: tuple[str, ...]


def read_diagram(svg_text: str) -> DiagramFile:
    """Regions ({id: title}) of an SVG whose clickable elements carry data-region and a <title>."""
    try:
        root = ET.fromstring(svg_text)
    except ET.ParseError:
        return DiagramFile("", {}, (NOT_SVG,))
    if _local(root.tag) != "svg":
        return DiagramFile("", {}, (NOT_SVG,))
    problems: list[str] = []
    regions: dict[str, str] = {}
    for element in root.iter():
        tag = _local(element.tag)
        if tag in FORBIDDEN_TAGS:
            problems.append(UNSAFE.format(what=f"a <{tag}> element"))
        if tag == "style":
            problems.append(STYLE_ELEMENT)
        for attribute, value in element.attrib.items():
            name = _local(attribute).lower()
            if name == "style" and value.strip():
                problems.append(STYLE_ATTRIBUTE)
            if name.startswith("on"):
                problems.append(UNSAFE.format(what=f"an event handler ({name})"))
            if name == "href" and not value.startswith("#"):
                problems.append(UNSAFE.format(what="a link to another file"))
        region = element.get("data-region")
        if region:
            title = element.find(f"{SVG_NS}title")
            if title is None:
                title = element.find("title")
            if region in regions:
                problems.append(REGION_TWICE.format(region=region))
            if title is None or not (title.text or "").strip():
                problems.append(REGION_NO_TITLE.format(region=region))
            else:
                regions[region] = title.text.strip()
    if not regions and not problems:
        problems.append(NO_REGIONS)
    title_element = root.find(f"{SVG_NS}title")
    title = (title_element.text or "").strip() if title_element is not None else ""
    return DiagramFile(title, regions, tuple(dict.fromkeys(problems)))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
