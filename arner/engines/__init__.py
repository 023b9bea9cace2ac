"""Engines other than the local one, loaded only when asked for (`--engine ray`)."""

from __future__ import annotations

from types import ModuleType

from ..errors import ArnerError


def load_ray() -> ModuleType:
    """arner.engines.ray, or one line saying how to install Ray."""
    try:
        import ray.data  # noqa: F401  (the check: is Ray Data installed?)
    except ImportError:
        raise ArnerError("--engine ray needs Ray: pip install 'arner[ray]'") from None
    from . import ray as engine

    return engine
