"""Tiny BERT token classifiers (a few KB) saved like CAMeL's NER model."""

from __future__ import annotations

from pathlib import Path

CAMEL_LABELS = ["B-LOC", "B-ORG", "B-PERS", "B-MISC", "I-LOC", "I-ORG", "I-PERS", "I-MISC", "O"]
_LETTERS = [chr(c) for c in range(0x0621, 0x064B)] + list("abcdefghijklmnopqrstuvwxyz0123456789")
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *_LETTERS, *("##" + ch for ch in _LETTERS), *".,،؟!:()\"-"]


TINY = {"hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 8}


def build_bert(
    path: Path,
    force: str | None = None,
    seed: int = 0,
    labels: list[str] = CAMEL_LABELS,
    vocab: list[str] = VOCAB,
    shape: dict = TINY,
) -> Path:
    """Save a random BERT token classifier (1 layer by default); `force` makes
    every word piece get that label."""
    import torch
    from transformers import BertConfig, BertForTokenClassification, BertTokenizer

    path.mkdir(parents=True, exist_ok=True)
    (path / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    config = BertConfig(
        vocab_size=len(vocab), max_position_embeddings=512, **shape,
        id2label=dict(enumerate(labels)), label2id={label: i for i, label in enumerate(labels)},
    )
    torch.manual_seed(seed)
    model = BertForTokenClassification(config)
    if force is not None:
        with torch.no_grad():
            model.classifier.weight.zero_()
            model.classifier.bias.fill_(-5.0)
            model.classifier.bias[labels.index(force)] = 5.0
    model.save_pretrained(path)
    BertTokenizer(str(path / "vocab.txt")).save_pretrained(path)
    return path


def as_2021_release(path: Path) -> Path:
    """Re-save a `build_bert` folder the way CAMeL's 2021 NER release was saved
    (transformers 3/4): weights in `pytorch_model.bin`, `id2label` with string
    keys, an old-style `tokenizer_config.json` and no `tokenizer.json`."""
    import json

    import torch
    from safetensors.torch import load_file

    state = load_file(path / "model.safetensors")
    (path / "model.safetensors").unlink()
    torch.save(state, path / "pytorch_model.bin")
    config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    keep = ("hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size", "vocab_size",
            "max_position_embeddings", "id2label", "label2id")
    old = {key: config[key] for key in keep}
    old.update(architectures=["BertForTokenClassification"], model_type="bert", hidden_act="gelu",
               hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1, type_vocab_size=2,
               initializer_range=0.02, layer_norm_eps=1e-12, pad_token_id=0, gradient_checkpointing=False,
               transformers_version="4.2.2")
    (path / "config.json").write_text(json.dumps(old, indent=2), encoding="utf-8")
    for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        (path / name).unlink(missing_ok=True)
    (path / "tokenizer_config.json").write_text(json.dumps({"do_lower_case": False, "max_len": 512}), encoding="utf-8")
    (path / "special_tokens_map.json").write_text(json.dumps(
        {"unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]", "mask_token": "[MASK]"}
    ), encoding="utf-8")
    return path
