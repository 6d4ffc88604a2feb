"""The WSGI entry point for gunicorn (see gunicorn.conf.py): settings come from HOERING_* env."""

from hoering import create_app

app = create_app()
