"""What links a public record to others — its stable identity, its declared 上年项目 — decided here,
inside the disclosure boundary, and carried out by the public types; publishing code never reads
the raw model to find them."""

from __future__ import annotations

import hashlib
from pathlib import PurePosixPath


def identity(kind: str, file: str) -> str:
    """A stable id from the content file's path below the content folder (its name is irrelevant)."""
    parts = PurePosixPath(file.replace("\\", "/")).parts
    relative = "/".join(parts[1:]) if len(parts) > 1 else file
    return f"{kind[0]}-{hashlib.sha256(relative.encode('utf-8')).hexdigest()[:16]}"
