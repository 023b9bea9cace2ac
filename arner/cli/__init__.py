"""The `arner` command line: commands (`commands`), their shared options (`options`) and the
streams and error handling every command shares (`streams`)."""

from .commands import cli

__all__ = ["cli"]
