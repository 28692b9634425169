"""Diagram files: their regions, and what makes one unsafe or unusable under the site's CSP."""

import pytest

from quizzes.interchange import svg
from quizzes.models import Diagram
from tests import factories as f

GOOD = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">
  <title>Pelvis, front view</title>
  <path data-region="lesser-trochanter" d="M0 0h10v10z" fill="#c0392b">
    <title>Lesser trochanter</title>
  </path>
  <circle data-region="t12" cx="50" cy="10" r="5"><title>T12 vertebra</title></circle>
</svg>"""


def test_regions_and_title_are_read_from_a_good_drawing():
    read = svg.read_diagram(GOOD)
    assert read.problems == ()
    assert read.title == "Pelvis, front view"
    assert read.regions == {"lesser-trochanter": "Lesser trochanter", "t12": "T12 vertebra"}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            ("<circle ", "<script>alert(1)</script><circle "),
            svg.UNSAFE.format(what="a <script> element"),
        ),
        (
            ('cx="50"', 'cx="50" onclick="alert(1)"'),
            svg.UNSAFE.format(what="an event handler (onclick)"),
        ),
        (
            ('d="M0 0h10v10z"', 'd="M0 0h10v10z" href="https://evil.test/x.svg"'),
            svg.UNSAFE.format(what="a link to another file"),
        ),
        (('fill="#c0392b"', 'style="fill:#c0392b"'), svg.STYLE_ATTRIBUTE),
        (("<title>Pelvis", "<style>path { fill: red }</style><title>Pelvis"), svg.STYLE_ELEMENT),
        (
            ('data-region="t12"', 'data-region="lesser-trochanter"'),
            svg.REGION_TWICE.format(region="lesser-trochanter"),
        ),
        (("<title>T12 vertebra</title>", ""), svg.REGION_NO_TITLE.format(region="t12")),
    ],
)
def test_each_problem_is_named(change, problem):
    old, new = change
    assert old in GOOD
    assert problem in svg.read_diagram(GOOD.replace(old, new, 1)).problems


def test_an_empty_style_attribute_is_harmless():
    assert svg.read_diagram(GOOD.replace('fill="#c0392b"', 'style=""')).problems == ()


@pytest.mark.parametrize("text", ["", "<html></html>", "not xml at all <"])
def test_not_an_svg(text):
    assert svg.read_diagram(text).problems == (svg.NOT_SVG,)


@pytest.mark.django_db
def test_the_admin_refuses_a_diagram_it_cannot_show_and_reads_the_regions_of_one_it_can(client):
    staff = f.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    styled = GOOD.replace('fill="#c0392b"', 'style="fill:#c0392b"')
    form = {"slug": "pelvis", "title": "Pelvis", "svg": styled}
    response = client.post("/admin/quizzes/diagram/add/", form)
    assert response.status_code == 200
    assert "presentation attributes" in response.content.decode()
    assert not Diagram.objects.exists()

    response = client.post("/admin/quizzes/diagram/add/", {**form, "svg": GOOD})
    assert response.status_code == 302
    assert Diagram.objects.get().regions == {
        "lesser-trochanter": "Lesser trochanter",
        "t12": "T12 vertebra",
    }
