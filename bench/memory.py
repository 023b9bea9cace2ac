"""Peak memory (VmHWM) on huge inputs: a single 50 MB line, one without whitespace, a 1 GB file.

Each case runs in a fresh process and prints its size, time and peak RSS.
`--stage read` stops after decoding and sentence/word splitting (fast: shows
that reading streams); `--stage extract` runs `arner extract` with the built-in
model end to end (slow on 1 GB: about an hour on 2 cores).

    python bench/memory.py [--stage read|extract] [--line-mb 50] [--run-mb 10] [--file-mb 1024]
    python bench/memory.py --quick        # a smoke run: both stages on 0.1 MB inputs
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

SENTENCE = "وقال المتحدث باسم الحكومة إن رئيس الوزراء مصطفى الكاظمي وصل إلى مطار بغداد. "
RUN = "بغداد،"  # repeated: a line without whitespace

READ = """
import sys, time
from pathlib import Path
from arner.text.segment import sentences
from arner.inputs.sources import open_document
path = Path(sys.argv[1])
start = time.perf_counter()
words = sum(len(s.words) for s in sentences(open_document(path, str(path), path.name, None).chunks()))
seconds = time.perf_counter() - start
print(words, seconds, next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))
"""

EXTRACT = """
import sys, time
from arner.cli import cli
start = time.perf_counter()
try:
    cli(["extract", "-q", "-f", "jsonl", "-m", "builtin", sys.argv[1]])
except SystemExit:
    pass
seconds = time.perf_counter() - start
print(0, seconds, next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')), file=sys.stderr)
"""


def write(path: Path, megabytes: float, newline_every: int | None, unit: str = SENTENCE) -> None:
    chunk = unit.encode("utf-8")
    target = int(megabytes * 1024 * 1024)
    written = count = 0
    with open(path, "wb") as stream:
        while written < target:
            stream.write(chunk)
            written += len(chunk)
            count += 1
            if newline_every and count % newline_every == 0:
                stream.write(b"\n")
                written += 1


def measure(stage: str, path: Path) -> tuple[int, float, float]:
    code = READ if stage == "read" else EXTRACT
    result = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    stream = result.stdout if stage == "read" else result.stderr
    words, seconds, rss = stream.strip().splitlines()[-1].split()
    return int(words), float(seconds), int(rss) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", choices=["read", "extract"], default="read")
    parser.add_argument("--line-mb", type=int, default=50)
    parser.add_argument("--run-mb", type=int, default=10)
    parser.add_argument("--file-mb", type=int, default=1024)
    parser.add_argument("--quick", action="store_true", help="both stages, every input 0.1 MB (a smoke run)")
    args = parser.parse_args()
    if args.quick:
        for stage in ("read", "extract"):
            table(stage, 0.1, 0.1, 0.1, 0.1)
    else:
        table(args.stage, 1, args.line_mb, args.run_mb, args.file_mb)


def table(stage: str, small_mb: float, line_mb: float, run_mb: float, file_mb: float) -> None:
    print(f"stage: {stage}\n")
    print("| input | size | words | seconds | peak RSS |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        cases = [
            ("small file (baseline)", small_mb, 20, SENTENCE),
            (f"one {line_mb} MB line", line_mb, None, SENTENCE),
            (f"one {run_mb} MB line without whitespace ({RUN} repeated)", run_mb, None, RUN),
            (f"{file_mb} MB file, 20 sentences a line", file_mb, 20, SENTENCE),
        ]
        for name, megabytes, newline_every, unit in cases:
            path = Path(folder) / "input.txt"
            write(path, megabytes, newline_every, unit)
            words, seconds, rss = measure(stage, path)
            shown = f"{words:,}" if words else "-"
            print(f"| {name} | {megabytes} MB | {shown} | {seconds:.1f} | {rss:.0f} MB |", flush=True)
            path.unlink()


if __name__ == "__main__":
    main()
