"""Engines other than the local one, loaded only when asked for (`--engine ray`)."""

from __future__ import annotations

import os
from types import ModuleType

from ..errors import ArnerError


def load_ray(local: bool) -> ModuleType:
    """arner.engines.ray, or one line saying how to install Ray.

    `local`: Ray will be started here; keep it on loopback. On Linux Ray replaces 127.0.0.1
    with the machine's address and listens on every interface; this flag (meant for laptops,
    read when ray is imported, and inherited by the processes Ray starts) keeps it on
    127.0.0.1. It must not be set to join a cluster, whose nodes have real addresses.
    """
    if local:
        os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    try:
        import ray.data  # noqa: F401  (the check: is Ray Data installed?)
    except ImportError:
        raise ArnerError("--engine ray needs Ray: pip install 'arner[ray]'") from None
    from . import ray as engine

    return engine
