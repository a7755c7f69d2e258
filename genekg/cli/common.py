"""Shared CLI plumbing: global state, consoles, error rendering."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from typing import Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from genekg.errors import GenekgError

# Logs and pipes get 160 columns instead of rich's 80, so wide tables (evaluate, query
# results) stay readable in a CI log or `| tee`; a terminal keeps its own width.
console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True)


@dataclass
class AppState:
    """Connection settings and flags given to the root command, shared by every subcommand."""
    uri: str | None = None
    user: str | None = None
    password: str | None = None
    verbose: bool = False
    seed: int | None = None

    def __repr__(self) -> str:
        return f"AppState(uri={self.uri!r}, user={self.user!r}, verbose={self.verbose})"


def state(ctx: typer.Context) -> AppState:
    """The AppState stored on the root context."""
    root = ctx.find_root()
    if not isinstance(root.obj, AppState):
        root.obj = AppState()
    return root.obj


# numpy's and scikit-learn's seeds are 32-bit; `evaluate --seeds n` adds to it, so the
# limit leaves room (a usage error before any work, not a traceback after it).
SEED_MAX = 2**32 - 1_001


def resolve_seed(ctx: typer.Context, seed: int | None) -> int:
    """The one seed policy: the command's --seed, else the global --seed, else one drawn
    at random — printed, so the run can be repeated, and recorded by the run itself."""
    s = seed if seed is not None else state(ctx).seed
    if s is None:
        import secrets

        s = secrets.randbelow(2**31)
        err_console.print(f"seed {s} (drawn; pass --seed {s} to repeat)", highlight=False)
    return s


def open_db(ctx: typer.Context) -> Any:
    """A connected `Database` for this invocation's settings (use as a context manager)."""
    from genekg.db import connect

    s = state(ctx)
    return connect(s.uri, s.user, s.password)


def render_error(exc: GenekgError) -> None:
    """Print a GenekgError as one red line plus its hint (no traceback)."""
    # soft_wrap: one line per message, so logs stay greppable
    from rich.markup import escape

    err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False,
                      soft_wrap=True)
    if exc.hint:
        err_console.print(f"[yellow]hint:[/] {escape(exc.hint)}", highlight=False,
                          soft_wrap=True)


class GenekgGroup(TyperGroup):
    """Expected failures end with a message and a non-zero exit, not a traceback."""

    def invoke(self, ctx: Any) -> Any:
        """Run the command; expected errors become one line and exit status 1."""
        try:
            return super().invoke(ctx)
        except GenekgError as exc:
            render_error(exc)
            raise typer.Exit(exc.exit_code) from exc
        except KeyboardInterrupt:
            _interrupted()
        except Exception as exc:
            if _caused_by_interrupt(exc):
                # Ctrl-C inside the driver: closing its broken connection raised again.
                _interrupted()
            # Driver failures (server gone mid-write, statement refused) are expected too.
            from genekg.db import as_genekg_error

            mapped = as_genekg_error(exc)
            if mapped is None:
                raise
            render_error(mapped)
            raise typer.Exit(mapped.exit_code) from exc


def _caused_by_interrupt(exc: BaseException) -> bool:
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        if isinstance(cur, KeyboardInterrupt):
            return True
        seen.add(id(cur))
        cur = cur.__cause__ or cur.__context__
    return False


def _interrupted() -> None:
    err_console.print("[red]interrupted[/]: loads and prediction writes are all-or-nothing, "
                      "so the graph holds what it held before this command; run it again to "
                      "complete it", highlight=False, soft_wrap=True)
    raise typer.Exit(130) from None


def setup_logging(verbose: bool) -> None:
    """Log to stderr through rich: DEBUG with --verbose, WARNING otherwise."""
    from rich.logging import RichHandler

    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(message)s",
        handlers=[RichHandler(console=err_console, show_path=False)],
        force=True,
    )
    for noisy in ("matplotlib", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # The driver logs each retried transaction (a deadlock between two writers on shared
    # genes, a leader switch) as a 15-line WARNING with a traceback; retries are expected
    # and a final failure ends as genekg's own one-line error, so only --verbose shows them.
    logging.getLogger("neo4j").setLevel(logging.DEBUG if verbose else logging.ERROR)
