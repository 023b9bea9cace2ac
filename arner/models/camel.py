"""The boundary with CAMeL Tools' data directory, catalogue and NER module.

`import camel_tools.ner` loads CAMeL's data catalogue and downloads it the first
time, with no timeout. Everything here bounds that with a socket timeout and
turns network failures into OfflineError, so arner never hangs or tracebacks.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import ModelError, OfflineError

NER_PACKAGE = "ner-arabert"
NETWORK_TIMEOUT = 15.0


def data_dir() -> Path:
    """CAMeL Tools' data directory, honouring CAMELTOOLS_DATA as CAMeL does."""
    configured = os.environ.get("CAMELTOOLS_DATA")
    if configured:
        return Path(configured).expanduser().absolute()
    home = Path.home()
    if sys.platform == "win32":
        return home / "AppData" / "Roaming" / "camel_tools"
    return home / ".camel_tools"


def arabert_path() -> Path:
    """Where CAMeL keeps the `arabert` NER model, read from its catalogue if present."""
    relative = Path("ner", "arabert")
    try:
        catalogue = json.loads((data_dir() / "catalogue.json").read_text("utf-8"))
        ner = catalogue["components"]["NamedEntityRecognition"]["datasets"]["arabert"]
        relative = Path(ner["path"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return data_dir() / "data" / relative


def arabert_installed() -> bool:
    return (arabert_path() / "config.json").is_file()


@contextmanager
def _network_timeout() -> Iterator[None]:
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(NETWORK_TIMEOUT)
    try:
        yield
    finally:
        socket.setdefaulttimeout(previous)


def _quiet_transformers() -> None:
    # Transformers' progress bars and warnings would otherwise reach the user.
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")


def ner_module():
    """Import `camel_tools.ner`, surviving an offline catalogue download.

    Only `NERecognizer.pretrained()` needs the catalogue; loading a model from a
    path does not. When the download fails, the import is retried with CAMeL's
    catalogue loader answering an empty catalogue, for that import only.
    """
    _quiet_transformers()
    if "camel_tools.ner" in sys.modules:
        return sys.modules["camel_tools.ner"]
    try:
        with _network_timeout():
            import camel_tools.ner as ner
        return ner
    except ImportError:
        raise
    except Exception:
        catalogue_module = sys.modules.get("camel_tools.data.catalogue")
        if catalogue_module is None:
            raise
    with _empty_catalogue(catalogue_module.Catalogue):
        import camel_tools.ner as ner

    return ner


@contextmanager
def _empty_catalogue(catalogue: type) -> Iterator[None]:
    """`catalogue.load_catalogue` answering an empty catalogue inside, restored after
    (`download` in the same process still reads the real one)."""
    loader = catalogue.__dict__["load_catalogue"]
    empty = catalogue(version="", packages={}, components={})
    catalogue.load_catalogue = staticmethod(lambda path=None: empty)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        catalogue.load_catalogue = loader  # type: ignore[attr-defined]


def load_recognizer(path: Path, use_gpu: bool):
    """CAMeL's NERecognizer over a model folder, with load failures explained."""
    ner = ner_module()
    from transformers.utils import logging

    # Also when transformers was imported before arner could set the environment.
    logging.set_verbosity_error()
    logging.disable_progress_bar()
    try:
        return ner.NERecognizer(str(path), use_gpu=use_gpu)
    except Exception as error:  # transformers raises many types for a bad folder
        raise ModelError(
            f"cannot load the BERT model in {path}: {_first_line(error)}",
            "the folder needs config.json, vocab.txt and the weights saved by save_pretrained()",
        ) from None


def download(force: bool = False) -> Path:
    """Install CAMeL's `ner-arabert` package with CAMeL Tools' own downloader."""
    try:
        with _network_timeout():
            from camel_tools.data.catalogue import Catalogue

            catalogue = Catalogue.load_catalogue()
            catalogue.download_package(NER_PACKAGE, force=force)
    except Exception as error:
        raise OfflineError(
            f"could not download CAMeL's {NER_PACKAGE} model: {_first_line(error)}",
            "check the internet connection, or use a model shipped with arner (e5, builtin) or --model PATH",
        ) from None
    return arabert_path()


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:200] if text else type(error).__name__
