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

What is not searched is decided before, in disclosure/exemptions.py, from the source content
(a text a public field holds whole, or one the secret record declares public), and arrives as
plain data on the public model: never taken from the public model's own texts, which a redaction
mistake would corrupt. The internal reports' signature (gongkai.leaks.SIGNATURE) is always
searched, so a report copied into the site under any name, packed or not, fails the audit.

Speed: each file is scanned once whatever the number of withheld strings (see Matcher): no
loop over files × strings in Python. Small texts are searched many at a time, and a large
site is split across processes (contiguous slices of the sorted files, hits merged in order).
"""

from __future__ import annotations

import bisect
import functools
import gzip
import io
import json
import multiprocessing
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping
from urllib.parse import unquote

import cbor2

from gongkai.leaks import (  # noqa: F401
    DERIVED_KINDS,
    SEPARATOR,
    SIGNATURE,
    SIGNATURE_SOURCE,
    ZERO_WIDTH,
    Matcher,
    derived_forms,
    normalise,
)
from gongkai.parallel import forked_map, worker_count
from gongkai.public import AuditExemptions, PublicSite, Withheld
from gongkai.publish.search import char_pinyin, decode_token, pinyin_units, run_pinyin
from gongkai.writer import file_size

_TAG = re.compile(r"<[^<>]*>")
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


_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_PERCENT_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def _unescape_json(text: str) -> str:
    return _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text).replace('\\"', '"').replace("\\\\", "\\")


# ---- what to look for -------------------------------------------------------------------------

_NO_EXEMPTIONS = AuditExemptions()


def needles(withheld: tuple[Withheld, ...], exempt: AuditExemptions = _NO_EXEMPTIONS) -> list[Needle]:
    """The forms to search for: every form of every withheld string, less those the source
    content publishes in its own right (decided in disclosure/exemptions.py, never from the
    public model, which a redaction mistake would corrupt), and always the internal reports'
    signature."""
    out: dict[str, Needle] = {SIGNATURE: Needle(SIGNATURE, SIGNATURE_SOURCE, "内部脱密报告或质量审查报告", "内部文件")}
    for item in withheld:
        for form, derived in derived_forms(item.text):
            if form not in out:
                out[form] = Needle(form, _masked(form), item.source, derived)
    for form in exempt_forms(exempt) & out.keys() - {SIGNATURE}:
        del out[form]
    return sorted(out.values(), key=lambda n: n.form)


def exempt_forms(exempt: AuditExemptions) -> set[str]:
    """The exempt forms, and the pinyin and initials the search index publishes for public names
    (a secret name with the initials of a public one, 鑫鑫鑫鑫鑫鑫鑫垚 and 鑫鑫鑫鑫鑫鑫瑄垚 both
    xxxxxxxy, is no evidence of a leak)."""
    forms = set(exempt.forms)
    for name in exempt.names:
        for reading in (run_pinyin, char_pinyin):
            units = pinyin_units(name, reading)
            full = "".join(w for w, _ in units)
            forms.update((full, full.replace("v", "u"), "".join(w[0] if syllable else w for w, syllable in units)))
    return forms


def _masked(form: str) -> str:
    """What an audit message shows of a hit: enough to find it, not a second copy in the logs."""
    return f"{form[:2]}…（共{len(form)}字）" if len(form) > 3 else f"{form[:1]}…"


# ---- reading output files -----------------------------------------------------------------------



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
    for ch in ZERO_WIDTH:  # Pagefind writes " \u200b" between words
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
    """Every text and byte string of the CBOR items that fill data exactly, in order (map keys
    before their values); None if they don't (the file is then read as flat text).

    Read with cbor2, one well-kept decoder for the audit and search.py. It costs more than the
    former numpy head walk (1,000 projects: about 1.4 s for the 5.7 MB of index against 0.6 s;
    an index is 1.8 million small arrays, each a Python object once decoded)."""
    stream = io.BytesIO(data)
    decoder = cbor2.CBORDecoder(stream)
    out: list[str] = []
    try:
        while stream.tell() < len(data):
            _cbor_item_strings(decoder.decode(), out)
    except (cbor2.CBORError, ValueError, TypeError, EOFError, OverflowError, RecursionError, MemoryError):
        return None
    return out


def _cbor_item_strings(item: object, out: list[str]) -> None:
    """Depth first, without recursion: an index holds arrays of millions of integers, which are
    dropped a list at a time."""
    stack: list[Any] = [item]
    while stack:
        value = stack.pop()
        kind = type(value)
        if kind is str:
            out.append(value)
        elif kind is bytes:
            out.append(value.decode("utf-8", "ignore"))
        elif kind is list or kind is tuple:
            stack.extend(reversed([v for v in value if type(v) is not int]))
        elif kind is dict:
            for key, inner in reversed(list(value.items())):
                stack += [inner, key]
        elif isinstance(value, cbor2.CBORTag):
            stack.append(value.value)


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


def audit_needles(public: PublicSite) -> list[Needle]:
    """What this site's audit searches for: every withheld string's forms not exempt in the source."""
    return needles(public.withheld, public.exempt)


def audit_files(files: Mapping[str, bytes], public: PublicSite) -> list[Hit]:
    return scan(files, audit_needles(public))


def read_dir(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
