"""Inputs: finding files, decoding their bytes, reading labelled CoNLL data."""
