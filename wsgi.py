"""Entry point for gunicorn: ``gunicorn wsgi:application``. The embedded PostgreSQL is started here
(when ``DATABASE_URL`` is unset), before the app is made: ``create_app`` does no I/O."""

from app.factory import create_app, resolved_settings

application = create_app(resolved_settings()).server
