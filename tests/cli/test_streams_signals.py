"""Ctrl-C and closed pipes, against the real `arner` process."""

import json
import signal
import subprocess
import sys
import time

ARTICLE = ("زار الكاظمي بغداد والبصرة أمس. " * 100 + "\n") * 5
FILES = 12  # enough that a run interrupted after two has files left to resume


def arner(*args, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "arner", "extract", *args], **kwargs)


def test_interrupted_output_dir_run_leaves_whole_files_and_resumes(tmp_path, bert_loc):
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    for i in range(FILES):
        (source / f"{i:02}.txt").write_text(ARTICLE, encoding="utf-8")
    process = arner("-m", str(bert_loc), "-q", "-o", str(out), str(source), stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not (out.exists() and len(list(out.glob("*.json"))) >= 2):
        assert process.poll() is None and time.monotonic() < deadline, "run ended before it could be interrupted"
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 130
    assert process.stderr.read() == "arner: interrupted\n"
    finished = sorted(out.iterdir())
    assert 2 <= len(finished) < FILES
    assert all(path.suffix == ".json" for path in finished), "a temporary file was left behind"
    for path in finished:
        # Every word is a B-LOC entity but أمس, a function word (never an entity alone).
        assert len(json.loads(path.read_text(encoding="utf-8"))["entities"]) == 5 * 100 * 5
    resumed = arner("-m", str(bert_loc), "-o", str(out), "--skip-existing", str(source),
                    stderr=subprocess.PIPE, text=True)
    assert resumed.wait(timeout=300) == 0
    last = resumed.stderr.read().splitlines()[-1]
    assert last.startswith(f"arner: {FILES - len(finished)} files read, {len(finished)} already done")
    assert len(list(out.glob("*.json"))) == FILES


def test_closed_pipe_is_quiet(tmp_path, bert_loc):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    result = subprocess.run(
        f"{sys.executable} -m arner extract -q -f jsonl -m {bert_loc} {path} | head -1",
        shell=True, capture_output=True, text=True,
    )
    assert json.loads(result.stdout)["text"] == "زار"
    assert result.stderr == ""
