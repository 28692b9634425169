"""LTI 1.3 endpoints and the pages around them. Thin: checks in quizzes/lti/launch.py, writes in
quizzes/services/lti.py.

Login and launch are posted by the platform from another site, so they are exempt from CSRF
(the OIDC state cookie and the signed, single-use id_token stand in for it). Their error pages
may be framed by anyone: they carry no action to click-jack, and an LMS administrator must be
able to read them inside the course's frame.
"""

import logging

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required, user_passes_test
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quizzes import csp
from quizzes.lti import keys
from quizzes.lti.forms import PlatformForm
from quizzes.lti.launch import (
    MISSING_TOKEN,
    UNSUPPORTED_MESSAGE,
    LaunchRefused,
    ToolLaunch,
    ToolLogin,
)
from quizzes.lti.middleware import remember_platform_frame
from quizzes.lti.roles import INSTRUCTOR
from quizzes.lti.storage import DatabaseLaunchDataStorage
from quizzes.lti.tool_conf import PlatformToolConf
from quizzes.security_log import log_refusal
from quizzes.selectors import lti as selectors
from quizzes.services import lti as services

logger = logging.getLogger(__name__)

SESSION_DEEP_LINK = "lti_deep_link_launch_id"
SESSION_DEEP_LINK_CLASS = "lti_deep_link_classroom_id"
DEEP_LINK_EXPIRED = (
    "This content selection is no longer open. Start again with the platform's “Select content” "
    "button."
)
CHOOSE_A_QUIZ = "Choose one of the quizzes listed."
ROSTER_SYNCED = (
    "Roster updated from the course: {students} students and {instructors} instructors added "
    "({created} new accounts)."
)
ROSTER_FAILED = "The course roster could not be read from the platform: {error}"
GRADE_SENT = "The grade for {name} was sent to the platform."
GRADE_NOT_SENT = "The grade for {name} could not be sent yet: {error}"
PLATFORM_SAVED = "{name} is registered. Deployments: {deployments}."


@xframe_options_exempt
def _refused(request, refusal: LaunchRefused) -> HttpResponse:
    log_refusal(request, "lti_refused", status=refusal.status, reason=refusal.message[:200])
    response = render(
        request, "lti/error.html", {"message": refusal.message}, status=refusal.status
    )
    response.refusal_logged = True
    return response


def _launch_url(request) -> str:
    return request.build_absolute_uri(reverse("lti_launch"))


@csrf_exempt
@require_http_methods(["GET", "POST"])
def lti_login(request):
    """OIDC third-party initiated login: remember state and nonce, send the browser back."""
    oidc = ToolLogin(request, PlatformToolConf(), launch_data_storage=DatabaseLaunchDataStorage())
    try:
        return oidc.redirect(_launch_url(request))
    except LaunchRefused as refusal:
        return _refused(request, refusal)


def _class_page(classroom_id: int) -> str:
    try:
        return reverse("class_detail", args=[classroom_id])
    except NoReverseMatch:
        return reverse("home")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def lti_launch(request):
    if request.method != "POST":
        return _refused(request, LaunchRefused(MISSING_TOKEN))
    try:
        launch = ToolLaunch(request)
        launch.validate()
        claims = dict(launch.get_launch_data())
        deep_link = launch.is_deep_link_launch()
        if not deep_link and not launch.is_resource_launch():
            message_type = claims.get("https://purl.imsglobal.org/spec/lti/claim/message_type")
            raise LaunchRefused(UNSUPPORTED_MESSAGE.format(message_type=message_type))
        outcome = services.lti_launch_provision(
            platform=launch.platform, claims=claims, deep_link=deep_link
        )
    except LaunchRefused as refusal:
        return _refused(request, refusal)
    login(request, outcome.user, backend="django.contrib.auth.backends.ModelBackend")
    remember_platform_frame(request, launch.platform)
    if outcome.role == INSTRUCTOR and services.roster_due(outcome.context, timezone.now()):
        try:
            services.lti_roster_sync(context=outcome.context)
        except Exception as error:  # noqa: BLE001 - the launch goes on; the page offers a retry
            logger.warning("LTI roster sync on launch failed: %s", error)
            messages.warning(request, ROSTER_FAILED.format(error=error))
    if deep_link:
        request.session[SESSION_DEEP_LINK] = launch.get_launch_id()
        request.session[SESSION_DEEP_LINK_CLASS] = outcome.classroom.pk
        return redirect("lti_deep_link")
    if outcome.role != INSTRUCTOR:
        return redirect("assignment_detail", assignment_id=outcome.assignment.pk)
    return redirect(_class_page(outcome.classroom.pk))


@require_GET
def lti_jwks(request):
    response = JsonResponse(keys.jwks())
    response["Cache-Control"] = "public, max-age=3600"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def lti_deep_link(request):
    """The instructor picks a quiz; the platform gets it back as a graded resource link."""
    launch_id = request.session.get(SESSION_DEEP_LINK)
    classroom_id = request.session.get(SESSION_DEEP_LINK_CLASS)
    if not launch_id or not request.user.teaching_classes.filter(pk=classroom_id).exists():
        return _refused(request, LaunchRefused(DEEP_LINK_EXPIRED))
    quizzes = selectors.quizzes_for_deep_linking(request.user)
    error = ""
    if request.method == "POST":
        quiz = quizzes.filter(pk=_int(request.POST.get("quiz"))).first()
        if quiz is None:
            error = CHOOSE_A_QUIZ
        else:
            try:
                launch = ToolLaunch.restore(request, launch_id)
            except Exception:  # noqa: BLE001 - expired or unknown launch data
                return _refused(request, LaunchRefused(DEEP_LINK_EXPIRED))
            return _deep_link_response(request, launch, quiz, classroom_id)
    return render(
        request,
        "lti/deep_link.html",
        {"quizzes": quizzes, "error": error, "selected": request.POST.get("quiz", "")},
        status=400 if error else 200,
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _deep_link_response(request, launch, quiz, classroom_id):
    from pylti1p3.deep_link_resource import DeepLinkResource
    from pylti1p3.lineitem import LineItem

    assignment = services.lti_deep_link_choose(
        classroom=request.user.teaching_classes.get(pk=classroom_id), quiz=quiz
    )
    lineitem = (
        LineItem()
        .set_score_maximum(services.SCORE_MAXIMUM)
        .set_label(quiz.title)
        .set_resource_id(f"psoasquiz-quiz-{quiz.pk}")
    )
    resource = (
        DeepLinkResource()
        .set_url(_launch_url(request))
        .set_title(quiz.title)
        .set_lineitem(lineitem)
        .set_custom_params({services.QUIZ_PARAMETER: services.quiz_parameter(quiz)})
    )
    deep_link = launch.get_deep_link()
    token = deep_link.get_response_jwt([resource])
    return_url = launch.get_launch_data()[
        "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
    ]["deep_link_return_url"]
    request.session.pop(SESSION_DEEP_LINK, None)
    response = render(
        request,
        "lti/deep_link_return.html",
        {"return_url": return_url, "jwt": token, "quiz": quiz, "assignment": assignment},
    )
    # This page's form posts to the platform: the one place our forms leave the site.
    csp.allow(response, "form-action", csp.origin(return_url))
    return response


def _teacher(user) -> bool:
    return user.is_authenticated and user.is_instructor


@login_required
@user_passes_test(_teacher)
@require_GET
def lti_grades(request):
    rows = list(selectors.grade_submissions_for(request.user)[:500])
    return render(request, "lti/grades.html", {"rows": rows})


@login_required
@user_passes_test(_teacher)
@require_POST
def lti_grade_retry(request, submission_id: int):
    submission = get_object_or_404(selectors.grade_submissions_for(request.user), pk=submission_id)
    status = services.grade_retry(submission=submission)
    name = submission.lti_user.user
    if status == "sent":
        messages.success(request, GRADE_SENT.format(name=name))
    else:
        submission.refresh_from_db()
        messages.error(request, GRADE_NOT_SENT.format(name=name, error=submission.last_error))
    return redirect("lti_grades")


@login_required
@user_passes_test(_teacher)
@require_http_methods(["GET", "POST"])
def lti_class(request, classroom_id: int):
    """The LMS course behind a class: where it comes from, and a roster sync button."""
    context = selectors.lti_context_for(request.user, classroom_id)
    if context is None:
        raise Http404
    if request.method == "POST":
        try:
            result = services.lti_roster_sync(context=context)
        except Exception as error:  # noqa: BLE001 - the platform's failure, said as it is
            messages.error(request, ROSTER_FAILED.format(error=error))
        else:
            messages.success(
                request,
                ROSTER_SYNCED.format(
                    students=result.students_added,
                    instructors=result.instructors_added,
                    created=result.accounts_created,
                ),
            )
        return redirect("lti_class", classroom_id=classroom_id)
    return render(
        request,
        "lti/class.html",
        {"context": context, "classroom": context.classroom, "back": _class_page(classroom_id)},
    )


@login_required
@user_passes_test(lambda user: user.is_staff)
@require_http_methods(["GET", "POST"])
def lti_platforms(request):
    form = PlatformForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            platform, _ = services.lti_platform_register(
                name=data["name"],
                issuer=data["issuer"].strip(),
                client_id=data["client_id"].strip(),
                login_url=data["login_url"],
                token_url=data["token_url"],
                keyset_url=data["keyset_url"] or "",
                keyset=data["keyset"],
                deployment_ids=data["deployment_ids"].split(),
                frame_ancestors=data["frame_ancestors"] or None,
                update=False,
            )
        except services.PlatformInvalid as invalid:
            for field, message in invalid.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            deployments = ", ".join(d.deployment_id for d in platform.deployments.all())
            messages.success(request, PLATFORM_SAVED.format(name=platform, deployments=deployments))
            return redirect("lti_platforms")
    return render(
        request,
        "lti/platforms.html",
        {
            "form": form,
            "platforms": selectors.platforms_with_deployments(),
            "urls": tool_urls(request),
        },
        status=400 if form.errors else 200,
    )


def tool_urls(request) -> dict[str, str]:
    """What an LMS administrator pastes into the platform's tool settings."""
    return {
        "login": request.build_absolute_uri(reverse("lti_login")),
        "launch": _launch_url(request),
        "jwks": request.build_absolute_uri(reverse("lti_jwks")),
        "deep_link": _launch_url(request),
    }
