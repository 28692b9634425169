"""The quiz report: Moodle's item analysis of one quiz, computed live by the database.

`quiz_report(quiz=..., classroom=...)` costs five queries whatever the class size: the attempt
figures (count, power sums of the score, histogram), the median, the answer sums, and the
question versions with their options. The answer sums are aggregates: per question version the
joint histogram of (item mark, rest-of-test mark), per option how often it was chosen and the
rest-of-test marks of those who chose it, and the histogram of total marks. Python then applies
the formulas of `quizzes.statistics` to those few rows (tens to hundreds: marks are sums of a
few fractions), never to answer rows.

Which attempts count: closed ones only (submitted, or closed when time ran out), in the class's
assignment when a class is given, and per student as the quiz's grading method says:
- highest: the student's highest-scoring attempt (the earliest of equal ones);
- first / last: the student's first / last closed attempt;
- average: every closed attempt, each treated as a separate sitting. This is Moodle's "all
  attempts" mode: the grade uses them all, and Moodle warns that repeated attempts by one
  student are not independent, so read the figures with that in mind.

An item's mark is its points × fraction. The rest of the test is the attempt's total mark minus
this item's mark; the attempts' totals are one GROUP BY over the counted answers.

Random draws: attempts may see different questions. Item figures use the attempts that saw the
item. The coefficient of internal consistency uses P = the mean number of questions per attempt
and weighs each question's mark variance by the share of attempts that saw it (the expected sum
of item variances in one attempt); for a fixed quiz this is exactly Moodle's formula. Effective
weights are only given when every counted attempt saw the same questions.

Why some SQL is written out: the ORM builds the scoped answer rows and the attempts' totals, but
it cannot join an aggregated set back to rows, which the rest-of-test mark needs. So one outer
query wraps the ORM's compiled SQL in portable SQL (CTEs, JOIN, GROUP BY, UNION ALL) that
SQLite and PostgreSQL both run. A correlated subquery would instead cost one lookup per answer.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Cast, Coalesce, RowNumber

from quizzes import statistics as st
from quizzes.models import Answer, AnswerChoice, Attempt, Classroom, Option, QuestionVersion, Quiz
from quizzes.models.attempts import AttemptState
from quizzes.models.quizzes import GradingMethod
from quizzes.statistics import Figure, Flag

CLOSED_STATES = (AttemptState.SUBMITTED, AttemptState.OVERDUE)
HISTOGRAM_BINS = 10

ATTEMPTS_USED = {
    GradingMethod.HIGHEST: "Each student's highest-scoring attempt",
    GradingMethod.FIRST: "Each student's first attempt",
    GradingMethod.LAST: "Each student's last attempt",
    GradingMethod.AVERAGE: (
        "Every attempt (the quiz grades the average), each counted as a separate sitting; "
        "repeated attempts by one student are not independent"
    ),
}
PER_QUESTION_ONLY = "Given for the question as a whole, across its versions."
DIFFERENT_QUESTIONS = (
    "Attempts saw different questions (random draws), so effective weights cannot be compared."
)


@dataclass(frozen=True)
class ScoreBin:
    """Attempts scoring from `low` % up to `high` % (the last bin includes 100 %)."""

    low: int
    high: int
    count: int


@dataclass(frozen=True)
class TestStatistics:
    attempts: int
    # Scores in percent of the attempt's maximum.
    mean: float | None
    median: float | None
    sd: Figure
    skewness: Figure
    kurtosis: Figure
    # Coefficient of internal consistency (Cronbach's alpha), error ratio and standard error, %.
    alpha: Figure
    error_ratio: Figure
    standard_error: Figure
    histogram: tuple[ScoreBin, ...]
    items_per_attempt: float | None


@dataclass(frozen=True)
class OptionStats:
    option_id: int
    position: int
    text: str
    fraction: float
    is_myth: bool
    chosen: int
    # Share of the attempts that saw the question and chose this option, 0..1.
    share: float | None
    # Correlation between choosing it and the rest-of-test score.
    point_biserial: Figure

    def csv_row(self) -> dict:
        return {
            "option_id": self.option_id,
            "position": self.position,
            "text": self.text,
            "fraction": self.fraction,
            "is_myth": self.is_myth,
            "chosen": self.chosen,
            "share": self.share,
            "point_biserial": self.point_biserial.value,
            "point_biserial_low": self.point_biserial.low,
            "point_biserial_high": self.point_biserial.high,
        }


@dataclass(frozen=True)
class ItemStats:
    """One question version, or (with `version_id` None) a question across its versions."""

    question_id: int
    version_id: int | None
    version_number: int | None
    label: str
    qtype: str
    prompt: str
    attempts: int
    # Mean mark / maximum mark, 0..1, with a Wilson interval.
    facility: Figure
    # SD of the mark as a share of the maximum mark, 0..1.
    sd: Figure
    random_guess: float
    # Share of all the marks on offer that this item carried, %.
    intended_weight: float
    effective_weight: Figure
    # Both in percent, with Fisher-z intervals.
    discrimination: Figure
    efficiency: Figure
    flags: tuple[Flag, ...]
    options: tuple[OptionStats, ...] = ()
    versions: tuple["ItemStats", ...] = ()

    def csv_row(self) -> dict:
        row = {
            "question_id": self.question_id,
            "version_id": self.version_id,
            "version": self.version_number,
            "label": self.label,
            "type": self.qtype,
            "attempts": self.attempts,
            "random_guess": self.random_guess,
            "intended_weight": self.intended_weight,
            "effective_weight": self.effective_weight.value,
        }
        for name in ("facility", "sd", "discrimination", "efficiency"):
            figure = getattr(self, name)
            row |= {
                name: figure.value,
                f"{name}_low": figure.low,
                f"{name}_high": figure.high,
                f"{name}_too_few": figure.too_few,
            }
        row["flags"] = " ".join(f.code for f in self.flags)
        return row


@dataclass(frozen=True)
class QuizReport:
    quiz: Quiz
    classroom: Classroom | None
    grading_method: str
    attempts_used: str
    test: TestStatistics
    # One per question (rolled up), each with its versions in `versions`, in label order.
    questions: tuple[ItemStats, ...] = field(default_factory=tuple)


def counted_attempts(*, quiz: Quiz, classroom: Classroom | None = None) -> QuerySet[Attempt]:
    """The attempts the report uses, as a QuerySet to filter by (see the module docstring)."""
    closed = Attempt.objects.filter(quiz=quiz, state__in=CLOSED_STATES)
    if classroom is not None:
        closed = closed.filter(assignment__classroom=classroom)
    method = quiz.grading_method
    if method == GradingMethod.AVERAGE:
        return closed
    order = {
        GradingMethod.HIGHEST: [F("fraction").desc(), F("number").asc()],
        GradingMethod.FIRST: [F("number").asc()],
        GradingMethod.LAST: [F("number").desc()],
    }[method]
    ranked = closed.annotate(
        rank=Window(RowNumber(), partition_by=[F("student_id")], order_by=order)
    ).filter(rank=1)
    return Attempt.objects.filter(pk__in=ranked.values("pk"))


def _as_float(expression) -> Cast:
    return Cast(expression, FloatField())


def _mark() -> ExpressionWrapper:
    # Exact decimal arithmetic: equal marks group together, with no float rounding to split them.
    return ExpressionWrapper(
        F("points") * Coalesce(F("fraction"), Value(Decimal(0))),
        output_field=DecimalField(max_digits=14, decimal_places=7),
    )


def _answer_sql(counted: QuerySet[Attempt]) -> tuple[tuple[str, tuple], tuple[str, tuple]]:
    """SQL for the counted answers (id, attempt, version, question, points, mark) and for
    each counted attempt's total mark."""
    answers = Answer.objects.filter(attempt__in=counted.values("pk")).order_by()
    rows = answers.annotate(
        aid=F("pk"),
        att=F("attempt_id"),
        v=F("question_version_id"),
        q=F("question_version__question_id"),
        pts=F("points"),
        x=_mark(),
    ).values("aid", "att", "v", "q", "pts", "x")
    totals = (
        answers.annotate(att=F("attempt_id"))
        .values("att")
        .annotate(t=Sum(_mark()))
        .values("att", "t")
    )
    return rows.query.sql_with_params(), totals.query.sql_with_params()


# One query over the counted answers, returning three kinds of rows:
# 0: the joint histogram of (item mark x, rest-of-test mark y) per question version, with the
#    points on offer; every item sum and the sorted pairing follow from it exactly;
# 1: per option, how many answers chose it and the sum of their rest-of-test marks;
# 2: the histogram of the attempts' total marks, for the variance of the total.
# Marks are sums of a few fractions, so these are tens to hundreds of rows, never more than
# the answers themselves.
REPORT_SUMS_SQL = """
WITH tot AS ({totals}),
s AS (
    SELECT a.aid, a.v, a.q, a.pts, a.x, tot.t - a.x AS y
    FROM ({answers}) a JOIN tot ON tot.att = a.att
)
SELECT 0, v, q, x, y, COUNT(*), SUM(pts) FROM s GROUP BY v, q, x, y
UNION ALL
SELECT 1, c.option_id, NULL, NULL, NULL, COUNT(*), SUM(s.y)
FROM {choice_table} c JOIN s ON s.aid = c.answer_id
GROUP BY c.option_id
UNION ALL
SELECT 2, NULL, NULL, t, NULL, COUNT(*), NULL FROM tot GROUP BY t
"""


def _fetch(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass
class _Group:
    """The joint histogram of one version or one question, and the points it carried."""

    question_id: int
    cells: list[st.Cell] = field(default_factory=list)
    points: float = 0.0

    @property
    def sums(self) -> st.Sums:
        return st.sums_from_cells(self.cells)


def quiz_report(*, quiz: Quiz, classroom: Classroom | None = None) -> QuizReport:
    """Moodle's quiz statistics for one quiz, optionally only one class's attempts."""
    counted = counted_attempts(quiz=quiz, classroom=classroom)
    test_sums = _attempt_sums(counted)
    n = test_sums["n"] or 0
    report = {
        "quiz": quiz,
        "classroom": classroom,
        "grading_method": quiz.grading_method,
        "attempts_used": ATTEMPTS_USED[quiz.grading_method],
    }
    if n == 0:
        return QuizReport(test=_test_statistics(test_sums, None, None, 0.0, 0.0), **report)
    median = _median(counted, n)
    (answers_sql, answers_params), (totals_sql, totals_params) = _answer_sql(counted)
    choice_table = connection.ops.quote_name(AnswerChoice._meta.db_table)
    sql = REPORT_SUMS_SQL.format(totals=totals_sql, answers=answers_sql, choice_table=choice_table)
    # The CTE `tot` comes first in the text, then the answers; their parameters follow suit.
    rows = _fetch(sql, (*totals_params, *answers_params))
    per_version: dict[int, _Group] = {}
    chosen: dict[int, tuple[int, float]] = {}
    totals: list[st.Cell] = []
    for kind, key, question_id, x, y, count, extra in rows:
        if kind == 0:
            group = per_version.setdefault(key, _Group(question_id))
            group.cells.append(st.Cell(float(x), float(y), int(count)))
            group.points += st.to_float(extra)
        elif kind == 1:
            chosen[key] = (int(count), st.to_float(extra))
        else:
            totals.append(st.Cell(float(x), 0.0, int(count)))
    versions = {
        v.pk: v
        for v in QuestionVersion.objects.filter(pk__in=list(per_version))
        .select_related("question__bank")
        .prefetch_related(Prefetch("options", queryset=Option.objects.order_by("position")))
    }
    questions, items_per_attempt, sum_item_variance = _items(per_version, versions, chosen, n)
    total_variance = st.sums_from_cells(totals).var_x
    test = _test_statistics(test_sums, median, total_variance, items_per_attempt, sum_item_variance)
    return QuizReport(test=test, questions=questions, **report)


def _attempt_sums(counted: QuerySet[Attempt]) -> dict:
    score = _as_float("fraction") * Value(100.0)
    bins = {}
    for k in range(HISTOGRAM_BINS):
        within = Q(fraction__gte=Decimal(k) / HISTOGRAM_BINS)
        if k < HISTOGRAM_BINS - 1:
            within &= Q(fraction__lt=Decimal(k + 1) / HISTOGRAM_BINS)
        bins[f"bin{k}"] = Count("pk", filter=within)
    return (
        Attempt.objects.filter(pk__in=counted.values("pk"))
        .order_by()
        .annotate(score=score)
        .aggregate(
            n=Count("pk"),
            s1=Sum("score"),
            s2=Sum(F("score") * F("score")),
            s3=Sum(F("score") * F("score") * F("score")),
            s4=Sum(F("score") * F("score") * F("score") * F("score")),
            **bins,
        )
    )


def _median(counted: QuerySet[Attempt], n: int) -> float:
    """The middle score, or the mean of the two middle ones, in percent (as Moodle)."""
    offset, limit = (n // 2 - 1, 2) if n % 2 == 0 else (n // 2, 1)
    middle = (
        Attempt.objects.filter(pk__in=counted.values("pk"))
        .order_by("fraction", "pk")
        .values_list("fraction", flat=True)[offset : offset + limit]
    )
    values = [float(v) * 100 for v in middle]
    return sum(values) / len(values)


def _test_statistics(
    sums: dict,
    median: float | None,
    total_variance: float | None,
    items_per_attempt: float,
    sum_item_variance: float,
) -> TestStatistics:
    n = sums["n"] or 0
    m = st.moments(n, *(st.to_float(sums[k]) for k in ("s1", "s2", "s3", "s4")))
    reliability = st.reliability(
        n=n,
        items=items_per_attempt,
        sum_item_variance=sum_item_variance,
        total_variance=total_variance,
        sd=m.sd.value or 0.0,
    )
    width = 100 // HISTOGRAM_BINS
    histogram = tuple(
        ScoreBin(k * width, (k + 1) * width, sums[f"bin{k}"] or 0) for k in range(HISTOGRAM_BINS)
    )
    return TestStatistics(
        attempts=n,
        mean=m.mean,
        median=median,
        sd=m.sd,
        skewness=m.skewness,
        kurtosis=m.kurtosis,
        alpha=reliability.alpha,
        error_ratio=reliability.error_ratio,
        standard_error=reliability.standard_error,
        histogram=histogram,
        items_per_attempt=items_per_attempt or None,
    )


def _guess(version: QuestionVersion) -> float:
    options = [
        st.GuessOption(o.text, float(o.fraction), o.data or {}) for o in version.options.all()
    ]
    return st.random_guess_score(version.qtype, options)


def _item(
    *,
    question_id: int,
    version: QuestionVersion | None,
    label: str,
    qtype: str,
    prompt: str,
    sums: st.Sums,
    points: float,
    pair_sum: float,
    guess: float,
    intended_weight: float,
    effective_weight: Figure,
    options: tuple[OptionStats, ...] = (),
    versions: tuple[ItemStats, ...] = (),
) -> ItemStats:
    max_mark = points / sums.n
    facility = st.facility(sums.mean_x, max_mark, sums.n)
    var_x = sums.var_x
    if var_x is None:
        sd = st.missing(st.NEEDS_TWO)
    else:
        sd = Figure((var_x**0.5) / max_mark if max_mark else 0.0)
    found = st.discrimination(sums, pair_sum)
    return ItemStats(
        question_id=question_id,
        version_id=version.pk if version else None,
        version_number=version.number if version else None,
        label=label,
        qtype=qtype,
        prompt=prompt,
        attempts=sums.n,
        facility=facility,
        sd=sd,
        random_guess=guess,
        intended_weight=intended_weight,
        effective_weight=effective_weight,
        discrimination=found.index,
        efficiency=found.efficiency,
        flags=st.flags_for(facility, found.index, guess),
        options=options,
        versions=versions,
    )


def _options(version: QuestionVersion, sums: st.Sums, chosen: dict) -> tuple[OptionStats, ...]:
    rows = []
    for option in version.options.all():
        count, rest_chosen = chosen.get(option.pk, (0, 0.0))
        rows.append(
            OptionStats(
                option_id=option.pk,
                position=option.position,
                text=option.text,
                fraction=float(option.fraction),
                is_myth=option.is_myth,
                chosen=count,
                share=count / sums.n if sums.n else None,
                point_biserial=st.point_biserial(
                    n=sums.n,
                    chosen=count,
                    rest_sum_chosen=rest_chosen,
                    rest_sum=sums.sy,
                    rest_sum_sq=sums.syy,
                ),
            )
        )
    return tuple(rows)


def _items(
    per_version: dict[int, _Group],
    versions: dict[int, QuestionVersion],
    chosen: dict,
    attempts: int,
) -> tuple[tuple[ItemStats, ...], float, float]:
    """Items per question with their versions; also P and the weighted sum of item variances."""
    by_question: dict[int, list[int]] = defaultdict(list)
    for version_id, group in per_version.items():
        by_question[group.question_id].append(version_id)
    all_points = sum(group.points for group in per_version.values())
    rolled: dict[int, _Group] = {}
    for question_id, version_ids in by_question.items():
        whole = rolled[question_id] = _Group(question_id)
        for version_id in version_ids:
            whole.cells += per_version[version_id].cells
            whole.points += per_version[version_id].points
    question_sums = {question_id: group.sums for question_id, group in rolled.items()}
    order = sorted(rolled, key=lambda q: _question_name(versions[by_question[q][0]]))
    if all(sums.n == attempts for sums in question_sums.values()):
        # cov(item, total) = cov(x, y) + var(x), since total = x + y.
        weights = st.effective_weights(
            [
                None if s.cov is None else s.cov + (s.var_x or 0.0)
                for s in (question_sums[q] for q in order)
            ]
        )
    else:
        weights = [st.missing(DIFFERENT_QUESTIONS)] * len(order)
    questions = []
    sum_item_variance = 0.0
    for question_id, weight in zip(order, weights, strict=True):
        sums = question_sums[question_id]
        sum_item_variance += (sums.var_x or 0.0) * sums.n / attempts
        version_items = []
        for version_id in sorted(by_question[question_id], key=lambda v: versions[v].number):
            version = versions[version_id]
            group = per_version[version_id]
            version_sums = group.sums
            version_items.append(
                _item(
                    question_id=question_id,
                    version=version,
                    label=f"{_question_name(version)} v{version.number}",
                    qtype=version.qtype,
                    prompt=version.prompt,
                    sums=version_sums,
                    points=group.points,
                    pair_sum=st.sorted_pair_sum(group.cells),
                    guess=_guess(version),
                    intended_weight=100 * group.points / all_points if all_points else 0.0,
                    effective_weight=st.missing(PER_QUESTION_ONLY),
                    options=_options(version, version_sums, chosen),
                )
            )
        latest = versions[max(by_question[question_id], key=lambda v: versions[v].number)]
        guess = sum(v.random_guess * v.attempts for v in version_items) / sums.n
        whole = rolled[question_id]
        questions.append(
            _item(
                question_id=question_id,
                version=None,
                label=_question_name(latest),
                qtype=latest.qtype,
                prompt=latest.prompt,
                sums=sums,
                points=whole.points,
                pair_sum=st.sorted_pair_sum(whole.cells),
                guess=guess,
                intended_weight=100 * whole.points / all_points if all_points else 0.0,
                effective_weight=weight,
                versions=tuple(version_items),
            )
        )
    items_per_attempt = sum(s.n for s in question_sums.values()) / attempts
    return tuple(questions), items_per_attempt, sum_item_variance


def _question_name(version: QuestionVersion) -> str:
    return f"{version.question.bank.slug}/{version.question.key}"
