"""The content-hash build cache: a rebuild redoes only the work whose inputs changed.

Kept in `.gongkai-cache/<output folder name>/` beside the output folder (git-ignored). Three
things are remembered from the last successful build:

- parsed content files, by file and hash of their bytes (a changed file is parsed again), and
  each project file's validation result (reused for the same parsed file in the same department);
- for every page, a fingerprint of everything its template can see — the page's context
  objects, the shared site information, its path — together with the templates, the
  configuration and gongkai's own code. A page whose fingerprint is unchanged is taken from
  the live output folder (checked by size and modification time) instead of being rendered;
- the hash of every output file that passed the leak audit and the withheld forms it was
  searched for. An unchanged file is searched only for forms that are new since then; a new
  or changed file for all of them. Every byte of the new site is still covered.

Validation, redaction, exports and search always run on the whole content: they are global
(totals, unique codes, secret numbering). The cache is an optimisation only: deleting the
folder gives the same site, and anything that cannot be read is treated as empty.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import sys
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

import jinja2

from gongkai.publish.audit import Hit, Needle, scan
from gongkai.source.load import ParsedMemo
from gongkai.publish.pages import Page, SiteInfo
from gongkai.publish.render import render_to
from gongkai.writer import Output, OutputError, subset
from gongkai.source.validate import ProjectMemo

_PAGES = Page.__module__

CACHE_VERSION = 3
_PACKAGE = Path(__file__).resolve().parent
# Objects that many pages share (a department appears on each of its projects' pages): their
# digest is computed once per build and reused, so fingerprinting stays linear in the content.
_SHARED = frozenset({"PublicDepartment", "PublicUnit", "PublicProject", "YearSummary"})
# Objects walked field by field, because they hold shared objects; any other object is digested
# whole through its repr (for dataclasses it shows every field; an object whose repr shows an
# address only costs a re-render). Page contexts (gongkai.publish.pages) are always walked, and so is
# a dataclass with a field left out of its repr.
_WALKED = frozenset({"PublicDepartment", "PublicUnit", "PublicSite", "YearSummary"})


def cache_folder(out: Path) -> Path:
    return out.parent / ".gongkai-cache" / out.name


def _hash(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def _tree_hash(folder: Path, pattern: str) -> bytes:
    digest = hashlib.blake2b(digest_size=16)
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob(pattern) if p.is_file()):
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.digest()


@functools.lru_cache(maxsize=None)
def _audit_code() -> bytes:
    """The code that decides what the audit finds: files it passed are audited again when it changes."""
    return _hash(b"".join((_PACKAGE / name).read_bytes() for name in ("publish/audit.py", "publish/search.py", "public.py", "leaks.py")))


def build_key(templates: Path, config: Path, extra: bytes = b"") -> bytes:
    """What every page depends on beyond its context: templates, configuration, code, versions."""
    import markdown
    parts = [
        str(CACHE_VERSION).encode(), sys.version.encode(), jinja2.__version__.encode(), markdown.__version__.encode(),
        _tree_hash(templates, "*"), _tree_hash(_PACKAGE, "*.py"), config.read_bytes() if config.exists() else b"", extra,
    ]
    return _hash(b"\0".join(parts))


@functools.lru_cache(maxsize=None)
def _walked_fields(kind: type) -> tuple[str, ...]:
    """The fields to walk one by one for objects of this type; () to digest its repr whole."""
    if not is_dataclass(kind):
        return ()
    names = tuple(f.name for f in fields(kind))
    if kind.__name__ in _WALKED or kind.__module__ == _PAGES or not all(f.repr for f in fields(kind)):
        return names
    return ()


class Fingerprinter:
    """Digests of page contexts: every field of every object, shared objects digested once."""

    def __init__(self) -> None:
        self.memo: dict[int, bytes] = {}
        self.keep: list[object] = []  # memo keys are ids: keep the objects alive for the build

    def digest(self, value: Any) -> bytes:
        kind = type(value)
        if kind in (str, int, bool, type(None)):
            return repr(value).encode()
        if kind in (tuple, list):
            return _hash((b"T(" if kind is tuple else b"L(") + b",".join(self.digest(v) for v in value) + b")")
        if kind is dict:
            return _hash(b"M(" + b",".join(self.digest(k) + b":" + self.digest(v) for k, v in value.items()) + b")")
        shared = kind.__name__ in _SHARED
        if shared and id(value) in self.memo:
            return self.memo[id(value)]
        walked = _walked_fields(kind)  # type: ignore[arg-type]  # a class is hashable; typeshed says type[Any] may not be
        if walked:
            parts = [kind.__qualname__.encode()] + [name.encode() + b"=" + self.digest(getattr(value, name)) for name in walked]
            result = _hash(b"D(" + b",".join(parts) + b")")
        else:
            result = _hash(f"{kind.__module__}.{kind.__qualname__}:{value!r}".encode())
        if shared:
            self.memo[id(value)] = result
            self.keep.append(value)
        return result

    def page(self, key: bytes, site: bytes, page: Page) -> bytes:
        return _hash(b"\0".join((key, site, page.path.encode(), page.template.encode(), page.url.encode(),
                                 self.digest(page.context))))


@dataclass
class BuildCache:
    folder: Path
    parsed: ParsedMemo = field(default_factory=dict)
    validated: ProjectMemo = field(default_factory=dict)  # holds the documents of `parsed` itself
    pages: dict[str, tuple[bytes, int, int]] = field(default_factory=dict)  # path -> (fingerprint, size, mtime_ns)
    audited: dict[str, bytes] = field(default_factory=dict)  # path -> hash of the audited bytes
    needle_forms: frozenset[str] = frozenset()
    fingerprints: dict[str, bytes] = field(default_factory=dict)  # this build's, saved on success
    in_use: Sequence[object] = field(default_factory=list)  # this build's documents, set by the load stage
    rendered: int = 0  # pages rendered (not reused) by the last render(), for reports and tests
    reused: int = 0
    audited_next: tuple[dict[str, bytes], frozenset[str]] | None = None
    stored: dict[str, object] = field(default_factory=dict)  # document file name -> entry written
    persist: bool = True  # False: keep between builds in memory only (a long-running serve)
    # Each department's export files: department path -> (its key, {file: (size, mtime_ns)}).
    exports: dict[str, tuple[bytes, dict[str, tuple[int, int]]]] = field(default_factory=dict)
    exports_next: dict[str, tuple[bytes, Any, bool]] = field(default_factory=dict)  # this build's: (key, part, made now)
    exports_reused: int = 0  # departments whose exports the last build reused
    export_parts: dict[bytes, Any] = field(default_factory=dict)  # in memory, when not persisting
    printer: Fingerprinter | None = None  # this build's digests, shared by pages and exports

    @classmethod
    def open(cls, out: Path) -> "BuildCache":
        folder = cache_folder(out)
        cache = cls(folder)
        try:
            with open(folder / "cache.pickle", "rb") as stream:
                data = pickle.load(stream)
            if data.get("version") == CACHE_VERSION:
                cache.pages, cache.audited, cache.needle_forms = data["pages"], data["audited"], data["needle_forms"]
                cache.exports = data.get("exports", {})
                if data.get("audit_code") != _audit_code():  # a changed audit reads every file again
                    cache.audited, cache.needle_forms = {}, frozenset()
                cache._load_documents()
        except Exception:  # a missing, old or damaged cache is an empty one: it only saves time
            cache.pages, cache.audited, cache.needle_forms, cache.exports = {}, {}, frozenset(), {}
        return cache

    @property
    def search_memo(self) -> Path:
        """Each search bundle's Pagefind files, by the digest of its records. On disk even when
        not persisting: the index is built in a forked process, which shares no memory back."""
        return self.folder / "search"

    def begin(self) -> None:
        """Forget what a previous, perhaps failed, build collected: each build starts afresh."""
        self.audited_next, self.exports_next, self.exports_reused, self.printer = None, {}, 0, None

    # One small file per parsed content file (with its validation result), named by the file and
    # the hash of its bytes: a rebuild after one edit writes one file, not the whole cache.

    def _load_documents(self) -> None:
        for path in (self.folder / "documents").glob("*.pickle"):
            try:
                key, doc, entry = pickle.loads(path.read_bytes())
            except Exception:
                continue
            self.parsed[key] = doc
            self.stored[_document_name(key)] = entry
            if entry is not None and entry[0] is doc:  # one pickle: the entry holds this very document
                self.validated[id(doc)] = entry

    def _save_documents(self) -> None:
        folder = self.folder / "documents"
        folder.mkdir(parents=True, exist_ok=True)
        keep: dict[str, object] = {}
        for key, doc in self.parsed.items():
            name, entry = _document_name(key), self.validated.get(id(doc))
            keep[name] = entry
            if name in self.stored and self.stored[name] is entry:
                continue  # unchanged since it was written
            temporary = folder / f"{name}.tmp-{os.getpid()}"
            temporary.write_bytes(pickle.dumps((key, doc, entry), protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(temporary, folder / name)
        for name in set(self.stored) - set(keep):
            (folder / name).unlink(missing_ok=True)
        self.stored = keep

    # ---- render ------------------------------------------------------------------------

    def render(self, env: jinja2.Environment, site: SiteInfo, pages: list[Page], key: bytes, out: Path, output: Output) -> None:
        """Every page into the output, rendering only pages whose fingerprint changed since the
        last build; the others are the live site's files (hard-linked when staging on disk)."""
        printer = self.printer = self.printer or Fingerprinter()
        site_digest = printer.digest(site)
        self.fingerprints = {page.path: printer.page(key, site_digest, page) for page in pages}
        output.check_new(page.path for page in pages)
        stale: list[Page] = []
        for page in pages:
            previous = self.pages.get(page.path)
            if not (previous and previous[0] == self.fingerprints[page.path] and self._reuse(out, page.path, previous, output)):
                stale.append(page)
        render_to(output, env, site, stale)
        self.rendered, self.reused = len(stale), len(pages) - len(stale)

    @staticmethod
    def _reuse(out: Path, path: str, previous: tuple[bytes, int, int], output: Output) -> bool:
        """Take the live file, if it is still exactly what the last build wrote."""
        return _live_stat(out, path) == previous[1:] and output.take(path, out / path, previous[1])

    # ---- audit -------------------------------------------------------------------------

    def audit(self, files: Mapping[str, bytes], found: list[Needle]) -> list[Hit]:
        """The leak audit of some output files, searching files unchanged since the last audited
        build only for forms that are new since then. Called once per batch of files (the search
        index comes last); the audited hashes add up until save()."""
        hashes = {path: _hash(files[path]) for path in files}
        changed = subset(files, [p for p in files if self.audited.get(p) != hashes[p]])
        unchanged = subset(files, [p for p in files if p not in changed])
        new_forms = [n for n in found if n.form not in self.needle_forms]
        hits = scan(changed, found) + (scan(unchanged, new_forms) if new_forms else [])
        if not hits:
            previous = self.audited_next[0] if self.audited_next else {}
            self.audited_next = ({**previous, **hashes}, frozenset(n.form for n in found))
        return sorted(hits, key=lambda h: (h.file, h.needle.form))

    # ---- after a successful build --------------------------------------------------------

    def save(self, out: Path, sizes: Mapping[str, int]) -> None:
        """Remember this build, in memory and on disk: called only once the new site is in place."""
        if self.in_use:  # forget the parses of files that changed or are gone
            in_use = {id(d) for d in self.in_use}
            self.parsed = {k: v for k, v in self.parsed.items() if id(v) in in_use}
            self.validated = {k: v for k, v in self.validated.items() if k in in_use}
        pages: dict[str, tuple[bytes, int, int]] = {}
        for path, fingerprint in self.fingerprints.items():
            stat = _live_stat(out, path)
            if stat is not None and stat[0] == sizes.get(path, -1):
                pages[path] = (fingerprint, *stat)
        audited, forms = self.audited_next or ({}, frozenset())
        self.pages, self.audited, self.needle_forms = pages, audited, forms
        exports = self._save_exports(out, sizes)
        self.audited_next, self.in_use, self.printer = None, [], None
        if not self.persist:
            return
        self._save_documents()
        data = {"version": CACHE_VERSION, "pages": pages, "audited": audited, "needle_forms": forms, "audit_code": _audit_code(),
                "exports": exports}
        temporary = self.folder / f"cache.pickle.tmp-{os.getpid()}"
        with open(temporary, "wb") as stream:
            pickle.dump(data, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, self.folder / "cache.pickle")

    # ---- exports ---------------------------------------------------------------------------

    def export_memo(self, key: bytes, out: Path) -> "ExportMemo":
        return ExportMemo(self, key, out)

    def _save_exports(self, out: Path, sizes: Mapping[str, int]) -> dict[str, tuple[bytes, dict[str, tuple[int, int]]]]:
        """The export files of this build by department, as they now are in the live site; the
        rows of departments exported afresh go to one file each (named by the department's key)."""
        exports: dict[str, tuple[bytes, dict[str, tuple[int, int]]]] = {}
        parts: dict[bytes, Any] = {}
        for dept_path, (key, part, made) in self.exports_next.items():
            stats = {path: _live_stat(out, path) for path in part.sizes}
            if all(stat is not None and stat[0] == sizes.get(path, -1) for path, stat in stats.items()):
                exports[dept_path] = (key, stats)  # type: ignore[assignment]
                parts[key] = part if made else None
        self.exports, self.exports_next = exports, {}
        if not self.persist:
            self.export_parts = {key: part or self.export_parts[key] for key, part in parts.items()}
            return exports
        folder = self.folder / "exports"
        folder.mkdir(parents=True, exist_ok=True)
        for key, part in parts.items():
            if part is not None:
                temporary = folder / f"{key.hex()}.tmp-{os.getpid()}"
                temporary.write_bytes(pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL))
                os.replace(temporary, folder / f"{key.hex()}.pickle")
        for stale in folder.glob("*.pickle"):
            if bytes.fromhex(stale.stem) not in parts:
                stale.unlink(missing_ok=True)
        return exports

    def _export_part(self, key: bytes) -> Any:
        if key in self.export_parts:
            return self.export_parts[key]
        try:
            return pickle.loads((self.folder / "exports" / f"{key.hex()}.pickle").read_bytes())
        except Exception:
            return None


class ExportMemo:
    """exports.Reuse through the cache: a department's export files are the live site's when its
    public model (digested as page contexts are), the templates, configuration and code (`key`)
    are unchanged and its files are still exactly what the last build wrote."""

    def __init__(self, cache: BuildCache, key: bytes, out: Path) -> None:
        self.cache, self.key, self.out = cache, key, out
        self.cache.printer = self.cache.printer or Fingerprinter()

    def _key(self, dept: object) -> bytes:
        assert self.cache.printer is not None
        return _hash(self.key + self.cache.printer.digest(dept))

    def reused(self, dept: Any, output: Output) -> Any:
        previous = self.cache.exports.get(dept.path)
        if output.staging is None or previous is None:
            return None
        key = self._key(dept)
        files = previous[1]
        if previous[0] != key or any(_live_stat(self.out, path) != stat for path, stat in files.items()):
            return None
        part = self.cache._export_part(key)
        if part is None or set(part.sizes) != set(files):
            return None
        for path, (size, _) in files.items():
            if not output.take(path, self.out / path, size):
                raise OutputError(f"上次构建的导出文件无法读取：{self.out / path}")  # checked just above
        self.cache.exports_next[dept.path] = (key, part, False)
        self.cache.exports_reused += 1
        return part

    def made(self, dept: Any, part: Any) -> None:
        self.cache.exports_next[dept.path] = (self._key(dept), part._replace(files={}), True)


def _live_stat(out: Path, path: str) -> tuple[int, int] | None:
    """(size, mtime_ns) of a file of the live site: how the cache knows it is still what a build wrote."""
    try:
        stat = (out / path).stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


def _document_name(key: tuple[str, bytes]) -> str:
    return hashlib.blake2b(key[0].encode() + b"\0" + key[1], digest_size=16).hexdigest() + ".pickle"
