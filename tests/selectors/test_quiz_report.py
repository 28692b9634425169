"""The quiz report against numpy/scipy computed from the same marks, on SQLite and PostgreSQL."""

import math
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import numpy as np
import pytest
from django.utils import timezone
from scipy import stats

from quizzes import statistics as st
from quizzes.models import Answer, AnswerChoice, Attempt
from quizzes.models.attempts import AttemptState
from quizzes.selectors.reports import (
    ATTEMPTS_USED,
    DIFFERENT_QUESTIONS,
    PER_QUESTION_ONLY,
    counted_attempts,
    quiz_report,
)
from tests.factories import (
    AssignmentFactory,
    ClassroomFactory,
    OptionFactory,
    QuestionBankFactory,
    QuestionFactory,
    QuestionVersionFactory,
    QuizFactory,
    StudentFactory,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def make_question(bank, key, *, qtype="single_choice", fractions=(1, 0, 0, 0), myths=()):
    question = QuestionFactory(bank=bank, key=key, with_version=False)
    version = new_version(question, 1, qtype=qtype, fractions=fractions, myths=myths)
    return question, version


def new_version(question, number, *, qtype="single_choice", fractions=(1, 0, 0, 0), myths=()):
    version = QuestionVersionFactory(question=question, number=number, qtype=qtype)
    for position, fraction in enumerate(fractions):
        OptionFactory(
            version=version,
            position=position,
            text=f"{question.key} v{number} option {position}",
            fraction=Decimal(str(fraction)),
            is_myth=position in myths,
        )
    question.current_version = version
    question.save(update_fields=["current_version"])
    return version


@dataclass
class Given:
    version: object
    fraction: float
    chosen: tuple = ()  # option positions
    points: float = 1.0


def sit(student, quiz, answers, *, number=1, assignment=None, state=AttemptState.SUBMITTED):
    """Store one graded attempt with the given answers, as the attempt services would."""
    total = sum(Decimal(str(a.points)) for a in answers)
    earned = sum(Decimal(str(a.points)) * Decimal(str(a.fraction)) for a in answers)
    closed = state != AttemptState.IN_PROGRESS
    attempt = Attempt.objects.create(
        student=student,
        quiz=quiz,
        assignment=assignment,
        number=number,
        state=state,
        started_at=NOW - timedelta(hours=number),
        submitted_at=NOW - timedelta(hours=number) + timedelta(minutes=5) if closed else None,
        fraction=(earned / total).quantize(Decimal("0.00001")) if closed else None,
    )
    for position, given in enumerate(answers, 1):
        answer = Answer.objects.create(
            attempt=attempt,
            position=position,
            question_version=given.version,
            points=Decimal(str(given.points)),
            fraction=Decimal(str(given.fraction)) if closed else None,
        )
        options = list(given.version.options.order_by("position"))
        AnswerChoice.objects.bulk_create(
            AnswerChoice(
                answer=answer,
                option=options[p],
                attempt=attempt,
                mark=answer.points * (answer.fraction or 0),
            )
            for p in given.chosen
        )
    return attempt


# ---- the reference: Moodle's definitions written out over the rows with numpy -------------


def reference(attempts):
    """attempts: list of lists of Given. Returns what Moodle's report says, computed directly."""
    totals = np.array([sum(g.points * g.fraction for g in a) for a in attempts])
    maxima = np.array([sum(g.points for g in a) for a in attempts])
    scores = totals / maxima * 100
    items = {}
    for a, total in zip(attempts, totals, strict=True):
        for g in a:
            entry = items.setdefault(g.version.pk, {"x": [], "y": [], "t": [], "pts": []})
            entry["x"].append(g.points * g.fraction)
            entry["y"].append(total - g.points * g.fraction)
            entry["t"].append(total)
            entry["pts"].append(g.points)
    return scores, totals, {k: {n: np.array(v) for n, v in e.items()} for k, e in items.items()}


def moodle_item(e):
    x, y = e["x"], e["y"]
    n = len(x)
    cov = np.cov(x, y, ddof=1)[0, 1]
    cov_max = ((np.sort(x) - x.mean()) * (np.sort(y) - y.mean())).sum() / (n - 1)
    return {
        "facility": x.mean() / e["pts"].mean(),
        "sd": x.std(ddof=1) / e["pts"].mean(),
        "di": 100 * stats.pearsonr(x, y).statistic,
        "de": 100 * cov / cov_max,
        "cov_total": np.cov(x, e["t"], ddof=1)[0, 1],
    }


def item(report, version):
    for question in report.questions:
        for v in question.versions:
            if v.version_id == version.pk:
                return v
    raise AssertionError(f"version {version.pk} not in the report")


def question_row(report, question):
    return next(q for q in report.questions if q.question_id == question.pk)


# ---- a fixed quiz ---------------------------------------------------------------------------

# 14 students × 4 single-choice questions (fraction per question), with option choices.
MARKS = [
    (1, 1, 1, 0),
    (1, 0, 1, 0),
    (1, 1, 0, 1),
    (0, 0, 1, 0),
    (1, 1, 1, 1),
    (0, 1, 0, 0),
    (1, 1, 1, 0),
    (1, 0, 0, 0),
    (0, 0, 0, 1),
    (1, 1, 1, 1),
    (1, 0, 1, 0),
    (0, 0, 0, 0),
    (1, 1, 0, 1),
    (1, 1, 1, 0),
]
WRONG_PICKS = [1, 2, 3, 1, 2, 1, 3, 1, 1, 2, 3, 1, 2, 1]


@pytest.fixture
def fixed_quiz():
    bank = QuestionBankFactory(slug="psoas")
    quiz = QuizFactory(grading_method="highest")
    versions = [make_question(bank, f"q{i}", myths=(1,) if i == 0 else ())[1] for i in range(4)]
    points = [1.0, 1.0, 2.0, 1.0]
    sittings = []
    for s, row in enumerate(MARKS):
        answers = [
            Given(v, f, chosen=(0,) if f else (WRONG_PICKS[s],), points=p)
            for v, f, p in zip(versions, row, points, strict=True)
        ]
        sit(StudentFactory(), quiz, answers)
        sittings.append(answers)
    return quiz, versions, sittings


def test_test_statistics_match_numpy_and_scipy(fixed_quiz):
    quiz, versions, sittings = fixed_quiz
    report = quiz_report(quiz=quiz)
    scores, totals, items = reference(sittings)
    test = report.test
    assert test.attempts == 14
    assert test.mean == pytest.approx(scores.mean())
    assert test.median == pytest.approx(np.median(scores))
    assert test.sd.value == pytest.approx(scores.std(ddof=1))
    assert test.skewness.value == pytest.approx(stats.skew(scores, bias=False))
    assert test.kurtosis.value == pytest.approx(stats.kurtosis(scores, bias=False))
    marks = np.array([[g.points * g.fraction for g in a] for a in sittings])
    k = marks.shape[1]
    alpha = k / (k - 1) * (1 - marks.var(axis=0, ddof=1).sum() / totals.var(ddof=1))
    assert test.alpha.value == pytest.approx(100 * alpha)
    assert test.alpha.too_few
    assert test.error_ratio.value == pytest.approx(100 * math.sqrt(1 - alpha))
    assert test.standard_error.value == pytest.approx(math.sqrt(1 - alpha) * scores.std(ddof=1))
    assert test.items_per_attempt == 4
    counts, _ = np.histogram(scores, bins=np.linspace(0, 100, 11))
    assert [b.count for b in test.histogram] == list(counts)
    assert [(b.low, b.high) for b in test.histogram][-1] == (90, 100)
    assert report.attempts_used == ATTEMPTS_USED["highest"]


def test_item_statistics_match_moodle_definitions(fixed_quiz):
    quiz, versions, sittings = fixed_quiz
    report = quiz_report(quiz=quiz)
    _, _, items = reference(sittings)
    covs = []
    for version in versions:
        got = item(report, version)
        want = moodle_item(items[version.pk])
        covs.append(want["cov_total"])
        assert got.attempts == 14
        assert got.facility.value == pytest.approx(want["facility"])
        assert got.sd.value == pytest.approx(want["sd"])
        assert got.discrimination.value == pytest.approx(want["di"])
        assert got.efficiency.value == pytest.approx(want["de"])
        ci = stats.pearsonr(items[version.pk]["x"], items[version.pk]["y"]).confidence_interval()
        assert got.discrimination.low == pytest.approx(100 * ci.low)
        assert got.discrimination.high == pytest.approx(100 * ci.high)
        assert got.discrimination.too_few  # 14 < 30
        low, high = st.wilson_interval(want["facility"], 14)
        assert (got.facility.low, got.facility.high) == pytest.approx((low, high))
        assert got.random_guess == pytest.approx(0.25)
        assert got.effective_weight.reason == PER_QUESTION_ONLY
    # Intended weight: the question's points over the quiz's (1, 1, 2, 1 of 5).
    rows = [question_row(report, v.question) for v in versions]
    assert [r.intended_weight for r in rows] == pytest.approx([20, 20, 40, 20])
    # Effective weight: Moodle's √cov(item, total) shares, when all covariances are ≥ 0.
    assert all(c >= 0 for c in covs)
    roots = [math.sqrt(c) for c in covs]
    assert [r.effective_weight.value for r in rows] == pytest.approx(
        [100 * r / sum(roots) for r in roots]
    )
    # With one version, the question's figures are its version's.
    for r in rows:
        assert r.facility == r.versions[0].facility
        assert r.discrimination == r.versions[0].discrimination


def test_distractors_share_and_point_biserial(fixed_quiz):
    quiz, versions, sittings = fixed_quiz
    report = quiz_report(quiz=quiz)
    _, totals, items = reference(sittings)
    version = versions[0]
    rest = items[version.pk]["y"]
    got = item(report, version)
    assert [o.position for o in got.options] == [0, 1, 2, 3]
    assert [o.is_myth for o in got.options] == [False, True, False, False]
    for option in got.options:
        picked = np.array(
            [
                option.position in next(g for g in a if g.version == version).chosen
                for a in sittings
            ],
            dtype=float,
        )
        assert option.chosen == picked.sum()
        assert option.share == pytest.approx(picked.mean())
        if 0 < picked.sum() < len(picked):
            assert option.point_biserial.value == pytest.approx(
                stats.pointbiserialr(picked, rest).statistic
            )
        else:
            assert option.point_biserial.value is None and option.point_biserial.reason


# ---- random draws and versions --------------------------------------------------------------


def test_questions_seen_by_only_some_attempts(django_assert_max_num_queries):
    bank = QuestionBankFactory()
    quiz = QuizFactory(grading_method="last")
    pool = [make_question(bank, f"d{i}")[1] for i in range(5)]
    rng = np.random.default_rng(7)
    sittings = []
    for _ in range(24):
        picks = rng.choice(5, size=3, replace=False)
        answers = [Given(pool[i], float(rng.random() < 0.3 + 0.1 * i)) for i in sorted(picks)]
        sit(StudentFactory(), quiz, answers)
        sittings.append(answers)
    with django_assert_max_num_queries(5):
        report = quiz_report(quiz=quiz)
    _, totals, items = reference(sittings)
    expected_sum_var = 0.0
    for version in pool:
        got = item(report, version)
        e = items[version.pk]
        assert got.attempts == len(e["x"])
        want = moodle_item(e)
        assert got.facility.value == pytest.approx(want["facility"])
        if got.discrimination.value is not None:
            assert got.discrimination.value == pytest.approx(want["di"])
            assert got.efficiency.value == pytest.approx(want["de"])
        expected_sum_var += e["x"].var(ddof=1) * len(e["x"]) / 24
        assert question_row(report, version.question).effective_weight.reason == (
            DIFFERENT_QUESTIONS
        )
    # Alpha with P = questions per attempt and each variance weighted by who saw the question.
    assert report.test.items_per_attempt == 3
    alpha = 3 / 2 * (1 - expected_sum_var / totals.var(ddof=1))
    assert report.test.alpha.value == pytest.approx(100 * alpha)


def test_figures_per_version_and_rolled_up_per_question():
    bank = QuestionBankFactory()
    quiz = QuizFactory(grading_method="first")
    question, v1 = make_question(bank, "edited", fractions=(1, 0, 0))
    _, other = make_question(bank, "other")
    first = [(1, 1), (0, 0), (1, 0), (0, 1), (0, 0), (1, 1)]
    sittings = [[Given(v1, a), Given(other, b)] for a, b in first]
    for answers in sittings:
        sit(StudentFactory(), quiz, answers)
    v2 = new_version(question, 2, fractions=(1, 0, 0, 0, 0))
    second = [(1, 1), (1, 0), (1, 1), (0, 0), (1, 1), (0, 1), (1, 0)]
    later = [[Given(v2, a), Given(other, b)] for a, b in second]
    for answers in later:
        sit(StudentFactory(), quiz, answers)
    report = quiz_report(quiz=quiz)
    _, _, items = reference(sittings + later)
    row = question_row(report, question)
    assert [v.version_number for v in row.versions] == [1, 2]
    assert row.attempts == 13 and [v.attempts for v in row.versions] == [6, 7]
    for version in (v1, v2):
        assert item(report, version).facility.value == pytest.approx(
            moodle_item(items[version.pk])["facility"]
        )
        assert item(report, version).discrimination.value == pytest.approx(
            moodle_item(items[version.pk])["di"]
        )
    both = {k: np.concatenate([items[v1.pk][k], items[v2.pk][k]]) for k in items[v1.pk]}
    want = moodle_item(both)
    assert row.facility.value == pytest.approx(want["facility"])
    assert row.discrimination.value == pytest.approx(want["di"])
    assert row.efficiency.value == pytest.approx(want["de"])
    # Guessing: 1/3 on version 1, 1/5 on version 2, weighted by attempts.
    assert item(report, v1).random_guess == pytest.approx(1 / 3)
    assert row.random_guess == pytest.approx((6 / 3 + 7 / 5) / 13)
    assert row.label == f"{bank.slug}/edited"


def test_negative_weight_options_and_partial_credit():
    bank = QuestionBankFactory()
    quiz = QuizFactory(grading_method="highest")
    _, multi = make_question(
        bank, "multi", qtype="multiple_response", fractions=(0.5, 0.5, -1, -1), myths=(2,)
    )
    _, single = make_question(bank, "single")
    picks = [((0, 1), 1.0), ((0,), 0.5), ((0, 2), 0.0), ((1,), 0.5), ((2, 3), 0.0), ((0, 1), 1.0)]
    sittings = []
    for (chosen, fraction), other in zip(picks, [1, 0, 0, 1, 0, 1], strict=True):
        answers = [Given(multi, fraction, chosen=chosen, points=2), Given(single, other)]
        sit(StudentFactory(), quiz, answers)
        sittings.append(answers)
    report = quiz_report(quiz=quiz)
    _, _, items = reference(sittings)
    got = item(report, multi)
    want = moodle_item(items[multi.pk])
    assert got.random_guess == 0.0
    assert got.facility.value == pytest.approx(want["facility"])
    assert got.discrimination.value == pytest.approx(want["di"])
    assert got.efficiency.value == pytest.approx(want["de"])
    myth = got.options[2]
    assert myth.is_myth and myth.fraction == -1 and myth.chosen == 2
    assert myth.share == pytest.approx(2 / 6)


# ---- which attempts count -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "expected"),
    [("highest", [0.8, 0.6]), ("first", [0.4, 0.6]), ("last", [0.5, 0.2]), ("average", None)],
)
def test_grading_method_picks_the_attempts(method, expected):
    bank = QuestionBankFactory()
    quiz = QuizFactory(grading_method=method)
    _, version = make_question(bank, "q")
    _, version2 = make_question(bank, "r")

    def attempt(student, number, fraction, state=AttemptState.SUBMITTED):
        return sit(
            student,
            quiz,
            [Given(version, fraction), Given(version2, fraction)],
            number=number,
            state=state,
        )

    ana, ben = StudentFactory(), StudentFactory()
    attempt(ana, 1, 0.4)
    attempt(ana, 2, 0.8)
    attempt(ana, 3, 0.5)
    attempt(ana, 4, 0.9, state=AttemptState.IN_PROGRESS)  # open: never counts
    attempt(ben, 1, 0.6)
    attempt(ben, 2, 0.6)
    attempt(ben, 3, 0.2, state=AttemptState.OVERDUE)
    counted = sorted(
        counted_attempts(quiz=quiz).values_list("student__username", "fraction"),
    )
    if expected is None:
        assert len(counted) == 6
        fractions = [0.4, 0.8, 0.5, 0.6, 0.6, 0.2]
    else:
        by_student = dict(counted)
        assert [float(by_student[ana.username]), float(by_student[ben.username])] == expected
        fractions = expected
    report = quiz_report(quiz=quiz)
    assert report.test.attempts == len(fractions)
    assert report.test.mean == pytest.approx(100 * np.mean(fractions))


def test_highest_breaks_ties_by_the_earlier_attempt():
    bank = QuestionBankFactory()
    quiz = QuizFactory(grading_method="highest")
    _, version = make_question(bank, "q")
    student = StudentFactory()
    first = sit(student, quiz, [Given(version, 1.0)], number=1)
    sit(student, quiz, [Given(version, 1.0)], number=2)
    assert list(counted_attempts(quiz=quiz).values_list("pk", flat=True)) == [first.pk]


def test_classroom_restricts_to_its_assignment():
    bank = QuestionBankFactory()
    quiz = QuizFactory()
    _, version = make_question(bank, "q")
    ours, theirs = ClassroomFactory(), ClassroomFactory()
    mine = AssignmentFactory(quiz=quiz, classroom=ours)
    other = AssignmentFactory(quiz=quiz, classroom=theirs)
    for fraction in (1.0, 0.0, 1.0):
        sit(StudentFactory(), quiz, [Given(version, fraction)], assignment=mine)
    sit(StudentFactory(), quiz, [Given(version, 0.0)], assignment=other)
    assert quiz_report(quiz=quiz, classroom=ours).test.attempts == 3
    assert quiz_report(quiz=quiz, classroom=theirs).test.attempts == 1
    assert quiz_report(quiz=quiz).test.attempts == 4
    assert quiz_report(quiz=quiz, classroom=ClassroomFactory()).test.attempts == 0


# ---- edge cases -----------------------------------------------------------------------------


def test_no_attempts_gives_an_empty_report_with_reasons():
    report = quiz_report(quiz=QuizFactory())
    assert report.test.attempts == 0 and report.questions == ()
    assert report.test.mean is None and report.test.sd.reason == st.NO_ATTEMPTS
    assert [b.count for b in report.test.histogram] == [0] * 10


def test_one_attempt_gives_means_and_says_why_the_rest_is_missing():
    bank = QuestionBankFactory()
    quiz = QuizFactory()
    _, a = make_question(bank, "a")
    _, b = make_question(bank, "b")
    sit(StudentFactory(), quiz, [Given(a, 1.0), Given(b, 0.0)])
    report = quiz_report(quiz=quiz)
    assert report.test.mean == 50 and report.test.median == 50
    assert report.test.sd.reason == st.NEEDS_TWO
    assert report.test.alpha.reason == st.NEEDS_THREE
    got = item(report, a)
    assert got.facility.value == 1.0 and got.facility.too_few
    assert got.sd.reason == st.NEEDS_TWO
    assert got.discrimination.value is None and got.discrimination.reason == st.NEEDS_TWO
    assert got.efficiency.value is None


def test_everyone_right_means_zero_variance_reported_not_divided_by():
    bank = QuestionBankFactory()
    quiz = QuizFactory()
    _, a = make_question(bank, "a")
    _, b = make_question(bank, "b")
    for _ in range(5):
        sit(StudentFactory(), quiz, [Given(a, 1.0, chosen=(0,)), Given(b, 1.0, chosen=(0,))])
    report = quiz_report(quiz=quiz)
    assert report.test.mean == 100 and report.test.sd.value == 0
    assert report.test.skewness.reason == st.NO_SPREAD
    assert report.test.alpha.reason == st.NO_SPREAD
    got = item(report, a)
    assert got.facility.value == 1.0 and got.sd.value == 0
    assert got.discrimination.reason == st.ITEM_NO_SPREAD
    assert [f.code for f in got.flags] == ["too_easy"]
    assert got.options[0].share == 1.0
    assert got.options[0].point_biserial.reason == st.ALWAYS_CHOSEN
    assert question_row(report, a.question).effective_weight.reason == st.NO_SPREAD
    assert report.test.histogram[-1].count == 5


def test_dubious_items_are_flagged():
    bank = QuestionBankFactory()
    quiz = QuizFactory()
    good = [make_question(bank, f"good{t}")[1] for t in (3, 5, 7)]
    _, reversed_ = make_question(bank, "reversed")
    # Ten students by ability: the good questions reward it, `reversed` punishes it.
    for ability in range(10):
        answers = [Given(v, float(ability >= t)) for v, t in zip(good, (3, 5, 7), strict=True)]
        sit(StudentFactory(), quiz, [*answers, Given(reversed_, float(ability < 5))])
    report = quiz_report(quiz=quiz)
    flagged = item(report, reversed_)
    assert flagged.discrimination.value < 0
    assert st.Flag("negative_discrimination", st.NEGATIVE_DISCRIMINATION) in flagged.flags
    for version in good:
        assert "negative_discrimination" not in {f.code for f in item(report, version).flags}


# ---- cost -----------------------------------------------------------------------------------


def class_of(size, quiz, versions, rng):
    for _ in range(size):
        ability = rng.normal()
        answers = [
            Given(v, float(rng.random() < 1 / (1 + math.exp(-(ability - d)))), chosen=(0,))
            for v, d in zip(versions, (-1, 0, 1), strict=True)
        ]
        sit(StudentFactory(), quiz, answers)


@pytest.mark.parametrize("size", [5, 60])
def test_query_count_does_not_grow_with_the_class(size, django_assert_num_queries):
    bank = QuestionBankFactory()
    quiz = QuizFactory(grading_method="highest")
    versions = [make_question(bank, f"q{i}")[1] for i in range(3)]
    class_of(size, quiz, versions, np.random.default_rng(size))
    with django_assert_num_queries(5):
        report = quiz_report(quiz=quiz, classroom=None)
    assert report.test.attempts == size
    assert len(report.questions) == 3
    assert all(len(q.versions[0].options) == 4 for q in report.questions)
