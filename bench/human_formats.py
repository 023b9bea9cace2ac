"""Table and html cost what jsonl costs: time and peak RSS for each format at a few input sizes.

Each case runs `arner extract -m builtin -f FORMAT` in a fresh process on one
generated file and prints its size, seconds and peak RSS (VmHWM). Both inputs
are what a person cannot read in a terminal cell: a single word (no spaces),
and a single line of words. Time and memory should grow linearly with size,
and table/html should stay within 2x of jsonl on the same input.

    python bench/human_formats.py [--quick] [--sizes 256,512,1024] [--line-mb 10]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

LINE = "وقال المتحدث باسم الحكومة إن رئيس الوزراء مصطفى الكاظمي وصل إلى مطار بغداد "

RUN = """
import sys, time
from arner.cli import cli
start = time.perf_counter()
try:
    cli(["extract", "-q", "-m", "builtin", "-f", sys.argv[1], sys.argv[2]])
except SystemExit:
    pass
seconds = time.perf_counter() - start
print(seconds, next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')), file=sys.stderr)
"""


def measure(fmt: str, path: Path) -> tuple[float, int]:
    """(seconds, peak RSS in MB) of one run, stdout discarded."""
    result = subprocess.run(
        [sys.executable, "-c", RUN, fmt, str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={"COLUMNS": "80", "PATH": "/usr/bin:/bin"}, check=True,
    )
    seconds, kilobytes = result.stderr.split()[-2:]
    return float(seconds), int(kilobytes) // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes only (64, 128, 256 KB words; a 1 MB line)")
    parser.add_argument("--sizes", default="256,512,1024", help="sizes of the single word, in KB")
    parser.add_argument("--line-mb", type=int, default=10, help="size of the single line of words, in MB")
    parser.add_argument("--formats", default="jsonl,table,html")
    args = parser.parse_args()
    sizes = [64, 128, 256] if args.quick else [int(size) for size in args.sizes.split(",")]
    line_mb = 1 if args.quick else args.line_mb
    formats = args.formats.split(",")
    cases = [(f"a {kb} KB word", "ب".encode() * (kb * 512)) for kb in sizes]
    line = LINE.encode()
    cases.append((f"a {line_mb} MB line", line * (line_mb * 1024 * 1024 // len(line))))
    print(f"{'input':<16}" + "".join(f"{fmt + ' s':>10}{fmt + ' MB':>10}" for fmt in formats))
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in cases:
            path = Path(tmp, "input.txt")
            path.write_bytes(data)
            row = [measure(fmt, path) for fmt in formats]
            print(f"{name:<16}" + "".join(f"{seconds:>10.1f}{mb:>10}" for seconds, mb in row), flush=True)


if __name__ == "__main__":
    main()
