"""The class's memory model: fit FSRS's parameters to its reviews, watch the fit, reset.

Same access as the rest of the class pages: the class's instructors and staff; everyone else
gets 404. Starting a fit returns at once: the fit runs in a background thread and the progress
page follows it (a small script polls the JSON status; without JavaScript, a Refresh link).
"""

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from quizzes.models import ParameterFit
from quizzes.selectors import fitting as selectors
from quizzes.services import fitting as services
from quizzes.views.teaching import _classroom, _confirm, teacher_required

FIT_STARTED = "Fitting the memory model to this class's reviews. This page follows its progress."
RESET_DONE = "{name} is back on FSRS-6's default parameters."


def _fit(classroom, fit_id: int) -> ParameterFit:
    try:
        return selectors.class_fit(classroom, fit_id)
    except ParameterFit.DoesNotExist:
        raise Http404("no such fit") from None


def _fit_url(fit: ParameterFit) -> str:
    return reverse("class_fit", args=[fit.classroom_id, fit.pk])


@teacher_required
def class_fit_start(request, classroom_id: int):
    classroom = _classroom(request, classroom_id)
    if request.method != "POST":
        return redirect(reverse("class_detail", args=[classroom.pk]) + "#memory-heading")
    try:
        fit = services.class_parameters_fit_start(classroom=classroom, requested_by=request.user)
    except services.FitRefused as refusal:
        messages.info(request, str(refusal))
        if refusal.fit is not None:
            return redirect(_fit_url(refusal.fit))
        return redirect(reverse("class_detail", args=[classroom.pk]) + "#memory-heading")
    messages.success(request, FIT_STARTED)
    return redirect(_fit_url(fit))


def _status(fit: ParameterFit) -> dict:
    return {
        "id": fit.pk,
        "status": fit.status,
        "status_label": fit.get_status_display(),
        "progress": fit.progress,
        "finished": not fit.is_active,
        "message": fit.message,
    }


@teacher_required
@require_GET
def class_fit(request, classroom_id: int, fit_id: int):
    classroom = _classroom(request, classroom_id)
    fit = _fit(classroom, fit_id)
    return render(
        request,
        "teaching/class_fit.html",
        {"classroom": classroom, "fit": fit, "status": _status(fit)},
    )


@teacher_required
@require_GET
def class_fit_status(request, classroom_id: int, fit_id: int):
    fit = _fit(_classroom(request, classroom_id), fit_id)
    response = JsonResponse(_status(fit))
    response["Cache-Control"] = "no-store"
    return response


@teacher_required
def class_fit_reset(request, classroom_id: int):
    classroom = _classroom(request, classroom_id)
    back = reverse("class_detail", args=[classroom.pk]) + "#memory-heading"
    if request.method == "POST":
        try:
            services.class_parameters_reset(classroom=classroom)
        except services.FitRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, RESET_DONE.format(name=classroom.name))
        return redirect(back)
    return _confirm(
        request,
        title=f"Reset the memory model of {classroom.name}",
        text=(
            "The class's students will be scheduled with FSRS-6's default parameters again, from "
            "their next review on. Their cards and review history are kept, and you can fit the "
            "model again at any time."
        ),
        button="Reset to the defaults",
        back=back,
        danger=False,
    )
