"""Stage 1: read content files into plain data with the position of every value.

Parsing goes through PyYAML's composer (the C one when present) and builds values by hand,
so that duplicate keys, aliases, custom tags and ambiguous booleans are refused instead of
silently accepted, and every value keeps its line and column for error messages.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
import stat
import sys
from array import array
from collections.abc import Container
from pathlib import Path
from typing import Any, Callable

import yaml

from gongkai.errors import ContentError, Problem, os_error_text, short_value
from gongkai.parallel import forked_map
from gongkai.portable import NotRegularFile, file_kind, gbk_reading, read_regular, shown_name, undecodable

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 12
Path_ = tuple[str | int, ...]
ParsedMemo = dict[tuple[str, bytes], "Document"]  # (file, hash of its bytes) -> its parse


class YamlNumber(str):
    """A number as written in YAML: kept as its text so amounts stay exact and codes keep zeros."""

    __slots__ = ()  # no per-number __dict__: a provincial tree holds hundreds of thousands


# Where each value stood is kept in one flat array of integers per document, five per node:
# value line, value column, key line, key column (mapping values only) and the slot of the node's
# first child. A container's children occupy consecutive slots in data order, so a path is
# located by walking the data itself; no path tuples are stored. This keeps a document's
# positions at a few bytes per node instead of two dicts of tuples (most of a document's memory).
_SLOT = 5
_VALUE_LINE, _VALUE_COLUMN, _KEY_LINE, _KEY_COLUMN, _FIRST_CHILD = range(_SLOT)


class Document:
    """One parsed content file: its data and where each value stood.

    `data` must not be changed after parsing: positions are found by walking it (see `where`).
    """

    __slots__ = ("path", "display", "data", "table")

    def __init__(self, path: Path, display: str, data: Any, table: array | None = None) -> None:
        self.path, self.display, self.data = path, display, data
        self.table = array("H") if table is None else table

    def __repr__(self) -> str:
        return f"Document(path={self.path!r}, display={self.display!r}, data={self.data!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Document):
            return NotImplemented
        return (self.path, self.display, self.data, self.table) == (other.path, other.display, other.data, other.table)

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it replaces

    def where(self, path: Path_, key: bool = False) -> tuple[int, int]:
        """The closest known position of a path (its key when `key`), walking up when unknown."""
        table = self.table
        if not table:
            return (1, 1)
        node, slot, keyed = self.data, 0, False
        for step in path:
            if isinstance(node, dict):
                if not isinstance(step, str) or step not in node:
                    break
                ordinal, keyed = list(node).index(step), True
            elif isinstance(node, list):
                if not isinstance(step, int) or not 0 <= step < len(node):
                    break
                ordinal, keyed = step, False
            else:
                break
            slot = table[_SLOT * slot + _FIRST_CHILD] + ordinal
            node = node[step]
        at = _SLOT * slot + (_KEY_LINE if key and keyed else _VALUE_LINE)
        return (table[at], table[at + 1])

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (_unpickled, (self.path, self.display, self.data, self.table))

    def __setstate__(self, state: object) -> None:
        # Only a pickle from before the position table calls this (with its two position dicts):
        # refuse it, so the build cache parses that file again instead of using it.
        raise TypeError("a Document pickled by an older gongkai")


def _unpickled(path: Path, display: str, data: Any, table: array) -> Document:
    # Unpickled strings are new objects: share them again with every other document's.
    return Document(path, display, _shared(data), table)


def _shared(value: Any) -> Any:
    if type(value) is str:
        return _intern(value)
    if type(value) is dict:
        return {_intern(key): _shared(item) if type(item) in _REBUILT else item for key, item in value.items()}
    if type(value) is list:
        return [_shared(item) if type(item) in _REBUILT else item for item in value]
    return value


_REBUILT = frozenset((str, dict, list))


def _packed(table: list[int]) -> array:
    """The smallest array type that holds every value: most files fit 16 bits, none is capped."""
    largest = max(table)
    return array("H" if largest < 1 << 16 else "I" if largest < 1 << 32 else "Q", table)


_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_TEXT_TAGS = frozenset((_STR, _TIMESTAMP))
_NUMBER_TAGS = frozenset((_INT, _FLOAT))
_ScalarNode, _MappingNode = yaml.ScalarNode, yaml.MappingNode
# Keys and many values (indicator levels, units, 依据 kinds) repeat in every file: one copy each.
_intern = sys.intern


class _Builder:
    def __init__(self, display: str) -> None:
        self.display = display
        self.seen: set[int] = set()
        self.problems: list[Problem] = []
        self.table: list[int] = [0] * _SLOT  # the root's slot

    def problem(self, code: str, node: yaml.Node, detail: str, value: object = None) -> None:
        mark = node.start_mark
        shown = None if value is None else short_value(value)
        found = Problem(code, self.display, mark.line + 1, mark.column + 1, detail, shown)
        if found not in self.problems:  # one alias used 27 times is one problem to fix
            self.problems.append(found)

    def build(self, node: yaml.Node, depth: int, slot: int) -> Any:
        mark, at = node.start_mark, _SLOT * slot
        self.table[at] = mark.line + 1
        self.table[at + 1] = mark.column + 1
        if depth > MAX_DEPTH:
            self.problem("E007", node, f"超过 {MAX_DEPTH} 层")
            return None
        if isinstance(node, _ScalarNode):
            return self.build_scalar(node)
        if id(node) in self.seen:
            self.problem("E004", node, "同一内容被别名（*）重复引用")
            return None
        self.seen.add(id(node))
        if isinstance(node, _MappingNode):
            return self.build_mapping(node, depth, at)
        if node.tag != _SEQ:
            self.problem("E004", node, f"不支持的标签 {node.tag}")
        first = self.children(at, len(node.value))
        build = self.build
        return [build(item, depth + 1, first + i) for i, item in enumerate(node.value)]

    def children(self, at: int, count: int) -> int:
        """Reserve consecutive slots for a container's children; the first one's number."""
        first = len(self.table) // _SLOT
        self.table[at + _FIRST_CHILD] = first
        self.table.extend([0] * (_SLOT * count))
        return first

    def build_mapping(self, node: yaml.MappingNode, depth: int, at: int) -> dict[str, Any]:
        if node.tag != _MAP:
            self.problem("E004", node, f"不支持的标签 {node.tag}")
        result: dict[str, Any] = {}
        first = self.children(at, len(node.value))
        table, build, build_scalar = self.table, self.build, self.build_scalar
        for key_node, value_node in node.value:
            key = build_scalar(key_node) if isinstance(key_node, _ScalarNode) else None
            if not isinstance(key, str) or key_node.tag == _MERGE:
                self.problem("E004" if key == "<<" else "E012", key_node, "键必须是文字", key)
                continue
            key = _intern(key.strip())
            if key in result:
                self.problem("E003", key_node, f"键“{key}”已在前面出现过", key)
                continue
            child = first + len(result)  # the key's place in the dict: where() counts on it
            mark = key_node.start_mark
            table[_SLOT * child + _KEY_LINE] = mark.line + 1
            table[_SLOT * child + _KEY_COLUMN] = mark.column + 1
            result[key] = build(value_node, depth + 1, child)
        return result

    def build_scalar(self, node: yaml.ScalarNode) -> Any:
        tag, raw = node.tag, node.value
        if tag in _TEXT_TAGS:
            return _intern(raw)
        if tag in _NUMBER_TAGS:
            return YamlNumber(raw)
        if tag == _BOOL:
            # YAML 1.1 also reads yes/no/on/off as booleans; only true/false are unambiguous.
            return raw.lower() == "true" if raw.lower() in ("true", "false") else raw
        if tag == _NULL:
            return None
        self.problem("E004", node, f"不支持的标签 {tag}", raw)
        return raw


def decode(raw: bytes, display: str) -> str:
    """Bytes to text: UTF-8 only (a BOM is tolerated), CRLF normalised."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        utf16 = raw.startswith((b"\xff\xfe", b"\xfe\xff"))  # Windows Notepad's "Unicode"
        hint = "该文件是 UTF-16 编码（记事本中的“Unicode”）" if utf16 else "该文件可能是 GBK/GB2312 编码" if _looks_gbk(raw) else None
        raise ContentError([Problem("E001", display, line, 1, f"第 {exc.start + 1} 个字节不是合法的 UTF-8", None, hint and hint + "；请用 UTF-8 编码另存。")]) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_gbk(raw: bytes) -> bool:
    try:
        raw.decode("gb18030")
        return True
    except UnicodeDecodeError:
        return False


def parse_text(text: str, path: Path, display: str) -> Document:
    """Parse one YAML text into a Document, or raise ContentError with every problem found."""
    try:
        node = yaml.compose(text, Loader=_loader_for(text))
    except yaml.reader.ReaderError as exc:
        raise ContentError([_reader_problem(exc, text, display)]) from None
    except yaml.MarkedYAMLError as exc:
        raise ContentError([_syntax_problem(exc, text, display)]) from None
    except yaml.YAMLError:
        raise ContentError([Problem("E002", display, 0, 0, "无法解析（YAML 语法错误）")]) from None
    except RecursionError:
        raise ContentError([Problem("E007", display, 0, 0, "文件嵌套层级过深，无法解析")]) from None
    if node is None:
        raise ContentError([Problem("E008", display, 1, 1, "文件没有内容")])
    builder = _Builder(display)
    try:
        data = builder.build(node, 0, 0)
    except RecursionError:
        raise ContentError([Problem("E007", display, 0, 0, "文件嵌套层级过深，无法解析")]) from None
    problems = _anchor_problems(text, display) + [_quoted_instead(p, text) for p in builder.problems]
    if problems:
        raise ContentError(problems)
    if not isinstance(data, dict):
        raise ContentError([Problem("E008", display, 1, 1, "顶层应是“键: 值”的表")])
    return Document(path, display, data, _packed(builder.table))


# libyaml's composer recurses in C: a few tens of thousands of nested `[` or `- ` overflow the
# C stack and kill the process (SIGSEGV), which no `except` can catch. Where the text could nest
# that deep, the pure-Python composer is used instead; it raises RecursionError, reported as E007.
_C_SAFE_DEPTH = 1000


_LINE_START = re.compile(r"^[ \t?:-]*", re.MULTILINE)


def _nesting_bound(text: str) -> int:
    """An upper bound on how deep the YAML in text can nest, at C speed (loose on purpose)."""
    # Flow nodes nest only through brackets; block nodes only through indentation and the
    # `- `/`? `/`: ` indicators at a line's start.
    brackets = text.count("[") + text.count("{")
    deepest_line_start = max(map(len, _LINE_START.findall(text)), default=0)
    return 2 * brackets + 2 * deepest_line_start + 2


def _loader_for(text: str) -> type:
    return Loader if _nesting_bound(text) <= _C_SAFE_DEPTH else yaml.SafeLoader


def _quoted_instead(problem: Problem, text: str) -> Problem:
    """An alias or tag refused by the builder is usually a value starting with `*` or `!`."""
    if problem.code != "E004" or not problem.line:
        return problem
    lines = text.split("\n")
    fixed = _quote_problem(problem.file, problem.line, lines[problem.line - 1]) if problem.line <= len(lines) else None
    return fixed or problem


def _reader_problem(exc: yaml.reader.ReaderError, text: str, display: str) -> Problem:
    """A character YAML does not allow (NUL, other control characters), located by line and column."""
    character = exc.character if isinstance(exc.character, str) else chr(exc.character)
    # libyaml reports a byte offset, the Python reader a character offset: find the character itself.
    at = text.find(character)
    before = text[: max(at, 0)]
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    return Problem("E002", display, line, column, f"含有不允许的控制字符 U+{ord(character):04X}（常见于从其他软件复制的文字）",
                   None, "删除该处看不见的控制字符，或重新输入这段文字。")


# PyYAML's and libyaml's problem texts (they differ) → what an editor should read. Matched in
# order, by fragment; a text not listed is never shown in English (see _explain_yaml_error).
_YAML_PROBLEMS: tuple[tuple[str, str], ...] = (
    ("mapping values are not allowed", "此处不能出现“冒号+空格”：值中含有“: ”时，整个值要加引号"),
    ("could not find expected ':'", "缺少“键: 值”中的冒号，或上一行的引号没有闭合"),
    ("undefined alias", "以“*”开头的值被当成了别名"),
    ("duplicate anchor", "重复的锚点（&）"),
    ("expected <block end>", "缩进不一致，或缺少“键:”"),
    ("did not find expected key", "缩进不一致，或缺少“键:”"),
    ("cannot start any token", "该处的字符不能作为值的开头"),
    ("end of stream", "文件意外结束：引号或括号没有闭合"),
    ("single document", "一个文件只能有一个文档（不要使用 ---）"),
    ("document start", "一个文件只能有一个文档（不要使用 ---）"),
    ("document separator", "一个文件只能有一个文档（不要使用 --- 或 ...）"),
    ("chomping or indentation", "“|”或“>”之后不能在同一行接着写文字"),
    ("comment or line break", "这一行在值之后还有多余的文字"),
    ("comment or a line break", "这一行在值之后还有多余的文字"),
    ("',' or ']'", "方括号 [ ] 没有闭合，或列表项中的逗号需要加引号"),
    ("',' or '}'", "花括号 { } 没有闭合，或其中的逗号需要加引号"),
    ("escape", "双引号中的反斜杠“\\”后面的字符无效：改用单引号，或把“\\”写成“\\\\”"),
    ("block sequence entries are not allowed", "此处不能以“- ”开始列表项（缩进有误）"),
    ("mapping keys are not allowed", "此处不能以“? ”开头"),
    ("node content", "缺少值，或值的写法不正确"),
    ("alphabetic or numeric character", "以“&”或“*”开头的值被当成了锚点或别名"),
    ("URI", "以“!”开头的值被当成了标签"),
    ("tag", "以“!”开头的值被当成了标签"),
    ("whitespace or line break", "此处缺少空格或换行"),
    ("control character", "含有不允许的控制字符"),
    ("unacceptable character", "含有不允许的控制字符"),
    ("directive", "以“%”开头的行被当成了指令"),
    ("simple key", "这一行缺少冒号，或写得太长"),
    ("indentation indicator", "“|”或“>”后面的缩进数字不正确"),
)
_YAML_CONTEXTS: tuple[tuple[str, str], ...] = (
    ("quoted scalar", "引号"),
    ("block scalar", "“|”或“>”文字块"),
    ("flow sequence", "方括号列表"),
    ("flow mapping", "花括号表"),
    ("block mapping", "所在的“键: 值”表"),
    ("block collection", "所在的列表"),
    ("simple key", "该键"),
    ("anchor", "“&”"),
    ("alias", "“*”"),
    ("tag", "“!”"),
)
_NEEDS_QUOTES = frozenset(">|*&!%@`")
_KEY_LINE_RE = re.compile(r"^(\s*(?:-\s+)?)([^\s#'\"\[\]{}:-][^:]*?):[ \t]+(.*?)\s*$")
_BLOCK_INDICATOR = re.compile(r"^[|>][-+1-9]{0,2}(?:\s+#.*)?$")
# `&x [1, 2]`, `*x`, `!x 1`: YAML written on purpose (refused as E004), not text needing quotes
_DELIBERATE = re.compile(r"^(?:[&*][A-Za-z0-9_-]+(?:\s+[\[{].*)?|!!\S*(?:\s.*)?|![A-Za-z0-9_/:.-]+(?:\s.*)?)$")


def quoted_scalar(text: str) -> str:
    """A double-quoted scalar by PyYAML's own emitter, which escapes what YAML cannot hold raw."""
    return yaml.safe_dump(text, allow_unicode=True, default_style='"', width=float("inf")).rstrip("\n")


def quote_fix(line: str) -> tuple[str, str] | None:
    """(why, the line fixed) when a `键: 值` line's value must be quoted to mean what it says."""
    match = _KEY_LINE_RE.match(line)
    if not match:
        return None
    lead, key, value = match.groups()
    if not value or value[0] in "'\"[{#":
        return None
    value = re.sub(r"\s+#.*$", "", value)  # a comment after the value stays a comment
    if _BLOCK_INDICATOR.match(value) or _DELIBERATE.match(value):
        return None
    if value[0] in _NEEDS_QUOTES:
        why = f"值以“{value[0]}”开头，YAML 会把它当成特殊符号，这个值要加引号"
    elif ": " in value or value.endswith(":"):
        why = "值中含有“: ”，YAML 会把它当成另一个键，这个值要加引号"
    else:
        return None
    return why, f"{lead}{key}: {quoted_scalar(value)}"


def _quote_problem(display: str, line_no: int, source_line: str) -> Problem | None:
    fixed = quote_fix(source_line)
    if fixed is None:
        return None
    why, line = fixed
    return Problem("E002", display, line_no, 1, why, source_line.strip(), f"把第 {line_no} 行改为：{line.strip()}")


def _anchor_problems(text: str, display: str) -> list[Problem]:
    """`键: &文字` is read as an anchor and the `&文字` silently dropped: report every such line."""
    if "&" not in text:
        return []
    try:
        tokens = list(yaml.scan(text, Loader=_loader_for(text)))
    except yaml.YAMLError:
        return []
    lines = text.split("\n")
    found = []
    for token in tokens:
        if isinstance(token, yaml.AnchorToken):
            line_no = token.start_mark.line + 1
            problem = _quote_problem(display, line_no, lines[line_no - 1])
            if problem is not None:  # an anchor on purpose is refused where it is used (E004)
                found.append(problem)
    return found


def _explain_yaml_error(exc: yaml.MarkedYAMLError, text: str, line: int) -> str:
    lines = text.split("\n")
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in source_line or "found character '\\t'" in str(exc):
        return "该行含有 Tab 字符，YAML 的缩进只能用空格"
    problem = str(exc.problem or "")
    detail = next((chinese for english, chinese in _YAML_PROBLEMS if english in problem), "无法解析这一行")
    context = str(exc.context or "")
    where = next((chinese for english, chinese in _YAML_CONTEXTS if english in context), None)
    if where and exc.context_mark is not None and exc.context_mark.line + 1 != line:
        detail += f"（{where}从第 {exc.context_mark.line + 1} 行开始）"
    return detail


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, display: str) -> Problem:
    """E002 for a YAML syntax error; a value that only needs quotes gets its fixed line."""
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    lines = text.split("\n")
    for candidate in (line, exc.context_mark.line + 1 if exc.context_mark else 0, line - 1):
        if 0 < candidate <= len(lines) and "\t" not in lines[candidate - 1]:
            problem = _quote_problem(display, candidate, lines[candidate - 1])
            if problem is not None:
                return problem
    return Problem("E002", display, line, col, _explain_yaml_error(exc, text, line))


def read_document(path: Path, root: Path) -> Document:
    """One content file from inside `root`, read and parsed (export reads back its own import)."""
    display, raw = _checked_bytes(path, root, root.resolve())
    return parse_text(decode(raw, display), path, display)


def _checked_bytes(path: Path, root: Path, inside: Path) -> tuple[str, bytes]:
    """A content file's name as shown and its bytes; `inside` is root resolved. Only a regular
    file is read: a FIFO, device or socket is refused without waiting on it."""
    display = display_path(path, root)
    try:
        resolved = path.resolve()
    except (RuntimeError, OSError):  # a symlink loop (RuntimeError before Python 3.13)
        raise ContentError([Problem("E006", display, 0, 0, "它是指向自身的循环链接")]) from None
    if not resolved.is_relative_to(inside):
        raise ContentError([Problem("E006", display, 0, 0, f"它指向 {shown_name(str(resolved))}")])
    try:
        size, raw = read_regular(path, MAX_FILE_BYTES)
    except NotRegularFile as exc:
        raise ContentError([Problem("E060", display, 0, 0, f"它是{exc.kind}，不是普通文件")]) from None
    if size > MAX_FILE_BYTES:
        raise ContentError([Problem("E005", display, 0, 0, f"大小为 {size} 字节，上限为 {MAX_FILE_BYTES} 字节")])
    return display, raw


def _memo_key(path: Path, raw: bytes) -> tuple[str, bytes]:
    return (str(path), hashlib.blake2b(raw, digest_size=16).digest())


def display_path(path: Path, root: Path) -> str:
    """A content file's name as messages show it: from the content folder's name down."""
    try:
        return shown_name(str(Path(root.name) / path.relative_to(root)))
    except ValueError:
        return shown_name(str(path))


def discover(root: Path) -> list[Path]:
    """Every content file below root, in a stable order (names that are not UTF-8 excluded: see
    `unreadable_entries`)."""
    found = [p for p in root.rglob("*") if p.suffix in (".yml", ".yaml") and not undecodable(str(p))
             and (p.is_file() or p.is_symlink())]
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def unreadable_entries(root: Path) -> list[Problem]:
    """Entries of content/ that cannot be content files, each an error with its path at once:
    names that are not UTF-8 (zip files made on Windows keep GBK names), FIFOs, devices and
    sockets (reading one would wait for ever), and folders named like content files."""
    problems = []
    for path in sorted(root.rglob("*"), key=lambda p: os.fsencode(p)):
        display = display_path(path, root)
        if undecodable(path.name):
            gbk = gbk_reading(path.name)
            hint = f"按 GBK 解读为“{gbk}”，多见于 Windows 上制作的 zip 文件；" if gbk else ""
            problems.append(Problem("E061", display, 0, 0, "文件名中有不能按 UTF-8 读出的字节（以 \\xNN 显示）", None,
                                    f"{hint}请把它改名为 UTF-8 文件名（如用 gongkai import 导入 zip 文件，或解压时选择 GBK 编码）。"))
            continue
        try:
            mode = path.lstat().st_mode
        except OSError:
            continue
        if stat.S_ISDIR(mode):
            if path.suffix in (".yml", ".yaml"):
                problems.append(Problem("E060", display, 0, 0, "它是文件夹，名字却像内容文件"))
        elif not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
            problems.append(Problem("E060", display, 0, 0, f"它是{file_kind(mode)}，不是普通文件"))
    return problems


def _linked_folders_out(root: Path) -> list[Problem]:
    """Folders that are symlinks out of root: rglob does not enter them, so say so instead of
    silently publishing without their content."""
    inside = root.resolve()
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_symlink() and path.is_dir():
            try:
                target = path.resolve()
            except (RuntimeError, OSError):
                target = path
            if not target.is_relative_to(inside) or target == path:
                found.append(Problem("E006", display_path(path, root), 0, 0, f"文件夹链接指向 {target}，其中的内容不会被读取"))
    return found


# What reading one file gave: its memo key (None without a memo) and its Document, its
# problems, or None when the memo already holds its Document.
Outcome = tuple[tuple[str, bytes] | None, "Document | list[Problem] | None"]
CHUNK_FILES = 64  # files per task when parsing across processes


def load_tree(root: Path, parsed: ParsedMemo | None = None, jobs: int | None = None) -> list[Document]:
    """Parse every content file below root; collect the problems of all files before failing."""
    docs, problems = load_documents(root, parsed, jobs)
    if problems:
        raise ContentError(problems)
    return docs


def load_documents(root: Path, parsed: ParsedMemo | None = None, jobs: int | None = None,
                   keep: Callable[[Path], bool] | None = None) -> tuple[list[Document], list[Problem]]:
    """Every content file below root that parses (only those `keep` accepts: a shard's folders),
    and the problems of those that do not, so that the files that parse can still be checked in
    the same run (see validate.build_site).

    Large trees are parsed by forked processes (GONGKAI_JOBS, else one per core, as for
    rendering); documents and problems come back in file order, the same as with one process."""
    from gongkai.parallel import worker_count

    problems: list[Problem] = unreadable_entries(root) + _linked_folders_out(root)
    paths, inside = [p for p in discover(root) if keep is None or keep(p)], root.resolve()
    known = None if parsed is None else parsed.keys()

    def read_chunk(index: int) -> list[Outcome]:
        return [_read_outcome(path, root, inside, known) for path in paths[index * CHUNK_FILES:(index + 1) * CHUNK_FILES]]

    # A daemonic process (a worker of another stage) may not start processes of its own.
    workers = 1 if multiprocessing.current_process().daemon else worker_count(len(paths), jobs)
    chunks = forked_map(read_chunk, -(-len(paths) // CHUNK_FILES), workers)
    docs: list[Document] = []
    for key, result in (outcome for chunk in chunks for outcome in chunk):
        if isinstance(result, list):
            problems.extend(result)
            continue
        if result is None:  # unchanged since the memo's parse: its very Document
            result = parsed[key]  # type: ignore[index]
        elif parsed is not None and key is not None:
            parsed[key] = result
        docs.append(result)
    return docs, problems


def _read_outcome(path: Path, root: Path, inside: Path, known: Container[tuple[str, bytes]] | None) -> Outcome:
    """One file read and parsed, as plain data that can travel back from a worker process; a file
    whose key is `known` is only read (the caller's memo holds its Document: see cache.py)."""
    try:
        display, raw = _checked_bytes(path, root, inside)
        key = None if known is None else _memo_key(path, raw)
        if key is not None and known is not None and key in known:
            return key, None
        return key, parse_text(decode(raw, display), path, display)
    except ContentError as exc:
        return None, exc.problems
    except OSError as exc:
        return None, [Problem("E001", display_path(path, root), 0, 0, os_error_text(exc))]
