"""The app the bench serves: exactly wsgi.py's app, plus one floor endpoint that exists only here.

/_bench/floor/<n> returns n bytes from memory through Flask and gunicorn: what a page of that
size would cost if producing it were free. Settings as in bench/settings.py.
"""

from flask import Response
from settings import BENCH_SETTINGS

from hoering import create_app

app = create_app(BENCH_SETTINGS)
_BYTES = b"x" * 4_000_000


@app.get("/_bench/floor/<int:size>")
def floor(size: int):
    return Response(_BYTES[:size], mimetype="text/html")
