"""The authoring pages: banks, the question editor for every type, versions, history, archive."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from quizzes.forms.authoring import NEGATIVE_TOLERANCE
from quizzes.interchange.validation import (
    CLOZE_PLACEHOLDERS,
    MATCHING_DUPLICATE,
    MULTI_WEIGHTS,
    SINGLE_NEEDS_ONE_RIGHT,
    UNKNOWN_REGION,
)
from quizzes.models import Question, QuestionBank, QuestionVersion
from quizzes.models.banks import Visibility
from quizzes.services.authoring import KEY_TAKEN, QUESTION_IN_USE, UNKNOWN_INSTRUCTORS
from quizzes.views import authoring as views
from tests import factories as f

pytestmark = pytest.mark.django_db


# --- helpers ---------------------------------------------------------------------------------


class _FormReader(HTMLParser):
    """What a browser would submit from one form: inputs, checked boxes, selections, textareas."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, []
        self._textarea = self._select = None
        self._select_first = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button"):
                self.data.append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self._textarea = [a["name"], ""]
        elif tag == "select":
            self._select, self._select_first = a["name"], None
        elif tag == "option" and self._select:
            if self._select_first is None:
                self._select_first = a.get("value", "")
            if "selected" in a:
                self.data.append((self._select, a.get("value", "")))
                self._select = "__done__"

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            # Browsers drop the one newline Django writes after <textarea>.
            self.data.append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "select" and self._select:
            if self._select != "__done__":
                self.data.append((self._select, self._select_first or ""))
            self._select = None


def form_data(html: str, form_id="question-form") -> dict:
    reader = _FormReader(form_id)
    reader.feed(html)
    data: dict = {}
    for name, value in reader.data:
        data.setdefault(name, []).append(value)
    return data


def rows(*items: dict, initial=0) -> dict:
    data = {"rows-TOTAL_FORMS": str(len(items)), "rows-INITIAL_FORMS": str(initial)}
    for n, item in enumerate(items):
        data.update({f"rows-{n}-{k}": v for k, v in item.items()})
    return data


COMMON = {
    "prompt": "Which vertebrae does psoas major arise from?",
    "explanation": "T12 and L1–L4 bodies and discs, and the transverse processes of L1–L5.",
    "source": "Standring S. Gray's Anatomy, 42nd ed., 2020.",
    "difficulty": "2",
    "tags": "attachments, origin",
}

# One valid question per type, as the form posts it.
VALID = {
    "single_choice": {
        **rows(
            {"text": "T12–L4 bodies and L1–L5 transverse processes", "correct": "on"},
            {"text": "The sacrum", "feedback": "That is piriformis.", "is_myth": "on"},
        ),
    },
    "multiple_response": {
        **rows(
            {"text": "Vertebral bodies", "correct": "on"},
            {"text": "Transverse processes", "correct": "on"},
            {"text": "Iliac crest"},
        ),
    },
    "true_false": {"answer": "false", "feedback_false": "Right.", "myth": "on"},
    "short_answer": {**rows({"text": "lesser trochanter", "weight": "100"})},
    "numeric": {"unit": "vertebrae", **rows({"value": "5", "tolerance": "0", "weight": "100"})},
    "matching": {
        **rows(
            {"prompt": "Psoas major", "answer": "Lesser trochanter"},
            {"prompt": "Iliacus", "answer": "Lesser trochanter"},
            {"prompt": "", "answer": "Greater trochanter"},
        )
    },
    "ordering": {**rows({"text": "T12"}, {"text": "L1"}, {"text": "L5"})},
    "cloze": {
        "prompt": "Psoas major inserts on the {{1}} trochanter.",
        **rows({"answers": "lesser", "choices": "lesser\ngreater"}),
    },
    "flashcard": {"back": "The **lesser** trochanter."},
    "hotspot": {"diagram": "lumbar", **rows({"region": "l1", "correct": "on"})},
}


def valid_post(qtype: str, **extra) -> dict:
    return {**COMMON, **VALID[qtype], "action": "save", **extra}


@pytest.fixture
def owner(client):
    user = f.InstructorFactory(username="owner")
    client.force_login(user)
    return user


@pytest.fixture
def bank(owner):
    return f.QuestionBankFactory(owner=owner, slug="mine", title="Mine")


@pytest.fixture
def diagram():
    return f.DiagramFactory(slug="lumbar", title="Lumbar", regions={"l1": "L1", "l2": "L2"})


def create(client, bank, qtype, data) -> Question:
    response = client.post(reverse("question_create", args=[bank.slug, qtype]), data)
    assert response.status_code == 302, response.content.decode()[:4000]
    return Question.objects.get(pk=response.url.rstrip("/").split("/")[-1])


def text_of(response) -> str:
    return response.content.decode()


# --- every type end to end --------------------------------------------------------------------


@pytest.mark.parametrize("qtype", list(VALID))
def test_every_type_saves_and_edit_round_trips_without_a_new_version(client, bank, diagram, qtype):
    question = create(client, bank, qtype, valid_post(qtype))
    version = question.current_version
    assert (version.number, version.qtype, version.created_by.username) == (1, qtype, "owner")
    assert sorted(question.tags.values_list("name", flat=True)) == ["attachments", "origin"]

    edit = client.get(reverse("question_edit", args=[question.pk]))
    assert edit.status_code == 200
    data = form_data(text_of(edit))
    data["action"] = "save"
    response = client.post(reverse("question_edit", args=[question.pk]), data)
    assert response.status_code == 302, text_of(response)[:4000]
    assert question.versions.count() == 1, "the edit form must show exactly what is stored"

    page = client.get(reverse("question_detail", args=[question.pk]))
    assert page.status_code == 200
    assert 'id="preview"' in text_of(page)


def test_created_content_matches_the_bank_file_shapes(client, bank, diagram):
    single = create(client, bank, "single_choice", valid_post("single_choice"))
    options = list(single.current_version.options.order_by("position"))
    assert [(o.fraction, o.is_myth) for o in options] == [(1, False), (0, True)]
    assert options[1].feedback == "That is piriformis."

    multi = create(client, bank, "multiple_response", valid_post("multiple_response"))
    fractions = [float(o.fraction) for o in multi.current_version.options.order_by("position")]
    assert fractions == [0.5, 0.5, -0.5]

    numeric = create(client, bank, "numeric", valid_post("numeric"))
    option = numeric.current_version.options.get()
    assert option.data == {"value": 5, "tolerance": 0}
    assert numeric.current_version.config == {"unit": "vertebrae"}

    tf = create(client, bank, "true_false", valid_post("true_false"))
    true, false = tf.current_version.options.order_by("position")
    assert (true.text, true.fraction, true.is_myth) == ("True", 0, True)
    assert (false.text, false.fraction, false.is_myth) == ("False", 1, False)

    cloze = create(client, bank, "cloze", valid_post("cloze"))
    assert [(o.text, o.fraction, o.data) for o in cloze.current_version.options.all()] == [
        ("lesser", 1, {"blank": 1, "choice": True}),
        ("greater", 0, {"blank": 1, "choice": True}),
    ]
    matching = create(client, bank, "matching", valid_post("matching"))
    assert [o.data for o in matching.current_version.options.order_by("position")] == [
        {"prompt": "Psoas major"},
        {"prompt": "Iliacus"},
        {},
    ]
    hotspot = create(client, bank, "hotspot", valid_post("hotspot"))
    assert hotspot.current_version.config == {"diagram": "lumbar"}
    assert hotspot.current_version.options.get().text == "L1"


def test_key_is_made_from_the_prompt_and_kept_unique(client, bank):
    first = create(client, bank, "single_choice", valid_post("single_choice"))
    second = create(client, bank, "single_choice", valid_post("single_choice"))
    assert first.key == "which-vertebrae-does-psoas-major-arise-from"
    assert second.key == first.key + "-2"
    response = client.post(
        reverse("question_create", args=[bank.slug, "single_choice"]),
        valid_post("single_choice", key=first.key),
    )
    assert response.status_code == 200
    assert KEY_TAKEN.format(key=first.key).replace("'", "&#x27;") in text_of(response)


# --- validation: messages by the fields, nothing lost ----------------------------------------


def field_error(html: str, field_id: str) -> str:
    """The error text tied to a field, checking the field points at it with aria-describedby."""
    match = re.search(rf'<div class="field-error" id="{field_id}_error">(.*?)</div>', html, re.S)
    assert match, f"no error shown for {field_id}"
    tag = re.search(rf'<(?:input|textarea|select)[^>]*id="{field_id}"[^>]*>', html)
    assert tag and f"{field_id}_error" in tag.group(0), f"{field_id} is not tied to its error"
    return match.group(1)


def test_single_choice_without_a_right_option_says_so_and_keeps_the_text(client, bank):
    data = {**COMMON, **rows({"text": "T12–L4"}, {"text": "Sacrum"}), "action": "save"}
    response = client.post(reverse("question_create", args=[bank.slug, "single_choice"]), data)
    html = text_of(response)
    assert response.status_code == 200
    assert SINGLE_NEEDS_ONE_RIGHT.format(n=0) in html
    assert 'id="rows-errors"' in html and 'aria-describedby="rows-errors"' in html
    assert 'value="T12–L4"' in html and 'value="Sacrum"' in html
    assert COMMON["source"].replace("'", "&#x27;") in html
    assert not Question.objects.exists()


def test_missing_prompt_is_tied_to_the_prompt_field(client, bank):
    data = {**valid_post("single_choice"), "prompt": ""}
    html = text_of(client.post(reverse("question_create", args=[bank.slug, "single_choice"]), data))
    assert "prompt is empty" in field_error(html, "id_prompt")
    assert 'href="#id_prompt"' in html


def test_negative_tolerance_is_tied_to_the_tolerance_field(client, bank):
    data = {**valid_post("numeric"), **rows({"value": "5", "tolerance": "-1", "weight": "100"})}
    html = text_of(client.post(reverse("question_create", args=[bank.slug, "numeric"]), data))
    assert NEGATIVE_TOLERANCE in field_error(html, "id_rows-0-tolerance")
    assert 'value="-1"' in html


def test_hotspot_region_missing_from_the_diagram_is_tied_to_the_row(client, bank, diagram):
    f.DiagramFactory(slug="other", title="Other", regions={"sacrum": "Sacrum"})
    data = {**valid_post("hotspot"), **rows({"region": "sacrum", "correct": "on"})}
    html = text_of(client.post(reverse("question_create", args=[bank.slug, "hotspot"]), data))
    message = UNKNOWN_REGION.format(region="sacrum", diagram="lumbar").replace("'", "&#x27;")
    assert message in field_error(html, "id_rows-0-region")


def test_cloze_blanks_problem_is_on_the_prompt(client, bank):
    data = {**valid_post("cloze"), "prompt": "No blanks here."}
    html = text_of(client.post(reverse("question_create", args=[bank.slug, "cloze"]), data))
    message = CLOZE_PLACEHOLDERS.format(n=1, found=[])
    assert message.replace("'", "&#x27;") in field_error(html, "id_prompt")


def test_matching_duplicate_prompt_marks_the_second_row(client, bank):
    data = {
        **valid_post("matching"),
        **rows({"prompt": "Psoas", "answer": "A"}, {"prompt": "Psoas", "answer": "B"}),
    }
    html = text_of(client.post(reverse("question_create", args=[bank.slug, "matching"]), data))
    message = MATCHING_DUPLICATE.format(prompt="Psoas").replace("'", "&#x27;")
    assert message in field_error(html, "id_rows-1-prompt")


def test_multiple_response_weights_that_do_not_add_up(client, bank):
    data = {
        **valid_post("multiple_response"),
        **rows({"text": "A", "correct": "on", "weight": "40"}, {"text": "B", "weight": "-100"}),
    }
    url = reverse("question_create", args=[bank.slug, "multiple_response"])
    html = text_of(client.post(url, data))
    assert MULTI_WEIGHTS.format(total="40") in html


def test_a_bad_number_is_a_message_not_a_crash(client, bank):
    data = {**valid_post("single_choice"), "rows-0-weight": "lots", "difficulty": "9"}
    response = client.post(reverse("question_create", args=[bank.slug, "single_choice"]), data)
    assert response.status_code == 200
    html = text_of(response)
    assert field_error(html, "id_rows-0-weight")
    assert field_error(html, "id_difficulty")
    preview = client.post(
        reverse("question_create", args=[bank.slug, "single_choice"]),
        {**data, "action": "preview"},
    )
    assert views.FIX_ROWS_FIRST in text_of(preview)


def test_garbled_management_form_is_not_a_500(client, bank):
    data = {**COMMON, "rows-TOTAL_FORMS": "abc", "action": "save"}
    response = client.post(reverse("question_create", args=[bank.slug, "ordering"]), data)
    assert response.status_code == 200
    more = client.post(
        reverse("question_create", args=[bank.slug, "ordering"]), {**data, "action": "more"}
    )
    assert more.status_code == 200


def test_add_more_rows_keeps_what_was_typed(client, bank):
    data = {**COMMON, **rows({"text": "T12"}, {"text": "L1"}), "action": "more"}
    html = text_of(client.post(reverse("question_create", args=[bank.slug, "ordering"]), data))
    assert 'value="T12"' in html and 'name="rows-4-text"' in html
    assert "field-error" not in html


# --- preview -----------------------------------------------------------------------------------


def test_preview_shows_the_unsaved_draft_as_a_student_sees_it(client, bank):
    data = valid_post("single_choice", action="preview")
    response = client.post(reverse("question_create", args=[bank.slug, "single_choice"]), data)
    html = text_of(response)
    preview = html[html.index('id="preview"') :]
    assert 'type="radio" name="choice"' in preview
    assert "T12–L4 bodies and L1–L5 transverse processes" in preview
    assert "Choose one answer" in preview
    assert not Question.objects.exists()
    # The live refresh asks for the preview alone.
    fragment = client.post(
        reverse("question_create", args=[bank.slug, "single_choice"]), data, HTTP_X_PREVIEW="1"
    )
    assert text_of(fragment).lstrip().startswith('<section class="preview" id="preview"')


@pytest.mark.parametrize("qtype", list(VALID))
def test_preview_works_for_every_type(client, bank, diagram, qtype):
    data = valid_post(qtype, action="preview")
    response = client.post(reverse("question_create", args=[bank.slug, qtype]), data)
    assert response.status_code == 200
    preview = text_of(response).split('id="preview"', 1)[1].split("</section>", 1)[0]
    assert "Press “Preview”" not in preview
    assert views.FIX_ROWS_FIRST not in preview


# --- versions and history ---------------------------------------------------------------------


def test_edit_makes_version_two_with_author_note_and_diff(client, bank, owner):
    question = create(client, bank, "single_choice", valid_post("single_choice"))
    editor = f.InstructorFactory(username="editor")
    bank.visibility = Visibility.SHARED
    bank.save()
    bank.shared_with.add(editor)
    client.force_login(editor)
    data = form_data(text_of(client.get(reverse("question_edit", args=[question.pk]))))
    data.update(
        {
            "prompt": "From which vertebrae does psoas major arise?",
            "rows-1-text": "The sacrum and coccyx",
            "rows-0-feedback": "Yes.",
            "change_note": "Clearer wording",
            "action": "save",
        }
    )
    response = client.post(reverse("question_edit", args=[question.pk]), data)
    assert response.status_code == 302
    question.refresh_from_db()
    v2 = question.current_version
    assert (v2.number, v2.created_by, v2.change_note) == (2, editor, "Clearer wording")
    assert QuestionVersion.objects.filter(question=question).count() == 2

    html = text_of(client.get(reverse("question_history", args=[question.pk])))
    assert "Version 2" in html and "Version 1" in html
    assert "Clearer wording" in html and f"By {editor}" in html.replace("&#x27;", "'")
    assert "From which vertebrae does psoas major arise?" in html
    assert "Options added" in html and "The sacrum and coccyx" in html
    assert "Options removed" in html and "The sacrum</li>" in html
    assert "feedback changed" in html


def test_two_editors_at_once_the_second_is_warned_and_loses_nothing(client, bank, owner):
    question = create(client, bank, "single_choice", valid_post("single_choice"))
    colleague = f.InstructorFactory(username="colleague", display_name="Cleo Colleague")
    bank.visibility = Visibility.SHARED
    bank.save()
    bank.shared_with.add(colleague)
    url = reverse("question_edit", args=[question.pk])
    # Both open the editor on version 1.
    mine = form_data(text_of(client.get(url)))
    client.force_login(colleague)
    theirs = form_data(text_of(client.get(url)))
    theirs.update({"prompt": "Cleo's wording of the question?", "action": "save"})
    assert client.post(url, theirs).status_code == 302

    client.force_login(owner)
    mine.update({"prompt": "My wording of the question?", "action": "save"})
    response = client.post(url, mine)
    assert response.status_code == 409
    html = text_of(response).replace("&#x27;", "'")
    assert "Cleo Colleague saved version 2 of this question while you were editing version 1" in (
        html
    )
    assert "My wording of the question?" in html, "what was typed is still in the form"
    question.refresh_from_db()
    assert (question.current_version.number, question.versions.count()) == (2, 2)
    assert question.current_version.prompt == "Cleo's wording of the question?"

    # Saving again from the warned form is a choice made knowing of version 2.
    again = form_data(html)
    assert again["based_on"] == ["2"]
    again.update({"action": "save"})
    assert client.post(url, again).status_code == 302
    question.refresh_from_db()
    assert question.current_version.number == 3
    assert question.current_version.prompt == "My wording of the question?"


def test_a_stale_form_with_the_same_content_as_the_newer_version_is_no_conflict(client, bank):
    question = create(client, bank, "single_choice", valid_post("single_choice"))
    url = reverse("question_edit", args=[question.pk])
    first = form_data(text_of(client.get(url)))
    second = form_data(text_of(client.get(url)))
    for data in (first, second):
        data.update({"prompt": "The same fix, made twice?", "action": "save"})
    assert client.post(url, first).status_code == 302
    assert client.post(url, second).status_code == 302
    assert question.versions.count() == 2


def test_unchanged_save_makes_no_version_but_keeps_new_tags(client, bank):
    question = create(client, bank, "ordering", valid_post("ordering"))
    data = form_data(text_of(client.get(reverse("question_edit", args=[question.pk]))))
    data.update({"tags": "attachments, vertebrae", "action": "save"})
    response = client.post(reverse("question_edit", args=[question.pk]), data, follow=True)
    assert views.QUESTION_UNCHANGED_TAGS in text_of(response)
    assert question.versions.count() == 1
    assert sorted(question.tags.values_list("name", flat=True)) == ["attachments", "vertebrae"]


# --- archive, delete, duplicate ------------------------------------------------------------------


def test_unused_question_can_be_deleted_after_a_confirm_step(client, bank):
    question = create(client, bank, "ordering", valid_post("ordering"))
    confirm = client.get(reverse("question_delete", args=[question.pk]))
    assert "Delete for good" in text_of(confirm)
    response = client.post(reverse("question_delete", args=[question.pk]))
    assert response.status_code == 302
    assert not Question.objects.filter(pk=question.pk).exists()


def test_answered_question_is_archived_not_deleted(client, bank):
    question = create(client, bank, "single_choice", valid_post("single_choice"))
    f.AnswerFactory(question_version=question.current_version)
    page = client.get(reverse("question_delete", args=[question.pk]))
    assert QUESTION_IN_USE in text_of(page) and "Delete for good" not in text_of(page)
    refused = client.post(reverse("question_delete", args=[question.pk]))
    assert refused.status_code == 409
    assert Question.objects.filter(pk=question.pk).exists()

    client.post(reverse("question_archive", args=[question.pk]))
    question.refresh_from_db()
    assert question.archived_at is not None
    listing = client.get(reverse("bank_detail", args=[bank.slug]))
    assert question.key not in text_of(listing)
    archived = client.get(reverse("bank_detail", args=[bank.slug]) + "?archived=archived")
    assert question.key in text_of(archived)

    client.post(reverse("question_unarchive", args=[question.pk]))
    question.refresh_from_db()
    assert question.archived_at is None


def test_reviewed_question_cannot_be_deleted(client, bank):
    question = create(client, bank, "flashcard", valid_post("flashcard"))
    f.ReviewLogFactory(card=f.CardStateFactory(question=question))
    assert client.post(reverse("question_delete", args=[question.pk])).status_code == 409


def test_duplicate_makes_version_one_with_a_new_key(client, bank):
    question = create(client, bank, "cloze", valid_post("cloze"))
    client.post(reverse("question_edit", args=[question.pk]), {})  # a stray empty post: no crash
    response = client.post(reverse("question_duplicate", args=[question.pk]), {"bank": bank.pk})
    assert response.status_code == 302
    copy = Question.objects.exclude(pk=question.pk).get()
    assert copy.key == question.key + "-copy"
    assert copy.current_version.number == 1
    assert copy.current_version.content_hash == question.current_version.content_hash
    assert list(copy.current_version.options.values_list("text", "fraction", "data")) == list(
        question.current_version.options.values_list("text", "fraction", "data")
    )
    assert set(copy.tags.all()) == set(question.tags.all())


def test_public_bank_question_duplicated_into_own_bank(client, owner):
    public = f.QuestionBankFactory(visibility=Visibility.PUBLIC)
    question = f.QuestionFactory(bank=public, key="insertion")
    mine = f.QuestionBankFactory(owner=owner)
    page = client.get(reverse("question_duplicate", args=[question.pk]))
    assert public.title not in text_of(page).split('name="bank"', 1)[1].split("</select>")[0]
    response = client.post(reverse("question_duplicate", args=[question.pk]), {"bank": public.pk})
    assert response.status_code == 200  # not a bank they may write to
    response = client.post(reverse("question_duplicate", args=[question.pk]), {"bank": mine.pk})
    assert response.status_code == 302
    assert mine.questions.get().key == "insertion"


# --- banks ---------------------------------------------------------------------------------------


def test_create_bank_with_slug_from_title_and_sharing(client, owner):
    colleague = f.InstructorFactory(username="colleague")
    data = {
        "title": "Psoas: attachments!",
        "topic": "anatomy",
        "visibility": "shared",
        "share_with": "colleague",
    }
    response = client.post(reverse("bank_create"), data)
    assert response.status_code == 302
    bank = QuestionBank.objects.get(slug="psoas-attachments")
    assert (bank.owner, list(bank.shared_with.all())) == (owner, [colleague])
    again = client.post(reverse("bank_create"), data)
    assert again.url == reverse("bank_detail", args=["psoas-attachments-2"])
    new = client.post(reverse("bank_create"), {**data, "title": "New", "share_with": ""})
    assert new.url == reverse("bank_detail", args=["new-2"])


def test_sharing_with_an_unknown_or_student_username_is_refused_with_the_name(client, owner):
    f.StudentFactory(username="pupil")
    data = {"title": "T", "topic": "anatomy", "visibility": "shared", "share_with": "pupil, nobody"}
    response = client.post(reverse("bank_create"), data)
    assert response.status_code == 200
    expected = UNKNOWN_INSTRUCTORS.format(names="'pupil', 'nobody'").replace("'", "&#x27;")
    assert expected in text_of(response)
    assert 'value="pupil, nobody"' in text_of(response)
    assert not QuestionBank.objects.exists()


def test_bank_list_shows_own_shared_public_bundled_with_counts(client, owner):
    own = f.QuestionBankFactory(owner=owner, title="Own")
    f.QuestionFactory.create_batch(2, bank=own)
    f.QuestionFactory(bank=own, archived_at="2024-01-01T00:00Z")
    shared = f.QuestionBankFactory(title="Shared to me", visibility=Visibility.SHARED)
    shared.shared_with.add(owner)
    f.QuestionBankFactory(title="Somebody's public", visibility=Visibility.PUBLIC)
    f.QuestionBankFactory(title="Bundled", owner=None, visibility=Visibility.PUBLIC)
    f.QuestionBankFactory(title="Somebody's private")
    html = text_of(client.get(reverse("bank_list")))
    for title in ("Own", "Shared to me", "Somebody&#x27;s public", "Bundled"):
        assert title in html
    assert "Somebody&#x27;s private" not in html
    row = html.split(">Own</a>", 1)[1].split("</tr>", 1)[0]
    assert ">2 <" in row.replace("\n", " ") or ">2<" in row and "1 archived" in row
    assert "Shared with you" in html and "Public (read-only)" in html


def test_bank_page_filters(client, bank):
    myth = f.QuestionFactory(bank=bank, key="has-myth")
    myth.current_version.options.filter(position=1).update(is_myth=True)
    myth.tags.add(f.TagFactory(name="myths"))
    plain = f.QuestionFactory(bank=bank, key="plain")
    plain.current_version.__class__.objects.filter(pk=plain.current_version.pk).update(
        prompt="Which nerve runs through psoas?", difficulty=4
    )
    url = reverse("bank_detail", args=[bank.slug])

    def keys(query):
        html = text_of(client.get(url + query))
        return sorted(k for k in ("has-myth", "plain") if f'class="key">{k}<' in html)

    assert keys("") == ["has-myth", "plain"]
    assert keys("?q=nerve") == ["plain"]
    assert keys("?tag=myths") == ["has-myth"]
    assert keys("?myth=on") == ["has-myth"]
    assert keys("?difficulty=4") == ["plain"]
    assert keys("?type=flashcard") == []
    assert keys("?type=nonsense&difficulty=x&page=zz") == ["has-myth", "plain"]


def test_bulk_tag_add_and_remove(client, bank):
    a, b, c = f.QuestionFactory.create_batch(3, bank=bank)
    url = reverse("bank_bulk_tag", args=[bank.slug])
    response = client.post(
        url,
        {
            "question": [a.pk, b.pk],
            "bulk-tag": "Hip Flexion",
            "bulk-operation": "add",
            "return_query": "q=x",
        },
    )
    assert response.url == reverse("bank_detail", args=[bank.slug]) + "?q=x"
    assert [q.pk for q in Question.objects.filter(tags__name="hip-flexion")] == [a.pk, b.pk]
    client.post(url, {"question": [a.pk], "bulk-tag": "hip-flexion", "bulk-operation": "remove"})
    assert [q.pk for q in Question.objects.filter(tags__name="hip-flexion")] == [b.pk]
    nothing = client.post(url, {"bulk-tag": "x", "bulk-operation": "add"}, follow=True)
    assert views.NO_QUESTIONS_SELECTED in text_of(nothing)
    other = f.QuestionFactory()  # another bank's question is never touched
    client.post(url, {"question": [other.pk], "bulk-tag": "sneaky", "bulk-operation": "add"})
    assert not other.tags.exists()


# --- query counts ------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [5, 50])
def test_bank_page_query_count_does_not_grow(client, bank, count, django_assert_num_queries):
    for question in f.QuestionFactory.create_batch(count, bank=bank):
        question.tags.add(f.TagFactory(name="t1"), f.TagFactory(name="t2"))
    # session, user, bank, shared check, shared_with names, tag names, count, rows, row tags
    with django_assert_num_queries(8):
        response = client.get(reverse("bank_detail", args=[bank.slug]))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [2, 12])
def test_question_page_query_count_is_constant(client, bank, count, django_assert_num_queries):
    question = f.QuestionFactory(bank=bank)
    for n in range(count):
        f.OptionFactory(version=question.current_version, position=10 + n)
    question.tags.add(f.TagFactory(name="t1"))
    # session, user, question with bank and version, tags, options, shared check, diagrams
    # the editor can write to (duplicate button), and no more for more options.
    with django_assert_num_queries(6):
        response = client.get(reverse("question_detail", args=[question.pk]))
    assert response.status_code == 200
