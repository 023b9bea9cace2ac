"""The actors of both Ray runs (files and Datasets of texts): how many, of how many CPUs, and the
Extractor arguments each loads."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import ray

from .. import models
from ..errors import ArnerError
from ..models import Settings

# Documents per call of an actor: what one actor holds at a time stays small, while the
# per-call overhead of Ray stays small next to the labelling of 16 documents.
BATCH = 16


def worker_cpus(settings: Settings) -> int:
    """The CPUs each actor reserves: its model's threads (`--threads`, default 1).

    Each actor's model runs that many threads (see for_workers), so by default a node runs one
    single-threaded copy of the model per core, and `--threads N` one copy per N cores, never
    more threads than cores. A copy that no node can hold is refused: Ray would wait for it forever.
    """
    cpus = settings.threads or 1
    largest = max((node["Resources"].get("CPU", 0) for node in ray.nodes() if node["Alive"]), default=0)
    if cpus > largest:
        raise ArnerError(
            f"--threads {cpus}: no node of the Ray cluster has that many CPUs (the largest has {largest:g})",
            "give --threads at most the CPUs of one node",
        )
    return cpus


def default_workers(cpus: int) -> int:
    """One copy of the model per `cpus` CPUs of the cluster."""
    return max(1, int(ray.cluster_resources().get("CPU", 1)) // cpus)


def for_workers(extractor_args: dict, cpus: int) -> dict:
    """The Extractor's arguments with absolute paths (a worker's current folder is not the driver's),
    and as many threads as the worker has CPUs (not one per core of its node)."""
    model = extractor_args["model"]
    if model not in models.NAMED:
        model = os.path.abspath(model)
    names = tuple(Path(name).absolute() for name in extractor_args.get("names", ()))
    settings = replace(extractor_args.get("settings", Settings()), threads=cpus)
    return {**extractor_args, "model": model, "names": names, "settings": settings}
