"""Domain exceptions. The CLI turns these into a one-line message and a non-zero exit;
anything else is a bug and keeps its traceback."""

from __future__ import annotations


class GenekgError(Exception):
    """An expected failure with an actionable message."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


class ServerError(GenekgError):
    """The local Neo4j server could not be installed, started or stopped."""


class ConnectionFailed(GenekgError):
    """No Neo4j answered at the configured URI, or the credentials were refused."""


class InputError(GenekgError):
    """A source file is missing, malformed or inconsistent.

    Carries the file and line so that a curator can find the problem.
    """

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        where = ""
        if path is not None:
            where = f"{path}"
            if line is not None:
                where += f":{line}"
            where += ": "
        super().__init__(where + message, hint)
        self.path = path
        self.line = line
