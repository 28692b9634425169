"""LTI writes: registering platforms, what a launch creates, grades owed back, rosters.

A launch maps the platform's user (`sub`) to a psoasquiz account, its course (context) to a
class, and its resource link to an assignment of the quiz chosen by deep linking. Every check
that can refuse a launch runs before the first write, so a refused launch changes nothing.

Grades go back after the attempt's transaction commits: `grade_queue_for_attempt` is called at
the end of closing any attempt, and costs nothing (no query) unless the attempt belongs to an
assignment. A `GradeSubmission` row is the outbox: written pending, sent at once, and retried
with backoff by `lti_send_grades` (cron) when the platform fails.
"""

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.text import slugify
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.contrib.django import DjangoServiceConnector
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from pylti1p3.names_roles import NamesRolesProvisioningService

from quizzes.joincodes import join_code_new
from quizzes.lti import roles as lti_roles
from quizzes.lti.launch import LaunchRefused, http_session
from quizzes.lti.tool_conf import registration_for
from quizzes.models import (
    Assignment,
    Attempt,
    Classroom,
    Enrollment,
    GradeSubmission,
    LtiContext,
    LtiDeployment,
    LtiPlatform,
    LtiResourceLink,
    LtiUser,
    Quiz,
    Role,
    User,
)
from quizzes.models.attempts import AttemptState
from quizzes.models.lti import GradeStatus

logger = logging.getLogger(__name__)

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
CONTEXT_CLAIM = CLAIM + "context"
RESOURCE_LINK_CLAIM = CLAIM + "resource_link"
ROLES_CLAIM = CLAIM + "roles"
CUSTOM_CLAIM = CLAIM + "custom"
DEPLOYMENT_CLAIM = CLAIM + "deployment_id"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"

# The custom parameter deep linking puts on every link: which quiz, signed so that an instructor
# editing the link in the LMS cannot point it at another instructor's private quiz.
QUIZ_PARAMETER = "psoasquiz_quiz"
QUIZ_SIGNING_SALT = "psoasquiz.lti.quiz"
SCORE_MAXIMUM = 100

ROLE_REFUSED = (
    "psoasquiz opens for a course's instructors, teaching assistants, content developers, "
    "administrators and learners. The platform gave your role in this course as {roles}, "
    "which is none of these, so psoasquiz cannot open for you."
)
DEEP_LINK_NOT_INSTRUCTOR = (
    "Only the course's instructors can choose which psoasquiz quiz to add to the course."
)
NO_QUIZ = (
    "This link does not say which psoasquiz quiz to open. Ask the course's instructor to add "
    "the activity again and choose a quiz (the platform's “Select content” button)."
)
UNKNOWN_QUIZ = (
    "The quiz this link opens no longer exists in psoasquiz. Ask the course's instructor to "
    "choose another quiz for this activity."
)
NO_CONTEXT = (
    "The launch did not say which course it came from (it has no context claim). psoasquiz "
    "places everyone launching from a course in one class, so it needs the course."
)
NO_LINE_ITEM = "The platform gave no line item (grade column) for this link, and no way to add one."
NO_SCORE_SCOPE = "The platform did not allow psoasquiz to send scores for this link."
NO_ROSTER = "The platform did not offer its Names and Roles service with the latest launch."
PLATFORM_EXISTS = "A platform with this issuer and client id is already registered."
KEYS_REQUIRED = "Give the platform's public keyset URL or its keyset (JSON)."
KEYSET_INVALID = 'The keyset must be JSON with a "keys" list (a JWKS).'
DEPLOYMENT_REQUIRED = "Give at least one deployment id."
ORIGIN_INVALID = "“{origin}” is not an origin such as https://moodle.example.org."

# Retries: 1, 2, 4 ... minutes, at most 6 hours apart; after MAX_TRIES the row stops at failed
# (about two days of trying) and waits for an instructor's "retry now".
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
MAX_TRIES = 16
# A row being sent is leased for this long, so the cron and a submission never send it twice.
SEND_LEASE = timedelta(minutes=2)
ROSTER_RESYNC = timedelta(hours=1)


# --- Platforms ----------------------------------------------------------------------------------


class PlatformInvalid(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def origin_of(url: str) -> str:
    match = re.match(r"^(https?://[^/?#]+)", url.strip())
    return match.group(1) if match else ""


def _origins_errors(frame_ancestors: str) -> str | None:
    for origin in frame_ancestors.split():
        if origin_of(origin) != origin.rstrip("/"):
            return ORIGIN_INVALID.format(origin=origin)
    return None


@transaction.atomic
def lti_platform_register(
    *,
    issuer: str,
    client_id: str,
    login_url: str,
    token_url: str,
    deployment_ids: list[str],
    keyset_url: str = "",
    keyset: dict | None = None,
    name: str = "",
    audience: str = "",
    frame_ancestors: str | None = None,
    update: bool = True,
) -> tuple[LtiPlatform, bool]:
    """Register (or, with `update`, change) a platform and add its deployments. Idempotent."""
    errors: dict[str, str] = {}
    if not keyset_url and keyset is None:
        errors["keyset_url"] = KEYS_REQUIRED
    if keyset is not None and not (
        isinstance(keyset, dict) and isinstance(keyset.get("keys"), list)
    ):
        errors["keyset"] = KEYSET_INVALID
    deployment_ids = [d.strip() for d in deployment_ids if d and d.strip()]
    if not deployment_ids:
        errors["deployment_ids"] = DEPLOYMENT_REQUIRED
    if frame_ancestors is None:
        frame_ancestors = origin_of(login_url)
    origins_error = _origins_errors(frame_ancestors)
    if origins_error:
        errors["frame_ancestors"] = origins_error
    existing = LtiPlatform.objects.filter(issuer=issuer, client_id=client_id).first()
    if existing is not None and not update:
        errors["client_id"] = PLATFORM_EXISTS
    if errors:
        raise PlatformInvalid(errors)
    values = {
        "name": name or (existing.name if existing else "") or origin_of(issuer) or issuer,
        "auth_login_url": login_url,
        "auth_token_url": token_url,
        "auth_audience": audience,
        "keyset_url": keyset_url,
        "keyset": keyset,
        "frame_ancestors": "\n".join(frame_ancestors.split()),
        "is_active": True,
    }
    platform, created = LtiPlatform.objects.update_or_create(
        issuer=issuer, client_id=client_id, defaults=values
    )
    for deployment_id in deployment_ids:
        LtiDeployment.objects.get_or_create(platform=platform, deployment_id=deployment_id)
    return platform, created


# --- Launches -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Provisioned:
    user: User
    role: str  # quizzes.lti.roles.INSTRUCTOR or STUDENT
    context: LtiContext
    classroom: Classroom
    assignment: Assignment | None


def quiz_parameter(quiz: Quiz) -> str:
    return signing.Signer(salt=QUIZ_SIGNING_SALT).sign(quiz.slug)


def _quiz_from_parameter(value: object) -> Quiz:
    if not isinstance(value, str) or not value:
        raise LaunchRefused(NO_QUIZ)
    try:
        slug = signing.Signer(salt=QUIZ_SIGNING_SALT).unsign(value)
    except signing.BadSignature:
        raise LaunchRefused(NO_QUIZ) from None
    quiz = Quiz.objects.filter(slug=slug).first()
    if quiz is None:
        raise LaunchRefused(UNKNOWN_QUIZ)
    return quiz


def _text(value: object, limit: int) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def _username_base(claims: dict) -> str:
    email = _text(claims.get("email"), 254)
    for candidate in (
        _text(claims.get("preferred_username"), 150),
        _text(claims.get("name"), 150),
        " ".join(
            filter(
                None, [_text(claims.get("given_name"), 75), _text(claims.get("family_name"), 75)]
            )
        ),
        email.partition("@")[0],
    ):
        base = slugify(candidate)[:140]
        if base:
            return base
    return "lti-user"


def _unused_username(base: str) -> str:
    taken = {
        name.lower()
        for name in User.objects.filter(username__istartswith=base).values_list(
            "username", flat=True
        )
    }
    if base.lower() not in taken:
        return base
    number = 2
    while f"{base}-{number}".lower() in taken:
        number += 1
    return f"{base}-{number}"


def _lti_user(platform: LtiPlatform, sub: str, claims: dict, role: str) -> User:
    """The account `sub` launches as, made on first sight (no password: it signs in via the LMS)."""
    identity = LtiUser.objects.select_related("user").filter(platform=platform, sub=sub).first()
    name = _text(claims.get("name"), 150) or " ".join(
        filter(None, [_text(claims.get("given_name"), 75), _text(claims.get("family_name"), 75)])
    )
    email = _text(claims.get("email"), 254)
    if identity is not None:
        user = identity.user
        changed = []
        # The platform is the source of truth for these; the psoasquiz profile follows it.
        if name and user.display_name != name:
            user.display_name = name
            changed.append("display_name")
        if email and user.email != email:
            user.email = email
            changed.append("email")
        if role == lti_roles.INSTRUCTOR and user.role != Role.INSTRUCTOR:
            user.role = Role.INSTRUCTOR
            changed.append("role")
        if changed:
            user.save(update_fields=changed)
        return user
    base = _username_base(claims)
    for _ in range(5):
        try:
            with transaction.atomic():
                user = User(
                    username=_unused_username(base),
                    display_name=name,
                    email=email,
                    role=Role.INSTRUCTOR if role == lti_roles.INSTRUCTOR else Role.STUDENT,
                )
                user.set_unusable_password()
                user.save()
                LtiUser.objects.create(platform=platform, sub=sub, user=user)
                return user
        except IntegrityError:
            # The same person's second tab, or another person taking the name: look again.
            identity = LtiUser.objects.select_related("user").filter(platform=platform, sub=sub)
            if identity.exists():
                return identity.get().user
    raise RuntimeError("could not find an unused username")


def _context(deployment: LtiDeployment, claim: dict) -> LtiContext:
    context_id = _text(claim.get("id"), 255)
    title = _text(claim.get("title"), 255) or _text(claim.get("label"), 255)
    found = LtiContext.objects.select_related("classroom").filter(
        deployment=deployment, context_id=context_id
    )
    context = found.first()
    if context is not None:
        if title and context.title != title:
            context.title = title
            context.save(update_fields=["title"])
        return context
    for _ in range(5):
        try:
            with transaction.atomic():
                classroom = Classroom.objects.create(
                    name=title[:200] or f"Course {context_id}"[:200], join_code=join_code_new()
                )
                return LtiContext.objects.create(
                    deployment=deployment, context_id=context_id, title=title, classroom=classroom
                )
        except IntegrityError:
            context = found.first()
            if context is not None:
                return context
    raise RuntimeError("could not create the class for an LTI context")


def _link(context: LtiContext, resource_link_id: str, quiz: Quiz | None) -> LtiResourceLink:
    link = (
        LtiResourceLink.objects.select_related("assignment")
        .filter(context=context, resource_link_id=resource_link_id)
        .first()
    )
    if link is not None:
        return link
    assert quiz is not None
    assignment, _ = Assignment.objects.get_or_create(quiz=quiz, classroom=context.classroom)
    link, _ = LtiResourceLink.objects.get_or_create(
        context=context, resource_link_id=resource_link_id, defaults={"assignment": assignment}
    )
    return link


def lti_launch_provision(*, platform: LtiPlatform, claims: dict, deep_link: bool) -> Provisioned:
    """The account, class and (for a resource link) assignment a checked launch stands for.

    Raises LaunchRefused, having written nothing, when the launch cannot be served.
    """
    roles = claims.get(ROLES_CLAIM) or []
    role = lti_roles.role_for(roles if isinstance(roles, list) else [])
    if role is None:
        shown = ", ".join(str(r).rsplit("#", 1)[-1] for r in roles) if roles else "none"
        raise LaunchRefused(ROLE_REFUSED.format(roles=shown), 403)
    if deep_link and role != lti_roles.INSTRUCTOR:
        raise LaunchRefused(DEEP_LINK_NOT_INSTRUCTOR, 403)
    context_claim = claims.get(CONTEXT_CLAIM)
    if not isinstance(context_claim, dict) or not _text(context_claim.get("id"), 255):
        raise LaunchRefused(NO_CONTEXT)
    deployment = LtiDeployment.objects.get(
        platform=platform, deployment_id=claims.get(DEPLOYMENT_CLAIM)
    )
    resource_link_id = ""
    quiz = None
    if not deep_link:
        resource_link_id = _text((claims.get(RESOURCE_LINK_CLAIM) or {}).get("id"), 255)
        known = LtiResourceLink.objects.filter(
            context__deployment=deployment,
            context__context_id=context_claim["id"],
            resource_link_id=resource_link_id,
        ).exists()
        if not known:
            custom = claims.get(CUSTOM_CLAIM) or {}
            quiz = _quiz_from_parameter(
                custom.get(QUIZ_PARAMETER) if isinstance(custom, dict) else None
            )
    with transaction.atomic():
        user = _lti_user(platform, str(claims["sub"]), claims, role)
        context = _context(deployment, context_claim)
        classroom = context.classroom
        nrps = claims.get(NRPS_CLAIM)
        memberships_url = (
            _text(nrps.get("context_memberships_url"), 500) if isinstance(nrps, dict) else ""
        )
        if memberships_url and memberships_url != context.memberships_url:
            context.memberships_url = memberships_url
            context.save(update_fields=["memberships_url"])
        if role == lti_roles.INSTRUCTOR:
            classroom.instructors.add(user)
        else:
            Enrollment.objects.get_or_create(classroom=classroom, student=user)
        assignment = None
        if not deep_link:
            link = _link(context, resource_link_id, quiz)
            _remember_ags(link, claims.get(AGS_CLAIM))
            assignment = link.assignment
    return Provisioned(user, role, context, classroom, assignment)


def _remember_ags(link: LtiResourceLink, claim: object) -> None:
    if not isinstance(claim, dict):
        return
    values = {
        "lineitem_url": _text(claim.get("lineitem"), 500),
        "lineitems_url": _text(claim.get("lineitems"), 500),
        "ags_scopes": [s for s in claim.get("scope") or [] if isinstance(s, str)],
    }
    changed = [field for field, value in values.items() if getattr(link, field) != value]
    for field in changed:
        setattr(link, field, values[field])
    if changed:
        link.save(update_fields=changed)


def lti_deep_link_choose(*, classroom: Classroom, quiz: Quiz) -> Assignment:
    """The assignment a deep-linked quiz becomes, made now so the class shows it at once."""
    assignment, _ = Assignment.objects.get_or_create(quiz=quiz, classroom=classroom)
    return assignment


# --- Grades -------------------------------------------------------------------------------------


def grade_queue_for_attempt(attempt: Attempt) -> None:
    """Called at the end of closing an attempt, inside its transaction.

    No query here: an attempt outside any assignment returns at once, and the rest runs after
    the commit, so a grade is never sent for an attempt whose transaction rolled back.
    """
    if attempt.assignment_id is None:
        return
    transaction.on_commit(
        partial(_grades_after_commit, attempt.assignment_id, attempt.student_id, attempt.quiz_id)
    )


def _grades_after_commit(assignment_id: int, student_id: int, quiz_id: int) -> None:
    try:
        submissions = grades_queue(
            assignment_id=assignment_id, student_id=student_id, quiz_id=quiz_id
        )
        for submission in submissions:
            grade_send(submission=submission)
    except Exception:
        # The student's submission is committed whatever happens here; lti_send_grades retries.
        logger.exception("LTI grade passback failed after commit")


def grades_queue(
    *, assignment_id: int, student_id: int, quiz_id: int, now: datetime | None = None
) -> list[GradeSubmission]:
    """Pending grade rows for every platform link this student's assignment is launched from.

    One query when there is none (the usual, non-LTI case).
    """
    now = now or timezone.now()
    pairs = list(
        LtiResourceLink.objects.filter(
            assignment_id=assignment_id,
            context__deployment__platform__users__user_id=student_id,
        ).values_list("pk", "context__deployment__platform__users__pk")
    )
    if not pairs:
        return []
    # Imported here: the attempt selectors import the attempt services, which call this module.
    from quizzes.selectors.attempts import grade_across_attempts

    quiz = Quiz.objects.get(pk=quiz_id)
    fractions = list(
        Attempt.objects.filter(student_id=student_id, quiz_id=quiz_id)
        .exclude(state=AttemptState.IN_PROGRESS)
        .order_by("number")
        .values_list("fraction", flat=True)
    )
    fraction = grade_across_attempts(quiz.grading_method, fractions)
    if fraction is None:
        return []
    rows = []
    with transaction.atomic():
        for link_id, lti_user_id in pairs:
            row, _ = GradeSubmission.objects.update_or_create(
                link_id=link_id,
                lti_user_id=lti_user_id,
                defaults={
                    "fraction": fraction,
                    "status": GradeStatus.PENDING,
                    "graded_at": now,
                    "tries": 0,
                    "last_error": "",
                    "next_try_at": now,
                },
            )
            rows.append(row)
    return rows


def _retry_delay(tries: int) -> timedelta:
    return min(FIRST_RETRY * (2 ** max(tries - 1, 0)), LONGEST_RETRY)


def score_given(fraction: Decimal) -> float:
    return float((Decimal(fraction) * SCORE_MAXIMUM).quantize(Decimal("0.01")))


def _claim(submission: GradeSubmission, now: datetime) -> bool:
    """Lease the row for one sender; False when another sender holds it or it is not due."""
    return bool(
        GradeSubmission.objects.filter(
            pk=submission.pk,
            status=GradeStatus.PENDING,
            graded_at=submission.graded_at,
            next_try_at__lte=now,
        ).update(next_try_at=now + SEND_LEASE)
    )


def _post_score(submission: GradeSubmission) -> None:
    link = submission.link
    platform = link.context.deployment.platform
    connector = DjangoServiceConnector(registration_for(platform), http_session())
    service = AssignmentsGradesService(
        connector,
        {"scope": link.ags_scopes, "lineitem": link.lineitem_url, "lineitems": link.lineitems_url},
    )
    if SCORE_SCOPE not in link.ags_scopes:
        raise RuntimeError(NO_SCORE_SCOPE)
    grade = (
        Grade()
        .set_score_given(score_given(submission.fraction))
        .set_score_maximum(SCORE_MAXIMUM)
        .set_activity_progress("Completed")
        .set_grading_progress("FullyGraded")
        .set_user_id(submission.lti_user.sub)
        .set_timestamp(submission.graded_at.isoformat(timespec="milliseconds"))
    )
    if link.lineitem_url:
        service.put_grade(grade)
        return
    if not link.lineitems_url:
        raise RuntimeError(NO_LINE_ITEM)
    # A link made by hand rather than by deep linking: find or make its grade column.
    quiz = link.assignment.quiz
    wanted = (
        LineItem()
        .set_score_maximum(SCORE_MAXIMUM)
        .set_label(quiz.title)
        .set_resource_id(f"psoasquiz-quiz-{quiz.pk}")
        .set_resource_link_id(link.resource_link_id)
    )
    lineitem = service.find_or_create_lineitem(wanted, find_by="resource_link_id")
    if lineitem.get_id():
        link.lineitem_url = lineitem.get_id()
        link.save(update_fields=["lineitem_url"])
    service.put_grade(grade, lineitem)


def grade_send(*, submission: GradeSubmission, now: datetime | None = None) -> str:
    """Send one pending grade now; returns its status afterwards. Never raises for the network."""
    now = now or timezone.now()
    if not _claim(submission, now):
        submission.refresh_from_db()
        return submission.status
    submission = GradeSubmission.objects.select_related(
        "lti_user", "link__assignment__quiz", "link__context__deployment__platform"
    ).get(pk=submission.pk)
    try:
        _post_score(submission)
    except Exception as error:  # noqa: BLE001 - any failure is a retry, and is shown to staff
        tries = submission.tries + 1
        failed = tries >= MAX_TRIES
        GradeSubmission.objects.filter(pk=submission.pk, graded_at=submission.graded_at).update(
            tries=F("tries") + 1,
            last_error=str(error)[:2000] or error.__class__.__name__,
            status=GradeStatus.FAILED if failed else GradeStatus.PENDING,
            next_try_at=None if failed else now + _retry_delay(tries),
        )
        logger.warning("LTI grade %s not sent: %s", submission.pk, error)
    else:
        GradeSubmission.objects.filter(pk=submission.pk, graded_at=submission.graded_at).update(
            status=GradeStatus.SENT,
            tries=F("tries") + 1,
            last_error="",
            sent_at=now,
            next_try_at=None,
        )
    submission.refresh_from_db()
    return submission.status


def grades_queue_missed(*, now: datetime | None = None, limit: int = 500) -> int:
    """Queue the grades whose after-commit step never ran; how many (assignment, student) it found.

    The grade of a submission is queued after the attempt's transaction commits. A worker that
    dies between the two leaves a submitted attempt and no grade for the platform: such an
    attempt has no grade row for its link graded at or after its submission. For cron, before
    sending.
    """
    graded_since = GradeSubmission.objects.filter(
        link__assignment_id=OuterRef("assignment_id"),
        lti_user__user_id=OuterRef("student_id"),
        graded_at__gte=OuterRef("submitted_at"),
    )
    launched_here = LtiResourceLink.objects.filter(
        assignment_id=OuterRef("assignment_id"),
        context__deployment__platform__users__user_id=OuterRef("student_id"),
    )
    missed = list(
        Attempt.objects.filter(Exists(launched_here), ~Exists(graded_since))
        .filter(submitted_at__isnull=False)
        .exclude(state=AttemptState.IN_PROGRESS)
        .values_list("assignment_id", "student_id", "quiz_id")
        .distinct()
        .order_by("assignment_id", "student_id")[:limit]
    )
    for assignment_id, student_id, quiz_id in missed:
        grades_queue(assignment_id=assignment_id, student_id=student_id, quiz_id=quiz_id, now=now)
    return len(missed)


def grades_send_due(*, now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Send every pending grade whose time has come; counts by resulting status. For cron."""
    now = now or timezone.now()
    due = list(
        GradeSubmission.objects.filter(status=GradeStatus.PENDING, next_try_at__lte=now).order_by(
            "next_try_at"
        )[:limit]
    )
    counts = {status: 0 for status in GradeStatus.values}
    for submission in due:
        counts[grade_send(submission=submission, now=now)] += 1
    return counts


def grade_retry(*, submission: GradeSubmission, now: datetime | None = None) -> str:
    """An instructor's "retry now": due at once, even after the automatic tries ran out."""
    now = now or timezone.now()
    GradeSubmission.objects.filter(pk=submission.pk).exclude(status=GradeStatus.SENT).update(
        status=GradeStatus.PENDING, next_try_at=now
    )
    submission.refresh_from_db()
    if submission.status == GradeStatus.SENT:
        return submission.status
    return grade_send(submission=submission, now=now)


# --- Rosters ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterResult:
    students_added: int
    instructors_added: int
    accounts_created: int
    skipped: int


def lti_roster_sync(*, context: LtiContext, now: datetime | None = None) -> RosterResult:
    """Bring the class's people in line with the course's active members. Idempotent.

    Only adds: someone who left the course keeps their attempts and place here until an
    instructor removes them.
    """
    now = now or timezone.now()
    if not context.memberships_url:
        raise RuntimeError(NO_ROSTER)
    platform = context.deployment.platform
    connector = DjangoServiceConnector(registration_for(platform), http_session())
    service = NamesRolesProvisioningService(
        connector, {"context_memberships_url": context.memberships_url}
    )
    members = service.get_members()  # the network first, outside any transaction
    students = instructors = created = skipped = 0
    classroom = context.classroom
    with transaction.atomic():
        for member in members:
            role = lti_roles.role_for(member.get("roles") or [])
            sub = _text(member.get("user_id"), 255)
            if role is None or not sub or member.get("status", "Active") != "Active":
                skipped += 1
                continue
            before = LtiUser.objects.filter(platform=platform, sub=sub).exists()
            user = _lti_user(platform, sub, member, role)
            created += not before
            if role == lti_roles.INSTRUCTOR:
                if not classroom.instructors.filter(pk=user.pk).exists():
                    classroom.instructors.add(user)
                    instructors += 1
            else:
                _, made = Enrollment.objects.get_or_create(classroom=classroom, student=user)
                students += made
        context.roster_synced_at = now
        context.save(update_fields=["roster_synced_at"])
    return RosterResult(students, instructors, created, skipped)


def roster_due(context: LtiContext, now: datetime) -> bool:
    return bool(context.memberships_url) and (
        context.roster_synced_at is None or now - context.roster_synced_at >= ROSTER_RESYNC
    )
