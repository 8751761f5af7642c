"""What a withheld text looks like once it is out: the forms the leak audit searches for, the
matcher that finds many of them at once, and the signature of the internal reports.

Shared by both sides of the boundary: disclosure/ decides from the source content which
withheld forms are exempt and which public source texts already contain one (an error at
`check`); publish/audit.py searches every output byte for the rest. Both must derive the same
forms from the same text, so the derivation has this one home.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from typing import Iterable

import ahocorasick  # type: ignore[import-not-found]  # pyahocorasick ships no stubs
from pypinyin import Style, lazy_pinyin

from gongkai.slugs import MAX_SLUG, slugify

# Written into every internal report (redaction report, quality review) in clear, lower-case
# ASCII without spaces, so it survives normalise(): the audit fails on any output file (under
# any name, inside gzip or zip) that carries it. Unlikely in any content by construction.
SIGNATURE = "gongkai-internal-report-not-for-publication-5f0c2e9b"
SIGNATURE_SOURCE = "内部报告标识"

_CJK = re.compile(r"[\u3400-\u9fff]")
_SPLIT = re.compile(r"[\s，。、；：:;,.!?！？（）()【】\[\]“”\"'《》<>/\\|-]+")
MIN_FRAGMENT = 6
MIN_DERIVED = 6  # pinyin forms shorter than this match ordinary words too often to mean anything
MAX_PINYIN_CHARS = 30  # names and short texts; a longer text's pinyin only leaks as a (truncated) slug
DERIVED_KINDS = ("拼音", "链接名", "拼音首字母")
SEPARATOR = "\n"  # between texts searched at once: normalised texts and forms have no whitespace,
                  # so no string can be found across it

ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad")
_COMMON_WIDE = tuple((wide, unicodedata.normalize("NFKC", wide)) for wide in "，（）：；！？％～…\u3000")
_SIMPLE_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&#34;", '"'), ("&#39;", "'"), ("&quot;", '"'), ("&#x27;", "'"))


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
    for ch in ZERO_WIDTH:
        if ch in text:
            text = text.replace(ch, "")
    return text.lower()


def _unescape(text: str) -> str:
    """html.unescape, with a fast path for the few entities Jinja's escaping writes (html.unescape
    calls a Python function per entity, which dominated the audit of large sites)."""
    rest = text
    for entity, char in _SIMPLE_ENTITIES:
        rest = rest.replace(entity, char)
    if "&" in rest.replace("&amp;", ""):
        return html.unescape(text)
    return rest.replace("&amp;", "&")


def _pinyin(text: str) -> tuple[list[str], list[str]]:
    """slugs.pinyin_words(text), and the same for its Chinese characters only, in one conversion."""
    tokens = lazy_pinyin(unicodedata.normalize("NFKC", text), style=Style.NORMAL,  # a list per run is allowed (pypinyin docs)
                         errors=lambda s: ["\u0000" + t for t in re.split(r"[^0-9A-Za-z]+", s) if t])  # type: ignore[arg-type,return-value]
    words = [t.lstrip("\u0000").lower() for t in tokens]
    words = [w for w in words if w and re.fullmatch(r"[0-9A-Za-z]+", w)]
    chinese = [t.lower() for t in tokens if not t.startswith("\u0000") and re.fullmatch(r"[a-z]+", t.lower())]
    return words, chinese


def fragments(text: str) -> list[str]:
    """The normalised pieces of a text between punctuation that are long enough to identify it:
    a sentence or clause of a goal, basis or use of funds copied on its own."""
    return [piece for piece in (normalise(f) for f in _SPLIT.split(text)) if len(piece) >= MIN_FRAGMENT]


@functools.lru_cache(maxsize=65536)
def derived_forms(text: str) -> tuple[tuple[str, str], ...]:
    """(normalised form, kind) for one withheld string: itself, its pieces, pinyin, slug, initials."""
    base = normalise(text)
    forms = [(base, "原文")]
    forms += [(piece, "片段") for piece in fragments(text)]
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
                 if len(form) >= 2 and not (kind in DERIVED_KINDS and len(form) < MIN_DERIVED))


class Matcher:
    """Finds every occurrence of many strings in a text, overlapping and nested ones included.

    An Aho-Corasick automaton (pyahocorasick): one pass over the text whatever the number of
    strings. Measured on the generated 1,000-project site (124 M characters, 6,500 forms) it
    scans in 1.0 s where the former numpy window-hash matcher took 2.4 s. Many small texts
    should be joined with a separator no form contains and searched at once.
    """

    def __init__(self, forms: Iterable[str]) -> None:
        self.forms = frozenset(f for f in forms if len(f) >= 2)
        self._automaton: ahocorasick.Automaton | None = None
        if self.forms:
            self._automaton = ahocorasick.Automaton()
            for form in sorted(self.forms):
                self._automaton.add_word(form, form)
            self._automaton.make_automaton()

    def found_at(self, text: str) -> list[tuple[int, str]]:
        """(position, string) of every occurrence, in the order their ends are reached."""
        if self._automaton is None:
            return []
        return [(end - len(form) + 1, form) for end, form in self._automaton.iter(text)]

    def occurring(self, text: str) -> set[str]:
        return {form for _, form in self.found_at(text)}
