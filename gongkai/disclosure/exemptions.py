"""What the leak audit may leave unsearched, decided from the source content.

The audit searches every output byte for every form of every withheld text (leaks.derived_forms).
A withheld text is exempt only where the same text is the *whole value* of a field that is public
in the source — a generic indicator name like 满意度 shared with a public project — or where the
secret record itself declares it public (`公开文字: [...]`, listed in the redaction report). The
public model is never consulted: a redaction mistake writes secrets into it, and an exemption
taken from it would hide exactly that mistake.

A withheld text found *inside* a public source text (a secret project's name in a public
project's 立项依据, a sentence of its goal in a department goal) is an error (E040) naming both
places: published, it would be a leak that no exemption may cover. A secret record's name or code
is never shared wording, not even as a public field's whole value.

What is searched is redaction's withheld list (the classifier's decisions) and, beyond it, every
text the source itself marks secret (涉密: true, 涉密字段) that the list lacks: a redaction mistake
that forgets to list what it copies is caught too.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from gongkai.source.codes import code_key
from gongkai.errors import ContentError, Problem, short_value
from gongkai.leaks import DERIVED_KINDS, SEPARATOR, Matcher, derived_forms, normalise
from gongkai.public import AuditExemptions, Withheld
from gongkai.source.indicators import framework_words
from gongkai.source.load import Document
from gongkai.source.schema import DEPARTMENT_FILE

if TYPE_CHECKING:
    from gongkai.disclosure.redact import Redaction

DECLARATION_KEY = "公开文字"
UNLISTED_RULE = "涉密标记（脱密清单未列）"
# Keys whose values are markers, amounts, dates of the build's own making or declarations: not
# text that a page shows as written.
_NOT_TEXT = frozenset({"涉密", "涉密字段", DECLARATION_KEY, "已知警告", "金额单位", "资金", "项目期资金", "资金支出计划", "金额", "合计", "年度"})
# Withheld fields that name a record: found in public text, even as its whole value, they are a
# leak (E040) unless declared; other withheld texts equal to a whole public value are shared wording.
IDENTIFYING = frozenset({"项目名称", "项目编码", "链接名", "部门名称", "部门简称", "部门编码", "单位.单位名称", "单位.单位编码"})
_CODES = frozenset({"项目编码", "部门编码", "单位编码", "分类编码"})
# Fields that hold one kind of identity: a unit is named in 单位 lists, as 实施单位 and, for a
# department's own level, by the department's name.
_IDENTITIES = {"项目名称": "project", "单位名称": "unit", "实施单位": "unit", "部门名称": "unit", "部门简称": "unit"}
# Keys whose value names another record by its code: the classifier decides what they publish,
# so one naming a withheld code is neither public text nor shared wording (the audit searches it).
_REFERENCES = frozenset({"项目编码", "上年项目"})
# Fields whose withholding under a record-wide rule withholds the whole file.
_WHOLE_RECORD = ("项目名称", "部门名称")
_STEP = re.compile(r"([^\[\]]+)(?:\[(\d+)\])?")
MAX_PROBLEMS_PER_TEXT = 5  # one withheld text copied into many places: the first few are enough to act on


@dataclass(frozen=True)
class Place:
    file: str
    line: int
    field: str  # the YAML path, e.g. 年度目标.指标[2].三级指标

    def __str__(self) -> str:
        return f"{self.file}:{self.line}（{self.field}）"


@dataclass(frozen=True)
class Declared:
    """One `公开文字` entry: a text the secret record declares public, for the redaction report."""

    place: Place
    text: str
    covers: tuple[str, ...]  # the withheld fields (file: field) it exempts; () when it matches none


@dataclass(frozen=True)
class Exemptions:
    withheld: tuple[Withheld, ...]  # redaction's list, and what the source marks secret beyond it
    audit: AuditExemptions
    declared: tuple[Declared, ...]
    problems: tuple[Problem, ...]  # E040 errors and W103 warnings


@dataclass(frozen=True)
class _Leaf:
    doc: Document
    path: tuple[str | int, ...]
    text: str
    form: str  # normalise(text)
    marked: bool = False  # inside a record the source itself marks secret (涉密: true, 涉密字段)

    @property
    def place(self) -> Place:
        return Place(self.doc.display, self.doc.where(self.path)[0], _field_name(self.path))


def _field_name(path: tuple[str | int, ...]) -> str:
    out = ""
    for step in path:
        out += f"[{step + 1}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


# What a secret project's page shows in its own right: never a secret by its marker alone.
_SHOWN_OF_SECRET = frozenset({"实施单位", "链接名", "项目编码"})


def _leaves(doc: Document, secret_folder: bool = False) -> list[_Leaf]:
    """Every text value of a document with its path, markers and amounts left out, each marked
    when the source marks it secret: the whole file (涉密: true, or a secret department's
    folder), a listed 涉密字段, a row or unit entry with 涉密: true."""
    data = doc.data if isinstance(doc.data, dict) else {}
    whole = secret_folder or data.get("涉密") is True
    listed = data.get("涉密字段")
    fields: list[Any] = listed if isinstance(listed, list) else []
    out: list[_Leaf] = []
    todo: list[tuple[Any, tuple[str | int, ...], bool]] = [(doc.data, (), False)]
    while todo:
        value, path, marked = todo.pop()
        if isinstance(value, dict):
            marked = marked or (bool(path) and value.get("涉密") is True)
            todo += [(inner, path + (key,), marked) for key, inner in reversed(value.items()) if key not in _NOT_TEXT]
        elif isinstance(value, list):
            todo += [(inner, path + (i,), marked) for i, inner in reversed(list(enumerate(value)))]
        elif isinstance(value, str) and value.strip():
            top = path[0] if path else ""
            # A slug is published only as the path that redaction lists: alone, a few letters.
            secret = path[-1] != "链接名" and (marked or (whole and (secret_folder or top not in _SHOWN_OF_SECRET))
                                          or (top in fields and top != "实施单位"))
            out.append(_Leaf(doc, path, value.strip(), normalise(value), secret and path[-1:] != ("日期",)))
    return out


def _steps(field: str) -> list[str | int]:
    """'年度目标.指标[2]' → ['年度目标', '指标', 1] (list positions from 0)."""
    steps: list[str | int] = []
    for part in field.split("."):
        match = _STEP.fullmatch(part.strip())
        if match is None:
            return []
        steps.append(match.group(1))
        if match.group(2):
            steps.append(int(match.group(2)) - 1)
    return steps


def _under(path: tuple[str | int, ...], steps: list[str | int]) -> bool:
    """Whether a leaf's path lies under a withheld item's field (a list position not named in
    the field, as in 单位.单位名称, matches any entry)."""
    at = 0
    for step in steps:
        while at < len(path) and isinstance(step, str) and isinstance(path[at], int):
            at += 1
        if at >= len(path) or path[at] != step:
            return False
        at += 1
    return True


def _split_source(item: Withheld) -> tuple[str, str]:
    file, _, field = item.source.partition(": ")
    return file, field


@dataclass(frozen=True)
class Secrecy:
    """What redaction withheld, by file: for reports that name secret records by file and field."""

    records: frozenset[str] = frozenset()  # files withheld whole (secret department, unit, project, register)
    fields: dict[str, frozenset[str]] | None = None  # file → its top-level keys withheld as 涉密字段

    def fields_of(self, file: str) -> frozenset[str]:
        return (self.fields or {}).get(file, frozenset())


def secrecy(withheld: tuple[Withheld, ...]) -> Secrecy:
    records: set[str] = set()
    fields: dict[str, set[str]] = {}
    for item in withheld:
        file, field = _split_source(item)
        if field in _WHOLE_RECORD and item.rule != "涉密字段":
            records.add(file)
        elif item.rule == "涉密字段":
            steps = _steps(field)
            if steps:
                fields.setdefault(file, set()).add(str(steps[0]))
    return Secrecy(frozenset(records), {k: frozenset(v) for k, v in fields.items()})


class _Source:
    """The source content sorted into withheld and public texts, by where each stands."""

    def __init__(self, docs: list[Document], withheld: tuple[Withheld, ...]) -> None:
        self.docs = {d.display: d for d in docs}
        by_file: dict[str, list[tuple[Withheld, list[str | int], str]]] = {}
        whole = secrecy(withheld).records
        for item in withheld:
            file, field = _split_source(item)
            by_file.setdefault(file, []).append((item, _steps(field), normalise(item.text)))
        codes = {code_key(item.text) for item in withheld if _split_source(item)[1] == "项目编码"}
        self.places: dict[int, Place] = {}  # id(item) → where its text stands
        self.public: list[_Leaf] = []
        secret_folders = {d.path.parent for d in docs if d.path.name == DEPARTMENT_FILE and isinstance(d.data, dict) and d.data.get("涉密") is True}
        leaves = [(leaf, by_file.get(doc.display, [])) for doc in docs for leaf in _leaves(doc, doc.path.parent in secret_folders)]
        self.unlisted: list[_Leaf] = []  # marked secret in the source, yet on no withheld list
        matches: dict[int, list[int]] = {}  # id(item) → the leaves its field and text match
        for index, (leaf, items) in enumerate(leaves):
            for item, steps, text in items:
                if text == leaf.form and _under(leaf.path, steps):
                    matches.setdefault(id(item), []).append(index)
        withheld_at = [False] * len(leaves)
        for item_id, found in matches.items():
            # 单位.单位名称 names no entry: a unit listed twice (once public, once secret) is
            # withheld where the source marks it, public where it does not.
            chosen = [i for i in found if leaves[i][0].marked] or found
            for i in chosen:
                withheld_at[i] = True
                self.places.setdefault(item_id, leaves[i][0].place)
        by_field = set(self.places)
        # An item whose field was not found (a path this reader does not know) withholds every
        # leaf of its file with its text: fail closed, never exempt a secret by a reading error.
        for (leaf, items), located in zip(leaves, withheld_at):
            if not located:
                for item, _path, text in items:
                    if text == leaf.form and id(item) not in by_field:
                        located = True
                        self.places.setdefault(id(item), leaf.place)
            if not located and leaf.marked:
                self.unlisted.append(leaf)
            elif not located and leaf.doc.display not in whole and not self._names_withheld_code(leaf, codes):
                self.public.append(leaf)
        for file, items in by_file.items():
            for item, steps, _ in items:
                self.places.setdefault(id(item), self._fallback_place(file, steps))

    @staticmethod
    def _names_withheld_code(leaf: _Leaf, codes: set[str]) -> bool:
        referring = leaf.path[:1] == ("年度主要任务",) or leaf.path[-1:] == ("上年项目",)
        return referring and leaf.path[-1] in _REFERENCES and code_key(leaf.text) in codes

    def _fallback_place(self, file: str, steps: list[str | int]) -> Place:
        doc = self.docs.get(file)
        path = tuple(s for s in steps if isinstance(s, str))[:1]
        return Place(file, doc.where(path)[0] if doc else 0, _field_name(tuple(steps)))

    def place(self, item: Withheld) -> Place:
        return self.places[id(item)]


_NAME_KEYS = (("项目名称",), ("部门名称",), ("部门简称",), ("单位名称",))


def exemptions(docs: list[Document], withheld: tuple[Withheld, ...]) -> Exemptions:
    """The audit's exemptions, the declarations and the problems of a validated, redacted tree."""
    source = _Source(docs, withheld)
    vocabulary = {normalise(word): word for word in framework_words()}
    withheld = withheld + _unlisted(source, vocabulary)
    declared, declared_forms = _declarations(docs, withheld)
    exempt = _shared_forms(source, withheld, vocabulary) | declared_forms
    searched: dict[str, list[Withheld]] = {}
    for item in withheld:
        for form, _kind in derived_forms(item.text):
            if form not in exempt:
                searched.setdefault(form, []).append(item)
    problems = _contained(source, searched) + [_unused(d) for d in declared if not d.covers]
    names = sorted({leaf.text for leaf in source.public if leaf.path[-1:] in _NAME_KEYS or leaf.path[:1] == ("实施单位",)})
    return Exemptions(withheld, AuditExemptions(tuple(sorted(exempt)), tuple(names)), tuple(declared), tuple(problems))


def _same_identity(field: str, shared: _Leaf, kind: str) -> bool:
    """A secret record's name that is the name of a public record (the same project public in
    another year, say): whether that identity may be shown is the classifier's question across
    records and years, not a text copied into public wording."""
    group = _IDENTITIES.get(field.rsplit(".", 1)[-1])
    return kind not in DERIVED_KINDS and group is not None and group == _IDENTITIES.get(str(shared.path[-1]))


def _unlisted(source: _Source, vocabulary: dict[str, str]) -> tuple[Withheld, ...]:
    """Redaction lists what it withholds as it builds the public model; a text the source marks
    secret that is on no list (a redaction mistake) is searched all the same."""
    marked = [leaf for leaf in source.unlisted if leaf.form not in vocabulary]  # category names are shown by design
    items = tuple(Withheld(leaf.text, f"{leaf.doc.display}: {_field_name(leaf.path)}", UNLISTED_RULE) for leaf in marked)
    for leaf, item in zip(marked, items):
        source.places[id(item)] = leaf.place
    return items


def _shared_forms(source: _Source, withheld: tuple[Withheld, ...], vocabulary: dict[str, str]) -> set[str]:
    """The forms of withheld texts that the source publishes in its own right: a public field's
    whole value, or the framework's category names; and every form such a text takes (its
    sentences, its pinyin), which is then no evidence of a leak whichever withheld text shares it."""
    public_values: dict[str, list[_Leaf]] = {}
    for leaf in source.public:
        public_values.setdefault(leaf.form, []).append(leaf)
    texts: set[str] = set()
    for item in withheld:
        field = _split_source(item)[1]
        identifying = field in IDENTIFYING
        for form, kind in derived_forms(item.text):
            for shared in public_values.get(form, ()):
                if shared.path[-1] in _CODES or _same_identity(field, shared, kind) or not (identifying or kind in DERIVED_KINDS):
                    # An assigned public code is its own (one spelling a secret's initials is W102); a
                    # secret record's name is no shared wording, nor is a public 链接名 spelling one.
                    texts.add(shared.text)
                    break
            else:
                if form in vocabulary and not identifying:
                    texts.add(vocabulary[form])
    return {form for text in texts for form, _kind in derived_forms(text)}


def _declarations(docs: list[Document], withheld: tuple[Withheld, ...]) -> tuple[list[Declared], set[str]]:
    """Every `公开文字` entry, with the withheld fields of its own file that it covers, and the
    forms it exempts: only those of its own file's withheld texts that it spells out."""
    forms_of: dict[str, dict[str, list[str]]] = {}
    for item in withheld:
        file = _split_source(item)[0]
        for form, _kind in derived_forms(item.text):
            forms_of.setdefault(file, {}).setdefault(form, []).append(item.source)
    declared: list[Declared] = []
    exempt: set[str] = set()
    for doc in docs:
        entries = doc.data.get(DECLARATION_KEY) if isinstance(doc.data, dict) else None
        for i, text in enumerate([entries] if isinstance(entries, str) else entries if isinstance(entries, list) else []):
            if not isinstance(text, str) or not text.strip():
                continue
            mine = forms_of.get(doc.display, {})
            matched = {form for form, _kind in derived_forms(text.strip()) if form in mine}
            exempt |= matched
            declared.append(Declared(Place(doc.display, doc.where((DECLARATION_KEY, i))[0], f"{DECLARATION_KEY}[{i + 1}]"),
                                     text.strip(), tuple(sorted({source for form in matched for source in mine[form]}))))
    return declared, exempt


def _contained(source: _Source, searched: dict[str, list[Withheld]]) -> list[Problem]:
    """E040 for every public source text that holds a withheld form not exempt (all public texts
    searched in one pass, joined by a separator no form contains)."""
    if not searched:
        return []
    starts: list[int] = []
    owners: list[int] = []
    views: list[str] = []
    at = 0
    for index, leaf in enumerate(source.public):
        for view in _views(leaf.form):
            starts.append(at)
            owners.append(index)
            views.append(view)
            at += len(view) + 1
    hits: dict[int, set[str]] = {}
    for position, form in Matcher(searched).found_at(SEPARATOR.join(views)):
        hits.setdefault(owners[bisect.bisect_right(starts, position) - 1], set()).add(form)
    problems: list[Problem] = []
    seen: set[tuple[str, str, str]] = set()
    per_text: dict[str, int] = {}
    for index in sorted(hits):
        leaf = source.public[index]
        for form in sorted(hits[index], key=lambda f: (-len(f), f)):
            for item in searched[form]:
                key = (item.source, leaf.doc.display, _field_name(leaf.path))
                if key in seen or per_text.get(item.source, 0) >= MAX_PROBLEMS_PER_TEXT:
                    continue
                seen.add(key)
                per_text[item.source] = per_text.get(item.source, 0) + 1
                problems.append(_problem(leaf, item, form, source.place(item)))
    return problems


_MARKUP = re.compile(r"<[^<>]*>|\]\([^()]*\)|[*_`~#>\[\]|]")


def _views(form: str) -> list[str]:
    """A public text as written, and as its Markdown or HTML renders it: a withheld name split by
    **emphasis**, a tag or a link is still whole on the page."""
    unmarked = _MARKUP.sub("", form)
    return [form, unmarked] if unmarked != form else [form]


def _problem(leaf: _Leaf, item: Withheld, form: str, secret: Place) -> Problem:
    public = leaf.place
    line, column = leaf.doc.where(leaf.path)
    shown = f"{form[:2]}…（共{len(form)}字）" if len(form) > 3 else f"{form[:1]}…"
    return Problem("E040", public.file, line, column,
                   f"公开的“{public.field}”中含有不公开的文字“{shown}”，它来自 {secret}（{item.rule}）；"
                   f"照此发布即是泄密", None,
                   f"改写 {public} 中的这段文字，不再提及涉密内容；如经保密审查确认这段文字可以公开，"
                   f"在 {secret.file} 中写 {DECLARATION_KEY}: [该文字]（会列入内部脱密报告）。")


def _unused(entry: Declared) -> Problem:
    return Problem("W103", entry.place.file, entry.place.line, 1,
                   f"“{DECLARATION_KEY}”中的“{short_value(entry.text, 20)}”不是本文件中不公开的文字，声明不起作用",
                   None, "删去这一项，或改成本文件中涉密字段、涉密指标行等不公开内容里原样出现的文字。")


def with_exemptions(redaction: Redaction, docs: list[Document]) -> Redaction:
    """The redaction with the audit's exemptions on its public model and the declarations beside
    it; ContentError (E040) when public source text already holds a withheld text."""
    found = exemptions(docs, redaction.public.withheld)
    errors = [p for p in found.problems if not p.is_warning]
    if errors:
        raise ContentError(errors)
    public = replace(redaction.public, withheld=found.withheld, exempt=found.audit)
    warnings = redaction.warnings + tuple(p for p in found.problems if p.is_warning)
    return replace(redaction, public=public, declared=found.declared, warnings=warnings)
