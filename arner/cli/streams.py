"""Where the CLI meets the process: stderr for people, stdout for data, errors as exit codes.

Library errors, Ctrl-C, closed pipes and failed writes end in one line on
stderr and a documented exit code, never a traceback.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
from collections.abc import Callable, Iterator
from typing import TextIO

import click
from rich.console import Console

from ..errors import EXIT_INTERRUPTED, ArnerError
from ..output.bidi import visible


class _Stderr:
    """stderr for people: each bidi control in a line (from a file name, a text) is shown by its
    name, so none can reorder the rest of the line. Looked up on each write so CliRunner's
    captured stderr is used."""

    def write(self, text: str) -> int:
        return sys.stderr.write(visible(text))

    def __getattr__(self, name: str):
        return getattr(sys.stderr, name)


def err_console() -> Console:
    return Console(file=_Stderr(), soft_wrap=True, highlight=False)  # type: ignore[arg-type]


class Failure(click.ClickException):
    """An ArnerError as Click shows it: one line, a hint, its exit code."""

    def __init__(self, error: ArnerError) -> None:
        super().__init__(visible(f"{error.message} ({error.hint})" if error.hint else error.message))
        # Click types exit_code as a ClassVar, yet reads it from the instance (as main and CliRunner do).
        self.exit_code = error.exit_code  # type: ignore[misc]


class _OneLineUsage:
    """A usage error is one line, `Error: ...` with its hint, like every other error.

    (Click would print the usage, a `Try ...` line and a blank line before it.)
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        with _one_line_usage(ctx):
            return super().parse_args(ctx, args)  # type: ignore[misc]

    def invoke(self, ctx: click.Context):
        with _one_line_usage(ctx):
            return super().invoke(ctx)  # type: ignore[misc]


class Command(_OneLineUsage, click.Command):
    """An arner command (see _OneLineUsage)."""


class Group(_OneLineUsage, click.Group):
    """arner's command group (see _OneLineUsage); its commands are Commands."""

    command_class = Command


class UsageFailure(click.ClickException):
    exit_code = click.UsageError.exit_code


@contextlib.contextmanager
def _one_line_usage(ctx: click.Context) -> Iterator[None]:
    try:
        yield
    except click.exceptions.NoArgsIsHelpError:
        raise  # `arner` alone: the help is the answer
    except click.UsageError as error:
        where = error.ctx or ctx
        raise UsageFailure(f"{error.format_message().removesuffix('.')} (try '{where.command_path} --help')") from None


def translate_errors(command: Callable) -> Callable:
    """Library errors, Ctrl-C, closed pipes and failed writes end in one line, never a traceback.

    stdout is flushed here, inside the handlers: output still buffered at exit
    would otherwise fail at interpreter shutdown, where nothing can catch it.
    """

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            result = command(*args, **kwargs)
            if sys.stdout is not None:
                _Stdout(sys.stdout).flush()
            return result
        except ArnerError as error:
            if isinstance(error, StdoutError):
                _abandon_stdout()
            raise Failure(error) from None
        except KeyboardInterrupt:
            err_console().print("arner: interrupted")
            sys.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            # The reader (e.g. `head`) is gone: stop quietly, as Unix tools do.
            _abandon_stdout()
            sys.exit(128 + signal.SIGPIPE)
        except OSError as error:
            where = f"{error.filename}: " if error.filename else ""
            raise click.ClickException(visible(f"{where}{error.strerror or error}")) from None

    return wrapper


class StdoutError(ArnerError):
    """stdout refused data (a full disk, an I/O error)."""


class _Stdout:
    """stdout for data: a failed write is a StdoutError, a closed pipe stays BrokenPipeError."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as error:
            raise StdoutError(f"cannot write to stdout: {error.strerror or error}") from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as error:
            raise StdoutError(f"cannot write to stdout: {error.strerror or error}") from None

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def _abandon_stdout() -> None:
    """Point stdout at /dev/null: what is still buffered is dropped at exit, silently."""
    try:
        fileno = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real file (CliRunner's capture): nothing is flushed at exit
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fileno)
    os.close(devnull)


def data_output() -> TextIO:
    """stdout, for data; an error if it is closed (`>&-`), instead of writing nowhere."""
    if sys.stdout is None:
        raise ArnerError("stdout is closed: there is nowhere to write the output", "redirect it to a file")
    return _Stdout(sys.stdout)  # type: ignore[return-value]
