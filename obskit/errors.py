"""Error types that map to obskit's documented exit codes.

Exit codes: 0 ok, 1 findings or lint errors, 2 usage or input error, 3 a backend failed.
Every error carries a message written for the user; the CLI prints it without a traceback
unless ``--debug`` is given.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_BACKEND = 3


class ObskitError(Exception):
    """Base class: a message meant for people and an exit code."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class InputError(ObskitError):
    """Bad user input: a config file, a flag value, an as-code file. Exit 2."""

    exit_code = EXIT_USAGE


class BackendError(ObskitError):
    """A backend (Prometheus, Elasticsearch, ...) could not be reached or answered badly. Exit 3."""

    exit_code = EXIT_BACKEND


class FindingsError(ObskitError):
    """Lint or investigation findings that should fail the command. Exit 1."""

    exit_code = EXIT_FINDINGS
