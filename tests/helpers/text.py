"""Alphabets for hypothesis: text made of what trips up segmentation and offsets."""

from hypothesis import strategies as st

ARABIC = [chr(c) for c in range(0x0621, 0x064B)]
MARKS = [chr(c) for c in range(0x064B, 0x0653)] + ["\u0640"]
CONTROLS = ["\u200f", "\u200e", "\u200c", "\u200d", "\ufeff", "\u202b", "\u202c", "\u2067", "\u2069"]
OTHER = list("abcXYZ0123456789٠١٢.,،؛؟!?«»()[]\"'-") + ["😀", "🇮", "🇶"]
SPACE = [" ", " ", "\n", "\t", "\r", "\u00a0"]
BREAKS = ["\n", "\r", "\r\n", "\u2028", "\u2029", "\x85", "\x0c", "\x0b"]
CHARS = st.sampled_from(ARABIC * 4 + MARKS + CONTROLS + OTHER + SPACE * 3)
