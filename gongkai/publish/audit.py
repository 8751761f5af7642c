"""Stage 7: prove that nothing withheld reached any output byte.

Every output file is read as the public would get it — HTML and XML with entities decoded and
also with tags removed (a secret split by <b> is still a secret), URLs percent-decoded, JSON
\\u escapes decoded, gzip and zip members unpacked (Pagefind index files carry a short header
before or after their gzip stream; XLSX is a zip of XML), file names included — and searched
for every withheld string and its derived forms (pinyin, pinyin initials, slug). Whitespace
and U+200B (which Pagefind puts between Chinese words) are removed on both sides first.
Pagefind's own files are read by their structure: each word, search token (also decoded back
to Chinese) and value on its own, and a record that holds every character pair of a withheld
text is a hit (see _pagefind).

Speed: each file is scanned once whatever the number of withheld strings (see Matcher): no
loop over files × strings in Python. Small texts are searched many at a time, and a large
site is split across processes (contiguous slices of the sorted files, hits merged in order).
"""

from __future__ import annotations

import bisect
import functools
import gzip
import html
import io
import json
import multiprocessing
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping
from urllib.parse import unquote

import numpy as np
from pypinyin import Style, lazy_pinyin

from gongkai.parallel import forked_map
from gongkai.public import PublicSite, Withheld
from gongkai.parallel import worker_count
from gongkai.publish.search import char_pinyin, decode_token, pinyin_units, run_pinyin
from gongkai.slugs import MAX_SLUG, slugify
from gongkai.writer import file_size

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
                         errors=lambda s: ["\u0000" + t for t in re.split(r"[^0-9A-Za-z]+", s) if t])  # type: ignore[arg-type, return-value]  # a list is accepted
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

    Candidate positions come from numpy in one vectorised pass: the Q characters at every
    position (2 for strings shorter than Q) are hashed to a slot of a bit table that marks the
    slots of the strings' prefixes. Only candidates are checked exactly, by slicing and set
    lookup, so a slot shared by chance costs time, never a miss. Cost grows with the text, not
    with the number of strings (a regex alternation of thousands of strings is tried branch by
    branch at every position, which is far too slow here). Many small texts should be joined
    with SEPARATOR and searched at once (see scan): a call costs a few numpy passes whatever
    the length.
    """

    Q = 4
    _BITS = 23  # 8 MB table: slots shared by chance stay rare with 100,000 prefixes
    _CHUNK = 1 << 20
    _MIX = (np.uint32(0x9E3779B1), np.uint32(0x85EBCA77), np.uint32(0xC2B2AE3D))

    def __init__(self, forms: Iterable[str]) -> None:
        self.forms = frozenset(f for f in forms if len(f) >= 2)
        grouped: dict[str, set[int]] = {}
        for form in self.forms:
            grouped.setdefault(form[: self.Q] if len(form) >= self.Q else form[:2], set()).add(len(form))
        self.lengths = {k: tuple(sorted(v)) for k, v in grouped.items()}
        self.long_table = self._table([k for k in grouped if len(k) == self.Q], self.Q)
        self.short_table = self._table([k for k in grouped if len(k) == 2], 2)

    def _table(self, prefixes: list[str], width: int) -> np.ndarray | None:
        if not prefixes:
            return None
        table = np.zeros(1 << self._BITS, dtype=bool)
        codes = np.frombuffer("".join(prefixes).encode("utf-32-le", "replace"), dtype=np.uint32).reshape(-1, width)
        pairs = [self._pair(codes[:, i], codes[:, i + 1]) for i in range(0, width, 2)]
        table[self._slot(pairs[0] if width == 2 else self._quad(pairs[0], pairs[1]))] = True
        return table

    # Window hashes in uint32 arithmetic, which wraps: a pair's hash, a quad's from its two
    # pairs (so the pairs of a text are hashed once for both widths), and the top bits of a
    # multiplicative hash as the table slot.
    def _pair(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        return first * self._MIX[0] + second

    def _quad(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return left * self._MIX[1] + right

    def _slot(self, hashes: np.ndarray) -> np.ndarray:
        return (hashes * self._MIX[2]) >> np.uint32(32 - self._BITS)

    def _candidates(self, codes: np.ndarray) -> list[tuple[int, list[int]]]:
        """(width, positions) of the windows whose slot is marked in that width's table."""
        if len(codes) < 2:
            return []
        pairs = self._pair(codes[:-1], codes[1:])
        out = []
        if self.long_table is not None and len(pairs) > 2:
            out.append((self.Q, np.flatnonzero(self.long_table[self._slot(self._quad(pairs[:-2], pairs[2:]))]).tolist()))
        if self.short_table is not None:
            out.append((2, np.flatnonzero(self.short_table[self._slot(pairs)]).tolist()))
        return out

    def found_at(self, text: str) -> list[tuple[int, str]]:
        """(position, string) of every occurrence; chunked, so a 100 MB export never becomes a
        gigabyte array."""
        found: list[tuple[int, str]] = []
        if not self.forms or len(text) < 2:
            return found
        lengths = self.lengths
        for start in range(0, len(text), self._CHUNK):
            segment = text[start: start + self._CHUNK + self.Q - 1]
            codes = np.frombuffer(segment.encode("utf-32-le", "replace"), dtype=np.uint32)
            for width, offsets in self._candidates(codes):
                for offset in offsets:
                    if offset >= self._CHUNK:
                        break  # the overlap belongs to the next chunk
                    i = start + offset
                    for length in lengths.get(text[i: i + width], ()):
                        piece = text[i: i + length]
                        if piece in self.forms:
                            found.append((i, piece))
        return found

    def occurring(self, text: str) -> set[str]:
        return {form for _, form in self.found_at(text)}


# ---- reading output files -----------------------------------------------------------------------

SEPARATOR = "\n"  # between texts searched at once: normalised texts and forms have no whitespace,
                  # so no string can be found across it


@dataclass(frozen=True)
class Text:
    label: str
    text: str  # normalised; separate strings of one file joined by SEPARATOR
    pairs: frozenset[str] = frozenset()  # character pairs of one search record (see _pagefind)


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


def _has_percent_escape(text: str) -> bool:
    """Whether text has a %XX escape: a loop over the few "%" is much faster than searching
    the whole text with the regex."""
    at = text.find("%")
    while at >= 0:
        if _PERCENT_RUN.match(text, at):
            return True
        at = text.find("%", at + 1)
    return False


def _decoded(text: str) -> str:
    """What a reader sees: JSON escapes and URL percent-escapes decoded in place, then normalised."""
    if "\\u" in text or '\\"' in text:
        text = _unescape_json(text)
    if "%" in text and _has_percent_escape(text):
        text = _PERCENT_RUN.sub(lambda m: unquote(m.group(), errors="ignore"), text)
    return normalise(text)


def _views(text: str) -> str:
    """The text as a reader, a browser or a search engine would see it, joined for one scan:
    decoded as is (attributes, comments, URLs), and with tags removed (a secret split by <b>)."""
    text = _decoded(text)
    return text + SEPARATOR + _TAG.sub("", text) if "<" in text else text


def _texts(path: str, data: bytes) -> list[Text]:
    """What a file says, by label: its name, and its contents unpacked (gzip, zip members)."""
    return [Text(path, normalise(unquote(path)))] + _contents(path, data, 0)


def _contents(label: str, data: bytes, depth: int) -> list[Text]:
    if depth < 3:
        inner = _decompressed(data)
        if inner is not None:
            if inner.startswith(_PAGEFIND_MAGIC):
                structured = _pagefind(label, inner[len(_PAGEFIND_MAGIC):])
                if structured is not None:
                    return structured
            return _contents(label, inner, depth + 1)
        if data[:4] == b"PK\x03\x04":
            try:
                texts: list[Text] = []
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    for info in archive.infolist():
                        name = info.filename
                        texts.append(Text(f"{label}!{name}", normalise(unquote(name))))
                        member = _member(data, info)
                        texts += _contents(f"{label}!{name}", archive.read(info) if member is None else member, depth + 1)
                return texts
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error):
                pass
    return [Text(label, _leaf_views(data) if len(data) <= _MEMO_BYTES else _views(data.decode("utf-8", "ignore")))]


_MEMO_BYTES = 1 << 16


@functools.lru_cache(maxsize=64)
def _leaf_views(data: bytes) -> str:
    """_views of a small file or part; the parts every XLSX shares (theme, styles) are decoded once."""
    return _views(data.decode("utf-8", "ignore"))


def _member(data: bytes, info: zipfile.ZipInfo) -> bytes | None:
    """A stored or deflated zip member straight from the archive's bytes (zipfile's reader costs
    more than the inflating of an XLSX's small parts); None for anything else, which zipfile
    then reads (or rejects) as before."""
    at = info.header_offset
    if data[at:at + 4] != b"PK\x03\x04" or info.flag_bits & 1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return None
    start = at + 30 + int.from_bytes(data[at + 26:at + 28], "little") + int.from_bytes(data[at + 28:at + 30], "little")
    raw = data[start:start + info.compress_size]
    try:
        member = raw if info.compress_type == zipfile.ZIP_STORED else zlib.decompress(raw, -zlib.MAX_WBITS)
    except zlib.error:
        return None
    return member if len(member) == info.file_size and zlib.crc32(member) == info.CRC else None


# ---- Pagefind files, read by their structure ---------------------------------------------------
# Read as flat text, a Pagefind file runs separate strings together: a fragment's sorted search
# tokens (initials suffixes), or an index's words with CBOR length bytes that decode as ASCII
# letters between them, can spell any short-alphabet pinyin initials. Each string is searched on
# its own instead (a token also decoded back to Chinese: see search.decode_token). A file that
# does not parse is read as flat text, as before: never less is searched.

_PAGEFIND_MAGIC = b"pagefind_dcd"
_SEARCH_TOKEN = re.compile(r"[nblmckp][0-9a-z]+")
_DECODED_TOKEN = re.compile(r"[nbk](?:[0-9a-z]{3})+")
_ALL_TOKENS = re.compile(r"\s*(?:[nblmckp][0-9a-z]+(?:\s+|$))*")


def _pagefind(label: str, data: bytes) -> list[Text] | None:
    """A fragment (JSON) or an index, filter or meta file (CBOR), each string apart; None if it
    does not parse."""
    try:
        if data[:1] != b"{":
            strings = _cbor_strings(data)
            return None if strings is None else [Text(label, _token_texts(strings)[0])]
        record = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    if not isinstance(record, dict):
        return None
    content = record.pop("content", "")
    strings = []
    _json_strings(record, strings)
    texts, pairs = _token_texts(strings, _content_tokens(content if isinstance(content, str) else "", strings))
    return [Text(label, texts, pairs)]


def _json_strings(value: object, out: list[str]) -> None:
    """Every string in a JSON value, keys and numbers included, depth first."""
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            out.append(key)
            _json_strings(item, out)
    elif isinstance(value, list):
        for item in value:
            _json_strings(item, out)
    elif value is not None:
        out.append(json.dumps(value))


def _content_tokens(content: str, strings: list[str]) -> list[str]:
    """A fragment's search tokens, each apart; any other words (text that is not a token) are
    added to strings joined run by run, as a reader of the text would see them."""
    for ch in _ZERO_WIDTH:  # Pagefind writes " \u200b" between words
        if ch in content:
            content = content.replace(ch, "")
    words = content.split()
    if _ALL_TOKENS.fullmatch(content):
        return words
    tokens: list[str] = []
    run: list[str] = []
    for word in words + [""]:
        if _SEARCH_TOKEN.fullmatch(word) or not word:
            if run:
                strings.append(" ".join(run))
                run = []
            tokens += [word] if word else []
        else:
            run.append(word)
    return tokens


@functools.lru_cache(maxsize=1 << 16)
def _decoded_token(token: str) -> str:
    """A n…/b…/k… token's Chinese characters (tokens repeat across records: decoded once)."""
    return decode_token(token) if _DECODED_TOKEN.fullmatch(token) else ""


def _token_texts(strings: list[str], tokens: list[str] | None = None) -> tuple[str, frozenset[str]]:
    """The strings (and search tokens known to be lower-case ASCII) normalised and joined by
    SEPARATOR, with n…/b… tokens also decoded back to their Chinese characters; and the
    character pairs those decoded tokens hold."""
    plain = [s.isascii() and s.isalnum() for s in strings]  # tokens, numbers: nothing to decode
    tokens = [s.lower() for s, simple in zip(strings, plain) if simple] + (tokens or [])
    others = _many_views([s for s, simple in zip(strings, plain) if s and not simple])
    chinese = [c for c in map(_decoded_token, tokens) if c]
    pairs = {c for c in chinese if len(c) == 2}
    for run in chinese:
        if len(run) > 2:
            pairs.update(run[i:i + 2] for i in range(len(run) - 1))
    return SEPARATOR.join(tokens + chinese + others), frozenset(pairs)


def _many_views(strings: list[str]) -> list[str]:
    """[_views(s) for s in strings], the plain ones normalised in one call: normalise works
    character by character, and NUL, which none of them holds, keeps them apart."""
    special = [s for s in strings if "\\" in s or "%" in s or "<" in s]
    plain = [s for s in strings if not ("\\" in s or "%" in s or "<" in s)]
    joined = "\0".join(plain)
    if joined.count("\0") != len(plain) - 1:
        return [_views(s) for s in strings]
    return [normalise(joined).replace("\0", SEPARATOR)] * bool(plain) + [_views(s) for s in special]


def _cbor_strings(data: bytes) -> list[str] | None:
    """Every text and byte string of the CBOR items that fill data exactly; None if they don't.

    Items follow one another head after head in pre-order (an array's head is followed by its
    first element), so the head sizes, computed for every byte at once, are all a walk needs:
    a Python parse of the millions of integers in a large index took seconds."""
    size = len(data)
    raw = np.frombuffer(data + bytes(9), dtype=np.uint8).astype(np.int64)
    head, info = raw[:size] >> 5, raw[:size] & 31
    after = [raw[k: k + size] for k in range(1, 9)]
    extra = np.select([info < 24, info == 24, info == 25, info == 26, info == 27], [0, 1, 2, 4, 8], -1)
    length = np.select([info < 24, info == 24, info == 25, info == 26],
                       [info, after[0], after[0] << 8 | after[1],
                        after[0] << 24 | after[1] << 16 | after[2] << 8 | after[3]], -1)
    is_string = (head == 2) | (head == 3)
    step = 1 + extra + np.where(is_string, length, 0)
    broken = (extra < 0) | (is_string & (length < 0)) | (np.arange(size) + step > size)
    step[broken] = size + 1  # ends the walk past the end: not CBOR
    steps, lengths, strings_at = step.tolist(), length.tolist(), is_string.tolist()
    out: list[str] = []
    at = 0
    while at < size:
        if strings_at[at]:
            end = at + steps[at]
            out.append(data[end - lengths[at]: end].decode("utf-8", "ignore"))
        at += steps[at]
    return out if at == size else None


# ---- the bigram check ------------------------------------------------------------------------
# Body tokens only say which character pairs a record holds, in no order. A withheld text all of
# whose pairs one record holds was probably indexed: a hit. Checked for withheld texts (and their
# pieces between punctuation) that are all Chinese and at least MIN_PAIRED characters long: the
# pairs of a shorter text are often all found in public wording by chance.

MIN_PAIRED = 8
_ALL_CJK = re.compile(r"[\u3400-\u9fff]+")


Paired = dict[str, list[tuple[str, frozenset[str]]]]  # a text's first pair -> (form, all its pairs)


def _paired_needles(found: Iterable[Needle]) -> Paired:
    paired: Paired = {}
    for n in found:
        if n.derived in ("原文", "片段") and len(n.form) >= MIN_PAIRED and _ALL_CJK.fullmatch(n.form):
            paired.setdefault(n.form[:2], []).append((n.form, frozenset(n.form[i:i + 2] for i in range(len(n.form) - 1))))
    return paired


def _all_pairs_held(pairs: frozenset[str], paired: Paired) -> set[str]:
    """The forms all of whose character pairs one record holds."""
    return {form for pair in pairs for form, needed in paired.get(pair, ()) if needed <= pairs}


# ---- the scan --------------------------------------------------------------------------------

_BATCH = 1 << 20  # characters searched at once
PARALLEL_MIN_BYTES = 8 << 20  # below this, forking costs more than it saves
_CHUNKS_PER_WORKER = 8  # contiguous slices of the sorted files, so a slow one does not hold up the rest


def scan(files: Mapping[str, bytes], found: list[Needle], jobs: int | None = None) -> list[Hit]:
    """Hits in file order (then label, then form), whatever the number of processes (`jobs`:
    as many as rendering uses for a large site, see scan_jobs)."""
    hits: list[Hit] = []
    for path in sorted(files):
        name = path.rsplit("/", 1)[-1]
        if name in REPORT_NAMES:
            hits.append(Hit(path, Needle(name, name, "内部脱密报告", "内部文件")))
    if not found:
        return hits
    if any(SEPARATOR in n.form for n in found):  # normalised forms have no whitespace
        raise ValueError("泄密审计：检索形式含有分隔符")
    matcher = Matcher(n.form for n in found)
    by_form = {n.form: n for n in found}
    paired = _paired_needles(found)
    paths = sorted(files)
    workers = scan_jobs(files) if jobs is None else jobs
    if multiprocessing.current_process().daemon:
        workers = 1  # a daemon process (a Background task) may not fork workers of its own
    slices = _balanced(paths, files, workers * _CHUNKS_PER_WORKER if workers > 1 else 1)

    def scan_slice(index: int) -> list[Hit]:
        return _scan_paths(slices[index], files, matcher, by_form, paired)

    return hits + [hit for part in forked_map(scan_slice, len(slices), workers) for hit in part]


def scan_jobs(files: Mapping[str, bytes]) -> int:
    """Processes for scanning: render's number (GONGKAI_JOBS, else the cores) for a large site."""
    return worker_count(len(files)) if sum(file_size(files, p) for p in files) >= PARALLEL_MIN_BYTES else 1


def _balanced(paths: list[str], files: Mapping[str, bytes], count: int) -> list[list[str]]:
    """paths cut into at most `count` contiguous slices of about equal bytes."""
    total = sum(file_size(files, p) for p in paths) or 1
    slices: list[list[str]] = [[]]
    done = 0
    for path in paths:
        if slices[-1] and done >= total * len(slices) / count:
            slices.append([])
        slices[-1].append(path)
        done += file_size(files, path)
    return slices


def _scan_paths(paths: list[str], files: Mapping[str, bytes], matcher: Matcher, by_form: dict[str, Needle],
                paired: Paired) -> list[Hit]:
    """The hits of some files in order, their texts searched a batch at a time."""
    hits: list[Hit] = []
    batch: list[list[Text]] = []
    chars = 0
    for path in paths:
        texts = _texts(path, files[path])
        batch.append(texts)
        chars += sum(len(t.text) + 1 for t in texts)
        if chars >= _BATCH:
            hits += _scan_batch(batch, matcher, by_form, paired)
            batch, chars = [], 0
    return hits + _scan_batch(batch, matcher, by_form, paired) if batch else hits


def _scan_batch(batch: list[list[Text]], matcher: Matcher, by_form: dict[str, Needle], paired: Paired) -> list[Hit]:
    flat = [t for texts in batch for t in texts]
    unique: dict[str, int] = {}  # XLSX files share most of their parts: each distinct text searched once
    owner = [unique.setdefault(t.text, len(unique)) for t in flat]
    starts: list[int] = []
    at = 0
    for text in unique:
        starts.append(at)
        at += len(text) + 1
    found: list[set[str]] = [set() for _ in unique]
    for position, form in matcher.found_at(SEPARATOR.join(unique)):
        found[bisect.bisect_right(starts, position) - 1].add(form)
    hits: list[Hit] = []
    index = 0
    for texts in batch:  # one file: a label's form is reported once
        seen: set[tuple[str, str]] = set()
        for t in texts:
            forms = (found[owner[index]] | _all_pairs_held(t.pairs, paired)) if t.pairs else found[owner[index]]
            for form in sorted(forms):
                if (t.label, form) not in seen:
                    seen.add((t.label, form))
                    hits.append(Hit(t.label, by_form[form]))
            index += 1
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
    return "\u0000".join(parts + _names_pinyin(public))


def _names_pinyin(public: PublicSite) -> list[str]:
    """The pinyin and initials the search index publishes for public names (its l… tokens): a
    withheld text whose initials equal a public name's (鑫鑫鑫鑫鑫鑫鑫垚 and 鑫鑫鑫鑫鑫鑫瑄垚 are both
    xxxxxxxy) is not evidence of a leak."""
    names = {n for d in public.departments
             for n in (d.name, d.short_name or "", *(u.name for u in d.units), *(p.name for p in d.projects)) if n}
    out: list[str] = []
    for name in sorted(names):
        for reading in (run_pinyin, char_pinyin):
            units = pinyin_units(name, reading)
            full = "".join(w for w, _ in units)
            out += [full, full.replace("v", "u"), "".join(w[0] if syllable else w for w, syllable in units)]
    return out



def audit_needles(public: PublicSite) -> list[Needle]:
    """What this site's audit searches for: every withheld string's forms, less what it publishes."""
    return needles(public.withheld, public_corpus(public))


def audit_files(files: Mapping[str, bytes], public: PublicSite) -> list[Hit]:
    return scan(files, audit_needles(public))


def read_dir(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
