"""e5 on many short files when the machine is not arner's alone: idle, beside a busy core, two at once.

    python bench/load.py [CONLL] [--files 200] [--sentences N] [--repeat 1] [--quick]

Cuts CONLL's sentences (default: ../shared/data/anercorp/test.txt, 25k words) into
FILES text files (--sentences: only the first N per file), then times `arner extract -q -f jsonl -m e5 FOLDER` as a user
runs it (a fresh process, the model's load included) for each setting below:
alone; beside `python -c 'while 1: pass'` (one core taken); and two runs of
itself at once (as `xargs -P 2` does; the slower of the two is shown). Each
line gives wall seconds, CPU seconds, and wall time over the same setting's
time alone: a busy machine that costs no more than its lost cores stays at or
below cores / (cores - 1) (2.0 on 2 cores). The runs of one condition go back
to back, so machine noise hits the settings alike; `uptime`'s load is printed
first: on a shared machine "alone" is never idle.

--quick: 12 files of 3 sentences, to check the script (seconds of work, mostly model loads).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from arner.inputs.conll import read_conll  # noqa: E402

# name -> (extra arguments, environment). GOMP_SPINCOUNT=300000 is libgomp's spin when OMP_WAIT_POLICY
# is unset: torch's own behaviour, whatever arner's default does.
SETTINGS = {
    "torch's default (a thread a core, OpenMP spins)": (["--threads", str(os.cpu_count())], {"GOMP_SPINCOUNT": "300000"}),
    "--threads 1": (["--threads", "1"], {}),
    "arner's default (a thread a core, OpenMP sleeps)": ([], {}),
}
BUSY = [sys.executable, "-c", "while 1: pass"]


def make_inputs(conll: Path, folder: Path, files: int, sentences_per_file: int | None) -> int:
    """FILES files of consecutive sentences, one sentence a line; the number of words written."""
    sentences, _ = read_conll(conll)
    if sentences_per_file:
        sentences = sentences[: files * sentences_per_file]
    per_file = -(-len(sentences) // files)
    for index in range(files):
        part = sentences[index * per_file: (index + 1) * per_file]
        (folder / f"{index:04d}.txt").write_text("".join(" ".join(words) + "\n" for words in part), encoding="utf-8")
    return sum(map(len, sentences))


def start(folder: Path, args: list[str], env: dict[str, str]) -> subprocess.Popen:
    command = [sys.executable, "-m", "arner", "extract", "-q", "-f", "jsonl", "-m", "e5", *args, str(folder)]
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ARNER_", "OMP_", "GOMP_"))}
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, env={**clean, **env})


def wait(process: subprocess.Popen, started: float) -> tuple[float, float]:
    """(wall, CPU) seconds of one run."""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"arner exited with {process.returncode}")
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime


def timed(folder: Path, args: list[str], env: dict[str, str], condition: str) -> tuple[float, float]:
    """The slowest run's (wall, CPU) seconds under `condition`."""
    busy = subprocess.Popen(BUSY) if condition == "busy" else None
    try:
        began = time.perf_counter()
        runs = [start(folder, args, env) for _ in range(2 if condition == "pair" else 1)]
        return max(wait(run, began) for run in runs)
    finally:
        if busy is not None:
            busy.kill()
            busy.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("conll", nargs="?", type=Path, default=ROOT.parent / "shared" / "data" / "anercorp" / "test.txt")
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--sentences", type=int, help="take FILES x N sentences, not all")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each condition; the fastest is shown")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    files, per_file = (12, 3) if args.quick else (args.files, args.sentences)
    print(f"{os.cpu_count()} cores; {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    with tempfile.TemporaryDirectory() as folder:
        words = make_inputs(args.conll, Path(folder), files, per_file)
        print(f"{files} files, {words:,} words; seconds wall / CPU, and wall over the same setting alone")
        conditions = ("alone", "busy", "pair")
        results: dict[tuple[str, str], tuple[float, float]] = {}
        for condition in conditions:  # one condition at a time: its settings back to back
            for name, (extra, env) in SETTINGS.items():
                results[name, condition] = min(
                    (timed(Path(folder), extra, env, condition) for _ in range(args.repeat)), key=lambda r: r[0]
                )
                print(f"  {condition}, {name}: {results[name, condition][0]:.1f} s", file=sys.stderr, flush=True)
        labels = {"alone": "alone", "busy": "one core busy", "pair": "two at once"}
        print(f"{'setting':<50}" + "".join(f"{labels[c]:>26}" for c in conditions))
        for name in SETTINGS:
            alone = results[name, "alone"][0]
            cells = []
            for condition in conditions:
                wall, cpu = results[name, condition]
                ratio = "" if condition == "alone" else f" ({wall / alone:.2f}x)"
                cells.append(f"{wall:.1f} / {cpu:.1f}{ratio}")
            print(f"{name:<50}" + "".join(f"{cell:>26}" for cell in cells))


if __name__ == "__main__":
    main()
