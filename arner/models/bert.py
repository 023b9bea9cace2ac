"""Recognizers: lists of words in, one (BIO label, probability) per word out.

`BertRecognizer` runs a BERT token classifier loaded through CAMeL Tools'
`NERecognizer` (CAMeL's `arabert` or any saved fine-tuned BERT), labelling each
word by its first word piece as CAMeL does. Its own inference loop replaces
`NERecognizer.predict`, which pads every segment to 256 pieces (arner does not
pad at all: it batches segments of equal length), keeps every
output until the end, and drops words that have no word pieces (misaligning the
labels after them; camel_tools issue #105).
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from pathlib import Path

from ..errors import ModelError
from ..types import LABEL, Labelled
from . import camel
from .base import Kind, Settings

# CAMeL cuts segments at max_seq_length=256, i.e. 254 pieces plus [CLS]/[SEP].
MAX_PIECES = 254


@dataclass(frozen=True)
class _Segment:
    sentence: int
    words: range  # words fed to the model (core plus context)
    core: range  # words whose labels this segment decides
    pieces: tuple[int, ...]  # input ids without [CLS]/[SEP]
    firsts: tuple[int, ...]  # position of each fed word's first piece, -1 if none


def check_labels(labels: list[str], where: str) -> None:
    bad = [label for label in labels if not LABEL.fullmatch(label)]
    if bad:
        raise ModelError(
            f"{where} has labels arner cannot use: {', '.join(bad[:5])}",
            "expected O and B-/I- PERS, LOC, ORG, MISC",
        )


class BertRecognizer:
    """A BERT token classifier in length-sorted batches of equal-length segments.

    Each sentence is labelled on its own (`context` 0), so the extractor may
    batch sentences of several documents together: a sentence's labels and
    scores do not depend on what it is batched with.
    """

    def __init__(self, path: Path, settings: Settings = Settings()) -> None:
        import torch

        device, threads = settings.device, settings.threads
        if threads:
            # Fewer threads than cores wins on a busy machine: OpenMP waits for descheduled threads.
            torch.set_num_threads(threads)

        use_cuda = device == "cuda" or (device == "auto" and torch.cuda.is_available())
        if device == "cuda" and not torch.cuda.is_available():
            raise ModelError("--device cuda was asked for but no CUDA device is available")
        ner = camel.load_recognizer(path, use_gpu=use_cuda)
        self.labels = [ner.labels_map[i] for i in range(len(ner.labels_map))]
        check_labels(self.labels, f"the model in {path}")
        self.tokenizer = ner.tokenizer
        if not ner.model.config.vocab_size / 2 <= len(self.tokenizer) <= ner.model.config.vocab_size:
            # Without its vocabulary a tokenizer still loads, and maps every word to [UNK];
            # some models pad their embeddings, so only a gross mismatch is an error.
            raise ModelError(
                f"the tokenizer in {path} has {len(self.tokenizer)} word pieces, the model {ner.model.config.vocab_size}",
                "the folder needs the vocab.txt (or tokenizer.json) the model was trained with",
            )
        self.device = torch.device("cuda" if use_cuda else "cpu")
        model = ner.model.eval().to(self.device)
        if settings.quantize and not use_cuda:
            model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        self.model = model
        self.batch_size = settings.batch_size
        self._pieces: dict[str, tuple[int, ...]] = {}

    def _word_pieces(self, word: str) -> tuple[int, ...]:
        ids = self._pieces.get(word)
        if ids is None:
            ids = tuple(self.tokenizer.convert_tokens_to_ids(self.tokenizer.tokenize(word)))
            if len(self._pieces) > 200_000:
                self._pieces.clear()
            self._pieces[word] = ids
        return ids

    def _segments(self, number: int, words: list[str]) -> list[_Segment]:
        """Cut a sentence into model windows whose cores share out its pieces evenly.

        A sentence that fits is one window. A longer one gets as many windows as
        CAMeL's hard cuts would make (so it is no slower), and the room each
        core leaves is filled with context, half before it and the rest after:
        words near a cut are labelled seeing words on both sides.
        """
        pieces = [self._word_pieces(word)[:MAX_PIECES] for word in words]
        total = sum(map(len, pieces))
        target = ceil(total / ceil(total / MAX_PIECES)) if total else MAX_PIECES
        segments = []
        start = 0
        while start < len(words):
            core_end, core = start, 0
            while core_end < len(words) and (core_end == start or core + len(pieces[core_end]) <= target):
                core += len(pieces[core_end])
                core_end += 1
            first, left = start, 0
            while first > 0 and left + len(pieces[first - 1]) <= (MAX_PIECES - core) // 2:
                first -= 1
                left += len(pieces[first])
            end, used = core_end, left + core
            while end < len(words) and used + len(pieces[end]) <= MAX_PIECES:
                used += len(pieces[end])
                end += 1
            fed: list[int] = []
            firsts: list[int] = []
            for i in range(first, end):
                firsts.append(len(fed) if pieces[i] else -1)
                fed.extend(pieces[i])
            segments.append(_Segment(number, range(first, end), range(start, core_end), tuple(fed), tuple(firsts)))
            start = core_end
        return segments

    def predict(self, sentences: list[list[str]]) -> list[Labelled]:
        import torch

        results: list[Labelled] = [[("O", 1.0)] * len(words) for words in sentences]
        segments = [seg for i, words in enumerate(sentences) for seg in self._segments(i, words)]
        segments = [seg for seg in segments if seg.pieces]
        segments.sort(key=lambda seg: len(seg.pieces))
        cls, sep = self.tokenizer.cls_token_id, self.tokenizer.sep_token_id
        with torch.inference_mode():
            for batch in _same_length_batches(segments, self.batch_size):
                ids = torch.tensor([(cls, *seg.pieces, sep) for seg in batch], dtype=torch.long)
                mask = torch.ones_like(ids)
                logits = self.model(
                    input_ids=ids.to(self.device),
                    attention_mask=mask.to(self.device),
                    token_type_ids=torch.zeros_like(ids).to(self.device),
                )[0]
                probs, best = torch.softmax(logits.float(), dim=-1).max(dim=-1)
                probs, best = probs.cpu().tolist(), best.cpu().tolist()
                for row, seg in enumerate(batch):
                    out = results[seg.sentence]
                    for offset, word in enumerate(seg.words):
                        position = seg.firsts[offset]
                        if word in seg.core and position >= 0:
                            # +1 skips [CLS]
                            out[word] = (self.labels[best[row][position + 1]], probs[row][position + 1])
        return results


def _same_length_batches(segments: list[_Segment], size: int) -> list[list[_Segment]]:
    """Up to `size` segments of one length per batch, from segments sorted by length.

    No padding: padding a segment changes the rounding of its scores, so a
    sentence's labels and scores would depend on the sentences batched with it
    (on other documents, on the window and the batch size). Without it they are
    a function of the sentence alone.
    """
    batches: list[list[_Segment]] = []
    for segment in segments:
        if batches and len(batches[-1]) < size and len(batches[-1][0].pieces) == len(segment.pieces):
            batches[-1].append(segment)
        else:
            batches.append([segment])
    return batches


def _claims(path: Path, meta: dict) -> bool:
    return (path / "config.json").is_file()


KIND = Kind("BERT", _claims, lambda path, meta, settings: BertRecognizer(path, settings))
