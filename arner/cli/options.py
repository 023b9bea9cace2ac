"""Options and value checks that several commands share, and loading the model they name."""

from __future__ import annotations

import codecs
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.markup import escape

from ..models import DEFAULT_ORDER, NAMED
from ..models.base import DEVICES, Settings
from ..text.spans import MIN_SCORE
from ..types import TYPES
from .streams import err_console

if TYPE_CHECKING:
    from ..models import ModelInfo


# Options shared by every command that runs a model, in --help's order.
MODEL_OPTIONS = [
    click.option(
        "-m",
        "--model",
        envvar="ARNER_MODEL",
        show_envvar=True,
        metavar="NAME|PATH",
        help=", ".join(f"{name} ({named.about})" if named.about else name for name, named in NAMED.items())
        + f", or a model folder. Default: {' if installed, else '.join(DEFAULT_ORDER)}.",
    ),
    click.option(
        "--device",
        type=click.Choice(DEVICES),
        default=Settings.device,
        envvar="ARNER_DEVICE",
        show_envvar=True,
        show_default=True,
        help="Where neural models run.",
    ),
    click.option(
        "--batch-size",
        type=click.IntRange(1, 4096),
        default=Settings.batch_size,
        envvar="ARNER_BATCH_SIZE",
        show_envvar=True,
        show_default=True,
        help="Sentences per forward pass of a neural model (the CRF ignores it).",
    ),
    click.option(
        "--threads",
        type=click.IntRange(1, 256),
        envvar="ARNER_THREADS",
        show_envvar=True,
        help="CPU threads for neural models (default: one per core, and waiting threads sleep, see OMP_WAIT_POLICY; "
        "with --engine ray, 1 per worker).",
    ),
    click.option(
        "--quantize",
        is_flag=True,
        help="Dynamic int8 linear layers on CPU: faster, F1 about 0.01 lower, and labels that depend on the sentences batched together.",
    ),
    click.option(
        "--names",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        multiple=True,
        help="A list of known names (name<TAB>TYPE per line) to label wherever they occur. Repeatable.",
    ),
    click.option(
        "--min-score",
        type=click.FloatRange(0, 1),
        default=MIN_SCORE,
        envvar="ARNER_MIN_SCORE",
        show_envvar=True,
        show_default=True,
        metavar="P",
        help="Leave out entities whose score (the model's calibrated probability that the entity is right) is "
        "below P; 0 shows everything. The default maximizes e5's F1 on ANERcorp dev.",
    ),
    click.option(
        "-q",
        "--quiet",
        is_flag=True,
        envvar="ARNER_QUIET",
        show_envvar=True,
        help="Print nothing on stderr but errors.",
    ),
]


def model_options(command: Callable) -> Callable:
    """Options shared by every command that runs a model."""
    for decorator in reversed(MODEL_OPTIONS):
        command = decorator(command)
    return command


def extractor_args(options: dict, types=TYPES) -> dict:
    """The Extractor's arguments from the model options (what Ray's workers load it from)."""
    settings = Settings(options["device"], options["batch_size"], options["quantize"], options["threads"])
    return {
        "model": options["model"],
        "settings": settings,
        "types": types,
        "names": options["names"],
        "min_score": options["min_score"],
    }


def announce(info: ModelInfo, quiet: bool) -> None:
    if not quiet:
        err_console().print(f"arner: using model {escape(info.describe())}")


def load_extractor(options: dict, types=TYPES):
    from ..extractor import Extractor

    extractor = Extractor(**extractor_args(options, types))
    announce(extractor.info, options["quiet"])
    return extractor


def parse_types(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...]:
    if value is None:
        return TYPES
    types = tuple(part.strip().upper() for part in value.split(",") if part.strip())
    unknown = [t for t in types if t not in TYPES]
    if unknown or not types:
        shown = ", ".join(unknown) or repr(value)
        raise click.BadParameter(f"{shown}: use a comma list of {', '.join(TYPES)}")
    return types


def check_encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        from ..inputs.sources import NOT_FILE_ENCODINGS

        try:
            info = codecs.lookup(value)
        except LookupError:
            raise click.BadParameter(f"unknown encoding {value!r}") from None
        # hex, base64, rot13, zlib... convert bytes to bytes or text to text; idna & co. cannot stream.
        if not info._is_text_encoding or info.name in NOT_FILE_ENCODINGS:
            raise click.BadParameter(f"{value!r} is not a text encoding for files (e.g. utf-8, cp1256, utf-16-le)")
    return value


def check_glob(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not value:
        raise click.BadParameter("an empty pattern matches no file name (use '*' for every file)")
    return value


def read_labelled(path: Path, option: str) -> tuple[list[list[str]], list[list[str]]]:
    """A CoNLL file's sentences and labels; a usage error naming `option` if it has none or is malformed."""
    from ..inputs.conll import read_conll

    try:
        sentences, labels = read_conll(path)
    except (OSError, ValueError) as error:
        raise click.BadParameter(str(error), param_hint=option) from None
    if not sentences:
        raise click.BadParameter(f"{path} has no sentences (expected 'word TAG' lines)", param_hint=option)
    return sentences, labels


def parse_tests(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, Path]:
    tests = {}
    for value in values:
        name, sep, path = value.partition("=")
        if not sep or not name or not Path(path).is_file():
            raise click.BadParameter(f"{value!r}: expected NAME=FILE with an existing CoNLL file")
        tests[name] = Path(path)
    return tests
