"""The one canonical key by which project codes are compared, everywhere (validation, the secret
register, the classifier): a stage-free helper kept in source/ so that validation can use it too."""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―_.·・/\\]+")


def code_key(code: str) -> str:
    """The one canonical form in which project codes are compared, everywhere: NFKC (full-width
    letters and digits), case, and the spaces and separators spreadsheets insert or drop
    (GZIT2022- SM-N-C…, gzit2022smnc) folded away."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", code)).upper()
