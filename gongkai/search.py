"""Stage 6a: the search index (placeholder until the search issue lands: no index)."""

from __future__ import annotations

from .config import Config
from .public import PublicSite


def search_files(public: PublicSite, pages: dict[str, bytes], config: Config) -> dict[str, bytes]:
    return {}
