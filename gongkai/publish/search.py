"""Stage 6a: the search index — Pagefind custom records built from the public model only.

Why not let Pagefind read the HTML: its Chinese matching segments text one way at build time
(a dictionary) and another way in the browser (Intl.Segmenter), so a substring such as 总支出 in
总支出统计 can be missed, and it knows no pinyin. Instead each record carries search *tokens*
that are plain ASCII words, so neither side segments them, and Pagefind's prefix matching turns
"query is a prefix of a token" into substring search:

- ``n…`` name tokens: every suffix of each Chinese run of the name (capped at NAME_CHUNK
  characters), each character written as three base-36 digits. A query run is a prefix of one.
- ``l…`` name latin tokens: the name's digits/letters (every suffix, separators removed), full
  pinyin and pinyin initials (suffixes at syllable boundaries, capped at LATIN_CAP).
- ``c…`` code tokens: every suffix of the record's codes (项目编码, 部门编码, 单位编码).
- ``k…``/``p…`` context tokens: as ``n…``/``l…``, for the department, unit and region a project
  belongs to, so that 玉田 and yutian find the same projects.
- ``b…`` body tokens: character bigrams of goals, indicators and other public text (and the name),
  plus each run's last character, so any run of two or more characters matches.
- ``m…`` body latin tokens: numbers and codes in the body (whole, so found by their start).

Pagefind, finding no word that a term is a prefix of, searches instead for the longest prefix
of the term that is a whole word (of the tokens or of the meta it also indexes): 99999999 found
the "9" of a text, 治鳄 found 治. As it does so only for a term that has no match at all,
search.js checks the first result of each search against its tokens and drops the search when
that result does not hold every term.

templates/assets/search.js applies the same rules to the query (see `query_terms`, which the
tests keep in step with the JavaScript) and runs one Pagefind search per kind — names, codes,
context, body — so each result knows why it matched and name matches rank first. A query of
digits (with or without letters) that is part of a code finds codes only, and a query without
Chinese characters never searches the body.

Nothing here reads gongkai.source.model: the records come from PublicSite, and the fragments carry the
readable name so the leak audit sees what the index says.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import hashlib
import json
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Coroutine, Iterable, cast

import cbor2
from pypinyin import Style, lazy_pinyin

from gongkai.source.config import Config
from gongkai.formatting import styled
from gongkai.publish.pages import department_style
from gongkai.public import PublicDepartment, PublicGoal, PublicIndicator, PublicProject, PublicSite

NAME_CHUNK = 12  # characters of a name suffix token; longer query runs are split into chunks
LATIN_CAP = 40  # letters of a latin token; longer query words are cut to this
CJK_BASE = 0x3400
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
# The Pagefind files a browser needs; the bundled UI scripts and styles are left out.
_KEEP = re.compile(r"^(pagefind\.js|pagefind-entry\.json|wasm\.[a-z_]+\.pagefind|pagefind\.[^/]+\.pf_meta|"
                   r"(index|fragment|filter)/[^/]+)$")


# ---- characters and runs ---------------------------------------------------------------------

_CJK_CLASS = "\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
_RUN = re.compile(f"(?P<cjk>[{_CJK_CLASS}]+)|(?P<latin>[a-z0-9](?:[^{_CJK_CLASS}]*[a-z0-9])?)")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def is_cjk(char: str) -> bool:
    code = ord(char)
    return 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x3FFFF


def encode_char(char: str) -> str:
    """Three base-36 digits per Chinese character (rare characters outside the main blocks share
    codes, which only costs precision)."""
    code = ord(char)
    value = code - CJK_BASE if code <= 0x9FFF else 27648 + code % 19000
    return _DIGITS[value // 1296] + _DIGITS[value // 36 % 36] + _DIGITS[value % 36]


class _Codes(dict):  # type: ignore[type-arg]
    """str.translate table that fills itself: encoding is the hot loop of a large build."""

    def __missing__(self, code: int) -> str:
        self[code] = value = encode_char(chr(code))
        return value


_CODES = _Codes()


def encode(text: str) -> str:
    return text.translate(_CODES)


def decode_token(token: str) -> str:
    """A token back to readable text: n…/b…/k… tokens to their Chinese characters, latin tokens
    as typed. For checks on the built index (the leak audit reads names in the fragments' meta;
    body tokens only say which character pairs a record holds)."""
    coded = token[1:]
    if token[:1] in ("n", "b", "k") and len(coded) % 3 == 0 and re.fullmatch(r"[0-9a-z]+", coded):
        values = [int(coded[i:i + 3], 36) for i in range(0, len(coded), 3)]
        return "".join(chr(v + CJK_BASE) if v < 27648 else "\ufffd" for v in values)
    return coded


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def runs(text: str) -> list[tuple[str, str]]:
    """("cjk", 综治中心) and ("latin", gzit2022smnc) runs in order. Chinese characters break a latin
    run; spaces, hyphens and brackets don't (codes are typed with and without separators), and
    punctuation ends a Chinese run."""
    out: list[tuple[str, str]] = []
    for match in _RUN.finditer(normalise(text)):
        if match.group("cjk"):
            out.append(("cjk", match.group("cjk")))
        else:
            out.append(("latin", _NOT_ALNUM.sub("", match.group("latin"))))
    return out


# ---- pinyin ----------------------------------------------------------------------------------

@lru_cache(maxsize=65536)
def _run_pinyin(run: str) -> tuple[str, ...]:
    syllables = lazy_pinyin(run, style=Style.NORMAL)
    if len(syllables) != len(run):
        syllables = [_char_pinyin(c) for c in run]
    return tuple(s.lower() if re.fullmatch(r"[a-z]+", s.lower()) else "" for s in syllables)


@lru_cache(maxsize=65536)
def _char_pinyin(char: str) -> str:
    return (lazy_pinyin(char, style=Style.NORMAL) or [""])[0].lower()


def run_pinyin(run: str) -> list[str]:
    """One syllable per character, read in context (pypinyin's phrase dictionary picks the reading
    of polyphonic characters such as 重 in 重点)."""
    return list(_run_pinyin(run))


def char_pinyin(run: str) -> list[str]:
    """Each character's first reading on its own: the second guess for polyphonic characters."""
    return [c if re.fullmatch(r"[a-z]+", c) else "" for c in map(_char_pinyin, run)]


def pinyin_units(text: str, reading: Callable[[str], list[str]] = run_pinyin) -> list[tuple[str, bool]]:
    """(word, is_syllable) in order: a syllable per Chinese character, a word per latin run."""
    units: list[tuple[str, bool]] = []
    for kind, value in runs(text):
        if kind == "cjk":
            units += [(s, True) for s in reading(value) if s]
        else:
            units.append((value, False))
    return units


def pinyin_strings(text: str) -> set[str]:
    """Full pinyin and initials spellings of text, with ü written both v and u."""
    out: set[str] = set()
    for reading in (run_pinyin, char_pinyin):
        units = pinyin_units(text, reading)
        if not any(is_syllable for _, is_syllable in units):
            continue
        full = [w for w, _ in units]
        initials = [w[0] if is_syllable else w for w, is_syllable in units]
        for words in (full, initials):
            for start in range(len(words)):
                suffix = "".join(words[start:])
                out.add(suffix)
                if "v" in suffix and words is full:
                    out.add(suffix.replace("v", "u"))
    return out


def name_pinyin(name: str) -> str:
    """The pinyin of a name for highlighting in the browser: one entry per character of the name
    (read in context), "-" where a character has none. Each syllable follows a "0": Pagefind
    indexes meta too, and a bare syllable such as "chu" would answer the code query "hu"
    (term "chu"); no query term starts with a digit."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:  # a run at a time, so that 重 in 重点 reads zhong
        if run:
            out.extend("0" + s if s else "-" for s in run_pinyin("".join(run)))
            run.clear()

    for char in name:
        folded = normalise(char)
        if len(folded) == 1 and is_cjk(folded):
            run.append(folded)
        else:
            flush()
            out.append("-")
    flush()
    return " ".join(out)


# ---- tokens ----------------------------------------------------------------------------------

def _cjk_token(kind: str, chars: str) -> str:
    return kind + encode(chars)


def _latin_token(kind: str, text: str) -> str:
    return kind + text[:LATIN_CAP]


def name_tokens(names: Iterable[str], cjk: str = "n", spelled: str = "l") -> set[str]:
    """n… and l… tokens (or k… and p… for the names of what a project belongs to): what a name
    search must find (see the module docstring)."""
    tokens: set[str] = set()
    for name in names:
        for kind, value in runs(name):
            for start in range(len(value)):
                if kind == "cjk":
                    tokens.add(_cjk_token(cjk, value[start:start + NAME_CHUNK]))
                else:
                    tokens.add(_latin_token(spelled, value[start:]))
        tokens |= {_latin_token(spelled, s) for s in pinyin_strings(name)}
    return tokens


def code_tokens(codes: Iterable[str]) -> set[str]:
    """c… tokens: every suffix of every code, separators removed."""
    tokens: set[str] = set()
    for code in codes:
        for kind, value in runs(code):
            if kind == "latin":
                tokens |= {_latin_token("c", value[start:]) for start in range(len(value))}
    return tokens


def body_tokens(texts: Iterable[str]) -> set[str]:
    """b… and m… tokens: character pairs and whole latin words of any public text."""
    tokens: set[str] = set()
    for text in texts:
        for kind, value in runs(text):
            if kind == "cjk":
                coded = encode(value)
                tokens.update("b" + coded[i:i + 6] for i in range(0, len(coded) - 3, 3))
                tokens.add("b" + coded[-3:])
            else:  # whole words only: numbers and codes in the text are found by their start
                tokens.add(_latin_token("m", value))
    return tokens


@dataclass(frozen=True)
class Terms:
    """The Pagefind terms of one query, one list per search (search.js builds the same)."""

    name: list[str]
    code: list[str]
    context: list[str]
    body: list[str]


def query_terms(query: str) -> Terms:
    """The Pagefind terms for a query: each is a prefix of the tokens it must find."""
    terms = Terms([], [], [], [])
    for kind, value in runs(query):
        if kind == "cjk":
            chunks = [encode(value[i:i + NAME_CHUNK]) for i in range(0, len(value), NAME_CHUNK)]
            terms.name.extend("n" + c for c in chunks)
            terms.context.extend("k" + c for c in chunks)
            terms.body.extend("b" + encode(value[i:i + 2]) for i in range(max(1, len(value) - 1)))
        else:
            spelled = value[:LATIN_CAP]
            terms.name.append("l" + spelled)
            terms.code.append("c" + spelled)
            terms.context.append("p" + spelled)
            terms.body.append("m" + spelled)
    return terms


# ---- records ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Record:
    url: str
    content: str
    meta: dict[str, str]
    filters: dict[str, list[str]] = field(default_factory=dict)


def _indicator_texts(indicators: Iterable[PublicIndicator]) -> list[str]:
    out: list[str] = []
    for row in indicators:
        if row.withheld:
            continue
        out += [row.level1, row.level2 or "", row.level3, row.value, row.description or "", row.standard or ""]
    return out


def _goal_texts(goals: Iterable[PublicGoal]) -> list[str]:
    out: list[str] = []
    for goal in goals:
        if goal.withheld:
            continue
        out += [goal.title or "", goal.text or ""]
        out += _indicator_texts(goal.indicators)
    return out


def _categories(indicators: Iterable[PublicIndicator]) -> dict[str, list[str]]:
    rows = [r for r in indicators if not r.withheld]
    level1 = sorted({r.level1 for r in rows if r.level1})
    level2 = sorted({r.level2 for r in rows if r.level2})
    out: dict[str, list[str]] = {}
    if level1:
        out["l1"] = level1
    if level2:
        out["l2"] = level2
    return out


def _content(*sides: set[str]) -> str:
    # Sorted so that two builds of the same content give the same bytes.
    return " ".join(" ".join(sorted(side)) for side in sides if side)


def project_record(project: PublicProject, department: PublicDepartment, prefix: str) -> Record:
    names = [project.name]
    codes = [project.code] if project.code else []
    body = [project.name, project.unit, department.name, department.short_name or "", project.category or "",
            project.nature or "", *project.attributes, project.purpose or "", project.basis or "",
            *_goal_texts(project.goals), project.code or "", department.code or ""]
    meta = {"title": project.name, "kind": "项目", "dept": department.display_name, "year": str(project.year),
            "amount": styled(project.money.total, department_style(department)), "code": project.code or "", "py": name_pinyin(project.name)}
    filters = {"year": [str(project.year)], "dept": [department.display_name], "kind": ["项目"]}
    if department.region:
        filters["region"] = [department.region]
    filters.update(_categories(i for g in project.goals if not g.withheld for i in g.indicators))
    context = name_tokens([department.name, department.short_name or "", project.unit, department.region or ""], "k", "p")
    return Record(prefix + project.path, _content(name_tokens(names), code_tokens(codes), context, body_tokens(body)),
                  meta, filters)


def department_record(department: PublicDepartment, prefix: str) -> Record:
    names = [department.name, department.short_name or ""] + [u.name for u in department.units]
    codes = [c for c in [department.code, *(u.code for u in department.units)] if c]
    body = [*names, department.region or "", department.goal or "", department.measures or "",
            *(t for task in department.tasks for t in (task.name, task.goal or "", task.indicator_text or "")),
            *_indicator_texts(department.indicators), *codes]
    also = [n for n in names[:1] + names[2:] if n and n != department.display_name]
    meta = {"title": department.display_name, "kind": "部门", "dept": department.display_name,
            "year": str(department.year), "amount": styled(department.total, department_style(department)), "code": department.code or "",
            "py": name_pinyin(department.display_name), "also": "、".join(dict.fromkeys(also))}
    filters = {"year": [str(department.year)], "dept": [department.display_name], "kind": ["部门"]}
    if department.region:
        filters["region"] = [department.region]
    filters.update(_categories(department.indicators))
    context = name_tokens([department.region or ""], "k", "p")
    return Record(prefix + department.path, _content(name_tokens(names), code_tokens(codes), context, body_tokens(body)),
                  meta, filters)


def records(public: PublicSite, prefix: str) -> list[Record]:
    out: list[Record] = []
    for department in sorted(public.departments, key=lambda d: (d.year, d.slug)):
        out.append(department_record(department, prefix))
        for project in sorted(department.projects, key=lambda p: p.slug):
            out.append(project_record(project, department, prefix))
    return out


# ---- Pagefind --------------------------------------------------------------------------------

def _service_class() -> type:
    from pagefind.service import PagefindService

    class QuickService(PagefindService):  # type: ignore[misc]
        """Pagefind's service, reading replies as they come: upstream sleeps 0.1 s before reading
        each reply, which caps indexing at ten records a second (17 minutes for 10,000)."""

        async def _wait_for_responses(self) -> None:
            while True:
                assert self._backend.stdout is not None  # started with a pipe
                output = await self._backend.stdout.readuntil(b",")
                response = json.loads(base64.b64decode(output[:-1]))
                if not response:
                    continue
                payload = response["payload"]
                message_id = response.get("message_id")
                if message_id is None and payload.get("original_message"):
                    message_id = json.loads(payload["original_message"]).get("message_id")
                future = self._responses.get(message_id)
                if future is None or future.done():
                    continue
                if payload["type"] == "Error":
                    future.set_exception(RuntimeError(f"Pagefind: {payload.get('message')}"))
                else:
                    future.set_result(payload)

    return QuickService


async def _index(items: list[Record], folder: Path) -> None:
    service = await _service_class()().launch()
    try:
        index = await service.create_index({"force_language": "zh"})
        for item in items:
            await index.add_custom_record(url=item.url, content=item.content, language="zh", meta=item.meta,
                                          filters=item.filters)
        # Written to a folder, not returned by get_files(): one reply of many megabytes would
        # overrun the service's 2 MiB pipe buffer on a large site.
        await index.write_files(output_path=str(folder))
        await _until_written(folder)
    finally:
        await service.close()


async def _until_written(folder: Path, timeout: float = 60.0) -> None:
    """Pagefind may answer WriteFiles before its last files are on disk, and closing the service
    terminates it: wait until the entry point parses, no file is empty and nothing changes."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    previous: dict[str, int] | None = None
    while loop.time() < deadline:
        sizes = {p.as_posix(): p.stat().st_size for p in folder.rglob("*") if p.is_file()}
        if previous == sizes and _complete(folder, sizes):
            return
        previous = sizes
        await asyncio.sleep(0.1)
    raise RuntimeError("Pagefind 没有写完索引文件")


def _complete(folder: Path, sizes: dict[str, int]) -> bool:
    entry = folder / "pagefind-entry.json"
    if not sizes or 0 in sizes.values() or not entry.is_file() or not any(k.endswith(".pagefind") and "wasm" in k for k in sizes):
        return False
    try:
        json.loads(entry.read_text(encoding="utf-8"))
    except ValueError:
        return False
    return True


# ---- byte-identical output -------------------------------------------------------------------
# Pagefind writes each filter's values in hash-map order, which changes from run to run, and the
# file names are hashes of the contents. We sort the values and rename: the filter files get names
# from their sorted contents, and the meta file (whose list of filters is also in hash-map order)
# and the entry point are updated to match.

_MAGIC = b"pagefind_dcd"


def _cbor_read(data: bytes, at: int) -> Any:
    """The one CBOR item of a Pagefind file, read from `at` (after its magic) to the end."""
    return cbor2.loads(data[at:])


def _cbor_write(value: object) -> bytes:
    """CBOR as Pagefind writes it: definite lengths, the shortest head for every integer (what
    cbor2 writes by default), so a sorted filter file stays byte for byte what Pagefind made."""
    return cbor2.dumps(value)


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def _sorted_filter(raw: bytes) -> bytes:
    data = gzip.decompress(raw)
    assert data.startswith(_MAGIC)
    value = _cbor_read(data, len(_MAGIC))
    name, entries = cast("list[Any]", value)
    entries = sorted(entries, key=lambda e: e[0])
    return _gzip(_MAGIC + _cbor_write([name, entries]))


def make_deterministic(files: dict[str, bytes]) -> dict[str, bytes]:
    """Files keyed by path below pagefind/, with filter values sorted and names to match. Should a
    later Pagefind change its file layout, the files are returned as they are: the search still
    works, and tests/test_search.py reports that two builds differ."""
    try:
        return _make_deterministic(files)
    except (AssertionError, ValueError, TypeError, KeyError, IndexError, OSError, cbor2.CBORError):
        return files


def _make_deterministic(files: dict[str, bytes]) -> dict[str, bytes]:
    out = dict(files)
    renames: dict[str, str] = {}
    for path in sorted(p for p in files if p.startswith("filter/")):
        content = _sorted_filter(files[path])
        old = path[len("filter/"):-len(".pf_filter")]
        new = old.split("_")[0] + "_" + hashlib.sha1(content).hexdigest()[:len(old) - len(old.split("_")[0]) - 1]
        renames[old] = new
        del out[path]
        out[f"filter/{new}.pf_filter"] = content
    for path in [p for p in files if p.endswith(".pf_meta")]:
        data = gzip.decompress(files[path])
        assert data.startswith(_MAGIC)
        meta = _cbor_read(data, len(_MAGIC))
        # [version, pages, index chunks, filters [[name, file]], sorts, meta keys]
        meta[3] = sorted([name, renames.get(file, file)] for name, file in meta[3])  # type: ignore[index]
        content = _gzip(_MAGIC + _cbor_write(meta))
        old = path[len("pagefind."):-len(".pf_meta")]
        lang = old.split("_")[0]
        new = lang + "_" + hashlib.sha1(content).hexdigest()[:len(old) - len(lang) - 1]
        del out[path]
        out[f"pagefind.{new}.pf_meta"] = content
        entry = out["pagefind-entry.json"].replace(old.encode(), new.encode())
        out["pagefind-entry.json"] = entry
    return out


def _run_async(make: Callable[[], Coroutine[object, object, None]]) -> None:
    """asyncio.run, or in a thread of its own when the caller already runs an event loop (as
    Playwright's synchronous API does in the tests)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(make())
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(lambda: asyncio.run(make())).result()


def index_records(items: list[Record]) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory(prefix="gongkai-pagefind-") as tmp:
        folder = Path(tmp) / "pagefind"
        _run_async(lambda: _index(items, folder))
        files = {rel: p.read_bytes() for p in sorted(folder.rglob("*"))
                 if p.is_file() and _KEEP.match(rel := p.relative_to(folder).as_posix())}
    return {f"pagefind/{path}": content for path, content in sorted(make_deterministic(files).items())}


def filter_options(items: list[Record]) -> bytes:
    """The values of each filter, for the search page's menus. Pagefind's own filters() would
    download every filter file (180 KB for 10,000 projects) before the first query."""
    options: dict[str, set[str]] = {}
    for item in items:
        for key, values in item.filters.items():
            options.setdefault(key, set()).update(values)
    def in_pinyin_order(value: str) -> tuple[str, str]:
        return " ".join(lazy_pinyin(value, style=Style.NORMAL)), value

    ordered = {key: sorted(values, reverse=True) if key == "year" else sorted(values, key=in_pinyin_order)
               for key, values in sorted(options.items())}
    return json.dumps(ordered, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# ---- bundles: one index per year and region, merged in the browser ------------------------
# One Pagefind index for the whole site grows with it in one process (3.4 GB at 10,000 projects).
# Each bundle is indexed by a Pagefind process of its own, one after the other, so the peak is
# that of the largest bundle; a bundle whose records are unchanged is taken from the memo folder
# (the build cache) instead of being indexed again. search.js loads the first bundle and merges
# the others (Pagefind's mergeIndex), then checks every result's tokens itself (see exactMatch
# there): a bundle that lacks a query's term answers with words sharing only a prefix.

BUNDLE_RECORDS = 2000  # records of one bundle at most: about 0.7 GB in Pagefind's process
BUNDLES_FILE = "pagefind/bundles.json"


def bundle_name(year: int, region: str, part: int) -> str:
    """A stable folder name: the year, a digest of the region (public, but kept out of URLs as
    text) and the part of a region too large for one bundle."""
    digest = hashlib.sha1(region.encode("utf-8")).hexdigest()[:8]
    return f"{year}-{digest}" + (f"-{part}" if part else "")


def bundles(public: PublicSite, prefix: str) -> dict[str, list[Record]]:
    """The records by bundle: a year and region each, in department order; a region with more
    than BUNDLE_RECORDS records is cut between departments."""
    groups: dict[tuple[int, str], list[PublicDepartment]] = {}
    for department in sorted(public.departments, key=lambda d: (d.year, d.region or "", d.slug)):
        groups.setdefault((department.year, department.region or ""), []).append(department)
    out: dict[str, list[Record]] = {}
    for (year, region), departments in groups.items():
        part, current = 0, list[Record]()
        for department in departments:
            own = [department_record(department, prefix),
                   *(project_record(p, department, prefix) for p in sorted(department.projects, key=lambda p: p.slug))]
            if current and len(current) + len(own) > BUNDLE_RECORDS:
                out[bundle_name(year, region, part)] = current
                part, current = part + 1, []
            current += own
        out[bundle_name(year, region, part)] = current
    return out


def bundle_digest(items: list[Record]) -> str:
    """What a bundle's index depends on: its records, the Pagefind version and this module (which
    rewrites Pagefind's files)."""
    from importlib.metadata import version
    digest = hashlib.sha256(version("pagefind").encode() + Path(__file__).read_bytes())
    for item in items:
        digest.update(json.dumps([item.url, item.content, item.meta, item.filters], ensure_ascii=False,
                                 sort_keys=True).encode("utf-8"))
    return digest.hexdigest()


def bundle_index(items: list[Record], memo: Path | None) -> dict[str, bytes]:
    """One bundle's Pagefind files (paths below its folder), from the memo when its records are
    unchanged; written to the memo otherwise (an optimisation only: any damage means re-indexing)."""
    key = bundle_digest(items)
    stored = memo / f"{key}.json" if memo else None
    if stored and stored.is_file():
        try:
            kept = json.loads(stored.read_text(encoding="utf-8"))
            return {path: base64.b64decode(data) for path, data in kept.items()}
        except (ValueError, OSError, AttributeError):
            pass
    files = {path[len("pagefind/"):]: data for path, data in index_records(items).items()}
    if stored:
        try:
            stored.parent.mkdir(parents=True, exist_ok=True)
            partial = stored.with_suffix(".tmp")
            partial.write_text(json.dumps({p: base64.b64encode(d).decode() for p, d in files.items()}), encoding="utf-8")
            partial.replace(stored)
        except OSError:
            pass
    return files


def bundled_index(groups: dict[str, list[Record]], memo: Path | None = None) -> dict[str, bytes]:
    """pagefind/<bundle>/… for every bundle, one copy of pagefind.js (the same for all) and
    pagefind/bundles.json, the list search.js merges."""
    out: dict[str, bytes] = {}
    for name, items in groups.items():
        for path, data in bundle_index(items, memo).items():
            if path == "pagefind.js":
                out["pagefind/pagefind.js"] = data
            else:
                out[f"pagefind/{name}/{path}"] = data
    out[BUNDLES_FILE] = bundles_list(list(groups))
    if memo:
        _prune_memo(memo, {bundle_digest(items) for items in groups.values()})
    return dict(sorted(out.items()))


def _prune_memo(memo: Path, keep: set[str]) -> None:
    """Bundles no longer in the site leave the memo, which would grow with every edit."""
    for stored in memo.glob("*.json"):
        if stored.stem not in keep:
            stored.unlink(missing_ok=True)


def bundles_list(names: list[str]) -> bytes:
    """In name order: a merge of shards lists the same bundles as a single build."""
    return json.dumps({"bundles": [f"{name}/" for name in sorted(names)]}, separators=(",", ":")).encode("utf-8")


def search_files(public: PublicSite, config: Config, memo: Path | None = None) -> dict[str, bytes]:
    from urllib.parse import urlparse

    prefix = urlparse(config.base_url).path or "/"
    groups = bundles(public, prefix)
    items = [item for group in groups.values() for item in group]
    return {**bundled_index(groups, memo), "search/filters.json": filter_options(items)}
