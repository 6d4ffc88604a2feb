"""The app the bench serves: exactly wsgi.py's app, plus one floor endpoint that exists only here.

/_bench/floor/<n> returns n bytes from memory through Flask and gunicorn: what a page of that
size would cost if producing it were free. Limits are raised, and the minimum fill time that
stops bots is off (wrk posts the moment it has the form), so the bench measures work, not the
spam defences.
"""

from flask import Response

from hoering import create_app

app = create_app(
    {
        "SUBMIT_LIMIT": "1000000 per hour",
        "SUBMIT_ADDRESS_LIMIT": "1000000 per hour",
        "LOGIN_ADDRESS_LIMIT": "1000 per minute",
        "MIN_FORM_SECONDS": 0,
    }
)
_BYTES = b"x" * 4_000_000


@app.get("/_bench/floor/<int:size>")
def floor(size: int):
    return Response(_BYTES[:size], mimetype="text/html")
