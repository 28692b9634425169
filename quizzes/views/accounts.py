"""Signing up, and logging in with limits on guessing. Logging out is Django's own view."""

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.utils import ErrorDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from quizzes.forms.accounts import SignupForm
from quizzes.security_log import client_ip, log_refusal
from quizzes.services import login_limits
from quizzes.services.accounts import user_create


class LoginView(auth_views.LoginView):
    """Django's login, refusing attempts while too many have failed (services/login_limits)."""

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")[:150]
        known = login_limits.is_known_browser(
            request.COOKIES.get(login_limits.KNOWN_COOKIE), username
        )
        lock = login_limits.login_lock(
            username=username, ip=client_ip(request), known_browser=known
        )
        if lock is not None:
            log_refusal(request, "login_locked", status=429, username=username, scope=lock.scope)
            return self._locked(self.get_form(), lock)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        username = form.get_user().get_username()
        login_limits.login_success_record(username=username, ip=client_ip(self.request))
        response = super().form_valid(form)
        response.set_cookie(
            login_limits.KNOWN_COOKIE,
            login_limits.known_cookie_after_login(
                self.request.COOKIES.get(login_limits.KNOWN_COOKIE), username
            ),
            max_age=login_limits.KNOWN_MAX_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        return response

    def form_invalid(self, form):
        if not form.has_error(NON_FIELD_ERRORS, "invalid_login"):
            return super().form_invalid(form)  # a field left empty: no password was tried
        username = form.data.get("username", "")[:150]
        lock = login_limits.login_failure_record(username=username, ip=client_ip(self.request))
        if lock is None:
            return super().form_invalid(form)
        log_refusal(self.request, "lockout", status=429, username=username, scope=lock.scope)
        return self._locked(form, lock)

    def _locked(self, form, lock):
        # Set the errors by hand: validating the form would check the password, which a lock
        # exists to avoid. The same words whether or not the username exists.
        form._errors, form.cleaned_data = ErrorDict(), {}
        form.add_error(None, login_limits.LOCKED_OUT.format(minutes=lock.minutes))
        response = self.render_to_response(self.get_context_data(form=form), status=429)
        response["Retry-After"] = str(lock.retry_after)
        return response


def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    form = SignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        ip = client_ip(request)
        paused = login_limits.rate_peek(name="signup", key=ip)
        if paused is not None:
            log_refusal(request, "signup_throttled", status=429)
            return _signup_paused(request, form, next_url, paused)
        login_limits.rate_hit(name="signup", key=ip, rate=login_limits.signup_rate())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # Everyone who signs up is a student; instructors are made by staff.
            user = user_create(
                username=data["username"],
                password=data["password"],
                email=data["email"],
                display_name=data["display_name"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(safe_next(request, next_url) or reverse("class_join"))
    return render(request, "registration/signup.html", {"form": form, "next": next_url})


def _signup_paused(request, form, next_url, paused):
    form.add_error(None, login_limits.SIGNUPS_PAUSED.format(minutes=paused.minutes))
    response = render(
        request, "registration/signup.html", {"form": form, "next": next_url}, status=429
    )
    response["Retry-After"] = str(paused.retry_after)
    return response


def safe_next(request, next_url: str) -> str | None:
    """`next_url` when it points back into this site, else None (no open redirects)."""
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return None
