"""arner: find the people, places and organizations in Arabic text.

>>> from arner import Extractor                        # doctest: +SKIP
>>> Extractor().extract("استقبل الكاظمي وفدا في بغداد")  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

__all__ = ["Entity", "Extractor", "ArnerError"]


def __getattr__(name: str) -> Any:
    # Lazy, so `arner --help` starts without importing CAMeL Tools or torch.
    if name == "Extractor":
        from .extractor import Extractor

        return Extractor
    if name == "Entity":
        from .types import Entity

        return Entity
    if name == "ArnerError":
        from .errors import ArnerError

        return ArnerError
    raise AttributeError(f"module 'arner' has no attribute {name!r}")
