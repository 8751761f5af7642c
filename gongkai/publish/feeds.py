"""For sharing and finding: sitemap.xml, robots.txt and an Atom feed of what was published.

All deterministic: dates come from site_config's publication_date (and the first-publication
dates the page manifest carries from earlier builds), never from the clock.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from gongkai.publish.pages import DepartmentPage, Page, ProjectPage, SiteInfo
from gongkai.publish.redirects import Manifest, fallback_date, published_on

FEED_LIMIT = 200  # newest entries kept in feed.xml; the sitemap lists every page
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso(date: str) -> str | None:
    return f"{date}T00:00:00Z" if _DATE.match(date or "") else None


def sitemap(site: SiteInfo, pages: list[Page]) -> bytes:
    """Every public page but the 404 page, at its canonical address."""
    lastmod = f"<lastmod>{site.publication_date}</lastmod>" if _DATE.match(site.publication_date or "") else ""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for page in pages:
        if page.path == "404.html":
            continue
        lines.append(f"<url><loc>{escape(site.base_url + page.url)}</loc>{lastmod}</url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def robots(site: SiteInfo) -> bytes:
    return f"User-agent: *\nAllow: /\nDisallow: {site.prefix}404.html\n\nSitemap: {site.base_url}sitemap.xml\n".encode("utf-8")


def feed(site: SiteInfo, pages: list[Page], manifest: Manifest) -> bytes:
    """One entry per department or project page, dated by the build that first published it."""
    by_url = {p.url: p for p in pages}
    fallback = fallback_date(site.years)
    entries = []
    for entry in manifest.entries:
        page = by_url.get(entry.url)
        if page is None or not isinstance(page.context, (ProjectPage, DepartmentPage)):
            continue
        date = _iso(published_on(entry, fallback))
        entries.append((date or "", entry.url, page))
    entries.sort(key=lambda e: (e[0], e[1]), reverse=True)
    entries = entries[:FEED_LIMIT]
    updated = _iso(site.publication_date) or (entries[0][0] if entries else _iso(fallback))
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">',
        f"<title>{escape(site.name)}：新公开的项目</title>",
        f"<subtitle>{escape(site.description)}</subtitle>",
        f'<link rel="self" type="application/atom+xml" href="{escape(site.base_url)}feed.xml"/>',
        f'<link rel="alternate" type="text/html" href="{escape(site.base_url)}"/>',
        f"<id>{escape(site.base_url)}feed.xml</id>",
        f"<updated>{updated}</updated>",
        f"<author><name>{escape(site.publisher or site.name)}</name></author>",
    ]
    for date, url, page in entries:
        context = page.context
        assert isinstance(context, (ProjectPage, DepartmentPage))
        address = escape(site.base_url + url)
        lines += [
            "<entry>",
            f"<title>{escape(context.title)}</title>",
            f'<link rel="alternate" type="text/html" href="{address}"/>',
            f"<id>{address}</id>",
            f"<published>{date}</published>",
            f"<updated>{date}</updated>",
            f"<summary>{escape(context.description)}</summary>",
            "</entry>",
        ]
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def feed_files(site: SiteInfo, pages: list[Page], manifest: Manifest) -> dict[str, bytes]:
    return {"sitemap.xml": sitemap(site, pages), "robots.txt": robots(site), "feed.xml": feed(site, pages, manifest)}
