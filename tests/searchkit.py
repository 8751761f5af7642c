"""What a search must answer, computed from a built site's index files without a browser: the
records (url, tokens) of every Pagefind fragment, and the urls whose tokens hold every term of a
query (search.query_terms: name terms, or else body terms — each a prefix of one token)."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

from gongkai.publish import search

Records = dict[str, list[str]]


def indexed_records(folder: Path) -> Records:
    """The records of every fragment below folder (a site's pagefind/, or one bundle's)."""
    out: Records = {}
    for path in sorted(folder.rglob("*.pf_fragment")):
        raw = gzip.decompress(path.read_bytes())
        fragment = json.loads(raw[len(b"pagefind_dcd"):])
        out[fragment["url"]] = fragment["content"].replace("\u200b", " ").split()
    return out


def bundle_urls(site: Path) -> dict[str, set[str]]:
    """The urls of each bundle below the site's pagefind/ folder."""
    return {folder.name: set(indexed_records(folder)) for folder in sorted((site / "pagefind").iterdir()) if folder.is_dir()}


def _holds(tokens: list[str], terms: list[str]) -> bool:
    return bool(terms) and all(any(token.startswith(term) for token in tokens) for term in terms)


def expected_urls(records: Records, query: str) -> set[str]:
    """Records matching the query as one word (search.js's first pass, the one that answers
    whenever anything matches), by search.js's plan: names; codes when the query has no Chinese,
    then codes only if it has digits and a code matches; what a record belongs to; the text when
    the query has Chinese."""
    terms = search.query_terms(query)
    cjk = any(kind == "cjk" for kind, _ in search.runs(query))
    planned = [terms.name, *([] if cjk else [terms.code]), terms.context, *([terms.body] if cjk else [])]
    hits = [{url for url, tokens in records.items() if _holds(tokens, want)} for want in planned]
    digits = re.search(r"[0-9]", search.normalise(query)) is not None
    if digits and not cjk and hits[1]:
        return hits[1]
    return set().union(*hits)


def pair_queries(records: Records, bundles: dict[str, set[str]], per_bundle: int = 8) -> list[str]:
    """Queries that join character pairs found in one bundle only: a bundle that lacks one of
    the query's pairs must not answer with words that share a prefix."""
    pairs: dict[str, set[str]] = {}
    for url, tokens in records.items():
        owner = next(name for name, urls in bundles.items() if url in urls)
        for token in tokens:
            if token[0] == "b" and len(token) == 7:
                pairs.setdefault(search.decode_token(token), set()).add(owner)
    own = {name: sorted(p for p, owners in pairs.items() if owners == {name})[:per_bundle] for name in bundles}
    names = sorted(own)
    queries = []
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            queries += [x + y for x, y in zip(own[a], own[b])]
            queries += [x[0] + y for x, y in zip(own[a], own[b])]
    return queries
