"""WSGI entry point: `gunicorn psoasquiz.wsgi` in production."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "psoasquiz.settings")

application = get_wsgi_application()
