"""Stage 7: prove that nothing withheld reached any output byte.

Every output file is read as the public would get it — HTML and XML with entities decoded and
also with tags removed (a secret split by <b> is still a secret), URLs percent-decoded, JSON
\\u escapes decoded, gzip and zip members unpacked (Pagefind index files carry a short header
before or after their gzip stream; XLSX is a zip of XML), file names included — and searched
for every withheld string and its derived forms (pinyin, pinyin initials, slug). Whitespace
and U+200B (which Pagefind puts between Chinese words) are removed on both sides first.

Speed: each file is scanned once whatever the number of withheld strings (see Matcher): no
loop over files × strings in Python.
"""

from __future__ import annotations

import functools
import gzip
import html
import io
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable
from urllib.parse import unquote

import numpy as np
from pypinyin import Style, lazy_pinyin

from .public import PublicSite, Withheld
from .slugs import MAX_SLUG, slugify

_CJK = re.compile(r"[\u3400-\u9fff]")
_SPLIT = re.compile(r"[\s，。、；：:;,.!?！？（）()【】\[\]“”\"'《》<>/\\|-]+")
_TAG = re.compile(r"<[^<>]*>")
MIN_FRAGMENT = 6
MIN_DERIVED = 6  # pinyin forms shorter than this match ordinary words too often to mean anything
_GZIP_MAGIC = b"\x1f\x8b\x08"
_HEADER_SEARCH = 64  # how far into a file a compressed stream may start after a header
REPORT_NAMES = ("redaction-report.json", "redaction-report.md")


@dataclass(frozen=True)
class Needle:
    form: str  # normalised text searched for
    shown: str  # what the report shows
    source: str
    derived: str  # 原文 / 拼音 / 拼音首字母 / 链接名 / 片段


@dataclass(frozen=True)
class Hit:
    file: str
    needle: Needle

    def format(self) -> str:
        return f"{self.file}: 含有不应公开的内容“{self.needle.shown}”（{self.needle.derived}，来自 {self.needle.source}）"


_ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad")
_COMMON_WIDE = tuple((wide, unicodedata.normalize("NFKC", wide)) for wide in "，（）：；！？％～…\u3000")
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_PERCENT_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def normalise(text: str) -> str:
    """Entities decoded, NFKC (full-width letters, compatibility ideographs), no spaces or
    zero-width characters, lower case: how both the withheld strings and the output compare."""
    if "&" in text:
        text = _unescape(text)
    for wide, narrow in _COMMON_WIDE:  # the usual Chinese punctuation, folded fast so NFKC is rarely needed
        if wide in text:
            text = text.replace(wide, narrow)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = "".join(text.split())  # str.split() knows every Unicode space and is fast
    for ch in _ZERO_WIDTH:
        if ch in text:
            text = text.replace(ch, "")
    return text.lower()


_SIMPLE_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&#34;", '"'), ("&#39;", "'"), ("&quot;", '"'), ("&#x27;", "'"))


def _unescape(text: str) -> str:
    """html.unescape, with a fast path for the few entities Jinja's escaping writes (html.unescape
    calls a Python function per entity, which dominated the audit of large sites)."""
    rest = text
    for entity, char in _SIMPLE_ENTITIES:
        rest = rest.replace(entity, char)
    if "&" in rest.replace("&amp;", ""):
        return html.unescape(text)
    return rest.replace("&amp;", "&")


def _unescape_json(text: str) -> str:
    return _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text).replace('\\"', '"').replace("\\\\", "\\")


# ---- what to look for -------------------------------------------------------------------------

MAX_PINYIN_CHARS = 30  # names and short texts; a longer text's pinyin only leaks as a (truncated) slug


def _pinyin(text: str) -> tuple[list[str], list[str]]:
    """slugs.pinyin_words(text), and the same for its Chinese characters only, in one conversion."""
    tokens = lazy_pinyin(unicodedata.normalize("NFKC", text), style=Style.NORMAL,
                         errors=lambda s: ["\u0000" + t for t in re.split(r"[^0-9A-Za-z]+", s) if t])
    words = [t.lstrip("\u0000").lower() for t in tokens]
    words = [w for w in words if w and re.fullmatch(r"[0-9A-Za-z]+", w)]
    chinese = [t.lower() for t in tokens if not t.startswith("\u0000") and re.fullmatch(r"[a-z]+", t.lower())]
    return words, chinese


@functools.lru_cache(maxsize=65536)
def derived_forms(text: str) -> tuple[tuple[str, str], ...]:
    """(normalised form, kind) for one withheld string: itself, its pieces, pinyin, slug, initials."""
    base = normalise(text)
    forms = [(base, "原文")]
    forms += [(normalise(f), "片段") for f in _SPLIT.split(text) if len(normalise(f)) >= MIN_FRAGMENT]
    chinese = "".join(_CJK.findall(text))
    if len(chinese) > MAX_PINYIN_CHARS:
        forms.append((slugify(text[: MAX_SLUG]), "链接名"))  # what a slug made from it would start with
    elif len(chinese) >= 2:
        words, chinese_words = _pinyin(text)
        forms += [("".join(words), "拼音"), ("-".join(words), "链接名"), ("_".join(words), "链接名")]
        forms += [("".join(chinese_words), "拼音"), ("-".join(chinese_words), "链接名")]
        if len(chinese) >= 4:
            forms.append(("".join(w[0] for w in chinese_words), "拼音首字母"))
    return tuple((form, kind) for form, kind in forms
                 if len(form) >= 2 and not (kind in ("拼音首字母", "拼音", "链接名") and len(form) < MIN_DERIVED))


def needles(withheld: tuple[Withheld, ...], public_text: str) -> list[Needle]:
    """The forms to search for, minus any that the public site publishes in its own right."""
    out: dict[str, Needle] = {}
    derived_of: dict[str, list[str]] = {}
    for item in withheld:
        forms = derived_forms(item.text)
        derived_of.setdefault(forms[0][0], []).extend(f for f, kind in forms if kind in ("拼音", "链接名", "拼音首字母"))
        for form, derived in forms:
            if form not in out:
                out[form] = Needle(form, _masked(form), item.source, derived)
    if out:
        published = Matcher(out).occurring(normalise(public_text))
        # A text the site publishes in its own right may also appear as pinyin (search index,
        # URLs of public pages): its pinyin forms are then not evidence of a leak either.
        published |= {f for base in published for f in derived_of.get(base, ())}
        for form in published & out.keys():
            del out[form]
    return sorted(out.values(), key=lambda n: n.form)


def _masked(form: str) -> str:
    """What an audit message shows of a hit: enough to find it, not a second copy in the logs."""
    return f"{form[:2]}…（共{len(form)}字）" if len(form) > 3 else f"{form[:1]}…"


class Matcher:
    """Finds every occurrence of many strings in a text, overlapping ones included.

    Candidate positions come from numpy in one vectorised pass: a hash of the Q characters at
    every position (of 2 for strings shorter than Q) looked up in the set of the strings'
    prefixes. Only candidates are checked exactly, by slicing and set lookup. Cost grows with
    the text, not with the number of strings (a regex alternation of thousands of strings is
    tried branch by branch at every position, which is far too slow here).
    """

    Q = 4
    _BASE = 1_000_003
    _CHUNK = 1 << 20

    def __init__(self, forms: Iterable[str]) -> None:
        self.forms = frozenset(f for f in forms if len(f) >= 2)
        self.lengths: dict[str, tuple[int, ...]] = {}
        grouped: dict[str, set[int]] = {}
        for form in self.forms:
            grouped.setdefault(form[: self.Q] if len(form) >= self.Q else form[:2], set()).add(len(form))
        self.lengths = {k: tuple(sorted(v)) for k, v in grouped.items()}
        self.long_keys = self._keys([k for k in grouped if len(k) == self.Q])
        self.short_keys = self._keys([k for k in grouped if len(k) == 2])

    def _keys(self, prefixes: list[str]) -> np.ndarray:
        return np.unique(np.array([self._hash(p) for p in prefixes], dtype=np.uint64))

    def _hash(self, text: str) -> int:
        value = 0
        for ch in text:
            value = (value * self._BASE + ord(ch)) % (1 << 64)
        return value

    def _window_hashes(self, codes: np.ndarray, width: int) -> np.ndarray:
        count = len(codes) - width + 1
        hashes = np.zeros(count, dtype=np.uint64)
        base = np.uint64(self._BASE)
        for offset in range(width):  # uint64 arithmetic wraps, like _hash's modulo
            hashes = hashes * base + codes[offset: offset + count]
        return hashes

    def _candidates(self, text: str, width: int, keys: np.ndarray) -> Iterable[int]:
        """Positions whose `width` characters hash to a prefix of some string; chunked, so a
        100 MB export never becomes a gigabyte array."""
        if not len(keys) or len(text) < width:
            return
        for start in range(0, len(text), self._CHUNK):
            segment = text[start: start + self._CHUNK + width - 1]
            if len(segment) < width:
                break
            codes = np.frombuffer(segment.encode("utf-32-le", "replace"), dtype=np.uint32).astype(np.uint64)
            for offset in np.flatnonzero(np.isin(self._window_hashes(codes, width), keys)):
                yield start + int(offset)

    def occurring(self, text: str) -> set[str]:
        found: set[str] = set()
        if not self.forms or len(text) < 2:
            return found
        for width, keys in ((self.Q, self.long_keys), (2, self.short_keys)):
            for i in self._candidates(text, width, keys):
                for length in self.lengths.get(text[i: i + width], ()):
                    piece = text[i: i + length]
                    if piece in self.forms:
                        found.add(piece)
        return found


# ---- reading output files -----------------------------------------------------------------------

def _decompressed(data: bytes) -> bytes | None:
    """The content of a gzip stream at the start of data or after a short header; else None."""
    start = data.find(_GZIP_MAGIC, 0, _HEADER_SEARCH)
    if start < 0:
        return None
    try:
        return gzip.decompress(data[start:])
    except (OSError, EOFError, zlib.error):
        try:  # a stream followed by trailing bytes
            return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[start:])
        except zlib.error:
            return None


def _decoded(text: str) -> str:
    """What a reader sees: JSON escapes and URL percent-escapes decoded in place, then normalised."""
    if "\\u" in text or '\\"' in text:
        text = _unescape_json(text)
    if "%" in text:
        text = _PERCENT_RUN.sub(lambda m: unquote(m.group(), errors="ignore"), text)
    return normalise(text)


def _views(text: str) -> str:
    """The text as a reader, a browser or a search engine would see it, joined for one scan:
    decoded as is (attributes, comments, URLs), and with tags removed (a secret split by <b>)."""
    text = _decoded(text)
    return text + "\u0000" + _TAG.sub("", text) if "<" in text else text


def readable(path: str, data: bytes) -> list[tuple[str, str]]:
    """(label, text) pairs for what a file says, unpacking compressed and zipped contents."""
    return [(path, normalise(unquote(path)))] + _contents(path, data, 0)


def _contents(label: str, data: bytes, depth: int) -> list[tuple[str, str]]:
    if depth < 3:
        inner = _decompressed(data)
        if inner is not None:
            return _contents(label, inner, depth + 1)
        if data[:4] == b"PK\x03\x04":
            try:
                texts: list[tuple[str, str]] = []
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    for name in archive.namelist():
                        texts.append((f"{label}!{name}", normalise(unquote(name))))
                        texts += _contents(f"{label}!{name}", archive.read(name), depth + 1)
                return texts
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error):
                pass
    return [(label, _views(data.decode("utf-8", "ignore")))]


def scan(files: dict[str, bytes], found: list[Needle]) -> list[Hit]:
    hits: list[Hit] = []
    for path in sorted(files):
        name = path.rsplit("/", 1)[-1]
        if name in REPORT_NAMES:
            hits.append(Hit(path, Needle(name, name, "内部脱密报告", "内部文件")))
    if not found:
        return hits
    matcher = Matcher(n.form for n in found)
    by_form = {n.form: n for n in found}
    for path in sorted(files):
        seen: set[tuple[str, str]] = set()
        for label, text in readable(path, files[path]):
            for form in sorted(matcher.occurring(text)):
                if (label, form) not in seen:
                    seen.add((label, form))
                    hits.append(Hit(label, by_form[form]))
    return hits


def public_corpus(public: PublicSite) -> str:
    """Every string the public model publishes, for telling real leaks from shared wording."""
    parts: list[str] = []
    seen: set[int] = set()  # a project is reachable from its department and from its unit

    def walk(value: object) -> None:
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)
        elif hasattr(value, "__dataclass_fields__"):
            if id(value) in seen:
                return
            seen.add(id(value))
            for name in value.__dataclass_fields__:
                walk(getattr(value, name))
            for name in ("path",):  # URLs are published too
                if isinstance(getattr(type(value), name, None), property):
                    parts.append(getattr(value, name))

    walk(public.departments)
    return "\u0000".join(parts)



def audit_files(files: dict[str, bytes], public: PublicSite) -> list[Hit]:
    return scan(files, needles(public.withheld, public_corpus(public)))


def read_dir(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
