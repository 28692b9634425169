"""Instructors running their classes: settings, join code, people, assignments, extensions.

Only the class's instructors and staff reach a class; everyone else gets 404, whether or not
the class exists, so ids cannot be probed. Students get 404 on every page here. Each change is
a POST that redirects (with a message) once done; removals ask first on a page of their own, so
nothing needs JavaScript.
"""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from quizzes.forms.teaching import (
    AssignmentCreateForm,
    AssignmentDatesForm,
    ClassSettingsForm,
    ExtensionForm,
    RegenerateCodeForm,
    UsernameForm,
)
from quizzes.models import Assignment, Classroom, Enrollment, Extension, User
from quizzes.selectors import classes as selectors
from quizzes.selectors.fitting import class_fit_panel
from quizzes.services import classes as services
from quizzes.services.attempts import window_for
from quizzes.services.classes import ClassChangeRefused

CLASS_CREATED = "{name} is ready. Share the join code below with your students."
CLASS_SAVED = "The settings of {name} are saved."
CODE_REGENERATED = "The new join code is {code}. The old code {old} no longer works."
STUDENT_ADDED = "{name} is now a student in this class."
STUDENT_REMOVED = (
    "{name} is no longer in this class. Their attempts and study history are kept, and come "
    "back into view if they join again."
)
STUDENT_ALREADY_GONE = "That student is not in this class (any more)."
INSTRUCTOR_ADDED = "{name} now teaches this class too."
INSTRUCTOR_REMOVED = "{name} no longer teaches this class."
YOU_LEFT = "You no longer teach {name}."
INSTRUCTOR_ALREADY_GONE = "That person does not teach this class (any more)."
ASSIGNMENT_CREATED = "“{quiz}” is assigned to the class."
ASSIGNMENT_SAVED = "The dates of “{quiz}” are saved."
ASSIGNMENT_DELETED = "“{quiz}” is no longer assigned to the class."
ASSIGNMENT_ALREADY_GONE = "That assignment is not in this class (any more)."
EXTENSION_SAVED = "{name} has until {due} for “{quiz}”."
EXTENSION_DELETED = "{name}'s extension for “{quiz}” is removed; the class's dates apply."
EXTENSION_ALREADY_GONE = "That student has no extension for this assignment (any more)."


def teacher_required(view):
    """Logged in, and an instructor (or staff); students find nothing here."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_instructor:
            raise Http404("not an instructor")
        return view(request, *args, **kwargs)

    return wrapped


def _classroom(request, classroom_id: int) -> Classroom:
    return get_object_or_404(selectors.classes_for_teacher(request.user), pk=classroom_id)


def _assignment(classroom: Classroom, assignment_id: int) -> Assignment:
    return get_object_or_404(
        Assignment.objects.select_related("quiz", "classroom"),
        pk=assignment_id,
        classroom=classroom,
    )


def _add_errors(form, refusal: ClassChangeRefused) -> None:
    for field, message in refusal.errors.items():
        form.add_error(field if field in form.fields else None, message)


def _back_to_class(classroom: Classroom, anchor: str = ""):
    return redirect(reverse("class_detail", args=[classroom.pk]) + anchor)


def _confirm(request, *, title: str, text: str, button: str, back: str, danger=True, form=None):
    return render(
        request,
        "teaching/confirm.html",
        {
            "title": title,
            "text": text,
            "button": button,
            "back": back,
            "danger": danger,
            "form": form,
        },
    )


# --- classes -----------------------------------------------------------------------------------


@teacher_required
def class_list(request):
    return render(
        request, "teaching/class_list.html", {"classes": selectors.class_list(request.user)}
    )


def _settings(form) -> dict:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "desired_retention": data["desired_retention"],
        "new_cards_per_day": data["new_cards_per_day"],
        "reviews_per_day": data["reviews_per_day"],
        "exam_date": data["exam_date"],
        "join_code_expires_at": data["join_code_expires_at"],
    }


@teacher_required
def class_create(request):
    if request.method == "POST":
        form = ClassSettingsForm(request.POST)
        if form.is_valid():
            try:
                classroom = services.classroom_create(instructor=request.user, **_settings(form))
            except ClassChangeRefused as refusal:
                _add_errors(form, refusal)
            else:
                messages.success(request, CLASS_CREATED.format(name=classroom.name))
                return _back_to_class(classroom)
    else:
        form = ClassSettingsForm()
    return render(request, "teaching/class_form.html", {"form": form, "classroom": None})


@teacher_required
def class_edit(request, classroom_id: int):
    classroom = _classroom(request, classroom_id)
    if request.method == "POST":
        form = ClassSettingsForm(request.POST)
        if form.is_valid():
            try:
                services.classroom_update(classroom=classroom, **_settings(form))
            except ClassChangeRefused as refusal:
                _add_errors(form, refusal)
            else:
                messages.success(request, CLASS_SAVED.format(name=classroom.name))
                return _back_to_class(classroom)
    else:
        form = ClassSettingsForm(
            initial={
                "name": classroom.name,
                "desired_retention": classroom.desired_retention,
                "new_cards_per_day": classroom.new_cards_per_day,
                "reviews_per_day": classroom.reviews_per_day,
                "exam_date": classroom.exam_date,
                "join_code_expires_at": classroom.join_code_expires_at,
            }
        )
    return render(request, "teaching/class_form.html", {"form": form, "classroom": classroom})


def _student_form(data=None) -> UsernameForm:
    # Prefixes keep the two username inputs on the class page apart (ids and names).
    return UsernameForm(data, prefix="student", label="Student's username")


def _instructor_form(data=None) -> UsernameForm:
    return UsernameForm(data, prefix="instructor", label="Instructor's username")


def _render_class(request, classroom, *, student_form=None, instructor_form=None):
    join_url = request.build_absolute_uri(
        reverse("class_join") + "?" + urlencode({"code": classroom.join_code})
    )
    return render(
        request,
        "teaching/class_detail.html",
        {
            "page": selectors.class_page(classroom),
            "classroom": classroom,
            "join_url": join_url,
            "code_expired": classroom.join_code_expires_at is not None
            and classroom.join_code_expires_at <= timezone.now(),
            "student_form": student_form or _student_form(),
            "instructor_form": instructor_form or _instructor_form(),
            "memory": class_fit_panel(classroom),
        },
    )


@teacher_required
def class_detail(request, classroom_id: int):
    return _render_class(request, _classroom(request, classroom_id))


@teacher_required
def class_code_regenerate(request, classroom_id: int):
    classroom = _classroom(request, classroom_id)
    old = classroom.join_code
    form = RegenerateCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.join_code_regenerate(
                classroom=classroom, expires_at=form.cleaned_data["expires_at"]
            )
        except ClassChangeRefused as refusal:
            _add_errors(form, refusal)
        else:
            messages.success(request, CODE_REGENERATED.format(code=classroom.join_code, old=old))
            return _back_to_class(classroom)
    return _confirm(
        request,
        title=f"New join code for {classroom.name}",
        text=(
            f"The current code {old} and links made with it will stop working at once. Students "
            "already in the class stay in it. Only students who have not joined yet need the "
            "new code."
        ),
        button="Regenerate the code",
        back=reverse("class_detail", args=[classroom.pk]),
        danger=False,
        form=form,
    )


# --- people ------------------------------------------------------------------------------------


@teacher_required
def class_student_add(request, classroom_id: int):
    classroom = _classroom(request, classroom_id)
    if request.method != "POST":
        return _back_to_class(classroom, "#students-heading")
    form = _student_form(request.POST)
    if form.is_valid():
        try:
            enrollment = services.enrollment_add(
                classroom=classroom, username=form.cleaned_data["username"]
            )
        except ClassChangeRefused as refusal:
            _add_errors(form, refusal)
        else:
            messages.success(request, STUDENT_ADDED.format(name=enrollment.student))
            return _back_to_class(classroom, "#students-heading")
    return _render_class(request, classroom, student_form=form)


@teacher_required
def class_student_remove(request, classroom_id: int, student_id: int):
    classroom = _classroom(request, classroom_id)
    enrollment = (
        Enrollment.objects.filter(classroom=classroom, student_id=student_id)
        .select_related("student")
        .first()
    )
    if enrollment is None:
        # Most likely the second click of a double submit: say so rather than fail.
        messages.info(request, STUDENT_ALREADY_GONE)
        return _back_to_class(classroom, "#students-heading")
    student = enrollment.student
    if request.method == "POST":
        services.enrollment_remove(classroom=classroom, student=student)
        messages.success(request, STUDENT_REMOVED.format(name=student))
        return _back_to_class(classroom, "#students-heading")
    return _confirm(
        request,
        title=f"Remove {student} from {classroom.name}?",
        text=(
            f"{student} ({student.username}) will no longer see this class's quizzes. Their "
            "attempts and study history are kept; they can join again with the class's code."
        ),
        button=f"Remove {student}",
        back=reverse("class_detail", args=[classroom.pk]),
    )


@teacher_required
def class_instructor_add(request, classroom_id: int):
    classroom = _classroom(request, classroom_id)
    if request.method != "POST":
        return _back_to_class(classroom, "#instructors-heading")
    form = _instructor_form(request.POST)
    if form.is_valid():
        try:
            instructor = services.instructor_add(
                classroom=classroom, username=form.cleaned_data["username"]
            )
        except ClassChangeRefused as refusal:
            _add_errors(form, refusal)
        else:
            messages.success(request, INSTRUCTOR_ADDED.format(name=instructor))
            return _back_to_class(classroom, "#instructors-heading")
    return _render_class(request, classroom, instructor_form=form)


@teacher_required
def class_instructor_remove(request, classroom_id: int, user_id: int):
    classroom = _classroom(request, classroom_id)
    instructor = classroom.instructors.filter(pk=user_id).first()
    if instructor is None:
        messages.info(request, INSTRUCTOR_ALREADY_GONE)
        return _back_to_class(classroom, "#instructors-heading")
    yourself = instructor.pk == request.user.pk
    if request.method == "POST":
        try:
            services.instructor_remove(classroom=classroom, instructor=instructor)
        except ClassChangeRefused as refusal:
            messages.error(request, refusal.message)
            return _back_to_class(classroom, "#instructors-heading")
        if yourself and not request.user.is_staff:
            messages.success(request, YOU_LEFT.format(name=classroom.name))
            return redirect("class_list")
        messages.success(request, INSTRUCTOR_REMOVED.format(name=instructor))
        return _back_to_class(classroom, "#instructors-heading")
    if yourself:
        title = f"Stop teaching {classroom.name}?"
        text = (
            "You will no longer see this class or its students. Another instructor of the "
            "class can add you back."
        )
        button = "Stop teaching this class"
    else:
        title = f"Remove {instructor} as an instructor of {classroom.name}?"
        text = f"{instructor} ({instructor.username}) will no longer see this class."
        button = f"Remove {instructor}"
    return _confirm(
        request,
        title=title,
        text=text,
        button=button,
        back=reverse("class_detail", args=[classroom.pk]),
    )


# --- assignments -------------------------------------------------------------------------------


def _dates(form) -> dict:
    return {key: form.cleaned_data[key] for key in ("opens_at", "due_at", "closes_at")}


@teacher_required
def assignment_create(request, classroom_id: int):
    classroom = _classroom(request, classroom_id)
    quizzes = selectors.quizzes_usable_by(request.user)
    form = AssignmentCreateForm(request.POST or None, quizzes=quizzes)
    if request.method == "POST" and form.is_valid():
        try:
            assignment = services.assignment_create(
                classroom=classroom, quiz=form.cleaned_data["quiz"], by=request.user, **_dates(form)
            )
        except ClassChangeRefused as refusal:
            _add_errors(form, refusal)
        else:
            messages.success(request, ASSIGNMENT_CREATED.format(quiz=assignment.quiz.title))
            return _back_to_class(classroom, "#assignments-heading")
    return render(
        request,
        "teaching/assignment_form.html",
        {"form": form, "classroom": classroom, "assignment": None},
    )


@teacher_required
def assignment_edit(request, classroom_id: int, assignment_id: int):
    classroom = _classroom(request, classroom_id)
    assignment = _assignment(classroom, assignment_id)
    if request.method == "POST":
        form = AssignmentDatesForm(request.POST)
        if form.is_valid():
            try:
                services.assignment_update(assignment=assignment, **_dates(form))
            except ClassChangeRefused as refusal:
                _add_errors(form, refusal)
            else:
                messages.success(request, ASSIGNMENT_SAVED.format(quiz=assignment.quiz.title))
                return redirect("assignment_edit", classroom.pk, assignment.pk)
    else:
        form = AssignmentDatesForm(
            initial={
                "opens_at": assignment.opens_at,
                "due_at": assignment.due_at,
                "closes_at": assignment.closes_at,
            }
        )
    return render(
        request,
        "teaching/assignment_form.html",
        {
            "form": form,
            "classroom": classroom,
            "assignment": assignment,
            "extensions": selectors.assignment_extensions(assignment),
        },
    )


@teacher_required
def assignment_delete(request, classroom_id: int, assignment_id: int):
    classroom = _classroom(request, classroom_id)
    assignment = (
        Assignment.objects.select_related("quiz").filter(pk=assignment_id, classroom=classroom)
    ).first()
    if assignment is None:
        messages.info(request, ASSIGNMENT_ALREADY_GONE)
        return _back_to_class(classroom, "#assignments-heading")
    if request.method == "POST":
        try:
            services.assignment_delete(assignment=assignment)
        except ClassChangeRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, ASSIGNMENT_DELETED.format(quiz=assignment.quiz.title))
        return _back_to_class(classroom, "#assignments-heading")
    return _confirm(
        request,
        title=f"Stop assigning “{assignment.quiz.title}”?",
        text=(
            "Students will no longer see it in this class, and its extensions are deleted. "
            "The quiz itself is not deleted. An assignment students have already attempted "
            "cannot be deleted; change its dates instead."
        ),
        button="Delete the assignment",
        back=reverse("assignment_edit", args=[classroom.pk, assignment.pk]),
    )


# --- extensions --------------------------------------------------------------------------------


@teacher_required
def extension_set(request, classroom_id: int, assignment_id: int):
    classroom = _classroom(request, classroom_id)
    assignment = _assignment(classroom, assignment_id)
    students = selectors.class_students(classroom)
    if request.method == "POST":
        form = ExtensionForm(request.POST, students=students)
        if form.is_valid():
            student = form.cleaned_data["student"]
            try:
                extension = services.extension_set(
                    assignment=assignment,
                    student=student,
                    due_at=form.cleaned_data["due_at"],
                    closes_at=form.cleaned_data["closes_at"],
                )
            except ClassChangeRefused as refusal:
                _add_errors(form, refusal)
            else:
                messages.success(
                    request,
                    EXTENSION_SAVED.format(
                        name=student,
                        due=_moment(extension.due_at),
                        quiz=assignment.quiz.title,
                    ),
                )
                return redirect("assignment_edit", classroom.pk, assignment.pk)
    else:
        initial = {}
        chosen = request.GET.get("student", "")
        existing = (
            Extension.objects.filter(assignment=assignment, student_id=chosen).first()
            if chosen.isdigit()
            else None
        )
        if chosen.isdigit():
            initial["student"] = int(chosen)
        if existing is not None:
            initial.update(due_at=existing.due_at, closes_at=existing.closes_at)
        form = ExtensionForm(initial=initial, students=students)
    return render(
        request,
        "teaching/extension_form.html",
        {
            "form": form,
            "classroom": classroom,
            "assignment": assignment,
            "window": window_for(assignment, None),
        },
    )


def _moment(value) -> str:
    return f"{services.moment_text(value)} ({timezone.get_current_timezone_name()})"


@teacher_required
def extension_delete(request, classroom_id: int, assignment_id: int, student_id: int):
    classroom = _classroom(request, classroom_id)
    assignment = _assignment(classroom, assignment_id)
    back = reverse("assignment_edit", args=[classroom.pk, assignment.pk])
    student = User.objects.filter(extensions__assignment=assignment, pk=student_id).first()
    if student is None:
        messages.info(request, EXTENSION_ALREADY_GONE)
        return redirect(back)
    if request.method == "POST":
        services.extension_delete(assignment=assignment, student=student)
        messages.success(
            request, EXTENSION_DELETED.format(name=student, quiz=assignment.quiz.title)
        )
        return redirect(back)
    return _confirm(
        request,
        title=f"Remove {student}'s extension?",
        text=f"{student} will have the class's dates for “{assignment.quiz.title}” again.",
        button="Remove the extension",
        back=back,
    )
