from django.conf import settings


def site(request):
    """Values every page template may use."""
    return {"show_demo_accounts": settings.PSOASQUIZ_SHOW_DEMO_ACCOUNTS}
