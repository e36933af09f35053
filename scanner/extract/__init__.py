"""Pipeline stage: extract. Phones, ages, places, prices and contacts from ad text, with evidence.

`extract(text, fields)` reads one ad (see `scanner.extract.features`); `extract_pending(db, settings)`
in `scanner.extract.store` runs it over every stored ad version that needs it. Places found in text
are resolved through the one gazetteer of `scanner.places`. `EXTRACTOR_VERSION` changes with every
change of behaviour.
"""

from scanner.extract.features import EXTRACTOR_VERSION, Extraction, extract
from scanner.extract.store import extract_pending

__all__ = ["EXTRACTOR_VERSION", "Extraction", "extract", "extract_pending"]
