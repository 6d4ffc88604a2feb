"""Which views take files, and how large a request body they may receive."""

from __future__ import annotations

from collections.abc import Callable, Mapping


def accepts_files(view: Callable) -> Callable:
    """Mark a view whose form may carry attachments: it gets the larger body limit."""
    view.accepts_files = True
    return view


def body_limit(view: Callable | None, config: Mapping, mimetype: str) -> int:
    """The largest body this view may receive: room for every file plus the form's text.

    Only a multipart form carries files; in one, each text field stays under Flask's
    MAX_FORM_MEMORY_SIZE, so the larger limit never lets a huge text through.
    """
    if getattr(view, "accepts_files", False) and mimetype == "multipart/form-data":
        return (
            config["ATTACHMENT_MAX_BYTES"] * config["ATTACHMENT_MAX_COUNT"]
            + config["MAX_CONTENT_LENGTH"]
        )
    return config["MAX_CONTENT_LENGTH"]
