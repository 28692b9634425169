"""The account's API tokens page: list, create (the secret is shown once), revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_POST

from quizzes.forms.api_tokens import ApiTokenForm
from quizzes.models import ApiToken
from quizzes.services.api_tokens import TokenRefused, api_token_create, api_token_revoke

REVOKED = "The token “{name}” is revoked: requests using it are refused from now on."
# Revoked tokens stay listed for a while, so a person can see what stopped working and when.
REVOKED_SHOWN = 10


def _page(request, form, new=None, status=200):
    tokens = ApiToken.objects.filter(user=request.user)
    response = render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "new": new,
            "active": list(tokens.filter(revoked_at__isnull=True).order_by("-created_at")),
            "revoked": list(
                tokens.filter(revoked_at__isnull=False).order_by("-revoked_at")[:REVOKED_SHOWN]
            ),
        },
        status=status,
    )
    # The page may carry a secret: never keep it in a cache or the back-forward history.
    add_never_cache_headers(response)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    if request.method == "GET":
        return _page(request, ApiTokenForm())
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        new = api_token_create(user=request.user, name=form.cleaned_data["name"])
    except TokenRefused as refusal:
        form.add_error("name", str(refusal))
        return _page(request, form, status=400)
    # Rendered, not redirected: the secret exists only in this response.
    return _page(request, ApiTokenForm(), new=new)


@login_required
@require_POST
def api_token_revoke_view(request, token_id: int):
    try:
        token = api_token_revoke(user=request.user, token_id=token_id)
    except ApiToken.DoesNotExist:
        raise Http404("No such token.") from None
    messages.success(request, REVOKED.format(name=token.name))
    return redirect("api_tokens")
