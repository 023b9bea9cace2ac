"""What tests and benches share: the checkout's folders, generated corpora (`corpus`), tiny BERT
models (`bert`), hypothesis alphabets (`text`)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DATA = ROOT / "sample_data"
SHARED = ROOT.parent / "shared"  # read-only data beside the checkout (ANERcorp, AQMAR, gazetteers)
