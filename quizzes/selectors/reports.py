"""The quiz report: Moodle's item analysis of one quiz, computed live by the database.

`quiz_report(quiz=..., classroom=...)` costs six queries whatever the class size: the attempt
figures (counts, power sums, histogram), the median, the item sums, the option sums, and the
question versions with their options. Python then applies the formulas of
`quizzes.statistics` to the few aggregated rows (one per question version and one per option).

Which attempts count: closed ones only (submitted, or closed when time ran out), in the class's
assignment when a class is given, and per student as the quiz's grading method says:
- highest: the student's highest-scoring attempt (the earliest of equal ones);
- first / last: the student's first / last closed attempt;
- average: every closed attempt, each treated as a separate sitting. This is Moodle's "all
  attempts" mode: the grade uses them all, and Moodle warns that repeated attempts by one
  student are not independent, so read the figures with that in mind.

An item's mark is its points × fraction. The rest of the test is the attempt's total mark minus
this item's mark; the attempt's total is a window sum over its answers.

Random draws: attempts may see different questions. Item figures use the attempts that saw the
item. The coefficient of internal consistency uses P = the mean number of questions per attempt
and weighs each question's mark variance by the share of attempts that saw it (the expected sum
of item variances in one attempt); for a fixed quiz this is exactly Moodle's formula. Effective
weights are only given when every counted attempt saw the same questions.

Why some SQL is written out: the ORM builds the scoped, scored answer rows (a window sum gives
each answer its attempt's total), but it cannot aggregate over a window expression, nor join a
windowed set to itself, which the sorted pairing of the discriminative efficiency needs. So the
outer aggregation wraps the ORM's compiled SQL; it uses only portable SQL (CTEs, ROW_NUMBER,
SUM) that SQLite and PostgreSQL both run. A correlated subquery per answer would cost one index
lookup per answer row instead.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Count, F, FloatField, Prefetch, Q, QuerySet, Sum, Value, Window
from django.db.models.functions import Cast, Coalesce, RowNumber

from quizzes import statistics as st
from quizzes.models import Answer, Attempt, Classroom, Option, QuestionVersion, Quiz
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


def _scored_answers(counted: QuerySet[Attempt]) -> tuple[str, tuple]:
    """SQL for the counted answers: id, version, question, points, mark and attempt total."""
    mark = _as_float("points") * Coalesce(_as_float("fraction"), Value(0.0))
    rows = (
        Answer.objects.filter(attempt__in=counted.values("pk"))
        .order_by()
        .annotate(
            aid=F("pk"),
            v=F("question_version_id"),
            q=F("question_version__question_id"),
            pts=_as_float("points"),
            x=mark,
            t=Window(Sum(mark), partition_by=[F("attempt_id")]),
        )
        .values("aid", "v", "q", "pts", "x", "t")
    )
    return rows.query.sql_with_params()


# Per version: the sums for facility, SD and correlations (y = rest of test), and the sums of
# x₍ᵢ₎·y₍ᵢ₎ with both sorted, per version (sv) and per question (sq), for the efficiency.
ITEM_SUMS_SQL = """
WITH s AS ({scored}),
r AS (
    SELECT v, q, pts, x, t - x AS y,
        ROW_NUMBER() OVER (PARTITION BY v ORDER BY x) AS vx,
        ROW_NUMBER() OVER (PARTITION BY v ORDER BY t - x) AS vy,
        ROW_NUMBER() OVER (PARTITION BY q ORDER BY x) AS qx,
        ROW_NUMBER() OVER (PARTITION BY q ORDER BY t - x) AS qy
    FROM s
)
SELECT a.v, a.q, COUNT(*), SUM(a.pts), SUM(a.x), SUM(a.x * a.x), SUM(a.y), SUM(a.y * a.y),
    SUM(a.x * a.y), SUM(a.x * b.y), SUM(a.x * c.y)
FROM r a
JOIN r b ON b.v = a.v AND b.vy = a.vx
JOIN r c ON c.q = a.q AND c.qy = a.qx
GROUP BY a.v, a.q
"""

OPTION_SUMS_SQL = """
WITH s AS ({scored})
SELECT c.option_id, COUNT(*), SUM(s.t - s.x)
FROM {choice_table} c JOIN s ON s.aid = c.answer_id
GROUP BY c.option_id
"""


def _fetch(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass(frozen=True)
class _ItemSums:
    question_id: int
    sums: st.Sums  # x = mark, y = rest of test
    points: float
    pair_sum: float  # Σ x₍ᵢ₎·y₍ᵢ₎ within this group
    question_pair_part: float  # this version's share of the question's sorted-pair sum


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
        return QuizReport(test=_test_statistics(test_sums, None, (), 0.0, 0.0), **report)
    median = _median(counted, n)
    scored_sql, scored_params = _scored_answers(counted)
    item_rows = _fetch(ITEM_SUMS_SQL.format(scored=scored_sql), scored_params)
    choice_table = Answer.chosen_options.through._meta.db_table
    option_rows = _fetch(
        OPTION_SUMS_SQL.format(
            scored=scored_sql, choice_table=connection.ops.quote_name(choice_table)
        ),
        scored_params,
    )
    version_ids = [row[0] for row in item_rows]
    versions = {
        v.pk: v
        for v in QuestionVersion.objects.filter(pk__in=version_ids)
        .select_related("question__bank")
        .prefetch_related(Prefetch("options", queryset=Option.objects.order_by("position")))
    }
    per_version = {
        row[0]: _ItemSums(
            question_id=row[1],
            sums=st.Sums(
                n=int(row[2]),
                sx=st.to_float(row[4]),
                sy=st.to_float(row[6]),
                sxx=st.to_float(row[5]),
                syy=st.to_float(row[7]),
                sxy=st.to_float(row[8]),
            ),
            points=st.to_float(row[3]),
            pair_sum=st.to_float(row[9]),
            question_pair_part=st.to_float(row[10]),
        )
        for row in item_rows
    }
    chosen = {row[0]: (int(row[1]), st.to_float(row[2])) for row in option_rows}
    questions, items_per_attempt, sum_item_variance = _items(per_version, versions, chosen, n)
    test = _test_statistics(test_sums, median, questions, items_per_attempt, sum_item_variance)
    return QuizReport(test=test, questions=questions, **report)


def _attempt_sums(counted: QuerySet[Attempt]) -> dict:
    score = _as_float("fraction") * Value(100.0)
    mark = _as_float("answers__points") * Coalesce(_as_float("answers__fraction"), Value(0.0))
    bins = {}
    for k in range(HISTOGRAM_BINS):
        within = Q(fraction__gte=Decimal(k) / HISTOGRAM_BINS)
        if k < HISTOGRAM_BINS - 1:
            within &= Q(fraction__lt=Decimal(k + 1) / HISTOGRAM_BINS)
        bins[f"bin{k}"] = Count("pk", filter=within)
    return (
        Attempt.objects.filter(pk__in=counted.values("pk"))
        .order_by()
        .annotate(score=score, total=Sum(mark))
        .aggregate(
            n=Count("pk"),
            s1=Sum("score"),
            s2=Sum(F("score") * F("score")),
            s3=Sum(F("score") * F("score") * F("score")),
            s4=Sum(F("score") * F("score") * F("score") * F("score")),
            t1=Sum("total"),
            t2=Sum(F("total") * F("total")),
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
    questions: tuple[ItemStats, ...],
    items_per_attempt: float,
    sum_item_variance: float,
) -> TestStatistics:
    n = sums["n"] or 0
    m = st.moments(n, *(st.to_float(sums[k]) for k in ("s1", "s2", "s3", "s4")))
    total_variance = st.variance(n, st.to_float(sums["t1"]), st.to_float(sums["t2"]))
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
    per_version: dict[int, _ItemSums],
    versions: dict[int, QuestionVersion],
    chosen: dict,
    attempts: int,
) -> tuple[tuple[ItemStats, ...], float, float]:
    """Items per question with their versions; also P and the weighted sum of item variances."""
    by_question: dict[int, list[int]] = defaultdict(list)
    for version_id, item in per_version.items():
        by_question[item.question_id].append(version_id)
    all_points = sum(item.points for item in per_version.values())
    rolled: dict[int, tuple[st.Sums, float, float]] = {}
    for question_id, version_ids in by_question.items():
        parts = [per_version[v] for v in version_ids]
        sums = parts[0].sums
        for part in parts[1:]:
            sums = sums + part.sums
        rolled[question_id] = (
            sums,
            sum(p.points for p in parts),
            sum(p.question_pair_part for p in parts),
        )
    # cov(item, total) = cov(x, y) + var(x), since total = x + y.
    same_questions = all(sums.n == attempts for sums, _, _ in rolled.values())
    order = sorted(rolled, key=lambda q: _question_name(versions[by_question[q][0]]))
    if same_questions:
        weights = st.effective_weights(
            [
                None if s.cov is None else s.cov + (s.var_x or 0.0)
                for s, _, _ in (rolled[q] for q in order)
            ]
        )
    else:
        weights = [st.missing(DIFFERENT_QUESTIONS)] * len(order)
    questions = []
    sum_item_variance = 0.0
    for question_id, weight in zip(order, weights, strict=True):
        sums, points, pair_sum = rolled[question_id]
        sum_item_variance += (sums.var_x or 0.0) * sums.n / attempts
        version_items = []
        for version_id in sorted(by_question[question_id], key=lambda v: versions[v].number):
            version = versions[version_id]
            item = per_version[version_id]
            version_items.append(
                _item(
                    question_id=question_id,
                    version=version,
                    label=f"{_question_name(version)} v{version.number}",
                    qtype=version.qtype,
                    prompt=version.prompt,
                    sums=item.sums,
                    points=item.points,
                    pair_sum=item.pair_sum,
                    guess=_guess(version),
                    intended_weight=100 * item.points / all_points if all_points else 0.0,
                    effective_weight=st.missing(PER_QUESTION_ONLY),
                    options=_options(version, item.sums, chosen),
                )
            )
        latest = versions[max(by_question[question_id], key=lambda v: versions[v].number)]
        guess = sum(v.random_guess * v.attempts for v in version_items) / sums.n
        questions.append(
            _item(
                question_id=question_id,
                version=None,
                label=_question_name(latest),
                qtype=latest.qtype,
                prompt=latest.prompt,
                sums=sums,
                points=points,
                pair_sum=pair_sum,
                guess=guess,
                intended_weight=100 * points / all_points if all_points else 0.0,
                effective_weight=weight,
                versions=tuple(version_items),
            )
        )
    items_per_attempt = sum(s.n for s, _, _ in rolled.values()) / attempts
    return tuple(questions), items_per_attempt, sum_item_variance


def _question_name(version: QuestionVersion) -> str:
    return f"{version.question.bank.slug}/{version.question.key}"
