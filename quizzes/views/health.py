from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

NOT_LOGGED_IN = "Not logged in."


@never_cache
@require_GET
def healthz(request):
    """For load balancers and uptime checks: 200 when the database answers, 503 when not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "vendor": connection.vendor})


@never_cache
@require_GET
def healthz_session(request):
    """A logged-in request with nothing else to do: the session and the user are loaded (the
    session store and the users table answer), and nothing about the user is sent back.

    The load benchmark's second floor (bench/load.py): every page a student works in costs at
    least this much. A visitor who is not logged in gets a 401, not a redirect to the login
    page, because nobody reads this in a browser.
    """
    if not request.user.is_authenticated:
        return JsonResponse({"status": "error", "message": NOT_LOGGED_IN}, status=401)
    return JsonResponse({"status": "ok", "session": "ok"})
