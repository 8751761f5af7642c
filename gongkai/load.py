"""Stage 1: read content files into plain data with the position of every value.

Parsing goes through PyYAML's composer (the C one when present) and builds values by hand,
so that duplicate keys, aliases, custom tags and ambiguous booleans are refused instead of
silently accepted, and every value keeps its line and column for error messages.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import ContentError, Problem, short_value

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 12
Path_ = tuple[str | int, ...]
ParsedMemo = dict[tuple[str, bytes], "Document"]  # (file, hash of its bytes) -> its parse


class YamlNumber(str):
    """A number as written in YAML: kept as its text so amounts stay exact and codes keep zeros."""


@dataclass
class Document:
    """One parsed content file: its data and where each value stood."""

    path: Path
    display: str
    data: Any
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path_, key: bool = False) -> tuple[int, int]:
        """The closest known position of a path (its key when `key`), walking up when unknown."""
        table = self.key_positions if key else self.positions
        for cut in range(len(path), -1, -1):
            if path[:cut] in table:
                return table[path[:cut]]
            if path[:cut] in self.positions:
                return self.positions[path[:cut]]
        return (1, 1)


_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class _Builder:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.seen: set[int] = set()
        self.problems: list[Problem] = []

    def problem(self, code: str, node: yaml.Node, detail: str, value: object = None) -> None:
        mark = node.start_mark
        shown = None if value is None else short_value(value)
        found = Problem(code, self.doc.display, mark.line + 1, mark.column + 1, detail, shown)
        if found not in self.problems:  # one alias used 27 times is one problem to fix
            self.problems.append(found)

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.doc.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if len(path) > MAX_DEPTH:
            self.problem("E007", node, f"超过 {MAX_DEPTH} 层")
            return None
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            if id(node) in self.seen:
                self.problem("E004", node, "同一内容被别名（*）重复引用")
                return None
            self.seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            return self.build_mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                self.problem("E004", node, f"不支持的标签 {node.tag}")
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        return self.build_scalar(node)

    def build_mapping(self, node: yaml.MappingNode, path: Path_) -> dict[str, Any]:
        if node.tag != _MAP:
            self.problem("E004", node, f"不支持的标签 {node.tag}")
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self.build_scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str) or key_node.tag == "tag:yaml.org,2002:merge":
                self.problem("E004" if key == "<<" else "E012", key_node, "键必须是文字", key)
                continue
            key = key.strip()
            if key in result:
                self.problem("E003", key_node, f"键“{key}”已在前面出现过", key)
                continue
            self.doc.key_positions[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.build(value_node, path + (key,))
        return result

    def build_scalar(self, node: yaml.ScalarNode) -> Any:
        tag, raw = node.tag, node.value
        if tag in (_STR, _TIMESTAMP):
            return raw
        if tag in (_INT, _FLOAT):
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
        hint = "该文件可能是 GBK/GB2312 编码" if _looks_gbk(raw) else None
        raise ContentError([Problem("E001", display, line, 1, f"第 {exc.start + 1} 个字节不是合法的 UTF-8", None, hint and hint + "；请用 UTF-8 编码另存。")])
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_gbk(raw: bytes) -> bool:
    try:
        raw.decode("gb18030")
        return True
    except UnicodeDecodeError:
        return False


def parse_text(text: str, path: Path, display: str) -> Document:
    """Parse one YAML text into a Document, or raise ContentError with every problem found."""
    doc = Document(path=path, display=display, data=None)
    try:
        node = yaml.compose(text, Loader=_loader_for(text))
    except yaml.reader.ReaderError as exc:
        raise ContentError([_reader_problem(exc, text, display)]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        detail = _explain_yaml_error(exc, text, line)
        raise ContentError([Problem("E002", display, line, col, detail)]) from None
    except yaml.YAMLError as exc:
        raise ContentError([Problem("E002", display, 0, 0, str(exc).splitlines()[0])]) from None
    except RecursionError:
        raise ContentError([Problem("E007", display, 0, 0, "文件嵌套层级过深，无法解析")]) from None
    if node is None:
        raise ContentError([Problem("E008", display, 1, 1, "文件没有内容")])
    builder = _Builder(doc)
    try:
        doc.data = builder.build(node, ())
    except RecursionError:
        raise ContentError([Problem("E007", display, 0, 0, "文件嵌套层级过深，无法解析")]) from None
    if builder.problems:
        raise ContentError(builder.problems)
    if not isinstance(doc.data, dict):
        raise ContentError([Problem("E008", display, 1, 1, "顶层应是“键: 值”的表")])
    return doc


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


def _explain_yaml_error(exc: yaml.MarkedYAMLError, text: str, line: int) -> str:
    lines = text.split("\n")
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in source_line or "found character '\\t'" in str(exc):
        return "该行含有 Tab 字符，YAML 的缩进只能用空格"
    problem = (exc.problem or exc.context or "").strip()
    translations = {
        "mapping values are not allowed here": "此处不能出现“冒号+空格”，含冒号的文字请加引号",
        "could not find expected ':'": "缺少冒号，或上一行的引号没有闭合",
        "found undefined alias": "使用了未定义的别名（*）",
        "expected <block end>, but found": "缩进不一致",
        "found character that cannot start any token": "该处的字符不能作为值的开头，请给这个值加引号",
        "found duplicate anchor": "重复的锚点（&）",
        "did not find expected key": "缩进不一致或缺少“键:”",
        "found unexpected end of stream": "文件意外结束，引号或括号没有闭合",
        "while scanning a quoted scalar": "引号没有闭合",
        "expected a single document": "一个文件只能有一个文档（不要使用 ---）",
    }
    for english, chinese in translations.items():
        if english in str(exc):
            return f"{chinese}（{problem}）"
    return f"无法解析（{problem}）"


def read_document(path: Path, root: Path, parsed: ParsedMemo | None = None) -> Document:
    """Read one content file from inside `root`, refusing links out of it and oversized files."""
    display = _display_path(path, root)
    try:
        resolved = path.resolve()
    except (RuntimeError, OSError):  # a symlink loop (RuntimeError before Python 3.13)
        raise ContentError([Problem("E006", display, 0, 0, "它是指向自身的循环链接")]) from None
    if not resolved.is_relative_to(root.resolve()):
        raise ContentError([Problem("E006", display, 0, 0, f"它指向 {resolved}")])
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ContentError([Problem("E005", display, 0, 0, f"大小为 {size} 字节，上限为 {MAX_FILE_BYTES} 字节")])
    raw = path.read_bytes()
    if parsed is None:
        return parse_text(decode(raw, display), path, display)
    # A file whose bytes are unchanged parses to the same Document: reuse it (see cache.py).
    key = (str(path), hashlib.blake2b(raw, digest_size=16).digest())
    if key not in parsed:
        parsed[key] = parse_text(decode(raw, display), path, display)
    return parsed[key]


def _display_path(path: Path, root: Path) -> str:
    try:
        return str(Path(root.name) / path.relative_to(root))
    except ValueError:
        return str(path)


def discover(root: Path) -> list[Path]:
    """Every content file below root, in a stable order."""
    found = [p for p in root.rglob("*") if p.suffix in (".yml", ".yaml") and (p.is_file() or p.is_symlink())]
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


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
                found.append(Problem("E006", _display_path(path, root), 0, 0, f"文件夹链接指向 {target}，其中的内容不会被读取"))
    return found


def load_tree(root: Path, parsed: ParsedMemo | None = None) -> list[Document]:
    """Parse every content file below root; collect the problems of all files before failing."""
    docs: list[Document] = []
    problems: list[Problem] = list(_linked_folders_out(root))
    for path in discover(root):
        try:
            docs.append(read_document(path, root, parsed))
        except ContentError as exc:
            problems.extend(exc.problems)
        except OSError as exc:
            problems.append(Problem("E001", _display_path(path, root), 0, 0, os.strerror(exc.errno or 0) or str(exc)))
    if problems:
        raise ContentError(problems)
    return docs
