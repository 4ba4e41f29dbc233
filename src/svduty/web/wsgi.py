"""WSGI entry point (``gunicorn svduty.web.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "svduty.web.settings")
application = get_wsgi_application()
