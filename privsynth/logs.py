"""Structured logging (structlog) for privsynth.

Logs go to stderr as key-value lines; ``PRIVSYNTH_LOG_LEVEL`` (default ``WARNING``) sets the level,
and ``PRIVSYNTH_LOG_JSON=1`` switches to JSON lines.
"""

from __future__ import annotations

import logging
import os
import sys

import structlog

_configured = False


def _current_stderr_logger(*_args: object) -> structlog.PrintLogger:
    """A print logger on the *current* ``sys.stderr`` (it may be swapped after configuration, e.g. by pytest)."""
    return structlog.PrintLogger(file=sys.stderr)


def configure_logging(level: str | None = None) -> None:
    """Configure structlog once for the process.

    Args:
        level: A logging level name; defaults to ``$PRIVSYNTH_LOG_LEVEL`` or ``WARNING``.
    """
    global _configured
    level_name = (level or os.environ.get("PRIVSYNTH_LOG_LEVEL") or "WARNING").upper()
    renderer = (structlog.processors.JSONRenderer() if os.environ.get("PRIVSYNTH_LOG_JSON")
                else structlog.dev.ConsoleRenderer(colors=False))
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso"),
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(getattr(logging, level_name, logging.WARNING)),
        logger_factory=_current_stderr_logger,
        cache_logger_on_first_use=False,
    )
    _configured = True


def get_logger(name: str) -> structlog.typing.FilteringBoundLogger:
    """Return a structlog logger bound to a component name.

    Args:
        name: The component (module) name.
    """
    if not _configured:
        configure_logging()
    # A lazy proxy: configuration (including structlog.testing.capture_logs) applies at each call, not at import.
    return structlog.get_logger(component=name)
