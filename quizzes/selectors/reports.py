"""The quiz report: Moodle's item analysis of one quiz, computed live by the database.

`quiz_report(quiz=..., classroom=...)` costs five queries whatever the class size, all of them
aggregates: how many counted attempts had each (score, total mark), which gives the score
moments, histogram and median and the variance of the totals; per question version the joint
histogram of the answers' (points, fraction, their attempt's total mark), from which the item
mark x and rest-of-test mark y follow exactly; per option how often it was chosen and the sum
of its choosers' rest-of-test marks; and the question versions with their options. Python then
applies the formulas of `quizzes.statistics` to those few rows (tens to hundreds: marks are
sums of a few fractions), never to answer rows.

Which attempts count: closed ones only (submitted, or closed when time ran out), in the class's
assignment when a class is given, and per student as the quiz's grading method says:
- highest: the student's highest-scoring attempt (the earliest of equal ones);
- first / last: the student's first / last closed attempt;
- average: every closed attempt, each treated as a separate sitting. This is Moodle's "all
  attempts" mode: the grade uses them all, and Moodle warns that repeated attempts by one
  student are not independent, so read the figures with that in mind.

An item's mark is its points × fraction. The rest of the test is the attempt's total mark minus
this item's mark. The attempt services store each attempt's total (`Attempt.marks`) when they
close it, so the answer sums read every answer once, joined to its attempt, much as a bare
aggregate over the answers does; summing every attempt's answers first was a third pass over
them. Each chosen option (`AnswerChoice`) carries a copy of its answer's attempt and mark, so
the option sums join the choices to the attempts alone, not through the answers
(bench/results/reports.md has the timings).

Random draws: attempts may see different questions. Item figures use the attempts that saw the
item. The coefficient of internal consistency uses P = the mean number of questions per attempt
and weighs each question's mark variance by the share of attempts that saw it (the expected sum
of item variances in one attempt); for a fixed quiz this is exactly Moodle's formula. Effective
weights are only given when every counted attempt saw the same questions.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Expression,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber

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


def _counted(*, quiz: Quiz, classroom: Classroom | None, via: str = "") -> Q:
    """The counted attempts (see the module docstring) as a filter along `via`, the path from
    the model queried to Attempt ("" from Attempt, "attempt__" from Answer). The answer sums
    filter the closed attempts through the join they need for the stored marks anyway, so
    they read the attempts once, as the bare aggregate over the same answers does."""
    closed = Q(**{f"{via}quiz": quiz, f"{via}state__in": CLOSED_STATES})
    if classroom is not None:
        closed &= Q(**{f"{via}assignment__classroom": classroom})
    method = quiz.grading_method
    if method == GradingMethod.AVERAGE:
        return closed
    order = {
        GradingMethod.HIGHEST: [F("fraction").desc(), F("number").asc()],
        GradingMethod.FIRST: [F("number").asc()],
        GradingMethod.LAST: [F("number").desc()],
    }[method]
    ranked = (
        Attempt.objects.filter(Q(quiz=quiz, state__in=CLOSED_STATES))
        .filter(*([Q(assignment__classroom=classroom)] if classroom is not None else []))
        .annotate(rank=Window(RowNumber(), partition_by=[F("student_id")], order_by=order))
        .filter(rank=1)
    )
    return Q(**{f"{via}pk__in": ranked.values("pk")})


def counted_attempts(*, quiz: Quiz, classroom: Classroom | None = None) -> QuerySet[Attempt]:
    """The attempts the report uses, as a QuerySet to filter by (see the module docstring)."""
    return Attempt.objects.filter(_counted(quiz=quiz, classroom=classroom))


MARK = DecimalField(max_digits=14, decimal_places=7)


def _mark() -> ExpressionWrapper:
    """An answer's mark, points × fraction. Exact decimals: equal marks group together, with no
    float rounding to split them."""
    return ExpressionWrapper(
        F("points") * Coalesce(F("fraction"), Value(Decimal(0))), output_field=MARK
    )


def _total_marks(via: str, attempt_id: str, *, stored: bool) -> Expression:
    """The attempt's total mark along `via` (the path to Attempt). Attempts closed by the
    attempt services store it. Attempts written without them (bulk loads) have none; only when
    the report finds such attempts does it sum their answers instead, in a subquery per
    attempt. Never by default: PostgreSQL costs that subquery as if it ran for every answer,
    and the inflated estimate alone made it JIT-compile the query, which cost more than the
    query itself (see bench/results/reports.md)."""
    if stored:
        return F(f"{via}marks")
    summed = (
        Answer.objects.filter(attempt_id=OuterRef(attempt_id))
        .order_by()
        .values("attempt_id")
        .annotate(total=Sum(_mark()))
        .values("total")
    )
    return Coalesce(F(f"{via}marks"), Subquery(summed), output_field=MARK)


def _score_rows(counted: Q) -> list[tuple]:
    """How many counted attempts had each (fraction, stored total mark, marks on offer)."""
    return list(
        Attempt.objects.filter(counted)
        .order_by()
        .values_list("fraction", "marks", "max_marks")
        .annotate(count=Count("pk"))
    )


def _answer_rows(counted: Q, *, stored: bool, unstored_totals: Q | None) -> list[tuple]:
    """The joint histogram of the counted answers: how many answers to each question version
    had each (points, fraction) in an attempt with each total mark. The item mark x and the
    rest-of-test mark y follow exactly in Python; grouping by these stored columns rather than
    by computed marks spares the database decimal arithmetic on every answer.

    With `unstored_totals`, rows with no version follow: how many of those attempts summed to
    each total mark (None for an attempt without answers)."""
    rows = (
        Answer.objects.filter(counted)
        .order_by()
        .annotate(total=_total_marks("attempt__", "attempt_id", stored=stored))
        .values_list("question_version_id", "points", "fraction", "total")
        .annotate(count=Count("pk"))
    )
    if unstored_totals is not None:
        totals = (
            Attempt.objects.filter(unstored_totals)
            .order_by()
            .annotate(
                v=Value(None, output_field=IntegerField()),
                p=Value(None, output_field=MARK),
                f=Value(None, output_field=MARK),
                total=_total_marks("", "pk", stored=False),
            )
            .values_list("v", "p", "f", "total")
            .annotate(count=Count("pk"))
        )
        rows = rows.union(totals, all=True)
    return list(rows)


def _option_rows(counted: Q, *, stored: bool) -> list[tuple]:
    """Per option: how many counted answers chose it, and the sum of their rest-of-test marks.
    A choice carries its answer's attempt and mark, so this joins choices to attempts only."""
    rest = ExpressionWrapper(
        _total_marks("attempt__", "attempt_id", stored=stored) - F("mark"), output_field=MARK
    )
    return list(
        AnswerChoice.objects.filter(counted)
        .order_by()
        .values_list("option_id")
        .annotate(chosen=Count("pk"), rest=Sum(rest))
    )


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
    scores = _score_rows(_counted(quiz=quiz, classroom=classroom))
    test_sums = _attempt_sums(scores)
    n = test_sums["n"]
    report = {
        "quiz": quiz,
        "classroom": classroom,
        "grading_method": quiz.grading_method,
        "attempts_used": ATTEMPTS_USED[quiz.grading_method],
    }
    if n == 0:
        return QuizReport(test=_test_statistics(test_sums, None, None, 0.0, 0.0), **report)
    stored = all(marks is not None for _, marks, _, _ in scores)
    # Only attempts with answers have a total (an attempt at a quiz of no questions has none).
    totals = [
        st.Cell(float(marks), 0.0, count)
        for _, marks, most, count in scores
        if marks is not None and most
    ]
    unstored = None
    if not stored:
        unstored = _counted(quiz=quiz, classroom=classroom) & Q(marks__isnull=True)
    cells: dict[int, dict[tuple[Decimal, Decimal], int]] = defaultdict(lambda: defaultdict(int))
    points: dict[int, Decimal] = defaultdict(Decimal)
    for version_id, answer_points, fraction, total, count in _answer_rows(
        _counted(quiz=quiz, classroom=classroom, via="attempt__"),
        stored=stored,
        unstored_totals=unstored,
    ):
        if version_id is None:
            if total is not None:
                totals.append(st.Cell(float(total), 0.0, count))
            continue
        x = answer_points * (fraction or 0)
        cells[version_id][x, total - x] += count
        points[version_id] += answer_points * count
    chosen = {
        option_id: (count, st.to_float(rest))
        for option_id, count, rest in _option_rows(
            _counted(quiz=quiz, classroom=classroom, via="attempt__"), stored=stored
        )
    }
    versions = {
        v.pk: v
        for v in QuestionVersion.objects.filter(pk__in=list(cells))
        .select_related("question__bank")
        .prefetch_related(Prefetch("options", queryset=Option.objects.order_by("position")))
    }
    per_version = {
        version_id: _Group(
            versions[version_id].question_id,
            [st.Cell(float(x), float(y), count) for (x, y), count in histogram.items()],
            float(points[version_id]),
        )
        for version_id, histogram in cells.items()
    }
    questions, items_per_attempt, sum_item_variance = _items(per_version, versions, chosen, n)
    total_variance = st.sums_from_cells(totals).var_x
    median = _median(scores, n)
    test = _test_statistics(test_sums, median, total_variance, items_per_attempt, sum_item_variance)
    return QuizReport(test=test, questions=questions, **report)


def _attempt_sums(scores: list[tuple]) -> dict:
    """Count, power sums of the score (percent) and the histogram, from the score rows."""
    sums = {"n": 0, "s1": 0.0, "s2": 0.0, "s3": 0.0, "s4": 0.0}
    sums |= {f"bin{k}": 0 for k in range(HISTOGRAM_BINS)}
    for fraction, _, _, count in scores:
        score = float(fraction) * 100.0
        sums["n"] += count
        sums["s1"] += count * score
        sums["s2"] += count * score**2
        sums["s3"] += count * score**3
        sums["s4"] += count * score**4
        # Exact decimal bounds: a score of exactly 30 % lies in the 30–40 % bin.
        k = min(int(fraction * HISTOGRAM_BINS), HISTOGRAM_BINS - 1)
        sums[f"bin{k}"] += count
    return sums


def _median(scores: list[tuple], n: int) -> float:
    """The middle score, or the mean of the two middle ones, in percent (as Moodle)."""
    by_fraction: dict[Decimal, int] = defaultdict(int)
    for fraction, _, _, count in scores:
        by_fraction[fraction] += count
    middle = [n // 2 - 1, n // 2] if n % 2 == 0 else [n // 2]
    values = []
    seen = 0
    for fraction in sorted(by_fraction):
        seen += by_fraction[fraction]
        while middle and middle[0] < seen:
            values.append(float(fraction) * 100)
            middle.pop(0)
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
