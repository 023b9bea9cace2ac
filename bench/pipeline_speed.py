"""arner extract's words/s with e5, whole process and split by stage: 200 short files and one long document.

    python bench/pipeline_speed.py [CONLL] [--files 200] [--device cpu|cuda] [--quick]

Inputs: CONLL's sentences (default: ../shared/data/anercorp/test.txt, 25k words)
cut into FILES files as bench/load.py cuts them, and all of them as one document.
For each device (cpu, and cuda when torch sees a GPU; --device picks one) and
each input, idle and beside a busy core (bench/load.py's `while 1: pass`):

* whole process: `arner extract -q -f jsonl -m e5` in a fresh process, as a
  user runs it (imports and load included): seconds and words/s;
* by stage: the same run through `runner.run` in this process, each stage's
  own seconds (a stage's time excludes the stages it calls): load (after
  `import torch`), CAMeL's import (once per process, paid by the first
  segmentation), segmentation, pieces (the tokenizer), encoder, CRF features,
  CRF marginals, evidence (and stems), spans, and the rest (reading, output).

--quick: 12 files of 3 sentences, idle, no long document: a check that the script runs
(two processes' start-up, a few seconds on an idle machine).
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from load import BUSY, make_inputs  # noqa: E402

STAGES = ("load", "CAMeL import", "segmentation", "pieces", "encoder", "CRF features", "CRF marginals",
          "evidence", "spans", "rest (reading, output)")


class Stages:
    """Seconds per stage, each call's own: time spent in timed calls nested inside it counts for them."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self._nested: list[float] = []

    def wrap(self, owner: object, name: str, stage: str) -> None:
        """Time `owner.name` (one object of this process, not its class) as `stage`."""
        call = getattr(owner, name)

        def timed(*args, **kwargs):
            with self.stage(stage):
                return call(*args, **kwargs)

        setattr(owner, name, timed)

    @contextmanager
    def stage(self, stage: str) -> Iterator[None]:
        self._nested.append(0.0)
        began = time.perf_counter()
        try:
            yield
        finally:
            spent = time.perf_counter() - began
            self.seconds[stage] += spent - self._nested.pop()
            if self._nested:
                self._nested[-1] += spent


@contextmanager
def condition(busy: bool) -> Iterator[None]:
    process = subprocess.Popen(BUSY) if busy else None
    try:
        yield
    finally:
        if process is not None:
            process.kill()
            process.wait()


def whole_process(folder: Path, device: str) -> float:
    """Wall seconds of `arner extract` on `folder` in a fresh process."""
    command = [sys.executable, "-m", "arner", "extract", "-q", "-f", "jsonl", "-m", "e5", "--device", device, str(folder)]
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ARNER_", "OMP_", "GOMP_"))}
    began = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, env=clean, check=True, cwd=ROOT)  # this checkout's arner
    return time.perf_counter() - began


def by_stage(folder: Path, device: str) -> dict[str, float]:
    """Each stage's seconds on `folder`, in a process that has imported torch and nothing of CAMeL Tools.

    Run in a fresh interpreter (`--stages`): the load and CAMeL's import are once per process.
    """
    out = subprocess.run([sys.executable, __file__, "--stages", str(folder), "--device", device],
                         capture_output=True, text=True, check=True).stdout
    return {stage: float(seconds) for stage, seconds in (line.rsplit("\t", 1) for line in out.splitlines())}


def stages_here(folder: Path, device: str) -> None:
    """`by_stage`'s child: print stage<TAB>seconds."""
    import torch  # noqa: F401  imported before timing the load, as bench/e5_speed.py does

    from rich.console import Console

    from arner.engines import local as runner
    from arner.extractor import Extractor
    from arner.models import Settings
    from arner.output import make_writer
    from arner.text import segment

    times = Stages()
    with times.stage("load"):
        extractor = Extractor("e5", settings=Settings(device))
    with times.stage("CAMeL import"):
        import camel_tools.tokenizers.word  # noqa: F401
    recognizer = extractor.recognizer
    crf = recognizer.crf
    wrapped: list[tuple[object, str, str]] = [
        (recognizer, "_word_pieces", "pieces"),
        (recognizer, "probabilities", "encoder"),
        (crf._extractor, "document_features", "CRF features"),
        (crf, "marginals", "CRF marginals"),
        (recognizer, "predict", "evidence"),  # what predict does besides the calls above: stems, evidence
        (extractor, "_result", "spans"),
    ]
    for owner, name, stage in wrapped:
        times.wrap(owner, name, stage)
    writer = make_writer("jsonl", False, None, io.StringIO())
    with times.stage("rest (reading, output)"):
        runner.run(extractor, [str(folder)], writer, stdin=None, quiet=True, console=Console(file=io.StringIO()))
    # Segmentation runs inside the reading; timed again on its own, and taken out of the rest.
    began = time.perf_counter()
    for path in sorted(folder.iterdir()):
        segment.sentences_of(path.read_text(encoding="utf-8"))
    times.seconds["segmentation"] = time.perf_counter() - began
    times.seconds["rest (reading, output)"] -= times.seconds["segmentation"]
    for stage in STAGES:
        print(f"{stage}\t{times.seconds[stage]:.4f}")


def one_document(files: Path, folder: Path) -> None:
    """All files' text as one document."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(files.iterdir())]
    (folder / "all.txt").write_text("".join(texts), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("conll", nargs="?", type=Path, default=ROOT.parent / "shared" / "data" / "anercorp" / "test.txt")
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--device", choices=("cpu", "cuda"))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--stages", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stages:
        stages_here(args.stages, args.device or "cpu")
        return
    import torch

    devices = [args.device] if args.device else ["cpu", *(["cuda"] if torch.cuda.is_available() else [])]
    files, per_file = (12, 3) if args.quick else (args.files, None)
    print(f"{os.cpu_count()} cores; {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    with tempfile.TemporaryDirectory() as tmp:
        short, long = Path(tmp) / "short", Path(tmp) / "long"
        short.mkdir()
        long.mkdir()
        words = make_inputs(args.conll, short, files, per_file)
        one_document(short, long)
        inputs = {f"{files} files": short} if args.quick else {f"{files} files": short, "one document": long}
        conditions = (False,) if args.quick else (False, True)
        print(f"{words:,} words each input; idle = nothing else of this bench running, busy = one core taken")
        for device in devices:
            whole: dict[tuple[str, bool], float] = {}
            split: dict[tuple[str, bool], dict[str, float]] = {}
            for busy in conditions:  # one condition at a time, its runs back to back
                with condition(busy):
                    for name, folder in inputs.items():
                        whole[name, busy] = whole_process(folder, device)
                        split[name, busy] = by_stage(folder, device)
            columns = [(name, busy) for busy in conditions for name in inputs]
            heads = [f"{name}, {'busy' if busy else 'idle'}" for name, busy in columns]
            print(f"\n{device}: arner extract -q -f jsonl -m e5, a fresh process")
            print(f"{'':<24}" + "".join(f"{head:>24}" for head in heads))
            print(f"{'seconds':<24}" + "".join(f"{whole[c]:>24.2f}" for c in columns))
            print(f"{'words/s':<24}" + "".join(f"{words / whole[c]:>24,.0f}" for c in columns))
            print(f"{device}: seconds by stage, in one process (runner.run)")
            for stage in STAGES:
                print(f"{stage:<24}" + "".join(f"{split[c][stage]:>24.2f}" for c in columns))
            print(f"{'sum':<24}" + "".join(f"{sum(split[c].values()):>24.2f}" for c in columns))


if __name__ == "__main__":
    main()
