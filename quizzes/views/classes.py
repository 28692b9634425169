"""Students joining classes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from quizzes.forms.classes import JoinForm
from quizzes.services.classes import (
    INSTRUCTOR_CANNOT_JOIN,
    AlreadyMember,
    JoinRefused,
    enrollment_join,
)

JOINED = "You joined {name}. Welcome!"


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
        if form.is_valid():
            try:
                enrollment = enrollment_join(student=request.user, code=form.cleaned_data["code"])
            except AlreadyMember as refusal:
                messages.info(request, refusal.message)
                return redirect("home")
            except JoinRefused as refusal:
                form.add_error("code", refusal.message)
            else:
                messages.success(request, JOINED.format(name=enrollment.classroom.name))
                return redirect("home")
    else:
        form = JoinForm(initial={"code": request.GET.get("code", "")[:64]})
    return render(request, "classes/join.html", {"form": form})
