"""Import and export pages: upload, preview (writes nothing), confirm (writes once), the checks on
the file (size, encoding, emptiness, format), problems listed with their lines, the export
downloads and a round trip through them, and who may reach which page."""

import csv
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from quizzes.forms.interchange import (
    EMPTY_UPLOAD,
    MAX_UPLOAD_BYTES,
    NO_FILE,
    NOT_TEXT,
    NOT_UTF8,
    TOO_BIG,
    UNKNOWN_FORMAT,
)
from quizzes.interchange.csvfile import COLUMNS, csv_template, parse_csv
from quizzes.interchange.gift import MISSING_SOURCE, NO_RIGHT_ANSWER
from quizzes.interchange.gift import escape as gift_escape
from quizzes.interchange.validation import UNKNOWN_DIAGRAM
from quizzes.models import Option, Question, QuestionVersion, Tag
from quizzes.models.banks import Visibility
from quizzes.selectors.export import bank_drafts
from quizzes.services.banks import questions_import
from quizzes.views import interchange as views
from quizzes.views.authoring import INSTRUCTORS_ONLY, READ_ONLY_BANK
from tests import factories as f
from tests.views.test_authoring_xss import PAYLOADS, assert_safe

pytestmark = pytest.mark.django_db

SOURCE = "Standring S. Gray's Anatomy, 42nd ed., 2020."
INSERTION = f"""// source: {SOURCE}
// tags: attachments
::insertion::Where does **psoas major** insert?{{
=Lesser trochanter of the femur
~Greater trochanter of the femur#That is where gluteus medius inserts.
####Psoas major joins iliacus and inserts on the lesser trochanter of the femur.
}}
"""
ORIGIN = f"""// source: {SOURCE}
::origin::From which vertebral bodies does psoas major arise?{{
=T12 to L5
~L1 to S1#The sacrum gives no origin to psoas major.
####It arises from the sides of the T12–L5 bodies and the discs between them.
}}
"""
FLEXES = f"""// source: {SOURCE}
::flexes-hip::Psoas major flexes the hip.{{T
####With iliacus it is the strongest flexor of the hip.
}}
"""
GOOD_GIFT = "\n".join([INSERTION, ORIGIN, FLEXES])
# The second question has no source: a problem on the line where it starts.
BAD_GIFT = "\n".join([INSERTION, ORIGIN.replace(f"// source: {SOURCE}\n", ""), FLEXES])
# Here the second question cannot even be read (no right answer): its answer line is named.
UNREADABLE_GIFT = "\n".join([INSERTION, ORIGIN.replace("=T12", "~T12"), FLEXES])


def _rows():
    return {
        "questions": Question.objects.count(),
        "versions": QuestionVersion.objects.count(),
        "options": Option.objects.count(),
        "tags": Tag.objects.count(),
    }


def _upload(name, content, content_type="text/plain"):
    if isinstance(content, str):
        content = content.encode("utf-8")
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def owner():
    return f.InstructorFactory(username="owner")


@pytest.fixture
def bank(owner):
    return f.QuestionBankFactory(owner=owner, slug="psoas", title="Psoas basics")


@pytest.fixture
def signed_in(client, owner):
    client.force_login(owner)
    return client


def preview(client, bank, name, content, **extra):
    return client.post(
        reverse("bank_import", args=[bank.slug]),
        {"file": _upload(name, content), "format": "auto", **extra},
    )


def confirm(client, bank, token):
    return client.post(reverse("bank_import_confirm", args=[bank.slug]), {"upload": token})


def test_bank_page_links_to_import_and_export(signed_in, bank):
    html = signed_in.get(reverse("bank_detail", args=[bank.slug])).content.decode()
    assert reverse("bank_import", args=[bank.slug]) in html
    for fmt in ("gift", "csv", "apkg"):
        assert f"{reverse('bank_export', args=[bank.slug])}?format={fmt}" in html
    assert "GIFT (Moodle) cannot hold flashcard, ordering or hotspot" in html


def test_import_page_has_the_form_the_template_and_help(signed_in, bank):
    response = signed_in.get(reverse("bank_import", args=[bank.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in html
    assert reverse("csv_template") in html
    assert "What a file must hold" in html
    assert '<label for="id_file">File</label>' in html
    assert 'aria-describedby="id_file_helptext"' in html


def test_preview_writes_nothing_and_shows_counts(signed_in, bank):
    before = _rows()
    response = preview(signed_in, bank, "psoas.gift", GOOD_GIFT)
    assert response.status_code == 200
    assert _rows() == before
    html = response.content.decode()
    assert "Import 3 questions" in html
    assert "<strong>psoas major</strong>" in html
    counts = response.context["counts"]
    assert (counts["new"], counts["versions"], counts["unchanged"]) == (3, 0, 0)
    assert [i["draft"].key for i in response.context["examined"].items] == [
        "insertion",
        "origin",
        "flexes-hip",
    ]
    assert response.context["token"] in signed_in.session[views.SESSION_KEY]


def test_preview_reads_new_versions_and_unchanged_from_the_bank(signed_in, bank):
    questions_import(bank=bank, drafts=views.parse_gift(INSERTION + "\n" + ORIGIN).questions)
    changed = ORIGIN.replace("T12 to L5", "T12 to L5 (and the discs between)")
    response = preview(signed_in, bank, "psoas.txt", "\n".join([INSERTION, changed, FLEXES]))
    counts = response.context["counts"]
    assert (counts["new"], counts["versions"], counts["unchanged"]) == (1, 1, 1)
    statuses = {i["draft"].key: i["status"] for i in response.context["examined"].items}
    assert statuses == {"insertion": "unchanged", "origin": "new version", "flexes-hip": "new"}


def test_preview_query_count_does_not_grow_with_the_file(
    signed_in, bank, django_assert_max_num_queries
):
    blocks = [
        INSERTION.replace("::insertion::", f"::insertion-{n}::").replace("attachments", f"t{n}")
        for n in range(60)
    ]
    questions_import(bank=bank, drafts=views.parse_gift("\n".join(blocks[:30])).questions)
    # Session and user, the bank with its sharing, the plan (2), the session write.
    with django_assert_max_num_queries(9):
        response = preview(signed_in, bank, "many.gift", "\n".join(blocks))
    assert response.context["counts"]["unchanged"] == 30


def test_confirm_imports_and_says_what_it_did(signed_in, bank, owner):
    token = preview(signed_in, bank, "psoas.gift", GOOD_GIFT).context["token"]
    response = confirm(signed_in, bank, token)
    assert response.status_code == 302
    assert response["Location"] == reverse("bank_detail", args=[bank.slug])
    assert set(bank.questions.values_list("key", flat=True)) == {
        "insertion",
        "origin",
        "flexes-hip",
    }
    version = Question.objects.get(bank=bank, key="insertion").current_version
    assert version.created_by == owner
    page = signed_in.get(response["Location"]).content.decode()
    assert (
        escape(views.IMPORTED.format(new=3, new_s="s", versions=0, versions_s="s", unchanged=0))
        in page
    )
    assert "Imported 3 new questions, 0 new versions, 0 unchanged." in page


def test_confirm_counts_new_versions_and_unchanged(signed_in, bank):
    questions_import(bank=bank, drafts=views.parse_gift(INSERTION + "\n" + ORIGIN).questions)
    changed = ORIGIN.replace("####It arises", "####Psoas major arises")
    token = preview(signed_in, bank, "p.gift", "\n".join([INSERTION, changed, FLEXES])).context[
        "token"
    ]
    response = confirm(signed_in, bank, token)
    page = signed_in.get(response["Location"]).content.decode()
    assert "Imported 1 new question, 1 new version, 1 unchanged." in page
    assert Question.objects.get(bank=bank, key="origin").current_version.number == 2


def test_double_confirm_imports_once(signed_in, bank):
    token = preview(signed_in, bank, "psoas.gift", GOOD_GIFT).context["token"]
    confirm(signed_in, bank, token)
    after_first = _rows()
    response = confirm(signed_in, bank, token)
    assert response.status_code == 302
    assert _rows() == after_first
    page = signed_in.get(response["Location"]).content.decode()
    assert escape(views.UPLOAD_GONE) in page


def test_a_bad_question_imports_nothing_and_is_listed_with_its_line(signed_in, bank):
    before = _rows()
    response = preview(signed_in, bank, "course.gift", BAD_GIFT)
    html = response.content.decode()
    assert _rows() == before
    assert "Import 3 questions" not in html
    assert 'name="upload"' not in html
    assert not signed_in.session.get(views.SESSION_KEY)
    line = BAD_GIFT.split("\n").index(ORIGIN.split("\n")[1]) + 1
    assert f"<strong>Line {line}:</strong>" in html
    assert escape(MISSING_SOURCE) in html
    assert "1 problem in" in html and "course.gift" in html
    # The problem is also shown by the question it belongs to, and links to it.
    origin = next(i for i in response.context["examined"].items if i["draft"].key == "origin")
    assert [p.message for p in origin["problems"]] == [MISSING_SOURCE]
    assert f'href="#q-{origin["n"]}"' in html
    # And the page offers the upload form again for the fixed file.
    assert 'enctype="multipart/form-data"' in html
    # A confirmation cannot be forged for it either.
    assert confirm(signed_in, bank, "").status_code == 302
    assert _rows() == before


def test_an_unreadable_question_is_listed_with_its_line(signed_in, bank):
    response = preview(signed_in, bank, "course.gift", UNREADABLE_GIFT)
    html = response.content.decode()
    line = UNREADABLE_GIFT.split("\n").index("~T12 to L5") + 1
    assert f"<strong>Line {line}:</strong> {escape(NO_RIGHT_ANSWER)}" in html
    # The two readable questions are still shown, so the preview says what else is in the file.
    assert [i["draft"].key for i in response.context["examined"].items] == [
        "insertion",
        "flexes-hip",
    ]
    assert 'name="upload"' not in html


def test_csv_problems_name_the_spreadsheet_row(signed_in, bank):
    text = "key,type,prompt,explanation,source,option,weight\r\n"
    text += "insertion,single_choice,Where does psoas major insert?,Lesser trochanter.,Gray,"
    text += "Lesser trochanter,lots\r\n,,,,,Greater trochanter,0\r\n"
    html = preview(signed_in, bank, "sheet.csv", text).content.decode()
    assert "<strong>Row 2:</strong>" in html
    assert "weight &#x27;lots&#x27; must be a percentage" in html


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("latin1.gift", "// source: Gray’s\n::a::Où?{=là ####x}".encode("cp1252"), NOT_UTF8),
        ("empty.gift", b"", EMPTY_UPLOAD),
        ("blank.csv", b"  \r\n\r\n", EMPTY_UPLOAD),
        ("questions.docx", b"PK\x03\x04 a zip", UNKNOWN_FORMAT),
        ("noextension", GOOD_GIFT.encode(), UNKNOWN_FORMAT),
        ("nul.txt", b"::a::b{=c}\x00", NOT_TEXT),
    ],
)
def test_unreadable_files_get_a_clear_message(signed_in, bank, name, content, message):
    before = _rows()
    response = preview(signed_in, bank, name, content)
    html = response.content.decode()
    assert response.status_code == 200
    assert escape(message.format(name=name)) in html
    assert 'id="id_file_error"' in html
    assert _rows() == before


def test_an_oversize_file_is_refused_before_it_is_read(signed_in, bank):
    content = b"// padding\n" * (MAX_UPLOAD_BYTES // 11 + 2)
    assert len(content) > MAX_UPLOAD_BYTES
    html = preview(signed_in, bank, "huge.gift", content).content.decode()
    size = f"{len(content) / (1024 * 1024):.1f}"
    assert escape(TOO_BIG.format(name="huge.gift", size=size)) in html


def test_no_file_chosen(signed_in, bank):
    response = signed_in.post(reverse("bank_import", args=[bank.slug]), {"format": "auto"})
    assert escape(NO_FILE) in response.content.decode()


def test_a_file_of_comments_only_holds_no_questions(signed_in, bank):
    html = preview(signed_in, bank, "notes.gift", "// only a comment\n").content.decode()
    assert escape(views.NO_QUESTIONS.format(name="notes.gift")) in html
    assert 'name="upload"' not in html


def test_the_format_can_be_chosen_for_another_extension(signed_in, bank):
    response = preview(signed_in, bank, "psoas.md", GOOD_GIFT, format="gift")
    assert response.context["counts"]["new"] == 3


def test_byte_order_mark_and_windows_line_endings(signed_in, bank):
    content = "\ufeff" + GOOD_GIFT.replace("\n", "\r\n")
    response = preview(signed_in, bank, "psoas.txt", content.encode("utf-8"))
    assert response.context["examined"].importable


def test_default_source_fills_questions_without_one(signed_in, bank):
    no_source = GOOD_GIFT.replace(f"// source: {SOURCE}\n", "")
    assert "source:" not in no_source
    refused = preview(signed_in, bank, "moodle.gift", no_source)
    assert not refused.context["examined"].importable
    token = preview(signed_in, bank, "moodle.gift", no_source, default_source=SOURCE).context[
        "token"
    ]
    confirm(signed_in, bank, token)
    assert {q.current_version.source for q in bank.questions.all()} == {SOURCE}


def test_csv_formula_cells_stay_text_both_ways(signed_in, bank):
    rows = [
        COLUMNS,
        ["formula", "flashcard", "", "", '=HYPERLINK("https://evil.example","x")']
        + ["'+SUM(A1:A2)", "'-Moore KL", "", "Lesser trochanter."]
        + [""] * (len(COLUMNS) - 9),
    ]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    token = preview(signed_in, bank, "sheet.csv", out.getvalue()).context["token"]
    confirm(signed_in, bank, token)
    version = Question.objects.get(bank=bank, key="formula").current_version
    assert version.prompt == '=HYPERLINK("https://evil.example","x")'
    # One leading apostrophe before a formula character is the guard, not content.
    assert version.explanation == "+SUM(A1:A2)"
    assert version.source == "-Moore KL"
    exported = signed_in.get(reverse("bank_export", args=[bank.slug]), {"format": "csv"})
    cells = next(r for r in csv.reader(io.StringIO(exported.content.decode())) if r[0] == "formula")
    assert cells[COLUMNS.index("prompt")].startswith("'=HYPERLINK")
    assert cells[COLUMNS.index("explanation")] == "'+SUM(A1:A2)"
    assert cells[COLUMNS.index("source")] == "'-Moore KL"


def test_csv_hotspot_must_name_a_diagram_that_exists(signed_in, bank):
    f.DiagramFactory(slug="lumbar-plexus", regions={"psoas": "Psoas major"})
    text = "key,type,prompt,explanation,source,diagram,option,weight,region\r\n"
    text += "spot,hotspot,Click psoas major.,It lies beside the lumbar spine.,Gray,"
    text += "no-such-diagram,Psoas major,100,psoas\r\n"
    html = preview(signed_in, bank, "spots.csv", text).content.decode()
    assert escape(UNKNOWN_DIAGRAM.format(diagram="no-such-diagram", known="lumbar-plexus")) in html
    fixed = text.replace("no-such-diagram", "lumbar-plexus")
    assert preview(signed_in, bank, "spots.csv", fixed).context["examined"].importable


def test_the_bank_is_read_again_on_confirm(signed_in, bank):
    token = preview(signed_in, bank, "psoas.gift", GOOD_GIFT).context["token"]
    # Someone else imports the same questions between the preview and the confirmation.
    questions_import(bank=bank, drafts=views.parse_gift(GOOD_GIFT).questions)
    response = confirm(signed_in, bank, token)
    page = signed_in.get(response["Location"]).content.decode()
    assert "Imported 0 new questions, 0 new versions, 3 unchanged." in page
    assert bank.questions.count() == 3


def test_an_expired_upload_is_not_imported(signed_in, bank, monkeypatch):
    token = preview(signed_in, bank, "psoas.gift", GOOD_GIFT).context["token"]
    later = views.time.time() + views.UPLOAD_TTL_SECONDS + 1
    monkeypatch.setattr(views.time, "time", lambda: later)
    response = confirm(signed_in, bank, token)
    assert response.status_code == 302
    assert bank.questions.count() == 0


def test_an_upload_for_one_bank_cannot_be_confirmed_into_another(signed_in, bank, owner):
    other = f.QuestionBankFactory(owner=owner, slug="other")
    token = preview(signed_in, bank, "psoas.gift", GOOD_GIFT).context["token"]
    confirm(signed_in, other, token)
    assert other.questions.count() == 0 and bank.questions.count() == 0


def test_an_invented_token_imports_nothing(signed_in, bank):
    response = confirm(signed_in, bank, "made-up")
    assert response.status_code == 302
    assert bank.questions.count() == 0


def test_waiting_uploads_are_bounded(signed_in, owner):
    banks = [f.QuestionBankFactory(owner=owner) for _ in range(5)]
    for b in banks:
        preview(signed_in, b, "psoas.gift", GOOD_GIFT)
        preview(signed_in, b, "psoas.gift", GOOD_GIFT)
    waiting = signed_in.session[views.SESSION_KEY]
    assert len(waiting) == views.MAX_WAITING_UPLOADS
    assert {e["bank"] for e in waiting.values()} == {b.pk for b in banks[-3:]}


def test_xss_corpus_in_a_gift_file_is_inert_in_the_preview(signed_in, bank):
    blocks = [
        f"// source: {SOURCE}\n::xss-{n}::[html]{gift_escape(p)}{{=a ~b ####{gift_escape(p)}}}"
        for n, p in enumerate(PAYLOADS)
    ]
    response = preview(signed_in, bank, "<img src=x onerror=alert(1)>.gift", "\n\n".join(blocks))
    assert response.context["examined"].importable
    assert len(response.context["examined"].items) == len(PAYLOADS)
    html = response.content.decode()
    assert_safe(html)
    assert "&lt;img src=x onerror=alert(1)&gt;.gift" in html


def test_xss_in_a_broken_file_is_inert_in_the_problem_list(signed_in, bank):
    blocks = [f"::xss-{n}::[html]{gift_escape(p)}{{~a ~b}}" for n, p in enumerate(PAYLOADS)]
    response = preview(signed_in, bank, "xss.gift", "\n\n".join(blocks))
    assert not response.context["examined"].importable
    assert_safe(response.content.decode())


# --- export --------------------------------------------------------------------------------------


@pytest.fixture
def full_bank(bank):
    """Every type the CSV template shows, plus a flashcard GIFT cannot hold."""
    result = parse_csv(csv_template())
    assert result.problems == []
    questions_import(bank=bank, drafts=result.questions)
    return bank


def test_csv_template_download(signed_in):
    response = signed_in.get(reverse("csv_template"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="psoasquiz-template.csv"'
    assert response.content.decode() == csv_template()
    assert parse_csv(response.content.decode()).problems == []


@pytest.mark.parametrize(
    ("fmt", "content_type", "filename"),
    [
        ("gift", "text/plain; charset=utf-8", "psoas.gift.txt"),
        ("csv", "text/csv; charset=utf-8", "psoas.csv"),
        ("apkg", "application/octet-stream", "psoas.apkg"),
    ],
)
def test_export_downloads(signed_in, full_bank, fmt, content_type, filename):
    response = signed_in.get(reverse("bank_export", args=[full_bank.slug]), {"format": fmt})
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    if fmt == "apkg":
        assert "collection.anki2" in zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    elif fmt == "csv":
        assert response.content.decode().split("\r\n")[0] == ",".join(COLUMNS)


def test_gift_export_names_what_it_left_out(signed_in, full_bank):
    text = signed_in.get(
        reverse("bank_export", args=[full_bank.slug]), {"format": "gift"}
    ).content.decode()
    skipped = views.export_gift(bank_drafts(full_bank)).skipped
    assert skipped, "the template has types GIFT cannot hold"
    for key, why in skipped:
        assert f"// Not exported: {key}: {why}" in text
    page = signed_in.get(reverse("bank_export", args=[full_bank.slug])).content.decode()
    for key, _ in skipped:
        assert f'<span class="key">{key}</span>' in page


def test_export_with_an_unknown_format_explains_the_choices(signed_in, bank):
    response = signed_in.get(reverse("bank_export", args=[bank.slug]), {"format": "xlsx"})
    assert response.status_code == 400
    assert escape(views.UNKNOWN_EXPORT_FORMAT) in response.content.decode()


def test_export_leaves_archived_questions_out(signed_in, full_bank):
    from django.utils import timezone

    archived = full_bank.questions.order_by("pk").first()
    archived.archived_at = timezone.now()
    archived.save(update_fields=["archived_at"])
    text = signed_in.get(
        reverse("bank_export", args=[full_bank.slug]), {"format": "csv"}
    ).content.decode()
    keys = {r[0] for r in csv.reader(io.StringIO(text))}
    assert archived.key not in keys


@pytest.mark.parametrize(("fmt", "name"), [("csv", "psoas.csv"), ("gift", "psoas.gift.txt")])
def test_export_then_import_through_the_pages_changes_nothing(signed_in, full_bank, fmt, name):
    drafts = bank_drafts(full_bank)
    exported = signed_in.get(reverse("bank_export", args=[full_bank.slug]), {"format": fmt})
    response = preview(signed_in, full_bank, name, exported.content)
    examined = response.context["examined"]
    assert examined.importable, examined.listed
    written = len(drafts) - len(views.export_gift(drafts).skipped if fmt == "gift" else [])
    assert response.context["counts"] == {
        "new": 0,
        "versions": 0,
        "unchanged": written,
        "retagged": 0,
    }
    before = _rows()
    confirm(signed_in, full_bank, response.context["token"])
    assert _rows() == before
    assert bank_drafts(full_bank) == drafts


def test_export_into_another_bank_gives_the_same_questions(signed_in, full_bank, owner):
    copy = f.QuestionBankFactory(owner=owner, slug="copy")
    exported = signed_in.get(reverse("bank_export", args=[full_bank.slug]), {"format": "csv"})
    token = preview(signed_in, copy, "psoas.csv", exported.content).context["token"]
    confirm(signed_in, copy, token)
    assert bank_drafts(copy) == bank_drafts(full_bank)


# --- who may do what -----------------------------------------------------------------------------

ROLES = ["owner", "shared", "other", "student", "anonymous", "staff"]
# "shared" is named on the cohort bank only; the open bank is public, which gives reading.
EDITORS = {"cohort": {"owner", "shared", "staff"}, "open": {"owner", "staff"}}


@pytest.fixture
def world():
    owner = f.InstructorFactory(username="owner")
    shared = f.InstructorFactory(username="shared")
    private = f.QuestionBankFactory(owner=owner, slug="cohort", visibility=Visibility.SHARED)
    private.shared_with.add(shared)
    public = f.QuestionBankFactory(owner=owner, slug="open", visibility=Visibility.PUBLIC)
    for b in (private, public):
        f.QuestionFactory(bank=b, key="insertion")
    users = {
        "owner": owner,
        "shared": shared,
        "other": f.InstructorFactory(username="other"),
        "student": f.StudentFactory(username="student"),
        "anonymous": None,
        "staff": f.InstructorFactory(username="staff", is_staff=True),
    }
    return {"banks": {"cohort": private, "open": public}, "users": users}


def _client_for(client, world, role):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    return client


def _expected(role, bank_slug, *, write):
    if role == "anonymous":
        return 302
    if role == "student":
        return 403
    # "other" is neither owner nor shared: the private bank does not exist for them.
    if role == "other" and bank_slug == "cohort":
        return 404
    if write and role not in EDITORS[bank_slug]:
        return 403
    return None  # allowed


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("bank_slug", ["cohort", "open"])
def test_permission_matrix_export(client, world, role, bank_slug):
    client = _client_for(client, world, role)
    response = client.get(reverse("bank_export", args=[bank_slug]), {"format": "csv"})
    expected = _expected(role, bank_slug, write=False)
    if expected is None:
        assert response.status_code == 200
        assert "insertion" in response.content.decode()
    else:
        assert response.status_code == expected
        if expected == 302:
            assert response["Location"].startswith(reverse("login"))
        if role == "student":
            assert escape(INSTRUCTORS_ONLY) in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("bank_slug", ["cohort", "open"])
def test_permission_matrix_import(client, world, role, bank_slug):
    client = _client_for(client, world, role)
    bank = world["banks"][bank_slug]
    expected = _expected(role, bank_slug, write=True)
    page = client.get(reverse("bank_import", args=[bank_slug]))
    posted = preview(client, bank, "psoas.gift", GOOD_GIFT)
    confirmed = confirm(client, bank, "anything")
    if expected is None:
        assert page.status_code == 200
        assert posted.status_code == 200 and posted.context["examined"].importable
        token = posted.context["token"]
        assert confirm(client, bank, token).status_code == 302
        assert bank.questions.count() == 3
        return
    for response in (page, posted, confirmed):
        assert response.status_code == expected
    if expected == 403 and role == "other":
        assert escape(READ_ONLY_BANK) in page.content.decode()
    assert bank.questions.count() == 1


def test_readers_see_export_but_not_import_on_the_bank_page(client, world):
    client.force_login(world["users"]["other"])
    html = client.get(reverse("bank_detail", args=["open"])).content.decode()
    assert reverse("bank_import", args=["open"]) not in html
    assert f"{reverse('bank_export', args=['open'])}?format=gift" in html


def test_bundled_banks_are_exported_but_not_imported_into(client):
    bundled = f.QuestionBankFactory(owner=None, slug="bundled", visibility=Visibility.PUBLIC)
    f.QuestionFactory(bank=bundled)
    client.force_login(f.InstructorFactory())
    assert client.get(reverse("bank_import", args=["bundled"])).status_code == 403
    export = client.get(reverse("bank_export", args=["bundled"]), {"format": "gift"})
    assert export.status_code == 200


def test_the_csv_template_is_for_instructors(client):
    assert client.get(reverse("csv_template")).status_code == 302
    client.force_login(f.StudentFactory())
    assert client.get(reverse("csv_template")).status_code == 403


def test_unknown_bank_is_404(signed_in):
    assert signed_in.get(reverse("bank_import", args=["nope"])).status_code == 404
    assert signed_in.get(reverse("bank_export", args=["nope"])).status_code == 404
    assert confirm(signed_in, type("B", (), {"slug": "nope"}), "x").status_code == 404


def test_import_confirm_refuses_get(signed_in, bank):
    assert signed_in.get(reverse("bank_import_confirm", args=[bank.slug])).status_code == 405
