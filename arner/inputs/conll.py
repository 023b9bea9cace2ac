"""Reading labelled CoNLL files, for training and evaluation."""

from __future__ import annotations

from pathlib import Path


def read_conll(path: str | Path) -> tuple[list[list[str]], list[list[str]]]:
    """Read "word TAG" / "word<TAB>TAG" lines; blank lines separate sentences."""
    sentences: list[list[str]] = []
    labels: list[list[str]] = []
    words: list[str] = []
    tags: list[str] = []
    text = Path(path).read_text(encoding="utf-8-sig")
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.split()
        if not parts:
            if words:
                sentences.append(words)
                labels.append(tags)
                words, tags = [], []
            continue
        if len(parts) != 2:
            raise ValueError(f"{path}:{number}: expected 'word TAG', got {line!r}")
        words.append(parts[0])
        tags.append(parts[1])
    if words:
        sentences.append(words)
        labels.append(tags)
    return sentences, labels
