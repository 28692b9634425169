"""Signing up. Logging in and out are Django's own views (see quizzes/urls.py)."""

from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from quizzes.forms.accounts import SignupForm
from quizzes.services.accounts import user_create


def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    form = SignupForm(request.POST if request.method == "POST" else None)
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


def safe_next(request, next_url: str) -> str | None:
    """`next_url` when it points back into this site, else None (no open redirects)."""
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return None
