"""`--output-dir` checked against the inputs before anything is written.

An output file never replaces an input (whatever path, symlink or hard link
leads to it), never takes two inputs, and never lands in a folder the walk
reads under a name the glob matches: a later run would read it as an input.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from ..errors import OutputClash
from ..inputs.walk import FileKey, display_name, file_key, find_inputs, takes
from ..types import Skipped

HINT = "choose an --output-dir outside the inputs"


def check_outputs(
    paths: Iterable[str], pattern: str, output_dir: Path, target: Callable[[str], Path], stdin: BinaryIO | None = None
) -> None:
    """Raise OutputClash if writing `target(relpath)` for every input could lose or reread one.

    Walks the inputs as the run will (the output folder passed over) without reading them.
    """
    entered: set[FileKey] = set()
    planned: list[tuple[str, Path]] = []  # (input's source, its output path)
    inputs: dict[FileKey, str] = {}  # what each input is on disk -> its source
    claimed: dict[Path, str] = {}
    for found in find_inputs(list(paths), pattern, avoid=output_dir, entered=entered):
        if isinstance(found, Skipped):
            continue
        path, source, relpath = found
        output = target(relpath)
        if output in claimed:
            raise OutputClash(
                f"{claimed[output]} and {source} would both be written to {display_name(str(output))}",
                "run them with different --output-dir folders",
            )
        claimed[output] = source
        planned.append((source, output))
        key = _stdin_key(stdin) if path is None else file_key(path)
        if key is not None:
            inputs.setdefault(key, source)
    for source, output in planned:
        shown = display_name(str(output))
        replaced = inputs.get(file_key(output))  # type: ignore[arg-type]
        if replaced is not None:
            same = "" if shown == replaced else f" ({shown} is the same file)"
            raise OutputClash(f"the output for {source} would replace the input {replaced}{same}", HINT)
        if takes(output.name, pattern) and file_key(output.parent) in entered:
            raise OutputClash(
                f"the output for {source}, {shown}, would be in an input folder where --glob {display_name(repr(pattern))} finds it: "
                "the next run would read it as an input",
                HINT,
            )


def _stdin_key(stdin: BinaryIO | None) -> FileKey | None:
    """The file stdin reads, when it is redirected from one (`< out/stdin.json`)."""
    try:
        info = os.fstat(stdin.fileno())  # type: ignore[union-attr]
    except (AttributeError, OSError, ValueError):
        return None
    return info.st_dev, info.st_ino
