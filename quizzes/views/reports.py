"""Class reports for instructors: the dashboard, a quiz's item analysis, topic mastery, myths.

The class pages' rule applies: only the class's instructors and staff reach a report; everyone
else gets 404, so ids cannot be probed. Every table downloads as CSV with `?format=csv` (and
`&table=` where a page has more than one); an unknown table is a 404, like an unknown id. The
views only read: each calls its selector and lays the result out.
"""

import csv
import io
from datetime import UTC, datetime

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from quizzes import charts
from quizzes.interchange.csvfile import neutral_write
from quizzes.models import Assignment, Question
from quizzes.selectors import class_reports as reports
from quizzes.selectors.authoring import banks_readable_by
from quizzes.selectors.classes import classes_for_teacher
from quizzes.selectors.reports import quiz_report
from quizzes.statistics import (
    MIN_ATTEMPTS_FOR_DISCRIMINATION,
    MIN_ATTEMPTS_FOR_FACILITY,
    MIN_ATTEMPTS_FOR_RELIABILITY,
)
from quizzes.views.teaching import teacher_required

CSV_TYPE = "text/csv; charset=utf-8"


# --- CSV ---------------------------------------------------------------------------------------


def csv_cell(value) -> str:
    """One value as a spreadsheet cell: numbers as plain numbers, text never run as a formula
    (`neutral_write` puts an apostrophe before = + - @ tab CR; plain numbers stay numbers)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return neutral_write(repr(round(value, 6)))
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return neutral_write(str(value))


def csv_response(filename: str, header: list[str], rows) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type=CSV_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _classroom(request, classroom_id: int):
    return get_object_or_404(classes_for_teacher(request.user), pk=classroom_id)


def _wants_csv(request) -> bool:
    return request.GET.get("format") == "csv"


def _table(request, tables: tuple[str, ...]) -> str:
    """Which table a CSV download asks for: the first by default; an unknown one is a 404."""
    table = request.GET.get("table", tables[0])
    if table not in tables:
        raise Http404("No such table")
    return table


def _file(classroom, name: str) -> str:
    return f"{slugify(classroom.name) or 'class'}-{name}.csv"


def _readable_questions(user, question_ids) -> set[int]:
    """The questions whose bank the user may read, so their names can link to the bank pages."""
    return set(
        Question.objects.filter(
            pk__in=list(question_ids), bank__in=banks_readable_by(user)
        ).values_list("pk", flat=True)
    )


# --- 1. the class dashboard --------------------------------------------------------------------


@teacher_required
def report_class(request, classroom_id: int):
    classroom = _classroom(request, classroom_id)
    dashboard = reports.class_dashboard(classroom, timezone.now())
    if _wants_csv(request):
        _table(request, ("students",))
        return _dashboard_csv(dashboard)
    return render(
        request,
        "reports/class.html",
        {
            "classroom": classroom,
            "dashboard": dashboard,
            "thresholds": reports.THRESHOLDS,
            "retention_target": float(classroom.desired_retention),
        },
    )


def _dashboard_csv(dashboard) -> HttpResponse:
    header = ["student", "username", "attempts"]
    for assignment in dashboard.assignments:
        title = assignment.quiz.title
        header += [f"{title}: best", f"{title}: grade", f"{title}: passed"]
    header += [
        "mean grade",
        "quizzes passed",
        "cards due",
        "cards overdue",
        "reviews (30 days)",
        "recalled (30 days)",
        "retention (30 days)",
        "last activity",
        "leeches",
        "mastery",
        "at risk because",
    ]
    rows = []
    for row in dashboard.students:
        cells = [str(row.student), row.student.username, row.attempts]
        for result in row.results:
            cells += [result.best, result.grade, result.passed]
        cells += [
            row.mean_grade,
            row.passes,
            row.due,
            row.overdue,
            row.retention.reviews,
            row.retention.recalled,
            row.retention.rate,
            row.last_activity,
            row.leeches,
            row.mastery,
            "; ".join(row.reasons),
        ]
        rows.append(cells)
    return csv_response(_file(dashboard.classroom, "students"), header, rows)


# --- 2. the quiz report ------------------------------------------------------------------------


def _histogram(report) -> tuple:
    bins = report.test.histogram
    chart = charts.column_chart(
        [b.count for b in bins],
        bar_labels=[
            f"{b.low}–{b.high}%: {b.count} attempt{'' if b.count == 1 else 's'}" for b in bins
        ],
        x_labels={},
    )
    edges = charts.edge_labels(chart, {i: str(i * 10) for i in range(0, len(bins) + 1, 2)})
    description = "; ".join(f"{b.low}–{b.high}%: {b.count}" for b in bins)
    return chart, edges, f"Attempts by score band. {description}."


@teacher_required
def report_quiz(request, classroom_id: int, quiz_id: int):
    classroom = _classroom(request, classroom_id)
    assignment = get_object_or_404(
        Assignment.objects.select_related("quiz"), classroom=classroom, quiz_id=quiz_id
    )
    report = quiz_report(quiz=assignment.quiz, classroom=classroom)
    if _wants_csv(request):
        table = _table(request, ("questions", "options"))
        return _quiz_csv(classroom, report, table)
    chart, edges, description = _histogram(report)
    return render(
        request,
        "reports/quiz.html",
        {
            "classroom": classroom,
            "assignment": assignment,
            "quiz": assignment.quiz,
            "report": report,
            "chart": chart,
            "chart_edges": edges,
            "chart_desc": description,
            "readable": _readable_questions(
                request.user, (q.question_id for q in report.questions)
            ),
            "min_facility": MIN_ATTEMPTS_FOR_FACILITY,
            "min_discrimination": MIN_ATTEMPTS_FOR_DISCRIMINATION,
            "min_reliability": MIN_ATTEMPTS_FOR_RELIABILITY,
        },
    )


def _quiz_csv(classroom, report, table: str) -> HttpResponse:
    name = f"{report.quiz.slug}-{table}"
    if table == "questions":
        rows = [
            item.csv_row()
            for question in report.questions
            for item in (question, *question.versions)
        ]
    else:
        rows = [
            {"question": version.label, "version": version.version_number, **option.csv_row()}
            for question in report.questions
            for version in question.versions
            for option in version.options
        ]
    header = list(rows[0]) if rows else _empty_header(table)
    return csv_response(
        _file(classroom, name), header, ([row.get(h) for h in header] for row in rows)
    )


def _empty_header(table: str) -> list[str]:
    if table == "questions":
        return ["question_id", "version_id", "version", "label", "type", "attempts"]
    return ["question", "version", "option_id", "position", "text", "chosen", "share"]


# --- 3. topic mastery --------------------------------------------------------------------------


def _legend() -> list[dict]:
    edges = (0.0, *charts.HEAT_BANDS, 1.0)
    return [
        {"band": i, "low": round(edges[i] * 100), "high": round(edges[i + 1] * 100)}
        for i in range(len(edges) - 1)
    ]


@teacher_required
def report_mastery(request, classroom_id: int):
    classroom = _classroom(request, classroom_id)
    report = reports.mastery_report(classroom, timezone.now())
    if _wants_csv(request):
        table = _table(request, ("memory", "quiz"))
        return _mastery_csv(report, table)
    return render(
        request,
        "reports/mastery.html",
        {"classroom": classroom, "report": report, "legend": _legend()},
    )


def _mastery_csv(report, table: str) -> HttpResponse:
    header = ["student", "username"]
    for topic in report.topics:
        if table == "memory":
            header += [f"{topic.label}: mastery", f"{topic.label}: cards studied"]
        else:
            header += [f"{topic.label}: mean score", f"{topic.label}: answers"]
    if table == "memory":
        header.append("all topics: mastery")
    rows = []
    for row in report.rows:
        cells = [str(row.student), row.student.username]
        for cell in row.cells:
            cells += [cell.memory, cell.studied] if table == "memory" else [cell.quiz, cell.answers]
        if table == "memory":
            cells.append(row.memory)
        rows.append(cells)
    return csv_response(_file(report.classroom, f"mastery-{table}"), header, rows)


# --- 4. myth prevalence ------------------------------------------------------------------------


def _trend(myth) -> dict:
    labels = [f"week of {w.start:%-d %b}" for w in myth.weeks]
    line = charts.sparkline([w.share for w in myth.weeks], labels=labels)
    said = [
        f"{label}: {w.share:.0%} of {w.answers}" if w.answers else f"{label}: no answers"
        for label, w in zip(labels, myth.weeks, strict=True)
    ]
    return {"line": line, "text": "; ".join(said) + "." if said else "No answers yet."}


@teacher_required
def report_myths(request, classroom_id: int):
    classroom = _classroom(request, classroom_id)
    report = reports.myth_report(classroom, timezone.now())
    if _wants_csv(request):
        table = _table(request, ("myths", "weeks"))
        return _myths_csv(report, table)
    rows = [{"myth": myth, **_trend(myth)} for myth in report.myths]
    return render(
        request,
        "reports/myths.html",
        {
            "classroom": classroom,
            "report": report,
            "rows": rows,
            "readable": _readable_questions(request.user, (m.question.pk for m in report.myths)),
        },
    )


def _myths_csv(report, table: str) -> HttpResponse:
    if table == "myths":
        header = [
            "question",
            "myth option",
            "answers",
            "chose the myth",
            "share",
            "students who ever chose it",
            "students whose latest answer chose it",
            "students in class",
        ]
        rows = [
            [
                str(m.question),
                m.option_text,
                m.answers,
                m.chose,
                m.share,
                m.students_ever,
                m.students_latest,
                report.students,
            ]
            for m in report.myths
        ]
    else:
        header = ["question", "myth option", "week starting", "answers", "chose the myth", "share"]
        rows = [
            [str(m.question), m.option_text, w.start.isoformat(), w.answers, w.chose, w.share]
            for m in report.myths
            for w in m.weeks
        ]
    return csv_response(_file(report.classroom, f"myths-{table}"), header, rows)
