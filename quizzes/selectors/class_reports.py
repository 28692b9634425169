"""Class-level reports for instructors: the dashboard, topic mastery and myth prevalence.

Every figure is an aggregate the database computes when the page is asked for (nothing is
cached, so a submission shows at once). Python only lays out aggregated rows: one per student and
assignment, per student and topic, per myth and week; never one per answer, card or review. Each
report costs the same number of queries for 5 students or 5,000 (tests pin them).

What counts, in every report:
- students: those enrolled in the class now;
- quiz work: attempts at the class's assignments (an attempt made through another class that
  assigns the same quiz belongs to that class's reports); only closed attempts (submitted, or
  closed when time ran out) have scores;
- memory: the student's cards on the class deck (`study.class_deck`: the questions the class's
  assigned quizzes draw on), so a student in two classes is judged here on this class's material.
  Mastery is predicted recall now (`recall.retrievability`), averaged over every deck question,
  an unstudied one counting as 0, as on the student's progress page.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.db.models import (
    Avg,
    Count,
    DecimalField,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber

from quizzes.models import (
    Answer,
    AnswerChoice,
    Assignment,
    Attempt,
    CardState,
    Classroom,
    Enrollment,
    Extension,
    Option,
    Question,
    ReviewLog,
    User,
)
from quizzes.models.attempts import AttemptState
from quizzes.models.banks import Topic
from quizzes.models.memory import CardPhase, Rating
from quizzes.models.quizzes import GradingMethod
from quizzes.selectors.attempts import grade_across_attempts, passed
from quizzes.selectors.progress import RETENTION_WINDOW, Retention
from quizzes.selectors.recall import EpochDay, epoch_day, retrievability
from quizzes.selectors.reports import CLOSED_STATES
from quizzes.selectors.study import class_deck
from quizzes.services.attempts import Window as DateWindow
from quizzes.services.attempts import window_for

# --- who is at risk, and why ---------------------------------------------------------------------
# A card due this long ago counts as overdue (due today is normal; a day late is falling behind).
OVERDUE_AFTER = timedelta(days=1)
OVERDUE_REVIEWS_AT_RISK = 10
MASTERY_AT_RISK = 0.5
# A quiz not started and due within this long.
DUE_SOON = timedelta(days=2)
INACTIVE_AFTER = timedelta(days=7)
LEECHES_AT_RISK = 5
# Retention this far under the class's target, over at least this many reviews (fewer say little).
RETENTION_SHORTFALL = 0.10
MIN_REVIEWS_FOR_RETENTION = 20

THRESHOLDS = (
    f"On the list: {OVERDUE_REVIEWS_AT_RISK} or more reviews overdue by more than a day; "
    f"mastery below {MASTERY_AT_RISK:.0%} once studying has begun; a quiz failed, missed, or not "
    f"started with {DUE_SOON.days} days or less to go; remembered {RETENTION_SHORTFALL:.0%} or "
    f"more under the class's target over {MIN_REVIEWS_FOR_RETENTION}+ reviews in 30 days; "
    f"{LEECHES_AT_RISK}+ leeches; no activity for {INACTIVE_AFTER.days} days."
)

REASON_OVERDUE = "{n} reviews overdue"
REASON_MASTERY = "mastery below {limit:.0%} ({value:.0%})"
REASON_FAILED = "failed {quiz} ({grade:.0%}; pass mark {mark}%)"
REASON_NOT_STARTED = "has not started {quiz}, {when}"
REASON_MISSED = "missed {quiz}"
REASON_MISSED_OPEN = "missed {quiz} (started, never submitted)"
REASON_RETENTION = "remembered {rate:.0%} of {reviews} reviews (target {target:.0%})"
REASON_LEECHES = "{n} leeches"
REASON_INACTIVE = "no activity for {days} days"
REASON_NEVER_ACTIVE = "no activity yet"


def due_in_words(due_at: datetime, now: datetime) -> str:
    """'due today', 'due tomorrow', 'due in 2 days': calendar days in UTC, like the study days."""
    days = (due_at.astimezone(UTC).date() - now.astimezone(UTC).date()).days
    if days <= 0:
        return "due today"
    if days == 1:
        return "due tomorrow"
    return f"due in {days} days"


@dataclass(frozen=True)
class QuizResult:
    """One student's standing on one assignment."""

    assignment: Assignment
    window: DateWindow
    attempts: int
    closed: int
    in_progress: bool
    # Shares 0..1 of the closed attempts: the best, and the grade by the quiz's grading method.
    best: float | None
    grade: float | None
    passed: bool | None

    @property
    def started(self) -> bool:
        return self.attempts > 0


def quiz_reasons(result: QuizResult, now: datetime) -> list[str]:
    """Why one assignment puts a student at risk, if it does. Pure."""
    quiz = result.assignment.quiz
    due = result.window.due_at
    if result.closed:
        if result.passed is False:
            mark = f"{quiz.pass_mark.normalize():f}"
            return [REASON_FAILED.format(quiz=quiz.title, grade=result.grade, mark=mark)]
        return []
    if due is None:
        return []
    if now > due:
        template = REASON_MISSED_OPEN if result.in_progress else REASON_MISSED
        return [template.format(quiz=quiz.title)]
    if not result.started and due - now <= DUE_SOON:
        return [REASON_NOT_STARTED.format(quiz=quiz.title, when=due_in_words(due, now))]
    return []


def at_risk_reasons(
    *,
    results: list[QuizResult],
    overdue: int,
    mastery: float | None,
    retention: Retention,
    leeches: int,
    last_activity: datetime | None,
    now: datetime,
    studied: bool = True,
) -> tuple[str, ...]:
    """Every reason the student is on the at-risk list, in plain words; empty when none. Pure.

    Low mastery counts only once the student has reviewed a card of the deck (`studied`): before
    that it is 0% by definition and says nothing that "no activity yet" or a quiz reason doesn't.
    """
    reasons = []
    if overdue >= OVERDUE_REVIEWS_AT_RISK:
        reasons.append(REASON_OVERDUE.format(n=overdue))
    if studied and mastery is not None and mastery < MASTERY_AT_RISK:
        reasons.append(REASON_MASTERY.format(limit=MASTERY_AT_RISK, value=mastery))
    for result in results:
        reasons += quiz_reasons(result, now)
    rate = retention.rate
    if (
        rate is not None
        and retention.reviews >= MIN_REVIEWS_FOR_RETENTION
        and rate <= retention.target - RETENTION_SHORTFALL
    ):
        reasons.append(
            REASON_RETENTION.format(rate=rate, reviews=retention.reviews, target=retention.target)
        )
    if leeches >= LEECHES_AT_RISK:
        reasons.append(REASON_LEECHES.format(n=leeches))
    if last_activity is None:
        reasons.append(REASON_NEVER_ACTIVE)
    elif now - last_activity >= INACTIVE_AFTER:
        reasons.append(REASON_INACTIVE.format(days=(now - last_activity).days))
    return tuple(reasons)


# --- shared reads --------------------------------------------------------------------------------


def _enrolled(classroom: Classroom) -> QuerySet[User]:
    return User.objects.filter(enrollments__classroom=classroom)


def enrolled_students(classroom: Classroom) -> list[User]:
    """The class's students by name (one query), with only the fields the reports show (their
    name and username): a row per student, so the other columns cost time for nothing."""
    return list(
        User.objects.filter(enrollments__classroom=classroom)
        .only("username", "display_name")
        .order_by("display_name", "username", "pk")
    )


def deck_topics(classroom: Classroom) -> dict[str, int]:
    """How many deck questions each topic has (one query)."""
    return dict(
        class_deck(classroom)
        .values("bank__topic")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("bank__topic", "n")
    )


def _deck_cards(classroom: Classroom) -> QuerySet[CardState]:
    return CardState.objects.filter(
        student__in=_enrolled(classroom), question_id__in=class_deck(classroom).values("pk")
    )


def _class_attempts(classroom: Classroom) -> QuerySet[Attempt]:
    return Attempt.objects.filter(assignment__classroom=classroom, student__in=_enrolled(classroom))


def _closed_in_class(classroom: Classroom) -> Q:
    """Rows (answers, choices) of the class's closed attempts, filtered through the join to the
    attempt that the reports need anyway, rather than by a second read of the attempts."""
    # The enrolled students straight from the enrollments: through the users (`_enrolled`),
    # PostgreSQL estimated a single student and probed every answer against them.
    return Q(
        attempt__assignment__classroom=classroom,
        attempt__state__in=CLOSED_STATES,
        attempt__student__in=Enrollment.objects.filter(classroom=classroom).values("student"),
    )


def topic_order(topics) -> list[str]:
    order = {value: i for i, value in enumerate(Topic.values)}
    return sorted(topics, key=lambda t: (order.get(t, len(order)), t))


TOPIC_LABELS = dict(Topic.choices)


# --- 1. the class dashboard ----------------------------------------------------------------------


@dataclass(frozen=True)
class StudentRow:
    student: User
    attempts: int
    # In the order of `Dashboard.assignments`.
    results: tuple[QuizResult, ...]
    mean_grade: float | None
    passes: int
    due: int
    overdue: int
    retention: Retention
    last_activity: datetime | None
    leeches: int
    mastery: float | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Dashboard:
    classroom: Classroom
    now: datetime
    assignments: list[Assignment]
    students: list[StudentRow]
    deck_size: int

    @property
    def at_risk(self) -> list[StudentRow]:
        """Students with a reason, most reasons first."""
        flagged = [row for row in self.students if row.reasons]
        return sorted(flagged, key=lambda row: -len(row.reasons))


def _ranked_closed(classroom: Classroom, order) -> QuerySet[Attempt]:
    """The first closed attempt of each student at each assignment, in `order`."""
    ranked = (
        Attempt.objects.filter(assignment__classroom=classroom, state__in=CLOSED_STATES)
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[F("student_id"), F("assignment_id")], order_by=order
            )
        )
        .filter(rank=1)
    )
    return ranked.values("pk")


def _attempt_figures(
    classroom: Classroom, assignments: list[Assignment]
) -> dict[tuple[int, int], dict]:
    """Per (student, assignment): attempts, closed ones, open ones, best, mean, first and last
    score, and the latest start and submission (one query). The first and last scores need a
    ranking of the attempts each, so they are only computed when one of the `assignments`
    grades by them (None otherwise)."""
    closed = Q(state__in=CLOSED_STATES)
    methods = {assignment.quiz.grading_method for assignment in assignments}

    def score_of(order, method) -> Max | Value:
        if method not in methods:
            return Value(None, output_field=DecimalField())
        return Max("fraction", filter=closed & Q(pk__in=_ranked_closed(classroom, order)))

    rows = (
        _class_attempts(classroom)
        .values("student_id", "assignment_id")
        .annotate(
            attempts=Count("pk"),
            closed=Count("pk", filter=closed),
            open=Count("pk", filter=Q(state=AttemptState.IN_PROGRESS)),
            best=Max("fraction", filter=closed),
            mean=Avg("fraction", filter=closed),
            first=score_of([F("number").asc()], GradingMethod.FIRST),
            last=score_of([F("number").desc()], GradingMethod.LAST),
            started=Max("started_at"),
            submitted=Max("submitted_at"),
        )
        .order_by()
    )
    return {(r["student_id"], r["assignment_id"]): r for r in rows}


def _grade(method: str, figures: dict) -> Decimal | None:
    """The quiz grade, as `selectors.attempts.grade_across_attempts` gives it, from the sums."""
    if not figures["closed"]:
        return None
    if method == GradingMethod.AVERAGE:
        # The same rounding the student's own page applies to the mean.
        return grade_across_attempts(method, [Decimal(str(figures["mean"]))])
    value = {
        GradingMethod.FIRST: figures["first"],
        GradingMethod.LAST: figures["last"],
    }.get(method, figures["best"])
    return Decimal(str(value))


def _card_figures(classroom: Classroom, now: datetime) -> dict[int, dict]:
    """Per student, on the class deck: cards due now, overdue, leeches and summed recall."""
    due_now = (
        Q(due__lte=now, is_leech=False)
        & ~Q(phase=CardPhase.NEW)
        & (Q(buried_until__isnull=True) | Q(buried_until__lte=now))
    )
    rows = (
        _deck_cards(classroom)
        .values("student_id")
        .annotate(
            due_now=Count("pk", filter=due_now),
            overdue=Count("pk", filter=due_now & Q(due__lt=now - OVERDUE_AFTER)),
            leeches=Count("pk", filter=Q(is_leech=True)),
            recall=Sum(retrievability(now)),
        )
        .order_by()
    )
    return {r["student_id"]: r for r in rows}


def _review_figures(classroom: Classroom, now: datetime) -> dict[int, dict]:
    """Per student, on the class deck: reviews and recalls of review-phase cards in the last 30
    days (the progress page's retention), and the latest review."""
    recent = Q(
        phase_before=CardPhase.REVIEW,
        reviewed_at__gt=now - RETENTION_WINDOW,
        reviewed_at__lte=now,
    )
    rows = (
        ReviewLog.objects.filter(
            card__student__in=_enrolled(classroom),
            card__question_id__in=class_deck(classroom).values("pk"),
        )
        .values("card__student_id")
        .annotate(
            reviews=Count("pk", filter=recent),
            recalled=Count("pk", filter=recent & ~Q(rating=Rating.AGAIN)),
            last=Max("reviewed_at"),
        )
        .order_by()
    )
    return {r["card__student_id"]: r for r in rows}


def class_assignments(classroom: Classroom) -> list[Assignment]:
    """The class's assignments with their quizzes, soonest due first (one query)."""
    return list(
        Assignment.objects.filter(classroom=classroom)
        .select_related("quiz")
        .order_by(F("due_at").asc(nulls_last=True), "quiz__title", "pk")
    )


def class_dashboard(classroom: Classroom, now: datetime) -> Dashboard:
    """One row per student, and who is at risk and why, in seven queries."""
    students = enrolled_students(classroom)
    assignments = class_assignments(classroom)
    extensions = {
        (e.assignment_id, e.student_id): e
        for e in Extension.objects.filter(
            assignment__classroom=classroom, student__in=_enrolled(classroom)
        )
    }
    attempts = _attempt_figures(classroom, assignments)
    cards = _card_figures(classroom, now)
    reviews = _review_figures(classroom, now)
    deck_size = sum(deck_topics(classroom).values())
    target = float(classroom.desired_retention)
    rows = []
    for student in students:
        results = []
        for assignment in assignments:
            figures = attempts.get((student.pk, assignment.pk))
            window = window_for(assignment, extensions.get((assignment.pk, student.pk)))
            if figures is None:
                results.append(QuizResult(assignment, window, 0, 0, False, None, None, None))
                continue
            grade = _grade(assignment.quiz.grading_method, figures)
            results.append(
                QuizResult(
                    assignment=assignment,
                    window=window,
                    attempts=figures["attempts"],
                    closed=figures["closed"],
                    in_progress=figures["open"] > 0,
                    best=None if figures["best"] is None else float(figures["best"]),
                    grade=None if grade is None else float(grade),
                    passed=passed(assignment.quiz, grade),
                )
            )
        card = cards.get(student.pk, {})
        review = reviews.get(student.pk, {})
        retention = Retention(
            reviews=review.get("reviews", 0), recalled=review.get("recalled", 0), target=target
        )
        moments = [review.get("last")] + [
            moment
            for assignment in assignments
            for key in ("started", "submitted")
            if (moment := attempts.get((student.pk, assignment.pk), {}).get(key)) is not None
        ]
        last_activity = max((m for m in moments if m is not None), default=None)
        mastery = float(card.get("recall") or 0.0) / deck_size if deck_size else None
        grades = [r.grade for r in results if r.grade is not None]
        common = {
            "overdue": card.get("overdue", 0),
            "mastery": mastery,
            "retention": retention,
            "leeches": card.get("leeches", 0),
            "last_activity": last_activity,
        }
        rows.append(
            StudentRow(
                student=student,
                attempts=sum(r.attempts for r in results),
                results=tuple(results),
                mean_grade=sum(grades) / len(grades) if grades else None,
                passes=sum(1 for r in results if r.passed),
                due=card.get("due_now", 0),
                reasons=at_risk_reasons(
                    results=results, now=now, studied=review.get("last") is not None, **common
                ),
                **common,
            )
        )
    return Dashboard(
        classroom=classroom,
        now=now,
        assignments=assignments,
        students=rows,
        deck_size=deck_size,
    )


# --- 3. topic mastery ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicColumn:
    topic: str
    label: str
    # Deck questions of the topic (0 when only quiz answers bring the topic in).
    cards: int


@dataclass(frozen=True)
class MasteryCell:
    # Mean predicted recall now over the topic's deck cards (unstudied = 0); None without cards.
    memory: float | None
    studied: int
    # Mean fraction of the student's answers on the topic's questions in closed attempts.
    quiz: float | None
    answers: int


@dataclass(frozen=True)
class MasteryRow:
    student: User
    cells: tuple[MasteryCell, ...]
    memory: float | None


@dataclass(frozen=True)
class MasteryReport:
    classroom: Classroom
    topics: list[TopicColumn]
    rows: list[MasteryRow]
    # Class means per topic: memory over every student (unstudied = 0), quiz over the answers.
    class_memory: tuple[float | None, ...]
    class_quiz: tuple[float | None, ...]


def mastery_report(classroom: Classroom, now: datetime) -> MasteryReport:
    """Students × topics from the memory model and from quiz answers, in four queries."""
    students = enrolled_students(classroom)
    deck = deck_topics(classroom)
    memory = {
        (r["student_id"], r["question__bank__topic"]): r
        for r in _deck_cards(classroom)
        .values("student_id", "question__bank__topic")
        .annotate(
            recall=Sum(retrievability(now)),
            studied=Count("pk", filter=Q(last_review__isnull=False) & ~Q(phase=CardPhase.NEW)),
        )
        .order_by()
    }
    topic = "question_version__question__bank__topic"
    quiz = {
        (r["attempt__student_id"], r[topic]): r
        for r in Answer.objects.filter(_closed_in_class(classroom))
        .values("attempt__student_id", topic)
        .annotate(mean=Avg(Coalesce("fraction", Value(Decimal(0)))), answers=Count("pk"))
        .order_by()
    }
    topics = topic_order(set(deck) | {t for _, t in quiz})
    columns = [TopicColumn(t, TOPIC_LABELS.get(t, t), deck.get(t, 0)) for t in topics]
    deck_size = sum(deck.values())
    rows = []
    for student in students:
        cells = []
        recall_total = 0.0
        for column in columns:
            card = memory.get((student.pk, column.topic), {})
            recall = float(card.get("recall") or 0.0)
            recall_total += recall
            answered = quiz.get((student.pk, column.topic))
            cells.append(
                MasteryCell(
                    memory=recall / column.cards if column.cards else None,
                    studied=card.get("studied", 0),
                    quiz=float(answered["mean"] or 0.0) if answered else None,
                    answers=answered["answers"] if answered else 0,
                )
            )
        rows.append(
            MasteryRow(
                student=student,
                cells=tuple(cells),
                memory=recall_total / deck_size if deck_size else None,
            )
        )
    class_memory, class_quiz = [], []
    for i, column in enumerate(columns):
        values = [row.cells[i].memory for row in rows]
        class_memory.append(sum(values) / len(values) if rows and column.cards else None)
        weighted = [
            (row.cells[i].quiz, row.cells[i].answers) for row in rows if row.cells[i].answers
        ]
        answers = sum(n for _, n in weighted)
        class_quiz.append(sum(v * n for v, n in weighted) / answers if answers else None)
    return MasteryReport(
        classroom=classroom,
        topics=columns,
        rows=rows,
        class_memory=tuple(class_memory),
        class_quiz=tuple(class_quiz),
    )


# --- 4. myth prevalence --------------------------------------------------------------------------

# Weeks start on Monday: 1970-01-01 (day 0) was a Thursday, so day + 3 counts from Monday.
EPOCH = date(1970, 1, 1)
TREND_WEEKS = 12
STUDY_CHOICES_NOT_RECORDED = (
    "From quiz answers only: the study page records how well a card was recalled, not which "
    "option was picked."
)


def week_start(week: int) -> date:
    return EPOCH + timedelta(days=week * 7 - 3)


def week_of(moment: datetime) -> int:
    return (epoch_day(moment) + 3) // 7


@dataclass(frozen=True)
class WeekShare:
    start: date
    answers: int
    chose: int

    @property
    def share(self) -> float | None:
        return self.chose / self.answers if self.answers else None


@dataclass(frozen=True)
class MythRow:
    question: Question
    option_text: str
    # The class's answers to versions of the question offering this myth, and those choosing it.
    answers: int
    chose: int
    # Students who ever chose it, and whose latest answer to the question chose it.
    students_ever: int
    students_latest: int
    weeks: tuple[WeekShare, ...]

    @property
    def share(self) -> float:
        return self.chose / self.answers if self.answers else 0.0


@dataclass(frozen=True)
class MythReport:
    classroom: Classroom
    students: int
    myths: list[MythRow]
    # The weeks every trend covers, oldest first.
    weeks: tuple[date, ...]
    source_note: str = STUDY_CHOICES_NOT_RECORDED


class EpochWeek(Func):
    """The week number of a datetime column, weeks starting on Monday (`week_of` in SQL)."""

    arity = 1
    output_field = IntegerField()

    def as_postgresql(self, compiler, connection, **extra_context):
        # The UTC date minus 1970-01-01 is the epoch day, as an integer; cheaper per row than
        # the exact microseconds `EpochDay` reads, which this needs no more than the day of.
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"(((CAST(({sql} AT TIME ZONE 'UTC') AS DATE) - DATE '1970-01-01') + 3) / 7)",
            params,
        )

    def as_sql(self, compiler, connection, **extra_context):
        week = (EpochDay(self.source_expressions[0]) + Value(3)) / Value(7)
        return compiler.compile(week)


def myth_report(classroom: Classroom, now: datetime) -> MythReport:
    """Every myth option the class's quiz answers met, most chosen first, in five queries.

    A myth is a question's option flagged `is_myth`, identified by its text so that an edit to
    the prompt keeps one row (an option reworded becomes a new row, as it is a new statement).

    Choices carry their answer's attempt, so the choice sums join choices to attempts only. A
    student's latest answer to a question is the one in their last-submitted closed attempt
    (the higher attempt id on a tie); a choice is in it when no later such answer exists, which
    the database finds with an anti-join instead of ranking every answer.
    """
    closed = _closed_in_class(classroom)
    myth_options = Option.objects.filter(is_myth=True)
    # The answers per version and week; each myth the version offers counts them (Python below),
    # so no answer is joined to its options. Versions without a myth give a few unused rows,
    # which costs less than filtering every answer by its version.
    offered = (
        Answer.objects.filter(closed)
        .annotate(week=EpochWeek("attempt__submitted_at"))
        .values_list("question_version_id", "week")
        .annotate(n=Count("pk"))
        .order_by()
    )
    choices = AnswerChoice.objects.filter(closed, option__is_myth=True)
    chosen = (
        choices.annotate(week=EpochWeek("attempt__submitted_at"))
        .values_list("option_id", "week")
        .annotate(n=Count("pk"))
        .order_by()
    )
    question = "option__version__question_id"
    later = Answer.objects.filter(
        Q(attempt__submitted_at__gt=OuterRef("attempt__submitted_at"))
        | Q(
            attempt__submitted_at=OuterRef("attempt__submitted_at"), attempt__gt=OuterRef("attempt")
        ),
        attempt__assignment__classroom=classroom,
        attempt__state__in=CLOSED_STATES,
        attempt__student=OuterRef("attempt__student"),
        question_version__question=OuterRef(question),
    )
    students = choices.values_list(question, "option__text")

    def distinct_students(found: QuerySet, kind: str) -> QuerySet:
        return found.annotate(
            kind=Value(kind), n=Count("attempt__student", distinct=True)
        ).order_by()

    people: dict[tuple, dict[str, int]] = defaultdict(dict)
    for question_id, text, kind, n in distinct_students(students, "ever").union(
        distinct_students(students.filter(~Exists(later)), "latest"), all=True
    ):
        people[question_id, text][kind] = n
    offered_rows, chosen_rows = list(offered), list(chosen)
    options = myth_options.filter(
        Q(version__in={version_id for version_id, _, _ in offered_rows})
        | Q(pk__in={option_id for option_id, _, _ in chosen_rows})
    ).select_related("version__question__bank", "version__question__current_version")
    by_version: dict[int, list[Option]] = defaultdict(list)
    questions: dict[int, Question] = {}
    for option in options:
        by_version[option.version_id].append(option)
        questions.setdefault(option.version.question_id, option.version.question)
    myths = {option.pk: option for found in by_version.values() for option in found}
    totals: dict[tuple, dict[int, list[int]]] = defaultdict(dict)
    for version_id, week, n in offered_rows:
        for option in by_version[version_id]:
            key = (option.version.question_id, option.text)
            totals[key].setdefault(week, [0, 0])[0] += n
    for option_id, week, n in chosen_rows:
        option = myths[option_id]
        totals[option.version.question_id, option.text].setdefault(week, [0, 0])[1] += n
    all_weeks = {w for by_week in totals.values() for w in by_week}
    weeks = []
    if all_weeks:
        last = max(all_weeks)
        first = max(min(all_weeks), last - TREND_WEEKS + 1)
        weeks = list(range(first, last + 1))
    rows = []
    for (question_id, text), by_week in totals.items():
        count = people.get((question_id, text), {})
        rows.append(
            MythRow(
                question=questions[question_id],
                option_text=text,
                answers=sum(n for n, _ in by_week.values()),
                chose=sum(c for _, c in by_week.values()),
                students_ever=count.get("ever", 0),
                students_latest=count.get("latest", 0),
                weeks=tuple(WeekShare(week_start(w), *by_week.get(w, (0, 0))) for w in weeks),
            )
        )
    rows.sort(key=lambda r: (-r.share, -r.chose, str(r.question), r.option_text))
    return MythReport(
        classroom=classroom,
        students=Enrollment.objects.filter(classroom=classroom).count(),
        myths=rows,
        weeks=tuple(week_start(w) for w in weeks),
    )
