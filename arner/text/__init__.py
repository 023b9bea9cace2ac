"""Text: normalization, sentence and word splitting, BIO labels to entity spans."""
