"""`arner extract --engine ray`: the local pipeline on Ray Data, for archives one machine cannot finish.

The driver lists the inputs (find_inputs) and reports what it cannot list. A
Ray Dataset of paths goes through actors that each load the Extractor once and
run the local engine's code on a batch of documents (open_input, then
Extractor.stream). Each document comes back as one row: its events, with the
Document (which holds a file-opening function) replaced by a picklable record.
The rows arrive in input order and go into the same writers and Report as the
local engine. With --output-dir the actors write the files themselves, through
the same DirectoryWriter, and send back only what the report needs.

`extract_dataset` (ray_texts.py, named here too) is the same extraction for a Dataset of texts held in Ray;
ray_workers.py sizes the actors of both.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import pickle
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import ray
import ray.data
from rich.console import Console

from ..errors import ArnerError, OutputError
from ..extractor import Extractor
from ..inputs.sources import Document
from ..inputs.walk import find_inputs
from ..models import Settings
from ..output import Writer, make_writer
from ..types import DocumentDone, DocumentLike, Event, SentenceResult, Skipped
from .local import Report, drive, open_input
from .ray_texts import extract_dataset as extract_dataset  # the Dataset API, named here where docs/ray.md points
from .ray_workers import BATCH, default_workers, for_workers, worker_cpus

# Blocks per actor: enough for Ray to balance uneven documents, few enough to schedule cheaply.
BLOCKS_PER_WORKER = 64


@dataclass(frozen=True)
class DocumentRecord:
    """What the writers read of a Document; unlike a Document it pickles (no file-opening function)."""

    source: str
    encoding: str
    relpath: str

    @classmethod
    def of(cls, document: DocumentLike) -> DocumentRecord:
        return cls(document.source, document.encoding, document.relpath)


@dataclass
class Outcome:
    """One input as an actor sends it back: its events, in order."""

    events: list[Event]
    written: int = 0  # entities written to --output-dir by the actor (its events then hold no sentences)


@contextlib.contextmanager
def connect(address: str | None = None, num_cpus: int | None = None) -> Iterator[None]:
    """Use the Ray this process has joined; else join `address` ("auto", "ray://host:port"),
    or with no address start a Ray on this machine and stop it afterwards (on loopback when
    this module was loaded with `arner.engines.load_ray(local=True)`)."""
    if ray.is_initialized():
        yield
        return
    # Ray's C++ core writes to file descriptor 2 directly: a line at start-up and one per actor.
    os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")
    options: dict = {"address": address or "local", "log_to_driver": False, "logging_level": logging.ERROR}
    if not address:
        options.update(num_cpus=num_cpus or os.cpu_count(), include_dashboard=False)
    try:
        with _quiet_stderr():
            ray.init(**options)
    except (ConnectionError, RuntimeError, ValueError) as error:
        if not address:
            raise ArnerError(f"cannot start Ray on this machine: {error}") from None
        raise ArnerError(
            f"cannot reach Ray at {address}: {error}",
            "`ray start --head` on the cluster's head node, or leave --ray-address empty",
        ) from None
    # Ray Data logs each execution at INFO and some advice at WARNING to stderr, which is for arner's lines.
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    try:
        yield
    finally:
        ray.shutdown()


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """File descriptor 2 to /dev/null while Ray starts (its C++ logging announces itself there)."""
    sys.stderr.flush()
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


def run(
    extractor_args: dict,
    paths: Iterable[str],
    writer: Writer,
    *,
    fmt: str,
    pattern: str,
    encoding: str | None,
    output_dir: Path | None,
    skip_existing: bool,
    address: str | None,
    workers: int | None,
    quiet: bool,
    console: Console,
) -> Report:
    """`arner extract` on Ray: the same output, skipped-file report and counts as the local engine."""
    paths = list(paths)
    report = Report()
    existing = writer.path if skip_existing else None  # type: ignore[attr-defined]
    items, skipped_before = _listing(paths, pattern, existing, report, output_dir)
    # Ray's driver prints what its raylets report (a worker died, its task is retried) on
    # sys.stdout, which is data here: send that to stderr; the writer keeps `stdout`.
    with contextlib.redirect_stdout(sys.stderr), connect(address):
        cpus = worker_cpus(extractor_args.get("settings", Settings()))
        outcomes = _outcomes(
            items,
            for_workers(extractor_args, cpus),
            encoding,
            fmt,
            output_dir and output_dir.absolute(),
            writer.needs_text,
            workers or default_workers(cpus),
            cpus,
        )
        # With --output-dir the actors have written the files; the driver only reports.
        return drive(
            _events(outcomes, skipped_before, report),
            Writer() if output_dir else writer,
            report,
            paths,
            pattern,
            output_dir=output_dir,
            quiet=quiet,
            console=console,
        )


def _listing(
    paths: list[str], pattern: str, existing: Callable[[str], Path] | None, report: Report, output_dir: Path | None
) -> tuple[list[dict], list[list[Skipped]]]:
    """The inputs to process, and for each the Skipped found before it (one more list for the end).

    The walk never enters `output_dir`, as the local engine's.
    """
    items: list[dict] = []
    skipped_before: list[list[Skipped]] = [[]]
    for found in find_inputs(paths, pattern, avoid=output_dir):
        if isinstance(found, Skipped):
            skipped_before[-1].append(found)
        elif existing is not None and existing(found[2]).exists():
            report.existing += 1
        else:
            path, source, relpath = found
            assert path is not None  # the CLI refuses stdin (`-`) with --engine ray
            items.append({"path": os.path.abspath(path), "source": source, "relpath": relpath})
            skipped_before.append([])
    return items, skipped_before


def _events(outcomes: Iterator[Outcome], skipped_before: list[list[Skipped]], report: Report) -> Iterator[Event]:
    """The events of the local engine, in its order: the driver's Skipped between the actors' documents."""
    for skipped in skipped_before[:-1]:
        yield from skipped
        outcome = next(outcomes)
        report.entities += outcome.written
        yield from outcome.events
    yield from skipped_before[-1]


def _outcomes(
    items: list[dict],
    extractor_args: dict,
    encoding: str | None,
    fmt: str,
    output_dir: Path | None,
    keep_text: bool,
    size: int,
    cpus: int,
) -> Iterator[Outcome]:
    """Each item's Outcome, in order, from `size` actors of `cpus` CPUs each."""
    if not items:
        return
    # At least a block per actor (Ray warns of idle actors otherwise), never an empty block.
    blocks = min(len(items), max(size, min(math.ceil(len(items) / BATCH), BLOCKS_PER_WORKER * size)))
    size = min(size, blocks)
    results = ray.data.from_items(items, override_num_blocks=blocks).map_batches(
        _DocumentWorker,
        fn_constructor_args=(extractor_args, encoding, fmt, str(output_dir) if output_dir else None, keep_text),
        batch_size=BATCH,
        batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(size=size),
        num_cpus=cpus,
    )
    # `-f json` lists documents in input order, and skipped files are reported where they occur.
    results.context.execution_options.preserve_order = True
    results.context.enable_progress_bars = False  # stderr is arner's: its own progress bar, its own lines
    for row in results.iter_rows():
        yield pickle.loads(row["outcome"])


class _DocumentWorker:
    """An actor: loads the Extractor once, then labels batches of files as the local engine does."""

    def __init__(
        self, extractor_args: dict, encoding: str | None, fmt: str, output_dir: str | None, keep_text: bool
    ) -> None:
        self.extractor = Extractor(**extractor_args)
        self.encoding = encoding
        # The same writer class the local engine uses for `-o` in this format.
        self.writer = make_writer(fmt, False, Path(output_dir), sys.stdout, False) if output_dir else None
        self.keep_text = keep_text or (self.writer is not None and self.writer.needs_text)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, list[bytes]]:
        inputs = (
            open_input(Path(path), source, relpath, self.encoding)
            for path, source, relpath in zip(batch["path"], batch["source"], batch["relpath"])
        )
        return {"outcome": [pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL) for outcome in self.outcomes(inputs)]}

    def outcomes(self, inputs: Iterable[Document | Skipped]) -> Iterator[Outcome]:
        """One Outcome per input, in order: each input ends in exactly one DocumentDone or Skipped."""
        events: list[Event] = []
        written = 0
        for event in self.extractor.stream(inputs, keep_text=self.keep_text):
            if isinstance(event, Skipped):
                yield Outcome([event])
                continue
            event = replace(event, document=DocumentRecord.of(event.document))
            if self.writer is None:
                events.append(event)
            elif isinstance(event, SentenceResult):
                self.writer.sentence(event)
                written += len(event.entities)
            if isinstance(event, DocumentDone):
                if self.writer is not None:
                    try:
                        self.writer.document(event)
                    except OutputError as error:
                        event = replace(event, error=event.error or error)
                        written = 0
                    events.append(replace(event, text=None))
                yield Outcome(events, written)
                events, written = [], 0
