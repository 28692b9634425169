"""The student's progress page, and the exam date they may set on it."""

from datetime import UTC

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from quizzes import charts
from quizzes.forms.progress import ExamDateForm
from quizzes.selectors.progress import Progress, student_progress
from quizzes.services.exam_dates import (
    ExamDateRefused,
    latest_exam_date,
    student_exam_date_set,
)

FOR_STUDENTS = (
    "The progress page shows a student's own memory of their cards, so it is for student "
    "accounts. Your classes' figures are on your home page."
)
EXAM_DATE_SAVED = "Your exam date is saved: every card will come back before {date}."
EXAM_DATE_CLEARED = "Your own exam date is cleared; your class's exam date applies."


def _chart_context(progress: Progress) -> dict:
    forecast = progress.forecast
    x_labels = {0: "Today"}
    x_labels.update({i: f"+{i}d" for i in (7, 14, 21, 28) if i < len(forecast)})
    forecast_chart = charts.column_chart(
        [d.due for d in forecast],
        bar_labels=[
            f"{'Today' if d.offset == 0 else d.day.strftime('%a %-d %b')}: "
            f"{d.due} card{'s' if d.due != 1 else ''}"
            for d in forecast
        ],
        x_labels=x_labels,
    )
    mastery_chart = charts.bar_chart(
        [(t.label, t.mastery, f"{round(t.mastery * 100)}%") for t in progress.topics]
    )
    return {
        "forecast_chart": forecast_chart,
        "forecast_desc": forecast_description(progress),
        "mastery_chart": mastery_chart,
    }


def forecast_description(progress: Progress) -> str:
    """The forecast chart's text alternative in one sentence."""
    total = progress.due_in_forecast
    if not total:
        return "No cards are due in the next 30 days."
    busiest = max(progress.forecast, key=lambda d: (d.due, -d.offset))
    when = "today" if busiest.offset == 0 else busiest.day.strftime("%A %-d %B")
    return (
        f"{total} card{'s' if total != 1 else ''} due in the next 30 days, "
        f"{progress.forecast[0].due} of them today (overdue included); "
        f"the busiest day is {when}, with {busiest.due}."
    )


def _render(request, form: ExamDateForm):
    now = timezone.now()
    progress = student_progress(request.user, now)
    today = progress.today
    form.fields["exam_date"].widget.attrs.update(
        min=today.isoformat(), max=latest_exam_date(today).isoformat()
    )
    context = {"progress": progress, "form": form, **_chart_context(progress)}
    return render(request, "progress/progress.html", context)


def _students_only(request):
    return render(request, "progress/for_students.html", {"message": FOR_STUDENTS}, status=403)


@login_required
def progress(request):
    if request.user.is_instructor:
        return _students_only(request)
    return _render(request, ExamDateForm(initial={"exam_date": request.user.exam_date}))


@login_required
@require_POST
def progress_exam_date(request):
    if request.user.is_instructor:
        return _students_only(request)
    clearing = "clear" in request.POST
    form = ExamDateForm(request.POST if not clearing else {"exam_date": ""})
    if form.is_valid():
        exam_date = form.cleaned_data["exam_date"]
        try:
            student_exam_date_set(
                student=request.user,
                exam_date=exam_date,
                today=timezone.now().astimezone(UTC).date(),
            )
        except ExamDateRefused as refusal:
            form.add_error("exam_date", refusal.message)
        else:
            if exam_date is None:
                messages.success(request, EXAM_DATE_CLEARED)
            else:
                messages.success(
                    request, EXAM_DATE_SAVED.format(date=exam_date.strftime("%A %-d %B %Y"))
                )
            return redirect("progress")
    return _render(request, form)
