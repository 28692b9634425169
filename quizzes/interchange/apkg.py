"""Anki decks (.apkg): every question as a two-sided note, for students who revise in Anki.

Pure: no database. The front is the prompt (with the choices, for choice questions); the back is
the right answer, the explanation and the source. Note GUIDs come from the bank slug and the
question key, so importing a newer export into Anki updates the notes instead of adding copies.
"""

import hashlib
import io
import itertools
import os
import re
import sqlite3
import tempfile
import time
import zipfile
from html import escape

import genanki

from quizzes.interchange.drafts import QuestionDraft
from quizzes.interchange.validation import CLOZE_BLANK
from quizzes.rendering import render_markdown, render_markdown_inline

# Fixed forever: Anki recognises a note type by this id, so re-imports reuse it.
MODEL_ID = 1_607_392_319
FIELDS = ("Front", "Back", "Key")
CSS = """
.card { font-family: system-ui, sans-serif; font-size: 20px; text-align: left; color: #1d1d1f; }
.choices { margin-top: 0.5em; }
.answer { font-weight: 600; }
.source { font-size: 0.75em; color: #555; }
"""
MODEL = genanki.Model(
    MODEL_ID,
    "psoasquiz question",
    fields=[{"name": name} for name in FIELDS],
    templates=[
        {
            "name": "Question",
            "qfmt": "{{Front}}",
            "afmt": '{{FrontSide}}<hr id="answer">{{Back}}',
        }
    ],
    css=CSS,
)
BLANK = "_____"


def write_apkg(drafts, *, deck_name: str, bank_slug: str, timestamp: float | None = None) -> bytes:
    """An .apkg file holding one note per draft, in a deck called `deck_name`."""
    deck = genanki.Deck(deck_id(deck_name), deck_name)
    for draft in drafts:
        deck.add_note(
            genanki.Note(
                model=MODEL,
                fields=[front(draft), back(draft), draft.key],
                tags=[anki_tag(t) for t in draft.tags],
                guid=note_guid(bank_slug, draft.key),
            )
        )
    return _package_bytes(genanki.Package(deck), timestamp)


def deck_id(deck_name: str) -> int:
    # Stable across exports so Anki files the notes into the same deck each time.
    digest = hashlib.sha256(deck_name.encode("utf-8")).digest()
    return int.from_bytes(digest[:6], "big") | 1 << 40


def note_guid(bank_slug: str, key: str) -> str:
    return genanki.guid_for(bank_slug, key)


def anki_tag(tag: str) -> str:
    # Anki separates tags with spaces, so a tag cannot contain one.
    return re.sub(r"\s+", "_", tag.strip())


def front(draft: QuestionDraft) -> str:
    prompt = draft.prompt
    if draft.qtype == "cloze":
        prompt = CLOZE_BLANK.sub(BLANK, prompt)
    html = str(render_markdown(prompt))
    choices = _choices(draft)
    if choices:
        items = "".join(f"<li>{render_markdown_inline(c)}</li>" for c in choices)
        html += f'<ol class="choices" type="A">{items}</ol>'
    if draft.qtype == "hotspot":
        html += f"<p><em>On the diagram {escape(draft.config.get('diagram', ''))}.</em></p>"
    return html


def _choices(draft: QuestionDraft) -> list[str]:
    if draft.qtype in ("single_choice", "multiple_response", "true_false"):
        return [o.text for o in draft.options]
    if draft.qtype == "matching":
        prompts = [o.data["prompt"] for o in draft.options if o.data.get("prompt")]
        answers = sorted({o.text for o in draft.options})
        return [f"{p} → ?" for p in prompts] + [f"*{a}*" for a in answers]
    if draft.qtype == "ordering":
        # Alphabetical, so the front does not give the order away.
        return sorted(o.text for o in draft.options)
    if draft.qtype == "cloze":
        return sorted({o.text for o in draft.options if o.data.get("choice")})
    return []


def back(draft: QuestionDraft) -> str:
    answers = _answers(draft)
    html = "".join(f'<p class="answer">{render_markdown_inline(a)}</p>' for a in answers)
    html += str(render_markdown(draft.explanation))
    html += f'<div class="source">{render_markdown(draft.source)}</div>'
    return html


def _answers(draft: QuestionDraft) -> list[str]:
    options = draft.options
    if draft.qtype == "flashcard":
        return [str(draft.config.get("back", ""))]
    if draft.qtype == "multiple_response":
        return [o.text for o in options if o.fraction > 0]
    if draft.qtype == "matching":
        return [f"{o.data['prompt']} → {o.text}" for o in options if o.data.get("prompt")]
    if draft.qtype == "ordering":
        return [f"{n}. {o.text}" for n, o in enumerate(options, 1)]
    if draft.qtype == "cloze":
        blanks = sorted({o.data["blank"] for o in options})
        return [
            f"({n}) "
            + " / ".join(o.text for o in options if o.data["blank"] == n and o.fraction == 1)
            for n in blanks
        ]
    right = [o.text for o in options if o.fraction == 1]
    if draft.qtype == "numeric" and draft.config.get("unit"):
        right = [f"{r} {draft.config['unit']}" for r in right]
    if draft.qtype == "short_answer":
        return [" / ".join(right)]
    return right


def _package_bytes(package: genanki.Package, timestamp: float | None) -> bytes:
    # genanki writes its SQLite collection to a temporary file it never removes; we own ours.
    timestamp = time.time() if timestamp is None else timestamp
    handle, path = tempfile.mkstemp(suffix=".anki2")
    os.close(handle)
    try:
        connection = sqlite3.connect(path)
        try:
            package.write_to_db(
                connection.cursor(), timestamp, itertools.count(int(timestamp * 1000))
            )
            connection.commit()
        finally:
            connection.close()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(path, "collection.anki2")
            archive.writestr("media", "{}")
        return buffer.getvalue()
    finally:
        os.unlink(path)
