"""Writing classes, enrollments, assignments and extensions.

Instructors' changes raise `ClassChangeRefused`, whose `errors` map a form field (or None, for
the form as a whole) to a message the instructor can act on; views tie each to its field.
Whether the caller may touch the class at all is settled before these run, by
`quizzes.selectors.classes.classroom_for_teacher`.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from quizzes.joincodes import join_code_new, join_code_normalize
from quizzes.models import Assignment, Classroom, Enrollment, Extension, Quiz, User
from quizzes.selectors.classes import quizzes_usable_by
from quizzes.services.attempts import Window, window_for
from quizzes.services.exam_dates import latest_exam_date

JOIN_CODE_TRIES = 5
# A class made by the same instructor with the same name this recently is a double submit.
DOUBLE_SUBMIT_WINDOW = timedelta(seconds=60)

# Class settings.
NAME_EMPTY = "Give the class a name, for example “Spring 2026 teacher training”."
RETENTION_MIN = Decimal("0.70")
RETENTION_MAX = Decimal("0.99")
RETENTION_OUT_OF_RANGE = (
    "Target retention must be between 0.70 and 0.99; for 90%, type 0.90. Higher targets mean "
    "more reviews each day."
)
# Far above what anyone studies in a day; a larger number is a typo.
DAILY_LIMIT_MAX = 9999
LIMIT_NEGATIVE = "A daily limit cannot be negative. Type 0 for none."
LIMIT_TOO_LARGE = f"A daily limit can be at most {DAILY_LIMIT_MAX}."
EXAM_DATE_PAST = "That exam date has passed. Choose today or a later day, or leave it empty."
EXAM_DATE_TOO_FAR = "That exam date is more than two years away; check the year."
CODE_EXPIRY_PAST = (
    "That time has passed, so the code would not work at all. Choose a later time, or leave it "
    "empty for a code that does not expire."
)
CREATOR_NOT_INSTRUCTOR = "Only instructor accounts can create classes."

# People in a class.
USERNAME_EMPTY = "Type the person's username."
USER_UNKNOWN = "No account has the username “{username}”. Check the spelling with them."
STUDENT_IS_INSTRUCTOR = (
    "“{username}” is an instructor account, and only student accounts can be enrolled. To let "
    "them teach this class, add them as an instructor instead."
)
STUDENT_ALREADY_ENROLLED = "{name} is already a student in this class."
INSTRUCTOR_IS_STUDENT = (
    "“{username}” is a student account, and only instructor accounts can teach a class. To "
    "enrol them, add them as a student instead."
)
INSTRUCTOR_ALREADY_TEACHING = "{name} already teaches this class."
LAST_INSTRUCTOR = (
    "{name} is the only instructor of this class, and a class needs at least one. Add another "
    "instructor first."
)

# Assignments.
QUIZ_NOT_AVAILABLE = "Choose one of the quizzes listed; that one is not available to you."
QUIZ_ALREADY_ASSIGNED = (
    "“{quiz}” is already assigned to this class. Change that assignment's dates instead."
)
DUE_NOT_AFTER_OPENS = "The due date must be after the opening date ({opens} {tz})."
CLOSES_BEFORE_DUE = "The closing date cannot be before the due date ({due} {tz})."
CLOSES_NOT_AFTER_OPENS = "The closing date must be after the opening date ({opens} {tz})."
DUE_BEFORE_QUIZ_OPENS = (
    "The due date must be after the quiz itself opens ({opens} {tz}); set an opening date here "
    "only to open it later than that."
)
CLOSES_BEFORE_QUIZ_OPENS = "The closing date must be after the quiz itself opens ({opens} {tz})."
DUE_AFTER_QUIZ_CLOSES = (
    "The quiz itself closes at {closes} {tz}, before this due date. Set a closing date here "
    "to keep it open longer."
)
ASSIGNMENT_HAS_ATTEMPTS = (
    "Students have made {count} attempt{s} at this assignment, so it stays: deleting it would "
    "take their work out of the class. To stop new attempts, set its closing date to now."
)

# Extensions.
EXTENSION_STUDENT_NOT_ENROLLED = "Choose a student of this class."
EXTENSION_NOTHING_TO_EXTEND = (
    "This assignment has no due or closing date, so every student already has all the time "
    "they want."
)
EXTENSION_DUE_NOT_LATER = (
    "The new due date must be after the assignment's due date ({due} {tz}); an extension only "
    "ever gives more time."
)
EXTENSION_DUE_NOT_AFTER_CLOSE = (
    "This assignment has no due date but closes at {closes} {tz}; the new due date must be "
    "after that."
)
EXTENSION_CLOSES_BEFORE_DUE = "The new closing date cannot be before the new due date."
EXTENSION_CLOSES_NOT_LATER = (
    "The new closing date must be after the assignment's closing date ({closes} {tz}), or "
    "left empty to close at the new due date."
)
EXTENSION_NO_CLOSE_TO_EXTEND = (
    "This assignment never closes, so leave the new closing date empty; the new due date is "
    "all the student needs."
)


class ClassChangeRefused(Exception):
    """The change was not made; `errors` maps a field name (None: the whole form) to why."""

    def __init__(self, errors: dict[str | None, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors

    @property
    def message(self) -> str:
        return " ".join(self.errors.values())


def _refuse_if(errors: dict[str | None, str]) -> None:
    if errors:
        raise ClassChangeRefused(errors)


def moment_text(moment: datetime) -> str:
    """A moment in the site's time zone (as the forms take it), like the pages show it:
    5 Dec 2026, 17:00."""
    local = timezone.localtime(moment)
    return f"{local.day} {local:%b %Y, %H:%M}"


def _tz() -> str:
    return f"({timezone.get_current_timezone_name()})"


# --- classes -----------------------------------------------------------------------------------


def _settings_errors(
    *,
    name: str,
    desired_retention: Decimal,
    new_cards_per_day: int,
    reviews_per_day: int,
    exam_date: date | None,
    join_code_expires_at: datetime | None,
    today: date,
    now: datetime,
    unchanged: Classroom | None = None,
) -> dict[str | None, str]:
    errors: dict[str | None, str] = {}
    if not name.strip():
        errors["name"] = NAME_EMPTY
    if not RETENTION_MIN <= Decimal(desired_retention) <= RETENTION_MAX:
        errors["desired_retention"] = RETENTION_OUT_OF_RANGE
    for field, value in (
        ("new_cards_per_day", new_cards_per_day),
        ("reviews_per_day", reviews_per_day),
    ):
        if value < 0:
            errors[field] = LIMIT_NEGATIVE
        elif value > DAILY_LIMIT_MAX:
            errors[field] = LIMIT_TOO_LARGE
    # A class whose exam (or code) is behind it can still have its other settings changed.
    if exam_date is not None and (unchanged is None or exam_date != unchanged.exam_date):
        if exam_date < today:
            errors["exam_date"] = EXAM_DATE_PAST
        elif exam_date > latest_exam_date(today):
            errors["exam_date"] = EXAM_DATE_TOO_FAR
    if join_code_expires_at is not None and (
        unchanged is None or join_code_expires_at != unchanged.join_code_expires_at
    ):
        if join_code_expires_at <= now:
            errors["join_code_expires_at"] = CODE_EXPIRY_PAST
    return errors


def classroom_create(
    *,
    name: str,
    instructor: User,
    join_code: str | None = None,
    desired_retention: Decimal | str = Decimal("0.90"),
    new_cards_per_day: int = 20,
    reviews_per_day: int = 200,
    exam_date: date | None = None,
    join_code_expires_at: datetime | None = None,
    now: datetime | None = None,
) -> Classroom:
    """A new class taught by `instructor`, with a fresh join code unless one is given."""
    now = now or timezone.now()
    errors = _settings_errors(
        name=name,
        desired_retention=Decimal(desired_retention),
        new_cards_per_day=new_cards_per_day,
        reviews_per_day=reviews_per_day,
        exam_date=exam_date,
        join_code_expires_at=join_code_expires_at,
        today=now.astimezone(UTC).date(),
        now=now,
    )
    if not instructor.is_instructor:
        errors[None] = CREATOR_NOT_INSTRUCTOR
    _refuse_if(errors)
    with transaction.atomic():
        # Serialise one instructor's creations, so that a double-clicked Create button finds
        # the class its first click made instead of making a twin with another code.
        User.objects.select_for_update().filter(pk=instructor.pk).first()
        twin = Classroom.objects.filter(
            instructors=instructor,
            name=name.strip(),
            created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
        ).first()
        if twin is not None and join_code is None:
            return twin
        return _classroom_insert(
            name=name.strip(),
            instructor=instructor,
            join_code=join_code,
            join_code_expires_at=join_code_expires_at,
            desired_retention=Decimal(desired_retention),
            new_cards_per_day=new_cards_per_day,
            reviews_per_day=reviews_per_day,
            exam_date=exam_date,
        )


def _classroom_insert(*, instructor: User, join_code: str | None, **fields) -> Classroom:
    for _ in range(JOIN_CODE_TRIES):
        try:
            with transaction.atomic():
                classroom = Classroom.objects.create(
                    join_code=join_code or join_code_new(), **fields
                )
                classroom.instructors.add(instructor)
                return classroom
        except IntegrityError:
            if join_code:
                raise
    raise RuntimeError("could not find an unused join code")


@transaction.atomic
def classroom_update(
    *,
    classroom: Classroom,
    name: str,
    desired_retention: Decimal,
    new_cards_per_day: int,
    reviews_per_day: int,
    exam_date: date | None,
    join_code_expires_at: datetime | None,
    now: datetime | None = None,
) -> Classroom:
    """Change the class's name, study settings, exam date and code expiry."""
    now = now or timezone.now()
    _refuse_if(
        _settings_errors(
            name=name,
            desired_retention=desired_retention,
            new_cards_per_day=new_cards_per_day,
            reviews_per_day=reviews_per_day,
            exam_date=exam_date,
            join_code_expires_at=join_code_expires_at,
            today=now.astimezone(UTC).date(),
            now=now,
            unchanged=classroom,
        )
    )
    classroom.name = name.strip()
    classroom.desired_retention = Decimal(desired_retention)
    classroom.new_cards_per_day = new_cards_per_day
    classroom.reviews_per_day = reviews_per_day
    classroom.exam_date = exam_date
    classroom.join_code_expires_at = join_code_expires_at
    classroom.save(
        update_fields=[
            "name",
            "desired_retention",
            "new_cards_per_day",
            "reviews_per_day",
            "exam_date",
            "join_code_expires_at",
        ]
    )
    return classroom


def join_code_regenerate(
    *, classroom: Classroom, expires_at: datetime | None = None, now: datetime | None = None
) -> Classroom:
    """Give the class a new join code; the old one stops working at once. Members stay."""
    now = now or timezone.now()
    if expires_at is not None and expires_at <= now:
        raise ClassChangeRefused({"expires_at": CODE_EXPIRY_PAST})
    for _ in range(JOIN_CODE_TRIES):
        try:
            with transaction.atomic():
                classroom.join_code = join_code_new()
                classroom.join_code_expires_at = expires_at
                classroom.save(update_fields=["join_code", "join_code_expires_at"])
                return classroom
        except IntegrityError:
            continue
    raise RuntimeError("could not find an unused join code")


# --- people ------------------------------------------------------------------------------------


def _user_by_username(username: str) -> User | None:
    """The account with this username; a different capitalisation finds it when only one does."""
    exact = User.objects.filter(username=username, is_active=True).first()
    if exact is not None:
        return exact
    matches = list(User.objects.filter(username__iexact=username, is_active=True)[:2])
    return matches[0] if len(matches) == 1 else None


def _person(username: str, field: str) -> User:
    username = username.strip()
    if not username:
        raise ClassChangeRefused({field: USERNAME_EMPTY})
    user = _user_by_username(username)
    if user is None:
        raise ClassChangeRefused({field: USER_UNKNOWN.format(username=username)})
    return user


@transaction.atomic
def enrollment_add(*, classroom: Classroom, username: str) -> Enrollment:
    """Enrol an existing student account, found by username, in the class."""
    student = _person(username, "username")
    if student.is_instructor:
        raise ClassChangeRefused(
            {"username": STUDENT_IS_INSTRUCTOR.format(username=student.username)}
        )
    refusal = ClassChangeRefused({"username": STUDENT_ALREADY_ENROLLED.format(name=student)})
    if Enrollment.objects.filter(classroom=classroom, student=student).exists():
        raise refusal
    try:
        with transaction.atomic():
            return Enrollment.objects.create(classroom=classroom, student=student)
    except IntegrityError:
        # A double submit: the other request enrolled them a moment ago.
        raise refusal from None


@transaction.atomic
def enrollment_remove(*, classroom: Classroom, student: User) -> bool:
    """Take the student out of the class; False when they were not in it.

    Only the enrollment goes: their attempts, extensions and memory of the cards stay, and come
    back into view if they join again.
    """
    deleted, _ = Enrollment.objects.filter(classroom=classroom, student=student).delete()
    return bool(deleted)


@transaction.atomic
def instructor_add(*, classroom: Classroom, username: str) -> User:
    """Let another instructor account, found by username, teach the class."""
    instructor = _person(username, "username")
    if not instructor.is_instructor:
        raise ClassChangeRefused(
            {"username": INSTRUCTOR_IS_STUDENT.format(username=instructor.username)}
        )
    if classroom.instructors.filter(pk=instructor.pk).exists():
        raise ClassChangeRefused({"username": INSTRUCTOR_ALREADY_TEACHING.format(name=instructor)})
    # add() skips pairs that exist already, so a double submit cannot fail here.
    classroom.instructors.add(instructor)
    return instructor


@transaction.atomic
def instructor_remove(*, classroom: Classroom, instructor: User) -> bool:
    """Stop `instructor` teaching the class; False when they did not. Never the last one."""
    # Lock the class so that two instructors removing each other at once cannot leave none.
    Classroom.objects.select_for_update().filter(pk=classroom.pk).first()
    teaching = list(classroom.instructors.values_list("pk", flat=True))
    if instructor.pk not in teaching:
        return False
    if len(teaching) == 1:
        raise ClassChangeRefused({None: LAST_INSTRUCTOR.format(name=instructor)})
    classroom.instructors.remove(instructor)
    return True


# --- assignments -------------------------------------------------------------------------------


def assignment_date_errors(
    *,
    quiz: Quiz,
    opens_at: datetime | None,
    due_at: datetime | None,
    closes_at: datetime | None,
) -> dict[str | None, str]:
    """What is wrong with these dates, judged as `window_for` combines them with the quiz's
    own: an assignment date left empty falls back to the quiz's."""
    errors: dict[str | None, str] = {}
    tz = _tz()
    opens = opens_at or quiz.opens_at
    if due_at and opens and due_at <= opens:
        message = DUE_NOT_AFTER_OPENS if opens_at else DUE_BEFORE_QUIZ_OPENS
        errors["due_at"] = message.format(opens=moment_text(opens), tz=tz)
    elif due_at and not closes_at and quiz.closes_at and quiz.closes_at < due_at:
        errors["due_at"] = DUE_AFTER_QUIZ_CLOSES.format(closes=moment_text(quiz.closes_at), tz=tz)
    if closes_at and due_at and closes_at < due_at:
        errors["closes_at"] = CLOSES_BEFORE_DUE.format(due=moment_text(due_at), tz=tz)
    elif closes_at and opens and closes_at <= opens:
        message = CLOSES_NOT_AFTER_OPENS if opens_at else CLOSES_BEFORE_QUIZ_OPENS
        errors["closes_at"] = message.format(opens=moment_text(opens), tz=tz)
    return errors


@transaction.atomic
def assignment_create(
    *,
    classroom: Classroom,
    quiz: Quiz,
    by: User,
    opens_at: datetime | None = None,
    due_at: datetime | None = None,
    closes_at: datetime | None = None,
) -> Assignment:
    """Assign a quiz `by` may use to the class, once."""
    if not quizzes_usable_by(by).filter(pk=quiz.pk).exists():
        raise ClassChangeRefused({"quiz": QUIZ_NOT_AVAILABLE})
    errors = assignment_date_errors(
        quiz=quiz, opens_at=opens_at, due_at=due_at, closes_at=closes_at
    )
    already = ClassChangeRefused({"quiz": QUIZ_ALREADY_ASSIGNED.format(quiz=quiz.title)})
    if Assignment.objects.filter(classroom=classroom, quiz=quiz).exists():
        errors = {**errors, **already.errors}
    _refuse_if(errors)
    try:
        with transaction.atomic():
            return Assignment.objects.create(
                classroom=classroom,
                quiz=quiz,
                opens_at=opens_at,
                due_at=due_at,
                closes_at=closes_at,
            )
    except IntegrityError:
        # The date constraints were checked above, so this is the other request of a double
        # submit assigning the same quiz a moment ago.
        raise already from None


@transaction.atomic
def assignment_update(
    *,
    assignment: Assignment,
    opens_at: datetime | None,
    due_at: datetime | None,
    closes_at: datetime | None,
) -> Assignment:
    """New dates for an assignment. Extensions keep theirs: one earlier than the new due date
    simply stops mattering, since an extension only ever gives time."""
    _refuse_if(
        assignment_date_errors(
            quiz=assignment.quiz, opens_at=opens_at, due_at=due_at, closes_at=closes_at
        )
    )
    assignment.opens_at, assignment.due_at, assignment.closes_at = opens_at, due_at, closes_at
    assignment.save(update_fields=["opens_at", "due_at", "closes_at"])
    return assignment


@transaction.atomic
def assignment_delete(*, assignment: Assignment) -> None:
    """Delete an assignment nobody has attempted yet, with its extensions.

    Refused once there are attempts: they would lose their class (Attempt.assignment would be
    set to NULL), so the grades would drop out of the class's reports.
    """
    count = assignment.attempts.count()
    if count:
        raise ClassChangeRefused(
            {None: ASSIGNMENT_HAS_ATTEMPTS.format(count=count, s="" if count == 1 else "s")}
        )
    assignment.delete()


# --- extensions --------------------------------------------------------------------------------


def extension_errors(
    *, window: Window, due_at: datetime, closes_at: datetime | None
) -> dict[str | None, str]:
    """What is wrong with an extension to these dates, judged as `window_for` applies one."""
    errors: dict[str | None, str] = {}
    tz = _tz()
    if window.due_at is None and window.closes_at is None:
        return {None: EXTENSION_NOTHING_TO_EXTEND}
    if window.due_at is not None and due_at <= window.due_at:
        errors["due_at"] = EXTENSION_DUE_NOT_LATER.format(due=moment_text(window.due_at), tz=tz)
    elif window.due_at is None and window.closes_at and due_at <= window.closes_at:
        errors["due_at"] = EXTENSION_DUE_NOT_AFTER_CLOSE.format(
            closes=moment_text(window.closes_at), tz=tz
        )
    if closes_at is not None:
        if closes_at < due_at:
            errors["closes_at"] = EXTENSION_CLOSES_BEFORE_DUE
        elif window.closes_at is None:
            errors["closes_at"] = EXTENSION_NO_CLOSE_TO_EXTEND
        elif closes_at <= window.closes_at:
            errors["closes_at"] = EXTENSION_CLOSES_NOT_LATER.format(
                closes=moment_text(window.closes_at), tz=tz
            )
    return errors


@transaction.atomic
def extension_set(
    *,
    assignment: Assignment,
    student: User,
    due_at: datetime,
    closes_at: datetime | None = None,
) -> Extension:
    """Give one student of the class later dates for one assignment (replacing any earlier
    extension of theirs)."""
    if not Enrollment.objects.filter(
        classroom_id=assignment.classroom_id, student=student
    ).exists():
        raise ClassChangeRefused({"student": EXTENSION_STUDENT_NOT_ENROLLED})
    _refuse_if(
        extension_errors(window=window_for(assignment, None), due_at=due_at, closes_at=closes_at)
    )
    dates = {"due_at": due_at, "closes_at": closes_at}
    try:
        with transaction.atomic():
            extension, _ = Extension.objects.update_or_create(
                assignment=assignment, student=student, defaults=dates
            )
    except IntegrityError:
        # A double submit created it a moment ago; these dates are the ones asked for last.
        Extension.objects.filter(assignment=assignment, student=student).update(**dates)
        extension = Extension.objects.get(assignment=assignment, student=student)
    return extension


@transaction.atomic
def extension_delete(*, assignment: Assignment, student: User) -> bool:
    """Remove the student's extension; False when they had none."""
    deleted, _ = Extension.objects.filter(assignment=assignment, student=student).delete()
    return bool(deleted)


# --- students joining --------------------------------------------------------------------------


CODE_EMPTY = "Type the join code your instructor gave you."
CODE_UNKNOWN = (
    "No class has the code {code}. Check it with your instructor; class codes are letters and "
    "digits, usually 8 of them."
)
CODE_EXPIRED = (
    "The code {code} for {name} expired on {when:%d %b %Y at %H:%M} (UTC). Ask your instructor "
    "for a new one."
)
ALREADY_MEMBER = "You are already in {name}."
INSTRUCTOR_CANNOT_JOIN = (
    "Instructor accounts cannot join a class as a student. To see a class as your students do, "
    "sign up for a separate student account."
)
# Longest piece of a mistyped code echoed back in a message.
CODE_ECHO_MAX = 20


class JoinRefused(Exception):
    """The student cannot join with this code; the message says why and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class AlreadyMember(JoinRefused):
    """Not a problem for the student: they are in the class already."""

    def __init__(self, message: str, classroom: Classroom):
        super().__init__(message)
        self.classroom = classroom


@transaction.atomic
def enrollment_join(*, student: User, code: str, now: datetime | None = None) -> Enrollment:
    """Enrol `student` in the class whose join code is `code`, however it was typed.

    Raises JoinRefused (or its AlreadyMember) with a message for the student.
    """
    now = now or timezone.now()
    if student.is_instructor:
        raise JoinRefused(INSTRUCTOR_CANNOT_JOIN)
    normalized = join_code_normalize(code)
    if not normalized:
        raise JoinRefused(CODE_EMPTY)
    classroom = Classroom.objects.filter(join_code=normalized).first()
    if classroom is None:
        raise JoinRefused(CODE_UNKNOWN.format(code=_echo(normalized)))
    # A member who types an old code is still a member: say so rather than that it expired.
    if Enrollment.objects.filter(classroom=classroom, student=student).exists():
        raise AlreadyMember(ALREADY_MEMBER.format(name=classroom.name), classroom)
    expires = classroom.join_code_expires_at
    if expires is not None and now >= expires:
        raise JoinRefused(
            CODE_EXPIRED.format(
                code=classroom.join_code, name=classroom.name, when=expires.astimezone(UTC)
            )
        )
    try:
        with transaction.atomic():
            return Enrollment.objects.create(classroom=classroom, student=student)
    except IntegrityError:
        # A double submit: the other request enrolled the student a moment ago.
        raise AlreadyMember(ALREADY_MEMBER.format(name=classroom.name), classroom) from None


def _echo(code: str) -> str:
    return code if len(code) <= CODE_ECHO_MAX else code[:CODE_ECHO_MAX] + "…"
