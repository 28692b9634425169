"""Instructors' pages for writing and curating questions: banks, questions, versions, history.

Every page works with plain form posts. static/js/authoring.js only refreshes the preview while
typing. Who may do what is decided in quizzes/selectors/authoring.py.
"""

import random
from dataclasses import dataclass, field
from decimal import Decimal
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from quizzes import presentation
from quizzes.forms.authoring import (
    FIX_ROWS_FIRST,
    MAX_ROWS,
    TYPE_LABELS,
    TYPES,
    BankForm,
    BulkTagForm,
    QuestionEditor,
    initial_from_version,
)
from quizzes.models import Diagram, QuestionBank
from quizzes.models.banks import QuestionType
from quizzes.rendering import render_markdown
from quizzes.selectors import authoring as selectors
from quizzes.services import authoring as services
from quizzes.services.authoring import AuthoringError, EditConflict

PAGE_SIZE = 25
INSTRUCTORS_ONLY = (
    "Question banks are where instructors write questions. Your quizzes and flashcards are "
    "on your home page."
)
READ_ONLY_BANK = (
    "You can read this bank, use it in quizzes and copy its questions into a bank of your "
    "own, but only its owner and the instructors it is shared with can edit it."
)
BUNDLED_READ_ONLY = "Bundled banks come with psoasquiz and only the site's staff can edit them."
OWNER_ONLY = "Only the bank's owner can change its settings and who it is shared with."
BANK_CREATED = "Bank “{title}” created. Add its first question."
BANK_SAVED = "Bank settings saved."
QUESTION_CREATED = "Question saved as version 1."
QUESTION_VERSIONED = "Saved as version {number}."
QUESTION_UNCHANGED = "Nothing in the question changed, so no new version was made."
QUESTION_UNCHANGED_TAGS = "Tags saved. The content did not change, so no new version was made."
ARCHIVED = "Question archived: it stays in past results but is no longer drawn into quizzes."
UNARCHIVED = "Question restored."
DELETED = "Question “{key}” deleted."
DUPLICATED = "Copied as “{key}” (version 1) in {bank}."
NO_QUESTIONS_SELECTED = "Tick at least one question to tag."
TAGGED = "Tag “{tag}” added to {n} question{s}."
UNTAGGED = "Tag “{tag}” removed from {n} question{s}."
NO_EDITABLE_BANK = "You have no bank to copy into yet. Create one first."
ACTION_SAVE, ACTION_PREVIEW, ACTION_MORE = "save", "preview", "more"


def instructor_required(view):
    """Anonymous people go to the login page; students get a page that says where to go."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_instructor:
            return _forbidden(request, INSTRUCTORS_ONLY)
        return view(request, *args, **kwargs)

    return wrapped


def _forbidden(request, message, back=None):
    return render(
        request, "authoring/forbidden.html", {"message": message, "back": back}, status=403
    )


def _bank_or_404(request, slug):
    bank = selectors.bank_for_reader(request.user, slug)
    if bank is None:
        raise Http404("No such bank")
    return bank


def _question_or_404(request, question_id):
    question = selectors.question_for_reader(request.user, question_id)
    if question is None or question.current_version is None:
        raise Http404("No such question")
    return question


def _read_only(request, bank):
    return _forbidden(
        request, _read_only_message(bank), back=reverse("bank_detail", args=[bank.slug])
    )


def _read_only_message(bank):
    return BUNDLED_READ_ONLY if bank.owner_id is None else READ_ONLY_BANK


# --- banks -----------------------------------------------------------------------------------


@instructor_required
def bank_list(request):
    banks = list(selectors.bank_list_for(request.user))
    shared_ids = set(request.user.shared_banks.values_list("pk", flat=True))
    for bank in banks:
        if bank.owner_id is None:
            bank.role = "Bundled (read-only)" if not request.user.is_staff else "Bundled"
        elif bank.owner_id == request.user.pk:
            bank.role = "Yours"
        elif bank.pk in shared_ids:
            bank.role = "Shared with you"
        elif request.user.is_staff:
            bank.role = "Staff access"
        else:
            bank.role = "Public (read-only)"
    return render(request, "authoring/bank_list.html", {"banks": banks})


@instructor_required
@require_http_methods(["GET", "POST"])
def bank_create(request):
    form = BankForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            bank = services.bank_create(
                owner=request.user,
                title=data["title"],
                topic=data["topic"],
                description=data["description"],
                visibility=data["visibility"],
                share_with=form.usernames(),
            )
        except AuthoringError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, BANK_CREATED.format(title=bank.title))
            return redirect("bank_detail", slug=bank.slug)
    return render(request, "authoring/bank_form.html", {"form": form, "bank": None})


@instructor_required
@require_http_methods(["GET", "POST"])
def bank_edit(request, slug):
    bank = _bank_or_404(request, slug)
    if not bank.can_manage:
        return _forbidden(request, OWNER_ONLY, back=reverse("bank_detail", args=[bank.slug]))
    initial = {
        "title": bank.title,
        "topic": bank.topic,
        "description": bank.description,
        "visibility": bank.visibility,
        "share_with": ", ".join(
            bank.shared_with.order_by("username").values_list("username", flat=True)
        ),
    }
    form = BankForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.bank_update(
                bank=bank,
                title=data["title"],
                topic=data["topic"],
                description=data["description"],
                visibility=data["visibility"],
                share_with=form.usernames(),
            )
        except AuthoringError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, BANK_SAVED)
            return redirect("bank_detail", slug=bank.slug)
    return render(request, "authoring/bank_form.html", {"form": form, "bank": bank})


class FilterForm(forms.Form):
    q = forms.CharField(label="Search prompts", required=False, max_length=200)
    type = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Any type"), *QuestionType.choices]
    )
    tag = forms.ChoiceField(label="Tag", required=False, choices=[])
    difficulty = forms.TypedChoiceField(
        label="Difficulty",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any"), *((n, str(n)) for n in range(1, 6))],
    )
    myth = forms.BooleanField(label="Only questions with a myth", required=False)
    archived = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[
            (selectors.ARCHIVED_ACTIVE, "In use"),
            (selectors.ARCHIVED_ONLY, "Archived"),
            (selectors.ARCHIVED_ALL, "All"),
        ],
    )

    def __init__(self, *args, tags=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", "Any tag"), *((t, t) for t in tags)]

    def filters(self) -> selectors.QuestionFilters:
        # A bad value (an old link, a tag since removed) shows everything rather than an error.
        data = self.cleaned_data if self.is_valid() else {}
        return selectors.QuestionFilters(
            search=(data.get("q") or "").strip(),
            qtype=data.get("type") or "",
            tag=data.get("tag") or "",
            difficulty=data.get("difficulty"),
            myth=bool(data.get("myth")),
            archived=data.get("archived") or selectors.ARCHIVED_ACTIVE,
        )


@instructor_required
def bank_detail(request, slug):
    bank = _bank_or_404(request, slug)
    tags = selectors.bank_tag_names(bank)
    filter_form = FilterForm(request.GET or None, tags=tags)
    filters = filter_form.filters()
    page = Paginator(selectors.bank_questions(bank, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "authoring/bank_detail.html",
        {
            "bank": bank,
            "filter_form": filter_form,
            "filtering": any(
                [filters.search, filters.qtype, filters.tag, filters.difficulty, filters.myth]
            )
            or filters.archived != selectors.ARCHIVED_ACTIVE,
            "page": page,
            "query": query.urlencode(),
            "tag_form": BulkTagForm(prefix="bulk"),
            "read_only_message": "" if bank.can_edit else _read_only_message(bank),
            "visibility": selectors.visibility_label(bank),
            "shared_with": list(bank.shared_with.values_list("username", flat=True))
            if bank.can_manage
            else [],
        },
    )


def _back_to_bank(bank, query: str):
    url = reverse("bank_detail", args=[bank.slug])
    # Only the filters go back into the address; the path is always the bank's own.
    clean = QueryDict(query or "").urlencode()
    return redirect(f"{url}?{clean}" if clean else url)


@instructor_required
@require_POST
def bank_bulk_tag(request, slug):
    bank = _bank_or_404(request, slug)
    if not bank.can_edit:
        return _forbidden(
            request, _read_only_message(bank), back=reverse("bank_detail", args=[slug])
        )
    ids = [int(v) for v in request.POST.getlist("question") if v.isdigit()]
    form = BulkTagForm(request.POST, prefix="bulk")
    if not ids:
        messages.error(request, NO_QUESTIONS_SELECTED)
    elif not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        add = form.cleaned_data["operation"] == "add"
        tag = form.cleaned_data["tag"]
        count = services.questions_tag(bank=bank, question_ids=ids, tag=tag, add=add)
        text = TAGGED if add else UNTAGGED
        messages.success(request, text.format(tag=tag, n=count, s="" if count == 1 else "s"))
    return _back_to_bank(bank, request.POST.get("return_query", ""))


# --- the question editor -----------------------------------------------------------------------


@dataclass
class _DraftOption:
    id: int
    position: int
    text: str
    fraction: Decimal
    feedback: str
    is_myth: bool
    data: dict


class _Options(list):
    def all(self):
        return self


@dataclass
class DraftVersion:
    """An unsaved version with the shape presentation.present reads (ids are made up)."""

    qtype: str
    prompt: str
    explanation: str
    source: str
    config: dict
    options: _Options = field(default_factory=_Options)

    @classmethod
    def of(cls, draft):
        options = _Options(
            _DraftOption(n, n - 1, o.text, o.fraction, o.feedback, o.is_myth, o.data)
            for n, o in enumerate(draft.options, 1)
        )
        return cls(
            draft.qtype, draft.prompt, draft.explanation, draft.source, draft.config, options
        )


@dataclass(frozen=True)
class Preview:
    presented: presentation.Presented | None
    rank_numbers: range
    right_answer_html: str = ""
    explanation_html: str = ""
    message: str = ""


def build_preview(version, diagram) -> Preview:
    """The question as a student will see it (options in stored order; ordering shuffled)."""
    rng = random.Random(version.prompt)
    order = presentation.initial_option_order(version, shuffle=False, rng=rng)
    presented = presentation.present(version, order, None, diagram=diagram)
    return Preview(
        presented,
        range(1, len(presented.choices) + 1),
        presentation.right_answer_html(version, diagram=diagram),
        render_markdown(version.explanation),
    )


def _diagram_info():
    return {
        d.slug: {"title": d.title, "regions": dict(d.regions)}
        for d in Diagram.objects.order_by("title").only("slug", "title", "regions")
    }


def _editor_preview(editor) -> Preview:
    built = editor.built or editor.build()
    if built is None:
        return Preview(None, range(0), message=FIX_ROWS_FIRST)
    diagram = None
    if editor.qtype == "hotspot":
        diagram = Diagram.objects.filter(slug=built.draft.config.get("diagram", "")).first()
    return build_preview(DraftVersion.of(built.draft), diagram)


def _with_more_rows(data: QueryDict) -> QueryDict:
    data = data.copy()
    try:
        total = int(data.get("rows-TOTAL_FORMS", 0))
    except ValueError:
        total = 0
    data["rows-TOTAL_FORMS"] = str(min(max(total, 0) + 3, MAX_ROWS))
    return data


def _editor_page(request, *, bank, question, qtype, editor, preview, based_on=None, status=200):
    template = (
        "authoring/_preview.html"
        if request.headers.get("X-Preview") == "1"
        else "authoring/question_form.html"
    )
    return render(
        request,
        template,
        {
            "bank": bank,
            "question": question,
            "qtype": qtype,
            "type_label": TYPE_LABELS[qtype],
            "editor": editor,
            "form": editor.form,
            "preview": preview,
            "based_on": based_on,
        },
        status=status,
    )


def _based_on(request, question) -> int | None:
    """The version number the editor started from (a hidden field of the edit form)."""
    if question is None:
        return None
    try:
        return int(request.POST.get("based_on", ""))
    except ValueError:
        # An old form without the field: the version the page shows now.
        return question.current_version.number


def _run_editor(request, *, bank, question, qtype, save):
    """The POST side shared by create and edit: add rows, preview, or check and save."""
    diagrams = _diagram_info()
    action = request.POST.get("action", ACTION_SAVE)
    editing = question is not None
    key = question.key if editing else ""
    based_on = _based_on(request, question)
    if action == ACTION_MORE:
        editor = QuestionEditor(
            qtype, data=_with_more_rows(request.POST), editing=editing, diagrams=diagrams, key=key
        )
        return _editor_page(
            request,
            bank=bank,
            question=question,
            qtype=qtype,
            editor=editor,
            preview=None,
            based_on=based_on,
        )
    editor = QuestionEditor(qtype, data=request.POST, editing=editing, diagrams=diagrams, key=key)
    clean = editor.check(key_for_rules=key or "new-question")
    status = 200
    if action == ACTION_SAVE and clean:
        try:
            return save(editor, based_on)
        except EditConflict as conflict:
            editor.add_error(None, conflict.message)
            # Saving again now is a choice made knowing of the newer version.
            based_on = conflict.current
            question.refresh_from_db()
            status = 409
        except AuthoringError as error:
            editor.add_error(error.field, error.message)
    preview = _editor_preview(editor) if action == ACTION_PREVIEW else None
    return _editor_page(
        request,
        bank=bank,
        question=question,
        qtype=qtype,
        editor=editor,
        preview=preview,
        based_on=based_on,
        status=status,
    )


@instructor_required
def question_new(request, slug):
    bank = _bank_or_404(request, slug)
    if not bank.can_edit:
        return _forbidden(
            request, _read_only_message(bank), back=reverse("bank_detail", args=[slug])
        )
    return render(
        request,
        "authoring/question_new.html",
        {"bank": bank, "types": [(qtype, TYPE_LABELS[qtype]) for qtype in TYPES]},
    )


@instructor_required
@require_http_methods(["GET", "POST"])
def question_create(request, slug, qtype):
    bank = _bank_or_404(request, slug)
    if qtype not in TYPES:
        raise Http404("No such question type")
    if not bank.can_edit:
        return _forbidden(
            request, _read_only_message(bank), back=reverse("bank_detail", args=[slug])
        )
    if request.method == "GET":
        editor = QuestionEditor(qtype, diagrams=_diagram_info())
        return _editor_page(
            request, bank=bank, question=None, qtype=qtype, editor=editor, preview=None
        )

    def save(editor, based_on):
        question = services.question_create(bank=bank, draft=editor.built.draft, actor=request.user)
        messages.success(request, QUESTION_CREATED)
        return redirect("question_detail", question_id=question.pk)

    return _run_editor(request, bank=bank, question=None, qtype=qtype, save=save)


@instructor_required
@require_http_methods(["GET", "POST"])
def question_edit(request, question_id):
    question = _question_or_404(request, question_id)
    bank = question.bank
    if not bank.can_edit:
        return _forbidden(
            request, _read_only_message(bank), back=reverse("question_detail", args=[question.pk])
        )
    version = question.current_version
    qtype = version.qtype
    if request.method == "GET":
        initial, rows = initial_from_version(version, [t.name for t in question.tags.all()])
        editor = QuestionEditor(
            qtype,
            initial=initial,
            rows=rows,
            editing=True,
            diagrams=_diagram_info(),
            key=question.key,
        )
        return _editor_page(
            request,
            bank=bank,
            question=question,
            qtype=qtype,
            editor=editor,
            preview=None,
            based_on=version.number,
        )

    def save(editor, based_on):
        new = services.question_update(
            question=question,
            draft=editor.built.draft,
            actor=request.user,
            change_note=editor.form.cleaned_data.get("change_note", ""),
            based_on=based_on,
        )
        if new is not None:
            messages.success(request, QUESTION_VERSIONED.format(number=new.number))
        else:
            tags_changed = sorted(editor.built.draft.tags) != sorted(
                t.name for t in question.tags.all()
            )
            messages.info(request, QUESTION_UNCHANGED_TAGS if tags_changed else QUESTION_UNCHANGED)
        return redirect("question_detail", question_id=question.pk)

    return _run_editor(request, bank=bank, question=question, qtype=qtype, save=save)


# --- a question's own pages --------------------------------------------------------------------


@instructor_required
def question_detail(request, question_id):
    question = _question_or_404(request, question_id)
    version = question.current_version
    diagram = None
    if version.qtype == "hotspot":
        diagram = Diagram.objects.filter(slug=version.config.get("diagram", "")).first()
    return render(
        request,
        "authoring/question_detail.html",
        {
            "question": question,
            "bank": question.bank,
            "version": version,
            "type_label": TYPE_LABELS.get(version.qtype, version.qtype),
            "options": [
                {
                    "option": o,
                    "html": presentation.render_markdown_inline(o.text),
                    "feedback_html": render_markdown(o.feedback),
                    "percent": format((Decimal(o.fraction) * 100).normalize(), "f"),
                }
                for o in version.options.all()
            ],
            "prompt_html": render_markdown(version.prompt),
            "explanation_html": render_markdown(version.explanation),
            "back_html": render_markdown(version.config.get("back", "")),
            "preview": build_preview(version, diagram),
            "read_only_message": ""
            if question.bank.can_edit
            else _read_only_message(question.bank),
            "can_duplicate": selectors.banks_editable_by(request.user).exists(),
        },
    )


@instructor_required
def question_history(request, question_id):
    question = _question_or_404(request, question_id)
    versions = selectors.question_versions(question)
    rows = []
    for index, version in enumerate(versions):
        older = versions[index + 1] if index + 1 < len(versions) else None
        rows.append(
            {
                "version": version,
                "changes": selectors.version_changes(older, version) if older else None,
            }
        )
    return render(
        request,
        "authoring/question_history.html",
        {"question": question, "bank": question.bank, "rows": rows},
    )


def _editable_question(request, question_id):
    question = _question_or_404(request, question_id)
    if not question.bank.can_edit:
        return question, _forbidden(
            request,
            _read_only_message(question.bank),
            back=reverse("question_detail", args=[question.pk]),
        )
    return question, None


@instructor_required
@require_POST
def question_archive(request, question_id):
    question, refusal = _editable_question(request, question_id)
    if refusal:
        return refusal
    services.question_archive(question=question)
    messages.success(request, ARCHIVED)
    return redirect("question_detail", question_id=question.pk)


@instructor_required
@require_POST
def question_unarchive(request, question_id):
    question, refusal = _editable_question(request, question_id)
    if refusal:
        return refusal
    services.question_unarchive(question=question)
    messages.success(request, UNARCHIVED)
    return redirect("question_detail", question_id=question.pk)


@instructor_required
@require_http_methods(["GET", "POST"])
def question_delete(request, question_id):
    question, refusal = _editable_question(request, question_id)
    if refusal:
        return refusal
    in_use = selectors.question_in_use(question)
    if request.method == "POST" and not in_use:
        bank = question.bank
        try:
            services.question_delete(question=question)
        except AuthoringError as error:
            messages.error(request, error.message)
            return redirect("question_detail", question_id=question.pk)
        messages.success(request, DELETED.format(key=question.key))
        return redirect("bank_detail", slug=bank.slug)
    return render(
        request,
        "authoring/question_delete.html",
        {
            "question": question,
            "bank": question.bank,
            "in_use": in_use,
            "in_use_message": services.QUESTION_IN_USE,
        },
        status=409 if request.method == "POST" else 200,
    )


class DuplicateForm(forms.Form):
    bank = forms.ModelChoiceField(
        label="Copy into",
        queryset=QuestionBank.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Choose one of your banks from the list."},
    )

    def __init__(self, *args, banks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank"].queryset = banks


@instructor_required
@require_http_methods(["GET", "POST"])
def question_duplicate(request, question_id):
    question = _question_or_404(request, question_id)
    banks = selectors.banks_editable_by(request.user).order_by("title")
    if not banks.exists():
        messages.error(request, NO_EDITABLE_BANK)
        return redirect("question_detail", question_id=question.pk)
    initial = {"bank": question.bank if question.bank.can_edit else banks.first()}
    form = DuplicateForm(request.POST or None, banks=banks, initial=initial)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["bank"]
        copy = services.question_duplicate(question=question, bank=target, actor=request.user)
        messages.success(request, DUPLICATED.format(key=copy.key, bank=target.title))
        return redirect("question_detail", question_id=copy.pk)
    return render(
        request,
        "authoring/question_duplicate.html",
        {"question": question, "bank": question.bank, "form": form},
    )
