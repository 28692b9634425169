"""Students joining classes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from quizzes.forms.classes import JoinForm
from quizzes.security_log import client_ip, log_refusal
from quizzes.services import login_limits
from quizzes.services.classes import (
    INSTRUCTOR_CANNOT_JOIN,
    AlreadyMember,
    JoinRefused,
    enrollment_join,
)

JOINED = "You joined {name}. Welcome!"


def _join_keys(request):
    """Codes that matched no class are counted per address and per account."""
    return (
        ("join_ip", client_ip(request), login_limits.join_rate()),
        ("join_user", str(request.user.pk), login_limits.JOIN_RATE_PER_ACCOUNT),
    )


def _join_paused(request):
    for name, key, _rate in _join_keys(request):
        if (lock := login_limits.rate_peek(name=name, key=key)) is not None:
            return lock
    return None


def _join_failed(request):
    for name, key, rate in _join_keys(request):
        login_limits.rate_hit(name=name, key=key, rate=rate)


@login_required
def class_join(request):
    if request.user.is_instructor:
        # The service refuses too; this page says so before the instructor types anything.
        return render(
            request,
            "classes/join_instructor.html",
            {"message": INSTRUCTOR_CANNOT_JOIN},
            status=403,
        )
    if request.method == "POST":
        form = JoinForm(request.POST)
        paused = _join_paused(request)
        if paused is not None:
            log_refusal(request, "join_throttled", status=429)
            form.add_error("code", login_limits.JOINS_PAUSED.format(minutes=paused.minutes))
            response = render(request, "classes/join.html", {"form": form}, status=429)
            response["Retry-After"] = str(paused.retry_after)
            return response
        if form.is_valid():
            try:
                enrollment = enrollment_join(student=request.user, code=form.cleaned_data["code"])
            except AlreadyMember as refusal:
                messages.info(request, refusal.message)
                return redirect("home")
            except JoinRefused as refusal:
                _join_failed(request)
                form.add_error("code", refusal.message)
            else:
                messages.success(request, JOINED.format(name=enrollment.classroom.name))
                return redirect("home")
    else:
        form = JoinForm(initial={"code": request.GET.get("code", "")[:64]})
    return render(request, "classes/join.html", {"form": form})
