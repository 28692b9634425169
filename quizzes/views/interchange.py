"""Importing question files into a bank and exporting a bank, from the browser.

They do what `import_questions` and `export_questions` do: the same parsers, the same rules,
all or nothing. An import is shown as a preview first; the uploaded text waits in the session
(server side, never sent back to the browser) until it is confirmed, and is read again then,
since the bank may have changed in between. Who may do what is decided in
quizzes/selectors/authoring.py: editors import, readers export.
"""

import secrets
import time
from dataclasses import dataclass, field

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quizzes.forms.interchange import FORMAT_CSV, FORMAT_GIFT, ImportForm
from quizzes.interchange.apkg import write_apkg
from quizzes.interchange.csvfile import csv_template, export_csv, parse_csv
from quizzes.interchange.drafts import Problem, QuestionDraft
from quizzes.interchange.gift import export_gift, parse_gift
from quizzes.interchange.validation import validate_question
from quizzes.models.banks import QuestionType
from quizzes.selectors import authoring as authoring_selectors
from quizzes.selectors import interchange as selectors
from quizzes.selectors.export import bank_drafts
from quizzes.services.interchange import bank_file_import
from quizzes.views.authoring import (
    BUNDLED_READ_ONLY,
    READ_ONLY_BANK,
    instructor_required,
)

SESSION_KEY = "interchange_uploads"
# An upload waits this long for its confirmation; a person previews and confirms in minutes.
UPLOAD_TTL_SECONDS = 60 * 60
# Each waiting upload may be 2 MB; a few per person is plenty (one per bank, see _remember).
MAX_WAITING_UPLOADS = 3

FORMAT_LABELS = {FORMAT_GIFT: "GIFT", FORMAT_CSV: "CSV"}
TYPE_LABELS = dict(QuestionType.choices)

IMPORTED = (
    "Imported {new} new question{new_s}, {versions} new version{versions_s}, {unchanged} unchanged."
)
RETAGGED = " Tags changed on {n} question{s}."
NO_QUESTIONS = (
    "“{name}” holds no questions. A GIFT question needs an answer block {{…}}; a CSV file needs "
    "a row per question under its header row."
)
UPLOAD_GONE = (
    "That upload was already imported, or it waited more than an hour and was forgotten. "
    "The bank below shows its questions now; to import the file (again), upload it again."
)
PROBLEMS_NOW = (
    "The bank changed since the preview, and “{name}” now has problems; nothing was imported."
)
UNKNOWN_EXPORT_FORMAT = "Choose one of the formats below: GIFT, CSV or Anki package."

EXPORTS = {
    "gift": ("text/plain; charset=utf-8", "{slug}.gift.txt"),
    "csv": ("text/csv; charset=utf-8", "{slug}.csv"),
    "apkg": ("application/octet-stream", "{slug}.apkg"),
}


def _bank_or_404(request, slug):
    bank = authoring_selectors.bank_for_reader(request.user, slug)
    if bank is None:
        raise Http404("No such bank")
    return bank


def _read_only(request, bank):
    message = BUNDLED_READ_ONLY if bank.owner_id is None else READ_ONLY_BANK
    back = reverse("bank_detail", args=[bank.slug])
    return render(
        request, "authoring/forbidden.html", {"message": message, "back": back}, status=403
    )


# --- reading an upload -------------------------------------------------------------------------


@dataclass
class Examined:
    """A parsed upload: its drafts, every problem, and what importing it would do."""

    name: str
    format: str
    drafts: list[QuestionDraft]
    problems: list[Problem]
    plan: selectors.ImportPlan
    items: list[dict] = field(default_factory=list)
    # The problems for the page: line, message, and the anchor of their question if shown.
    listed: list[dict] = field(default_factory=list)

    @property
    def importable(self) -> bool:
        return bool(self.drafts) and not self.problems


def _examine(bank, *, name: str, fmt: str, text: str, default_source: str) -> Examined:
    if fmt == FORMAT_GIFT:
        result = parse_gift(text, default_source=default_source)
    else:
        result = parse_csv(text)
    drafts = list(result.questions)
    problems = list(result.problems)
    # The parsers cannot see the database: hotspot questions must name a diagram that exists.
    hotspots = [d for d in drafts if d.qtype == "hotspot"]
    if hotspots:
        regions = selectors.diagram_regions()
        for draft in hotspots:
            without = set(validate_question(draft))
            problems.extend(p for p in validate_question(draft, regions) if p not in without)
        problems.sort(key=lambda p: p.line)
    if not drafts and not problems:
        problems.append(Problem(0, NO_QUESTIONS.format(name=name)))
    plan = selectors.import_plan(bank, drafts)
    examined = Examined(name, fmt, drafts, problems, plan)
    by_line: dict[int, list[Problem]] = {}
    for problem in problems:
        by_line.setdefault(problem.line, []).append(problem)
    for n, draft in enumerate(drafts, 1):
        examined.items.append(
            {
                "n": n,
                "draft": draft,
                "type_label": TYPE_LABELS.get(draft.qtype, draft.qtype),
                "status": plan.status.get(draft.key, ""),
                "archived": draft.key in plan.archived,
                "retagged": draft.key in plan.retagged,
                # Validation problems carry the line where their question starts.
                "problems": by_line.get(draft.line, []) if draft.line else [],
            }
        )
    anchors = {item["draft"].line: f"q-{item['n']}" for item in examined.items if item["problems"]}
    examined.listed = [
        {"line": p.line, "message": p.message, "anchor": anchors.get(p.line, "")} for p in problems
    ]
    return examined


# --- the waiting upload, kept in the session ----------------------------------------------------


def _remember(request, bank, *, name, fmt, text, default_source) -> str:
    now = time.time()
    waiting = {
        token: entry
        for token, entry in request.session.get(SESSION_KEY, {}).items()
        if now - entry["at"] < UPLOAD_TTL_SECONDS and entry["bank"] != bank.pk
    }
    # The newest upload for a bank replaces the previous one; beyond that, the oldest go.
    for token in sorted(waiting, key=lambda t: waiting[t]["at"])[: -MAX_WAITING_UPLOADS + 1]:
        del waiting[token]
    token = secrets.token_urlsafe(24)
    waiting[token] = {
        "bank": bank.pk,
        "user": request.user.pk,
        "name": name,
        "format": fmt,
        "default_source": default_source,
        "text": text,
        "at": now,
    }
    request.session[SESSION_KEY] = waiting
    return token


def _take(request, bank, token: str) -> dict | None:
    """The waiting upload for this bank and user, removed so that it is imported once."""
    waiting = dict(request.session.get(SESSION_KEY, {}))
    entry = waiting.pop(token, None) if isinstance(token, str) else None
    if entry is None:
        return None
    request.session[SESSION_KEY] = waiting
    # Written now, before the import, so that a second confirmation finds it gone.
    request.session.save()
    fresh = time.time() - entry["at"] < UPLOAD_TTL_SECONDS
    if not fresh or entry["bank"] != bank.pk or entry["user"] != request.user.pk:
        return None
    return entry


# --- pages -------------------------------------------------------------------------------------


def _preview_page(request, bank, examined: Examined, *, form=None, token=""):
    return render(
        request,
        "interchange/import_preview.html",
        {
            "bank": bank,
            "examined": examined,
            "row_word": "Row" if examined.format == FORMAT_CSV else "Line",
            "format_label": FORMAT_LABELS[examined.format],
            "counts": {
                "new": examined.plan.count(selectors.NEW),
                "versions": examined.plan.count(selectors.NEW_VERSION),
                "unchanged": examined.plan.count(selectors.UNCHANGED),
                "retagged": len(examined.plan.retagged),
            },
            "form": form or ImportForm(),
            "token": token,
        },
    )


@instructor_required
@require_http_methods(["GET", "POST"])
def bank_import(request, slug):
    bank = _bank_or_404(request, slug)
    if not bank.can_edit:
        return _read_only(request, bank)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        examined = _examine(
            bank,
            name=data["name"],
            fmt=data["format"],
            text=data["text"],
            default_source=data["default_source"].strip(),
        )
        token = ""
        if examined.importable:
            token = _remember(
                request,
                bank,
                name=data["name"],
                fmt=data["format"],
                text=data["text"],
                default_source=data["default_source"].strip(),
            )
        return _preview_page(request, bank, examined, form=ImportForm(), token=token)
    return render(request, "interchange/import.html", {"bank": bank, "form": form})


@instructor_required
@require_POST
def bank_import_confirm(request, slug):
    bank = _bank_or_404(request, slug)
    if not bank.can_edit:
        return _read_only(request, bank)
    entry = _take(request, bank, request.POST.get("upload", ""))
    if entry is None:
        messages.warning(request, UPLOAD_GONE)
        return redirect("bank_detail", slug=bank.slug)
    examined = _examine(
        bank,
        name=entry["name"],
        fmt=entry["format"],
        text=entry["text"],
        default_source=entry["default_source"],
    )
    if not examined.importable:
        messages.error(request, PROBLEMS_NOW.format(name=entry["name"]))
        return _preview_page(request, bank, examined)
    report = bank_file_import(bank=bank, drafts=examined.drafts, actor=request.user)
    messages.success(request, _imported_message(report))
    return redirect("bank_detail", slug=bank.slug)


def _imported_message(report) -> str:
    def s(n):
        return "" if n == 1 else "s"

    new, versions = len(report.created), len(report.versioned)
    text = IMPORTED.format(
        new=new,
        new_s=s(new),
        versions=versions,
        versions_s=s(versions),
        unchanged=len(report.unchanged),
    )
    if report.retagged:
        text += RETAGGED.format(n=len(report.retagged), s=s(len(report.retagged)))
    return text


def _download(payload: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(payload, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


@instructor_required
@require_GET
def bank_export(request, slug):
    bank = _bank_or_404(request, slug)
    fmt = request.GET.get("format", "")
    if fmt not in EXPORTS:
        # No format (or an unknown one): the page that explains the formats, with their links.
        drafts = bank_drafts(bank)
        return render(
            request,
            "interchange/export.html",
            {
                "bank": bank,
                "error": UNKNOWN_EXPORT_FORMAT if fmt else "",
                "total": len(drafts),
                "gift_skipped": export_gift(drafts).skipped,
                "csv_skipped": export_csv(drafts).skipped,
            },
            status=400 if fmt else 200,
        )
    drafts = bank_drafts(bank)
    content_type, name = EXPORTS[fmt]
    if fmt == "apkg":
        payload = write_apkg(drafts, deck_name=bank.title, bank_slug=bank.slug)
    else:
        # GIFT lists the questions it cannot hold in comments at the top of the file.
        exported = export_gift(drafts) if fmt == "gift" else export_csv(drafts)
        payload = exported.text.encode("utf-8")
    return _download(payload, content_type, name.format(slug=bank.slug))


@instructor_required
@require_GET
def csv_template_download(request):
    return _download(
        csv_template().encode("utf-8"), "text/csv; charset=utf-8", "psoasquiz-template.csv"
    )
