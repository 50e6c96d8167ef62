"""Bare Flask or Django (argv[1]) on gunicorn, with the generated service's server settings.

GET /health answers as the service's handler does, with the JSON already encoded, so
that the two differ only by what the template adds around the handler."""

import os
import sys
import types
from typing import Any

from gunicorn.app.base import BaseApplication

HEALTHY = b'{"status":"ok"}'


def flask_app() -> Any:
    from flask import Flask, Response

    app = Flask(__name__)

    @app.get("/health")
    def health() -> Response:
        return Response(HEALTHY, mimetype="application/json")

    return app


def django_app() -> Any:
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    from django.http import HttpRequest, HttpResponse
    from django.urls import path

    def health(request: HttpRequest) -> HttpResponse:
        return HttpResponse(HEALTHY, content_type="application/json")

    urls = types.ModuleType("bench_urls")
    urls.urlpatterns = [path("health", health)]  # type: ignore[attr-defined]
    sys.modules[urls.__name__] = urls
    settings.configure(
        DEBUG=False,
        ALLOWED_HOSTS=["*"],
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench"),
        ROOT_URLCONF=urls.__name__,
        # Django's own defaults, as `django-admin startproject` writes them: the framework
        # as people deploy it, not less.
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
        ],
        MIDDLEWARE=[
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
        ],
    )
    return get_wsgi_application()


class Server(BaseApplication):  # type: ignore[misc]
    def load_config(self) -> None:
        for name, value in {
            "bind": [f"0.0.0.0:{os.environ['PORT']}"],
            "workers": 1,
            "worker_class": "gthread",
            "threads": int(os.environ.get("DB_POOL_MAX", "5")),
            "graceful_timeout": 6,
            "timeout": 30,
            "keepalive": 75,
            "accesslog": None,
            "control_socket_disable": True,
        }.items():
            self.cfg.set(name, value)

    def load(self) -> Any:
        return flask_app() if sys.argv[1] == "flask" else django_app()


if __name__ == "__main__":
    Server().run()
