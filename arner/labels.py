"""Entity types and their BIO labels (kept import-light for the CLI's start-up)."""

import re

TYPES = ("PERS", "LOC", "ORG", "MISC")
LABEL = re.compile(r"O|[BI]-(PERS|LOC|ORG|MISC)")
