"""The `arner` command line: the command group (`commands`), a module per command (`extract`,
`evaluate`, `train`, `view`, `installed`), their shared options (`options`) and the streams and
error handling every command shares (`streams`)."""

from .commands import cli

__all__ = ["cli"]
