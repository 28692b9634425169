"""Taking a quiz: start an attempt, save answers as the student goes, submit exactly once.

Every write locks the attempt row first (`select_for_update` on PostgreSQL; on SQLite every
transaction is IMMEDIATE, which serialises writers), then re-reads its state, so double clicks,
two tabs and replayed requests find the attempt already changed and leave it alone. A save from
a page that is still current skips the re-read: one UPDATE moves the revision only if the
attempt is as the page saw it, and takes the same lock. Starting locks the student's enrolment
row instead, since there is no attempt yet to lock.

Closing an attempt (submitted, or closed when its time ran out) feeds every answered question to
the memory model as a review with source "quiz". A wrong answer rates Again, which sends a new
card to its first learning step and a known card to relearning (minutes, not days): a quiz
mistake is in the student's study queue straight away. Unanswered questions are not reviews.
"""

import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Prefetch, Q
from django.utils import timezone

from quizzes import presentation, scheduling
from quizzes.grading import Grade, InvalidResponse, Outcome, grade
from quizzes.models import (
    Answer,
    AnswerChoice,
    Assignment,
    Attempt,
    Classroom,
    Enrollment,
    Extension,
    Option,
    Question,
    QuestionVersion,
    User,
)
from quizzes.models.attempts import AttemptState
from quizzes.models.memory import ReviewSource
from quizzes.models.quizzes import FeedbackTiming
from quizzes.selectors.versions import attach_versions
from quizzes.services import lti
from quizzes.services.memory import Outcome as MemoryOutcome
from quizzes.services.memory import cards_review, policy_for_classes

NOT_IN_CLASS = "You are not a student of the class this quiz is assigned to."
NOT_OPEN_YET = "This quiz opens on {when:%d %b %Y at %H:%M} (UTC)."
CLOSED = "This quiz closed on {when:%d %b %Y at %H:%M} (UTC); no new attempts can be started."
NO_ATTEMPTS_LEFT = "You have used all {allowed} attempts allowed for this quiz."
NO_QUESTIONS = "This quiz has no questions to draw yet; tell your instructor."
ATTEMPT_CLOSED = "This attempt has been submitted; answers can no longer be changed."
TIME_UP = (
    "Time ran out at {when:%H:%M:%S} (UTC), so this answer was not saved. The attempt was "
    "closed with the answers saved before then."
)
STALE = (
    "This attempt was changed in another tab or window at {when:%H:%M:%S} (UTC), so this answer "
    "was not saved. The answer you gave is still below: check it and save again to keep it."
)
LOCKED = "You have already checked this answer; it cannot be changed in this attempt."
NO_SUCH_QUESTION = "This attempt has no question {position}."
NOT_CHECKABLE = "This quiz gives feedback after submission, not question by question."
NOTHING_TO_CHECK = "Give an answer before checking it."
RESPONSE_UNREADABLE = "This answer could not be read; reload the page and answer again."
RESPONSE_TOO_LARGE = "This answer is too long to save; shorten it and save again."

# Longest time one page can add to an answer's time: a tab left open overnight is not effort.
MAX_TIME_PER_SAVE_MS = 30 * 60 * 1000
# Longest stored response, as JSON text: forms cap each text at 500 characters, so only a
# hand-made request comes near this.
MAX_RESPONSE_CHARS = 10_000
MAX_TIME_TAKEN_MS = 2**31 - 1


class AttemptRefused(Exception):
    """The student may not do that now; the message says why."""


class SaveStatus(StrEnum):
    SAVED = "saved"
    STALE = "stale"
    LOCKED = "locked"
    TIME_UP = "time_up"
    CLOSED = "closed"


@dataclass(frozen=True)
class SaveResult:
    status: SaveStatus
    attempt: Attempt
    message: str = ""
    grade: Grade | None = None


def grace_period() -> timedelta:
    return timedelta(seconds=settings.PSOASQUIZ_ATTEMPT_GRACE_SECONDS)


@dataclass(frozen=True)
class Window:
    """When one student may start attempts at one assignment."""

    opens_at: datetime | None
    due_at: datetime | None
    closes_at: datetime | None


def window_for(assignment: Assignment, extension: Extension | None) -> Window:
    """The assignment's dates (the quiz's where it sets none), moved later by an extension.

    An extension only ever gives time: its due date, and its close date (or, without one, its
    due date) replace the others when they are later. A window with no close date stays open.
    """
    quiz = assignment.quiz
    due = assignment.due_at
    closes = assignment.closes_at or quiz.closes_at
    if extension is not None:
        due = max(due, extension.due_at) if due else extension.due_at
        extended_close = extension.closes_at or extension.due_at
        if closes is not None:
            closes = max(closes, extended_close)
    return Window(opens_at=assignment.opens_at or quiz.opens_at, due_at=due, closes_at=closes)


def _utc(moment: datetime) -> datetime:
    # Messages say "(UTC)"; a date built in another zone must not be shown in its own.
    return moment.astimezone(UTC)


def _refusal_to_start(window: Window, now: datetime) -> str | None:
    if window.opens_at and now < window.opens_at:
        return NOT_OPEN_YET.format(when=_utc(window.opens_at))
    if window.closes_at and now >= window.closes_at:
        return CLOSED.format(when=_utc(window.closes_at))
    return None


def attempt_start(
    *, student: User, assignment: Assignment, now: datetime | None = None, seed: int | None = None
) -> Attempt:
    """The student's open attempt at this assignment's quiz, started now if there is none.

    Its questions are fixed here: drawn, shuffled, and each pinned to its current version, with
    its options' order. Raises AttemptRefused with a message for the student.
    """
    now = now or timezone.now()
    rng = random.Random(seed)
    try:
        with transaction.atomic():
            started = _start(student, assignment, now, rng)
    except IntegrityError:
        # Another request (a double click, a second tab, the same quiz assigned in a second
        # class) started one a moment ago: use that one.
        existing = Attempt.objects.filter(
            student=student, quiz_id=assignment.quiz_id, state=AttemptState.IN_PROGRESS
        ).first()
        if existing is None:
            raise
        return existing
    if isinstance(started, str):
        raise AttemptRefused(started)
    return started


def _start(
    student: User, assignment: Assignment, now: datetime, rng: random.Random
) -> Attempt | str:
    """The attempt, or why none can start. A refusal is returned rather than raised so that
    closing a timed-out attempt on the way still commits; nothing else is written before it."""
    # Locking the enrolment makes a second start by this student wait for the first, then find
    # its attempt (SQLite's IMMEDIATE transactions already serialise every writer).
    enrolled = (
        Enrollment.objects.select_for_update()
        .filter(classroom_id=assignment.classroom_id, student=student)
        .exists()
    )
    if not enrolled:
        return NOT_IN_CLASS
    quiz = assignment.quiz
    open_attempt = Attempt.objects.filter(
        student=student, quiz=quiz, state=AttemptState.IN_PROGRESS
    ).first()
    if open_attempt is not None:
        if not time_is_up(open_attempt, now):
            return open_attempt
        # Its time ran out before the cron closed it: close it now, then start afresh (if the
        # window and the attempts left allow), rather than hand back an attempt that cannot
        # take a single answer.
        open_attempt = _locked(open_attempt.pk)
        if open_attempt.state == AttemptState.IN_PROGRESS:
            _close(open_attempt, now=now, state=AttemptState.OVERDUE)
    extension = Extension.objects.filter(assignment=assignment, student=student).first()
    window = window_for(assignment, extension)
    refusal = _refusal_to_start(window, now)
    if refusal:
        return refusal
    used = Attempt.objects.filter(student=student, quiz=quiz).aggregate(n=Max("number"))
    number = (used["n"] or 0) + 1
    if quiz.attempts_allowed and number > quiz.attempts_allowed:
        return NO_ATTEMPTS_LEFT.format(allowed=quiz.attempts_allowed)
    slots = _draw(quiz, rng)
    if not slots:
        return NO_QUESTIONS
    deadline = None
    if quiz.time_limit_seconds:
        deadline = now + timedelta(seconds=quiz.time_limit_seconds)
    if window.closes_at and (deadline is None or window.closes_at < deadline):
        deadline = window.closes_at
    attempt = Attempt.objects.create(
        student=student,
        quiz=quiz,
        assignment=assignment,
        number=number,
        started_at=now,
        deadline_at=deadline,
    )
    Answer.objects.bulk_create(
        Answer(
            attempt=attempt,
            position=position,
            question_version=version,
            points=points,
            option_order=presentation.initial_option_order(
                version, shuffle=quiz.shuffle_options, rng=rng
            ),
        )
        for position, (version, points) in enumerate(slots, 1)
    )
    return attempt


def _draw(quiz, rng: random.Random) -> list[tuple[QuestionVersion, Decimal]]:
    """Fixed items, then each draw rule's random picks.

    Flashcards are for study and cannot be graded, and archived questions are retired: neither
    is ever drawn, and a fixed item that is one is left out.
    """
    options = Prefetch("options", queryset=Option.objects.order_by("position"))
    live = Question.objects.filter(archived_at__isnull=True, current_version__isnull=False)
    picked: list[tuple[int, Decimal]] = list(
        quiz.items.order_by("position").values_list("question_id", "points")
    )
    taken = {question_id for question_id, _ in picked}
    for rule in quiz.draws.order_by("id"):
        pool = live.exclude(current_version__qtype="flashcard").exclude(pk__in=taken)
        if rule.bank_id:
            pool = pool.filter(bank_id=rule.bank_id)
        if rule.tag_id:
            pool = pool.filter(tags=rule.tag_id)
        # No ordering in SQL (the default one joins the bank); sorted here so a seed reproduces.
        ids = sorted(pool.order_by().values_list("pk", flat=True).distinct())
        chosen = rng.sample(ids, min(rule.count, len(ids)))
        picked += [(question_id, rule.points) for question_id in chosen]
        taken.update(chosen)
    versions = {
        v.question_id: v
        for v in QuestionVersion.objects.filter(
            question__current_version=F("pk"),
            question__archived_at__isnull=True,
            question_id__in=taken,
        )
        .exclude(qtype="flashcard")
        .prefetch_related(options)
    }
    slots = [(versions[qid], points) for qid, points in picked if qid in versions]
    if quiz.shuffle_questions:
        rng.shuffle(slots)
    return slots


def _locked(attempt_id: int, student: User | None = None) -> Attempt:
    """The attempt, its row locked until the transaction ends. Another student's is not found."""
    # of=("self",): lock only the attempt, not the quiz every classmate's attempt shares.
    attempt = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("quiz", "student")
        .get(pk=attempt_id)
    )
    if student is not None and attempt.student_id != student.pk:
        raise Attempt.DoesNotExist
    return attempt


def time_is_up(attempt: Attempt, now: datetime) -> bool:
    return attempt.deadline_at is not None and now > attempt.deadline_at + grace_period()


def _readable(response) -> None:
    """Refuse what no form makes: a response that is not a JSON object, or a huge one."""
    if response is None:
        return
    if not isinstance(response, dict):
        raise InvalidResponse(RESPONSE_UNREADABLE)
    try:
        serialised = json.dumps(response)
    except (TypeError, ValueError):
        raise InvalidResponse(RESPONSE_UNREADABLE) from None
    # PostgreSQL's jsonb cannot store NUL; no form sends one (presentation strips it).
    if _has_nul(response):
        raise InvalidResponse(RESPONSE_UNREADABLE)
    if len(serialised) > MAX_RESPONSE_CHARS:
        raise InvalidResponse(RESPONSE_TOO_LARGE)


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def answer_save(
    *,
    attempt_id: int,
    student: User,
    position: int,
    response: dict | None,
    revision: int | None,
    spent_ms: int = 0,
    check: bool = False,
    now: datetime | None = None,
    read: Answer | None = None,
) -> SaveResult:
    """Store the response for one question of an open attempt.

    `revision` is the attempt revision the page was drawn from; a page from before another
    tab's save is refused (STALE) and nothing changes. `check` grades the answer now and locks
    it, for quizzes with immediate feedback. A response that does not fit the question raises
    InvalidResponse and nothing is stored. `spent_ms` is the time the page was open; one save
    adds at most MAX_TIME_PER_SAVE_MS. `read` is this answer as the caller read it before, with
    its attempt; it saves reading the answer again while the attempt's revision has not moved.
    """
    now = now or timezone.now()
    _readable(response)
    if not check and _read_at(read, attempt_id, student, position, revision):
        saved = _save_at_revision(read, response, revision, spent_ms, now)
        if saved is not None:
            return saved
    with transaction.atomic():
        attempt = _locked(attempt_id, student)
        if attempt.state != AttemptState.IN_PROGRESS:
            return SaveResult(SaveStatus.CLOSED, attempt, ATTEMPT_CLOSED)
        if time_is_up(attempt, now):
            _close(attempt, now=now, state=AttemptState.OVERDUE)
            message = TIME_UP.format(when=_utc(attempt.deadline_at))
            return SaveResult(SaveStatus.TIME_UP, attempt, message)
        answer = _answer_now(attempt, position, read)
        if answer is None:
            raise AttemptRefused(NO_SUCH_QUESTION.format(position=position))
        if revision is not None and revision != attempt.revision:
            message = STALE.format(when=_utc(_last_save(attempt)))
            return SaveResult(SaveStatus.STALE, attempt, message)
        if answer.checked_at is not None:
            return SaveResult(SaveStatus.LOCKED, attempt, LOCKED)
        if check and attempt.quiz.feedback_timing != FeedbackTiming.IMMEDIATE:
            raise AttemptRefused(NOT_CHECKABLE)
        version = answer.question_version
        # A stored response must always grade: refuse it now rather than fail at submission.
        # Grading first also checks the shape that is_answered reads.
        result = grade(presentation.to_grading_question(version), response)
        if check and not presentation.is_answered(version.qtype, response):
            raise AttemptRefused(NOTHING_TO_CHECK)
        fields = _store_response(answer, response, spent_ms, now)
        if check:
            answer.fraction = result.fraction
            answer.checked_at = now
            fields += ["fraction", "checked_at"]
            _record_choices([answer], {answer.pk: result})
        answer.save(update_fields=fields)
        attempt.revision += 1
        attempt.save(update_fields=["revision"])
        return SaveResult(SaveStatus.SAVED, attempt, grade=result if check else None)


def _store_response(answer: Answer, response: dict | None, spent_ms, now: datetime) -> list[str]:
    answer.response = response
    answer.saved_at = now
    spent = min(max(_whole(spent_ms), 0), MAX_TIME_PER_SAVE_MS)
    answer.time_taken_ms = min(answer.time_taken_ms + spent, MAX_TIME_TAKEN_MS)
    return ["response", "saved_at", "time_taken_ms"]


def _read_at(
    read: Answer | None, attempt_id: int, student: User, position: int, revision: int | None
) -> bool:
    """Whether `read` is this answer, read with its attempt and version at the page's revision."""
    return (
        read is not None
        and revision is not None
        and Answer.attempt.is_cached(read)
        and Answer.question_version.is_cached(read)
        and read.attempt_id == attempt_id
        and read.attempt.student_id == student.pk
        and read.position == position
        and read.attempt.revision == revision
    )


def _save_at_revision(
    read: Answer, response: dict | None, revision: int, spent_ms, now: datetime
) -> SaveResult | None:
    """The usual save, without locking and reading the attempt first.

    The answer was read at the page's revision, with the attempt open and in time and the
    answer not checked. One UPDATE moves the revision only if all that still holds, and takes
    the attempt's row lock as `_locked` would; every change to an answer moves the revision, so
    the answer as read is then current. None, with nothing written, when anything differs or
    the response does not grade: the locked path then finds out why and says so.
    """
    attempt = read.attempt
    if (
        attempt.state != AttemptState.IN_PROGRESS
        or time_is_up(attempt, now)
        or read.checked_at is not None
    ):
        return None
    try:
        grade(presentation.to_grading_question(read.question_version), response)
    except InvalidResponse:
        return None
    in_time = Q(deadline_at__isnull=True) | Q(deadline_at__gte=now - grace_period())
    with transaction.atomic():
        moved = Attempt.objects.filter(
            in_time,
            pk=attempt.pk,
            student_id=attempt.student_id,
            state=AttemptState.IN_PROGRESS,
            revision=revision,
        ).update(revision=F("revision") + 1)
        if not moved:
            return None
        read.save(update_fields=_store_response(read, response, spent_ms, now))
    attempt.revision = revision + 1
    return SaveResult(SaveStatus.SAVED, attempt)


def _answer_now(attempt: Attempt, position: int, read: Answer | None) -> Answer | None:
    """The answer at this position as it stands, with its question version and options.

    Every change to an answer is made under the attempt's lock and moves its revision, so an
    answer read (with its attempt) at the revision the locked attempt still has is current.
    """
    if (
        read is not None
        and Answer.attempt.is_cached(read)
        and read.attempt_id == attempt.pk
        and read.position == position
        and read.attempt.revision == attempt.revision
    ):
        return read
    answer = Answer.objects.filter(attempt=attempt, position=position).first()
    if answer is not None:
        attach_versions([answer])
    return answer


def _whole(value) -> int:
    # Time comes from the browser: a garbled figure costs the student nothing and breaks nothing.
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return 0


def _last_save(attempt: Attempt) -> datetime:
    last = attempt.answers.aggregate(last=Max("saved_at"))["last"]
    return last or attempt.started_at


def attempt_submit(*, attempt_id: int, student: User, now: datetime | None = None) -> Attempt:
    """Close the attempt and grade it, once. Submitting a closed attempt changes nothing.

    After the deadline and its grace period the attempt closes as overdue, graded on the
    answers saved in time.
    """
    now = now or timezone.now()
    with transaction.atomic():
        attempt = _locked(attempt_id, student)
        if attempt.state != AttemptState.IN_PROGRESS:
            return attempt
        state = AttemptState.OVERDUE if time_is_up(attempt, now) else AttemptState.SUBMITTED
        _close(attempt, now=now, state=state)
        return attempt


def attempts_close_overdue(*, now: datetime | None = None) -> int:
    """Close every open attempt whose time (and grace) ran out; returns how many. For cron."""
    now = now or timezone.now()
    closed = 0
    candidates = Attempt.objects.filter(
        state=AttemptState.IN_PROGRESS,
        deadline_at__isnull=False,
        deadline_at__lt=now - grace_period(),
    ).values_list("pk", flat=True)
    # One transaction per attempt: a long run never holds many locks, and a submission racing
    # the cron finds the attempt either open or closed, never half closed.
    for attempt_id in list(candidates):
        with transaction.atomic():
            try:
                attempt = _locked(attempt_id)
            except Attempt.DoesNotExist:
                continue
            if attempt.state == AttemptState.IN_PROGRESS and time_is_up(attempt, now):
                _close(attempt, now=now, state=AttemptState.OVERDUE)
                closed += 1
    return closed


def _close(attempt: Attempt, *, now: datetime, state: str) -> None:
    """Grade every answer, score the attempt, and feed the answers to the memory model.

    Only answers already stored count: a save that arrives too late is never stored.
    """
    answers = list(
        attempt.answers.select_related("question_version").prefetch_related(
            Prefetch("question_version__options", queryset=Option.objects.order_by("position"))
        )
    )
    grades: dict[int, Grade] = {}
    for answer in answers:
        version = answer.question_version
        try:
            result = grade(presentation.to_grading_question(version), answer.response)
        except InvalidResponse:
            # Saves are graded before they are stored, so this is data from before a fix: it
            # earns nothing rather than blocking the submission.
            result = Grade(Decimal(0), Outcome.INCORRECT)
        grades[answer.pk] = result
        answer.fraction = result.fraction
    Answer.objects.bulk_update(answers, ["fraction"])
    _record_choices(answers, grades)
    total_points = sum((a.points for a in answers), Decimal(0))
    earned = sum((a.points * a.fraction for a in answers), Decimal(0))
    attempt.fraction = (
        (earned / total_points).quantize(Decimal("0.00001")) if total_points else Decimal(0)
    )
    # Grades come quantised to the answer's five places, so these are the stored answers' sums.
    attempt.marks = earned
    attempt.max_marks = total_points
    attempt.state = state
    # The submission time never runs past the deadline's grace: late work is not credited time.
    if attempt.deadline_at is not None:
        attempt.submitted_at = min(now, attempt.deadline_at + grace_period())
    else:
        attempt.submitted_at = now
    attempt.revision += 1
    attempt.save(
        update_fields=["fraction", "marks", "max_marks", "state", "submitted_at", "revision"]
    )
    student = attempt.student
    # The same rules as the study page, so a card follows one schedule whatever reviewed it.
    policy = policy_for_classes(
        classrooms=Classroom.objects.filter(enrollments__student=student),
        now=now,
        own_exam_date=student.exam_date,
    )
    outcomes = [
        MemoryOutcome(
            question_version=a.question_version,
            rating=scheduling.rating_for_answer(
                a.fraction,
                duration_ms=a.time_taken_ms,
                expected_ms=scheduling.expected_answer_ms(
                    a.question_version.qtype, a.question_version.difficulty
                ),
            ),
            duration_ms=a.time_taken_ms,
            answer_id=a.pk,
        )
        for a in answers
        if presentation.is_answered(a.question_version.qtype, a.response)
    ]
    cards_review(
        student=student,
        outcomes=outcomes,
        source=ReviewSource.QUIZ,
        # The memory model is updated now, whenever the attempt's own time ended: reviews stay
        # in the order they really happened.
        reviewed_at=now,
        policy=policy,
    )
    # Grade passback to a learning platform, after commit; nothing for attempts not launched
    # from one.
    lti.grade_queue_for_attempt(attempt)


def _record_choices(answers: list[Answer], grades: dict[int, Grade]) -> None:
    """Which options each response chose, for distractor and myth reports."""
    AnswerChoice.objects.filter(answer__in=answers).delete()
    AnswerChoice.objects.bulk_create(
        AnswerChoice(
            answer=answer,
            option_id=option_id,
            # Copied for the reports (see AnswerChoice); the answer was graded just before.
            attempt_id=answer.attempt_id,
            mark=answer.points * answer.fraction,
        )
        for answer in answers
        for option_id in grades[answer.pk].matched
    )
