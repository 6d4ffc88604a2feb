"""Høring: an electronic consultation platform for Norwegian public agencies."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask

from hoering.config import DEFAULTS, PROJECT_ROOT, load_config


def create_app(config: Mapping | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, error pages, CLI. Wiring only."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(DEFAULTS)
    app.config.update(load_config())
    if config:
        app.config.update(config)

    from hoering import web

    web.configure_proxy(app)
    # First, so every request (even one CSRF or a rate limit refuses) has its request id.
    web.configure_requests(app)
    web.configure_extensions(app)
    web.register_blueprints(app)
    web.connect_domains(app)
    web.configure_templates(app)

    from hoering.errors import register_error_handlers

    register_error_handlers(app)

    from hoering.cli import register_cli

    register_cli(app)
    return app
