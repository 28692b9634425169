"""LMS roles (LIS vocabulary) to psoasquiz roles. Pure."""

from collections.abc import Iterable

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
INSTRUCTOR = "instructor"
STUDENT = "student"

# Context (course) roles, and the sub-roles that belong under them (membership/Instructor#X).
TEACHING_ROLES = frozenset({"Instructor", "Administrator", "ContentDeveloper", "TeachingAssistant"})
LEARNING_ROLES = frozenset({"Learner"})
# Without any course role, a site administrator still runs the course; anyone else is unknown.
INSTITUTION_TEACHING_ROLES = frozenset({"Administrator", "SysAdmin"})


def _parse(role: str) -> tuple[str, str]:
    """("membership" | "institution" | "system" | "", name) for one role URI or simple name."""
    if not role.startswith(LIS):
        # LTI 1.3 allows the bare names of context roles ("Instructor", "Learner").
        return ("membership", role) if "/" not in role and "#" not in role else ("", role)
    rest = role[len(LIS) :]
    if rest.startswith("membership#"):
        return "membership", rest.partition("#")[2]
    if rest.startswith("membership/"):
        # membership/Instructor#TeachingAssistant: the sub-role names the person's job.
        base, _, sub = rest[len("membership/") :].partition("#")
        return "membership", sub if sub in TEACHING_ROLES | LEARNING_ROLES else base
    for kind in ("institution", "system"):
        if rest.startswith(f"{kind}/person#"):
            return kind, rest.partition("#")[2]
    return "", role


def role_for(roles: Iterable[str]) -> str | None:
    """INSTRUCTOR, STUDENT, or None when nothing in `roles` says the person teaches or learns.

    Course roles decide when there are any: Canvas sends an administrator's institution role
    even when they open a course as a student.
    """
    parsed = [_parse(r) for r in roles if isinstance(r, str)]
    course = {name for kind, name in parsed if kind == "membership"}
    if course:
        if course & TEACHING_ROLES:
            return INSTRUCTOR
        if course & LEARNING_ROLES:
            return STUDENT
        return None
    wider = {name for kind, name in parsed if kind in ("institution", "system")}
    if wider & INSTITUTION_TEACHING_ROLES:
        return INSTRUCTOR
    return None
