"""Instructors' Markdown can carry no script into the preview, the question page or history."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from quizzes.models import Question
from tests import factories as f

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert('x')</script>",
    '<img src="x" onerror="alert(1)">',
    "[click me](javascript:alert(1))",
    '<a href="javascript:alert(1)">link</a>',
    '<svg onload="alert(1)"><circle r="5"/></svg>',
    '<iframe src="https://evil.example/"></iframe>',
    "<style>body { display: none }</style>",
    '<div style="background:url(javascript:alert(1))">styled</div>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph>",
    '<a href="JaVaScRiPt:alert(1)">caps</a>',
    '<object data="data:text/html,<script>alert(1)</script>"></object>',
    "<form action='https://evil.example'><input name=x></form>",
]
CORPUS = "\n\n".join(PAYLOADS)

FORBIDDEN_TAGS = {"iframe", "svg", "style", "object", "embed", "math", "frame", "base"}


class _Checker(HTMLParser):
    """Reads the page as a browser would and lists every tag or attribute that could run code."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag == "script" and not dict(attrs).get("src", "").startswith("/static/"):
            self.found.append(f"<script> {attrs}")
        if tag in FORBIDDEN_TAGS:
            self.found.append(f"<{tag}>")
        if tag == "form" and "evil" in (dict(attrs).get("action") or ""):
            self.found.append("<form> posting elsewhere")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "data", "formaction") and value:
                if re.sub(r"\s", "", value).lower().startswith(("javascript:", "data:")):
                    self.found.append(f"<{tag} {name}={value!r}>")


def assert_safe(html: str):
    checker = _Checker()
    checker.feed(html)
    assert checker.found == []


def _post(prompt=CORPUS, explanation=CORPUS, feedback=CORPUS, text=PAYLOADS[1], change=""):
    return {
        "prompt": prompt,
        "explanation": explanation,
        "source": CORPUS,
        "difficulty": "2",
        "tags": "",
        "rows-TOTAL_FORMS": "2",
        "rows-INITIAL_FORMS": "0",
        "rows-0-text": text,
        "rows-0-correct": "on",
        "rows-0-feedback": feedback,
        "rows-1-text": PAYLOADS[0],
        "rows-1-feedback": feedback,
        "change_note": change,
    }


@pytest.fixture
def bank(client):
    owner = f.InstructorFactory()
    client.force_login(owner)
    return f.QuestionBankFactory(owner=owner)


def test_xss_corpus_is_inert_in_preview_page_and_history(client, bank):
    url = reverse("question_create", args=[bank.slug, "single_choice"])
    preview = client.post(url, {**_post(), "action": "preview"})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert 'id="preview"' in html and "Choose one answer" in html
    assert_safe(html)

    saved = client.post(url, {**_post(), "action": "save"})
    assert saved.status_code == 302, saved.content.decode()[:3000]
    question = Question.objects.get()
    assert_safe(client.get(reverse("question_detail", args=[question.pk])).content.decode())

    edit = reverse("question_edit", args=[question.pk])
    second = _post(
        prompt=CORPUS + "\n\nmore",
        explanation="plain",
        feedback=PAYLOADS[2],
        text=PAYLOADS[4],
        change=PAYLOADS[0],
    )
    assert client.post(edit, {**second, "action": "save"}).status_code == 302
    history = client.get(reverse("question_history", args=[question.pk])).content.decode()
    assert "Version 2" in history
    assert_safe(history)
    # History shows what was typed, as text.
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in history

    bank_page = client.get(reverse("bank_detail", args=[bank.slug])).content.decode()
    assert_safe(bank_page)


@pytest.mark.parametrize("qtype", ["matching", "ordering", "cloze", "short_answer"])
def test_xss_in_other_types_preview(client, bank, qtype):
    row = {
        "matching": {
            "rows-0-prompt": PAYLOADS[1],
            "rows-0-answer": PAYLOADS[4],
            "rows-1-prompt": PAYLOADS[2],
            "rows-1-answer": PAYLOADS[0],
        },
        "ordering": {"rows-0-text": PAYLOADS[1], "rows-1-text": PAYLOADS[5]},
        "cloze": {
            "rows-0-answers": PAYLOADS[0],
            "rows-0-choices": PAYLOADS[0] + "\n" + PAYLOADS[1],
        },
        "short_answer": {"rows-0-text": PAYLOADS[1], "rows-0-weight": "100"},
    }[qtype]
    common = {k: v for k, v in _post(prompt=CORPUS + " {{1}}").items() if not k.startswith("rows-")}
    data = {**common, **row, "rows-TOTAL_FORMS": "2", "rows-INITIAL_FORMS": "0"}
    data["action"] = "preview"
    html = client.post(reverse("question_create", args=[bank.slug, qtype]), data).content.decode()
    assert_safe(html)


def test_the_checker_would_catch_each_raw_payload():
    """The check above can fail: every HTML payload, unsanitised, is caught."""
    for payload in PAYLOADS:
        if payload.startswith("["):
            continue  # Markdown, not HTML
        checker = _Checker()
        checker.feed(payload)
        assert checker.found, payload
