"""Stage 7: prove that nothing withheld reached any output byte.

Every output file is read as the public would get it — HTML with entities decoded, gzip and
zip members (Pagefind index files, XLSX) unpacked, file names included — and searched for
every withheld string and its derived forms (pinyin, pinyin initials, slug). Whitespace and
U+200B (which Pagefind puts between Chinese words) are removed on both sides first.
"""

from __future__ import annotations

import gzip
import html
import io
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from .public import PublicSite, Withheld
from .slugs import pinyin_words

_CJK = re.compile(r"[\u3400-\u9fff]")
_SPLIT = re.compile(r"[\s，。、；：:;,.!?！？（）()【】\[\]“”\"'《》<>/\\|-]+")
MIN_FRAGMENT = 6


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


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", html.unescape(text))
    return re.sub(r"[\s\u200b\u200c\u200d\ufeff]+", "", text).lower()


def _unescape_json(text: str) -> str:
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text).replace('\\"', '"').replace("\\\\", "\\")


def needles(withheld: tuple[Withheld, ...], public_text: str) -> list[Needle]:
    """The forms to search for, minus any that the public site publishes in its own right."""
    public = normalise(public_text)
    out: dict[str, Needle] = {}
    for item in withheld:
        base = normalise(item.text)
        candidates = [(base, "原文")]
        candidates += [(normalise(f), "片段") for f in _SPLIT.split(item.text) if len(normalise(f)) >= MIN_FRAGMENT]
        chinese = _CJK.findall(item.text)
        if len(chinese) >= 2:
            words = pinyin_words(item.text)
            candidates.append(("".join(words), "拼音"))
            candidates.append(("-".join(words), "链接名"))
        if len(chinese) >= 4:
            initials = "".join(w[0] for w in pinyin_words("".join(chinese)))
            candidates.append((initials, "拼音首字母"))
        for form, derived in candidates:
            if len(form) < 2 or form in out or form in public:
                continue
            if derived in ("拼音首字母", "拼音", "链接名") and len(form) < 6:
                continue
            out[form] = Needle(form, item.text if derived in ("原文", "片段") else form, item.source, derived)
    return sorted(out.values(), key=lambda n: n.form)


def readable(path: str, data: bytes) -> list[tuple[str, str]]:
    """(label, text) pairs for what a file says, unpacking compressed and zipped contents."""
    texts = [(path, path)]
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error):
            pass
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for name in archive.namelist():
                    texts.append((f"{path}!{name}", archive.read(name).decode("utf-8", "ignore")))
            return texts
        except zipfile.BadZipFile:
            pass
    text = data.decode("utf-8", "ignore")
    texts.append((path, _unescape_json(text) if "\\u" in text else text))
    return texts


def scan(files: dict[str, bytes], found: list[Needle]) -> list[Hit]:
    hits: list[Hit] = []
    if not found:
        return hits
    pattern = re.compile("|".join(re.escape(n.form) for n in sorted(found, key=lambda n: -len(n.form))))
    by_form = {n.form: n for n in found}
    for path in sorted(files):
        for label, text in readable(path, files[path]):
            for match in set(pattern.findall(normalise(text))):
                hits.append(Hit(label, by_form[match]))
    return hits


def public_corpus(public: PublicSite) -> str:
    """Every string the public model publishes, for telling real leaks from shared wording."""
    parts: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)
        elif hasattr(value, "__dataclass_fields__"):
            for name in value.__dataclass_fields__:
                if name != "withheld" or not isinstance(getattr(value, name), tuple):
                    walk(getattr(value, name))

    walk(public.departments)
    return "\u0000".join(parts)


def audit_files(files: dict[str, bytes], public: PublicSite) -> list[Hit]:
    return scan(files, needles(public.withheld, public_corpus(public)))


def read_dir(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
