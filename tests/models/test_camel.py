"""A fresh machine with no network and no CAMeL data: arner neither hangs nor tracebacks."""

import json
import os
import subprocess
import sys
from pathlib import Path

from ..helpers import ROOT


def offline_env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARNER_", "CAMELTOOLS_"))}
    # A proxy on a closed local port refuses every connection at once, like a machine offline.
    env.update(HOME=str(home), HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9")
    return env


def arner(args, home, input=None):
    return subprocess.run([sys.executable, "-m", "arner", *args], env=offline_env(home), input=input,
                          capture_output=True, text=True, timeout=120, cwd=ROOT)


def test_model_path_works_offline_without_camel_data(tmp_path, bert_ipers):
    result = arner(["extract", "-q", "-f", "jsonl", "-m", str(bert_ipers)], tmp_path, input="زار الكاظمي")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert json.loads(result.stdout)["text"] == "زار الكاظمي"


def test_download_offline_fails_in_one_line(tmp_path):
    result = arner(["download"], tmp_path)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "arner: downloading CAMeL's ner-arabert through CAMeL Tools..."
    assert lines[1].startswith("Error: could not download CAMeL's ner-arabert model: ")
    assert lines[1].endswith("(check the internet connection, or use a model shipped with arner (e5, builtin) or --model PATH)")
    assert len(lines) == 2


def test_fresh_home_runs_the_default_model_e5_on_sample_data(tmp_path):
    result = arner(["extract", "-f", "jsonl", "sample_data/"], tmp_path)
    assert result.returncode == 0, result.stderr
    entities = [json.loads(line) for line in result.stdout.splitlines()]
    found = {(e["normalized"], e["type"]) for e in entities}
    assert {("الكاظمي", "PERS"), ("بغداد", "LOC")} <= found
    assert result.stderr.splitlines()[0].startswith("arner: using model e5 (e5, ANERcorp test F1 0.")
    assert result.stderr.splitlines()[-1].startswith("arner: 6 files read, ")


def test_the_empty_catalogue_serves_the_offline_import_only(tmp_path):
    # After `ner_module` survived an offline catalogue download, CAMeL's loader is its own
    # again: a later `download` in the process reads the real catalogue, not an empty one.
    code = ("from arner.models import camel\ncamel.ner_module()\nfrom camel_tools.data.catalogue import Catalogue\n"
            "try:\n    print(len(Catalogue.load_catalogue().components))\n"
            "except Exception as error:\n    print(type(error).__name__)")
    result = subprocess.run([sys.executable, "-c", code], env=offline_env(tmp_path), capture_output=True, text=True,
                            timeout=120, cwd=ROOT)
    assert result.stdout.strip() == "DownloaderError", result.stderr
