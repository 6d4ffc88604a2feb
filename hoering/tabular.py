"""CSV downloads that open correctly in Excel: UTF-8 with BOM, `;` or `,`, streamed row by row."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence

from flask import Response, stream_with_context
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from hoering.errors import BadInputError

DELIMITERS = {"semikolon": ";", "komma": ","}
BOM = "\ufeff"
# A cell starting with one of these is a formula to a spreadsheet (CSV injection, OWASP).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def delimiter_param(args: Mapping[str, str]) -> str:
    """`?skilletegn=semikolon` (the default, what Norwegian Excel expects) or `komma`."""
    name = args.get("skilletegn") or "semikolon"
    if name not in DELIMITERS:
        raise BadInputError(_l("Skilletegnet må være «semikolon» eller «komma»."))
    return DELIMITERS[name]


def cell(value: object) -> str:
    """A value as CSV text; text a spreadsheet would run as a formula gets a leading '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nei"
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_lines(
    header: Sequence[str], rows: Iterable[Sequence[object]], delimiter: str = ";"
) -> Iterator[str]:
    """The BOM and header first, then one CSV line per row (CRLF, quoted where needed)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)

    def line(values: Sequence[object]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([cell(v) for v in values])
        return buffer.getvalue()

    yield BOM + line(header)
    for row in rows:
        yield line(row)


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[object]], delimiter: str
) -> Response:
    """A streamed CSV attachment; rows are read while the response is sent.

    The header is translated and the locale chosen here, in the request: while the body
    streams, the signed-in person's row is no longer bound to a database session."""
    get_locale()
    header = [str(label) for label in header]
    return Response(
        stream_with_context(csv_lines(header, rows, delimiter)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
