"""Recognizers: lists of words in, one (BIO label, probability) per word out.

`BertRecognizer` runs a BERT token classifier loaded through CAMeL Tools'
`NERecognizer` (CAMeL's `arabert` or any saved fine-tuned BERT), labelling each
word by its first word piece as CAMeL does. Its own inference loop replaces
`NERecognizer.predict`, which pads every segment to 256 pieces, keeps every
output until the end, and drops words that have no word pieces (misaligning the
labels after them; camel_tools issue #105).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ModelError
from . import camel
from .base import Settings
from .transformer import TokenClassifier, check_labels, prepared, torch_device

# CAMeL cuts segments at max_seq_length=256, i.e. 254 pieces plus [CLS]/[SEP].
MAX_PIECES = 254


class BertRecognizer(TokenClassifier):
    """A BERT token classifier loaded through CAMeL Tools' NERecognizer.

    Each sentence is labelled on its own (`context` 0), so the extractor may
    batch sentences of several documents together.
    """

    max_pieces = MAX_PIECES

    def __init__(self, path: Path, settings: Settings = Settings()) -> None:
        super().__init__()
        self.device, self.threads = torch_device(settings), settings.threads
        ner = camel.load_recognizer(path, use_gpu=self.device.type == "cuda")
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
        self.model = prepared(ner.model, self.device, settings)
        self.batch_size = settings.batch_size
        self.cls_id, self.sep_id, self.pad_id = (
            self.tokenizer.cls_token_id,
            self.tokenizer.sep_token_id,
            self.tokenizer.pad_token_id,
        )

    def pieces_of(self, word: str) -> tuple[int, ...]:
        return tuple(self.tokenizer.convert_tokens_to_ids(self.tokenizer.tokenize(word)))

    def forward(self, ids, mask):
        import torch

        return self.model(input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids))[0]
