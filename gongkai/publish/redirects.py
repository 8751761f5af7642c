"""Links that last: a manifest of every public page's identity and URL, and redirects for URLs
that changed.

The built site carries `slugs.json`: for each public department and project, a stable identity
(a hash of its content file's path below content/, never a name) with its current URL and the
date it was first published. The next build reads the manifest of the site it is about to
replace, and every identity whose URL changed leaves a redirect behind: a static page at the old
path (meta refresh, canonical link and a visible link, no script) and a line in `redirects.map`
(nginx `map`) and `_redirects` (Netlify-style hosts). Redirects accumulate across builds.

Secret projects never enter the manifest: their URLs are public labels already, and an old URL
of a project that has since become secret could spell out its name, so it gets no redirect.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterable

from markupsafe import escape

from gongkai.public import PublicSite

MANIFEST = "slugs.json"
FORMAT = "gongkai-slugs/1"


@dataclass(frozen=True)
class Entry:
    """One public page in the manifest."""

    id: str  # d-… for departments, p-… for projects
    kind: str  # department / project
    url: str  # path below the site root, e.g. 2025/yutian-zfw/jyywjj/
    published: str  # the publication date of the build that first published it ("" when none was set)


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def fallback_date(years: Iterable[int]) -> str:
    """With no publication date configured, entries date from their budget year."""
    years = list(years)
    return f"{max(years)}-01-01" if years else "1970-01-01"


def published_on(entry: Entry, fallback: str) -> str:
    """The day a page was first published (YYYY-MM-DD): its build's publication date, else
    January 1st of its budget year, else `fallback` — never the clock, so builds repeat."""
    if _DATE.match(entry.published or ""):
        return entry.published
    year_start = f"{entry.url[:4]}-01-01"
    return year_start if _DATE.match(year_start) else fallback


@dataclass(frozen=True)
class Manifest:
    entries: tuple[Entry, ...]
    redirects: tuple[tuple[str, str], ...]  # (old path, new path) below the site root, sorted

    def to_bytes(self) -> bytes:
        data = {
            "format": FORMAT,
            "pages": [{"id": e.id, "kind": e.kind, "url": e.url, "published": e.published} for e in self.entries],
            "redirects": {old: new for old, new in self.redirects},
        }
        return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def read_manifest(out: Path) -> Manifest | None:
    """The manifest of the site about to be replaced; None when there is none or it is unreadable."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    entries = []
    for item in data.get("pages") or []:
        if isinstance(item, dict) and all(isinstance(item.get(k), str) for k in ("id", "kind", "url", "published")):
            entries.append(Entry(item["id"], item["kind"], item["url"], item["published"]))
    redirects = data.get("redirects") or {}
    pairs = tuple(sorted((k, v) for k, v in redirects.items() if isinstance(k, str) and isinstance(v, str))) if isinstance(redirects, dict) else ()
    return Manifest(tuple(entries), pairs)


def page_identities(public: PublicSite) -> dict[str, tuple[str, str]]:
    """Public page path → (identity, kind): the identities redaction gave the public records
    (none for secret projects, or for a project whose link name was withheld with its name)."""
    out: dict[str, tuple[str, str]] = {}
    for dept in public.departments:
        out[dept.path] = (dept.identity, "department")
        for project in dept.projects:
            if project.identity and not project.secret:
                out[project.path] = (project.identity, "project")
    return out


def plan(previous: Manifest | None, public: PublicSite, publication_date: str) -> Manifest:
    """This build's manifest: current URLs, first-publication dates kept, redirects accumulated."""
    # Only what the public model publishes as non-secret counts: a project the secret register
    # (or any later rule) made secret is left out even if its content file says nothing.
    live = {d.path for d in public.departments} | {p.path for p in public.projects if not p.secret}
    old_by_id = {e.id: e for e in previous.entries} if previous else {}
    identities = page_identities(public)
    entries = []
    for path in sorted(identities):
        if path not in live:
            continue
        ident, kind = identities[path]
        before = old_by_id.get(ident)
        entries.append(Entry(ident, kind, path, before.published if before else publication_date))
    url_by_id = {e.id: e.url for e in entries}
    moved: dict[str, str] = dict(previous.redirects) if previous else {}
    for before in old_by_id.values():
        now = url_by_id.get(before.id)
        if now and now != before.url:
            moved[before.url] = now
    return Manifest(tuple(entries), _resolve(moved, set(url_by_id.values()), live))


def _resolve(moved: dict[str, str], targets: set[str], live: set[str]) -> tuple[tuple[str, str], ...]:
    """Follow chains to today's URL; drop redirects from a live URL or to a page that is gone."""
    out: dict[str, str] = {}
    for old in moved:
        if old in live or not _safe_path(old):
            continue
        seen, new = {old}, moved[old]
        while new in moved and new not in seen and new not in live:
            seen.add(new)
            new = moved[new]
        if new in targets:
            out[old] = new
    return tuple(sorted(out.items()))


def _safe_path(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return bool(parts) and path.endswith("/") and not path.startswith("/") and ".." not in parts and all(
        p.replace("-", "").isalnum() and p.isascii() for p in parts)


def redirect_page(old_url: str, new_path: str, canonical: str, prefix: str = "/") -> bytes:
    """A static redirect: meta refresh for browsers, canonical for search engines, a link for everyone.

    The refresh goes to a path on the same host, so a preview or mirror never sends readers
    to another host. The site's stylesheet and icon keep it readable on a phone, and the browser
    asks for no /favicon.ico that is not there.
    """
    target = escape(new_path)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f'<title>页面已移动</title>\n<meta http-equiv="refresh" content="0; url={target}">\n'
        f'<link rel="canonical" href="{escape(canonical)}">\n<meta name="robots" content="noindex">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<link rel="icon" href="{escape(prefix)}assets/favicon.svg" type="image/svg+xml">\n'
        f'<link rel="stylesheet" href="{escape(prefix)}assets/site.css">\n</head>\n<body>\n<main class="wrap">\n'
        f'<h1>页面已移动</h1>\n<p>本页已移至新地址：<a href="{target}">{escape(canonical)}</a></p>\n'
        f'<p>原地址：{escape(old_url)}</p>\n</main>\n</body>\n</html>\n'
    ).encode("utf-8")


def redirect_files(manifest: Manifest, base_url: str, prefix: str, taken: Iterable[str]) -> dict[str, bytes]:
    """slugs.json, redirects.map, _redirects and one page per old URL not otherwise in use."""
    used = set(taken)
    files: dict[str, bytes] = {MANIFEST: manifest.to_bytes()}
    map_lines = ["# gongkai: old URL → new URL. nginx: map $uri $gongkai_redirect { include redirects.map; }"]
    netlify_lines = ["# gongkai: old URL → new URL (Netlify / Cloudflare Pages _redirects)"]
    for old, new in manifest.redirects:
        page = f"{old}index.html"
        if page in used:
            continue
        files[page] = redirect_page(base_url + old, prefix + new, base_url + new, prefix)
        map_lines.append(f"{prefix}{old} {prefix}{new};")
        map_lines.append(f"{prefix}{old}index.html {prefix}{new};")
        netlify_lines.append(f"{prefix}{old} {prefix}{new} 301")
        netlify_lines.append(f"{prefix}{old}index.html {prefix}{new} 301")
    files["redirects.map"] = ("\n".join(map_lines) + "\n").encode("utf-8")
    files["_redirects"] = ("\n".join(netlify_lines) + "\n").encode("utf-8")
    return files
