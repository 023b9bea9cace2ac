"""`extract_dataset`: the entities of a Ray Dataset of texts, one row per entity, by actors that load
the Extractor once (the engine for files is ray.py)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import ray
import ray.data

from .. import models
from ..extractor import Extractor
from ..inputs.sources import text_document
from ..models import Settings
from ..types import TYPES, SentenceResult
from .ray_workers import BATCH, for_workers, worker_cpus

ENTITY_SCHEMA = {
    "text": pa.string(),
    "type": pa.string(),
    "start": pa.int64(),
    "end": pa.int64(),
    "line": pa.int64(),
    "sentence": pa.int64(),
    "score": pa.float64(),
    "normalized": pa.string(),
}


def extract_dataset(
    ds: ray.data.Dataset,
    text_column: str = "text",
    model: str | None = None,
    id_column: str | None = None,
    *,
    types: Iterable[str] = TYPES,
    names: Iterable[Path] = (),
    settings: Settings = Settings(),
    workers: int | None = None,
) -> ray.data.Dataset:
    """A Dataset of the entities in `ds[text_column]`, one row per entity with the jsonl fields.

    `source` is the row's `id_column` value (same type), or "<text>" without one. Lazy, like
    any Dataset; `workers` fixes the number of actors (default: as many as the cluster allows).

    >>> texts = ray.data.read_parquet("s3://archive/articles/")               # doctest: +SKIP
    >>> extract_dataset(texts, id_column="url").write_parquet("s3://archive/entities/")  # doctest: +SKIP
    """
    cpus = worker_cpus(settings)
    extractor_args = for_workers(
        {"model": models.resolve(model).name, "settings": settings, "types": tuple(types), "names": tuple(names)}, cpus
    )
    return ds.map_batches(
        _TextWorker,
        fn_constructor_args=(extractor_args, text_column, id_column),
        batch_size=BATCH,
        batch_format="pyarrow",
        compute=ray.data.ActorPoolStrategy(size=workers) if workers else ray.data.ActorPoolStrategy(),
        num_cpus=cpus,
    )


class _TextWorker:
    """An actor: loads the Extractor once, then turns batches of texts into entity rows."""

    def __init__(self, extractor_args: dict, text_column: str, id_column: str | None) -> None:
        self.extractor = Extractor(**extractor_args)
        self.text_column = text_column
        self.id_column = id_column

    def __call__(self, batch: pa.Table) -> pa.Table:
        texts = batch.column(self.text_column).to_pylist()
        if self.id_column:
            ids, id_type = batch.column(self.id_column).to_pylist(), batch.schema.field(self.id_column).type
        else:
            ids, id_type = ["<text>"] * len(texts), pa.string()
        rows: dict[str, list] = {"source": [], **{name: [] for name in ENTITY_SCHEMA}}
        # The document's source is its row number in the batch, to find its id again.
        documents = [text_document(text or "", str(number)) for number, text in enumerate(texts)]
        for event in self.extractor.stream(documents):
            if isinstance(event, SentenceResult):
                for entity in event.entities:
                    rows["source"].append(ids[int(event.document.source)])
                    for name in ENTITY_SCHEMA:
                        rows[name].append(getattr(entity, name))
        return pa.table(rows, schema=pa.schema({"source": id_type, **ENTITY_SCHEMA}))
