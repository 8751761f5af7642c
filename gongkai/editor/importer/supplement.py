"""The 补充数据 sheet: what a layout cannot hold, so that export → import gives the content back.

A seed layout has no place for some content (a second period in the 玉田 form, department
indicators, 绩效标准, fields added to the schema later). `build.py export` imports its own sheet
(the real importer, into a scratch folder), compares what comes back with the content files key
by key along the schema (gongkai/schema.py), and writes every difference as one row of an extra
sheet: 对象 (部门, or 项目 and its code or name as the layout shows it), 键 (a path such as
年度目标 / 指标 / 2 / 绩效标准), 值 (the YAML of that key, or 删除 for a key the layout adds).
`build.py import` applies the rows after reading the layout, so nothing depends on a field
being known here: a field the schema gains round-trips without new code.

The rows are computed from what may leave the office only: secret projects, secret fields,
secret units and secret indicator rows never get a row (the layout shows them as the public
tables do).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from gongkai.source import schema as S

SHEET = "补充数据"
DEPARTMENT = "部门"
PROJECT = "项目"
DELETE = "删除"
IDENTITY = ("部门名称", "链接名", "年度")  # read by parse_file, before the department is placed
HEADER = ["对象", "键", "值"]
NOTE = ("本表由 build.py export 写出：表格版式容纳不下的内容（每行一个键，值为 YAML）。"
        "build.py import 读入表格后按本表补齐；请勿删改，除非确知其含义。")
# A row of a list is named by its position and, where its record has one, its name (三级指标 …):
# an editor may add or remove rows in the layout, and a 补充数据 row must still find its own.
IDENTITY_KEYS = ("三级指标", "任务名称", "单位名称")


@dataclass(frozen=True)
class Item:
    index: int
    name: str | None = None


Step = str | Item
Path_ = tuple[Step, ...]


def identity(row: Any) -> str | None:
    if not isinstance(row, dict):
        return None
    return next((str(row[k]).strip() for k in IDENTITY_KEYS if row.get(k)), None)


@dataclass(frozen=True)
class Entry:
    owner: str  # 部门, or the project's code or name as the layout gives it back
    path: Path_  # ends with a key
    value: Any  # importer data (Decimal amounts, int years), or DELETE
    ref: str = ""  # the cell it was read from

    @property
    def project(self) -> bool:
        return self.owner != DEPARTMENT


# ---- comparing -----------------------------------------------------------------------------------

def differences(record: S.Record, want: dict[str, Any], got: dict[str, Any], skip: frozenset[str] = frozenset()) -> list[tuple[Path_, Any]]:
    """(path, value) for every key of `want` that `got` lacks or holds differently, and DELETE for
    keys `got` has that `want` has not; records marked 涉密 are never written out."""
    out: list[tuple[Path_, Any]] = []
    for spec in record.fields:
        if spec.key in skip:
            continue
        mine, theirs = _given(want.get(spec.key)), _given(got.get(spec.key))
        if mine is None and theirs is None:
            continue
        if mine is None:
            out.append(((spec.key,), DELETE))
        elif not _same(spec, mine, theirs):
            out.extend(((spec.key,) + path, value) for path, value in _changes(spec, mine, theirs))
    return out


def _given(value: Any) -> Any:
    return None if value is None or value == "" or value == [] or value == {} else value


def _changes(spec: S.Field, want: Any, got: Any) -> list[tuple[Path_, Any]]:
    if spec.kind == S.RECORD and isinstance(want, dict) and isinstance(got, dict):
        return differences(spec.record, want, got)  # type: ignore[arg-type]
    if spec.kind == S.RECORDS and isinstance(want, list):
        return _list_changes(spec, want, got if isinstance(got, list) else [])
    return [((), typed(spec, want))]


def _list_changes(spec: S.Field, want: list[Any], got: list[Any]) -> list[tuple[Path_, Any]]:
    """Row by row when the rows line up; the whole list otherwise, without its secret rows."""
    if len(want) == len(got):
        out: list[tuple[Path_, Any]] = []
        for i, (mine, theirs) in enumerate(zip(want, got)):
            if _secret(mine) or not isinstance(mine, dict):
                continue  # the layout shows a secret row as the public tables do
            if isinstance(theirs, dict):
                row = Item(i, identity(theirs))
                out.extend(((row,) + path, value) for path, value in differences(spec.record, mine, theirs))  # type: ignore[arg-type]
        return out
    public = [item for item in want if not _secret(item)]
    return [((), typed(spec, public))] if public != got else []


def _secret(item: Any) -> bool:
    return isinstance(item, dict) and item.get("涉密") is True


def _same(spec: S.Field, want: Any, got: Any) -> bool:
    if spec.kind == S.AMOUNT:
        return _number(want) == _number(got)
    if spec.kind == S.YEAR:
        return str(want) == str(got)
    if spec.kind == S.RECORD and isinstance(want, dict) and isinstance(got, dict):
        return not differences(spec.record, want, got)  # type: ignore[arg-type]
    if spec.kind == S.RECORDS and isinstance(want, list) and isinstance(got, list):
        return len(want) == len(got) and all(
            isinstance(a, dict) and isinstance(b, dict) and not differences(spec.record, a, b) for a, b in zip(want, got))  # type: ignore[arg-type]
    if spec.kind in (S.TEXTS, S.KEYS):
        return _texts(want) == _texts(got)
    if spec.kind == S.PLAN and isinstance(want, dict) and isinstance(got, dict):
        return {k: str(v).removesuffix("%") for k, v in want.items()} == {k: str(v).removesuffix("%") for k, v in got.items()}
    return _text(want) == _text(got)


def _texts(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _text(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _number(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def typed(spec: S.Field, value: Any) -> Any:
    """YAML data as the importer hands it to yamlout: amounts as Decimal, years as int."""
    if value is None:
        return None
    if spec.kind == S.AMOUNT:
        number = _number(value)
        return number if number is not None else value
    if spec.kind == S.YEAR and str(value).isdigit():
        return int(str(value))
    if spec.kind == S.RECORD and isinstance(value, dict) and spec.record is not None:
        return {k: _typed_in(spec.record, k, v) for k, v in value.items()}
    if spec.kind == S.RECORDS and isinstance(value, list):
        record = S.Field(spec.key, spec.name, S.RECORD, "", record=spec.record)
        return [typed(record, item) for item in value]
    if spec.kind in (S.TEXTS, S.KEYS) and isinstance(value, list):
        return [str(v) for v in value]
    if spec.kind == S.PLAN and isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    return str(value) if not isinstance(value, bool) else value


def _typed_in(record: S.Record, key: str, value: Any) -> Any:
    spec = record.field(key)
    return typed(spec, value) if spec is not None else value


# ---- applying ------------------------------------------------------------------------------------

def field_at(record: S.Record, path: Path_) -> S.Field | None:
    """The schema field a path ends at (list indices step into the record of a list)."""
    spec: S.Field | None = None
    current: S.Record | None = record
    for step in path:
        if isinstance(step, Item):
            if spec is None or spec.kind != S.RECORDS:
                return None
            continue
        if current is None:
            return None
        spec = current.field(step)
        if spec is None:
            return None
        current = spec.record
    return spec


def apply(data: dict[str, Any], entries: list[Entry]) -> list[Entry]:
    """Set (or delete) each entry's key in `data`, creating the tables on the way; the entries
    whose row is no longer there (its name not found) are returned, not applied."""
    missed = []
    for entry in entries:
        node: Any = data
        for step, following in zip(entry.path, entry.path[1:]):
            node = _child(node, step, following)
            if node is None:
                missed.append(entry)
                break
        else:
            last = entry.path[-1]
            if entry.value == DELETE:
                node.pop(last, None)
            else:
                node[last] = entry.value
    return missed


def _child(node: Any, step: Step, following: Step) -> Any:
    if isinstance(step, Item):
        at = _row_index(node, step)
        if at is None:
            return None
        while len(node) <= at:
            node.append({})
        return node[at]
    if not isinstance(node.get(step), (dict, list)):
        node[step] = [] if isinstance(following, Item) else {}
    return node[step]


def _row_index(rows: list[Any], item: Item) -> int | None:
    """The row an entry names: at its position when the name matches, else the one row of that name."""
    if item.name is None or (item.index < len(rows) and identity(rows[item.index]) == item.name):
        return item.index
    same = [i for i, row in enumerate(rows) if identity(row) == item.name]
    return same[0] if len(same) == 1 else None


# ---- the sheet -----------------------------------------------------------------------------------

_ITEM_TEXT = re.compile(r"^第(\d+)行(?:（(.*)）)?$")


def path_text(path: Path_) -> str:
    """年度目标 / 指标 / 第2行（接入视频点位） / 绩效标准: rows counted from 1, as an editor counts them."""
    return " / ".join(_step_text(step) for step in path)


def _step_text(step: Step) -> str:
    if isinstance(step, Item):
        return f"第{step.index + 1}行" + (f"（{step.name}）" if step.name else "")
    return step


def parse_path(text: str) -> Path_:
    steps: list[Step] = []
    for part in (s.strip() for s in re.split(r" / (?![^（]*）)", text)):  # a row's name may hold " / " itself
        match = _ITEM_TEXT.match(part)
        steps.append(Item(int(match.group(1)) - 1, match.group(2) or None) if match else part)
    return tuple(step for step in steps if step != "")


def owner_text(owner: str) -> str:
    return owner if owner == DEPARTMENT else f"{PROJECT} {owner}"


def value_text(record: S.Record, entry: Entry) -> str:
    """The key and its value as YAML, in the content files' own style (yamlout)."""
    if entry.value == DELETE:
        return DELETE
    from gongkai.editor.importer.yamlout import Writer
    spec = field_at(record, entry.path)
    assert spec is not None, entry.path
    writer = Writer()
    writer.value(spec, entry.value, (), "", 0)
    return "\n".join(writer.lines)


def write_sheet(book: Any, entries: list[Entry]) -> None:
    from openpyxl.styles import Alignment
    ws = book.create_sheet(SHEET)
    ws.append([NOTE])
    ws.append(HEADER)
    for entry in entries:
        record = S.PROJECT if entry.project else S.DEPARTMENT
        ws.append([owner_text(entry.owner), path_text(entry.path), value_text(record, entry)])
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in zip("ABC", (30, 36, 90)):
        ws.column_dimensions[column].width = width


class SupplementError(Exception):
    """A row of 补充数据 that cannot be read; the message is Chinese and names the cell."""


def read_sheet(path: Path) -> list[Entry]:
    """The rows of the 补充数据 sheet of an .xlsx file (none when it has no such sheet)."""
    if path.suffix.lower() != ".xlsx":
        return []
    from openpyxl import load_workbook
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:
        return []  # grid.read_xlsx reports the damaged file
    if SHEET not in book.sheetnames:
        return []
    entries = []
    for r, row in enumerate(book[SHEET].iter_rows(values_only=True), start=1):
        cells = [("" if v is None else str(v)) for v in (tuple(row) + (None,) * 3)[:3]]
        if r <= 2 or not any(cells):
            continue  # the note and the header
        entries.append(_entry(cells, f"{SHEET}!A{r}"))
    return entries


def _entry(cells: list[str], ref: str) -> Entry:
    owner_cell, path_cell, value_cell = (c.strip() for c in cells)
    if owner_cell == DEPARTMENT:
        owner, record = DEPARTMENT, S.DEPARTMENT
    elif owner_cell.startswith(PROJECT + " "):
        owner, record = owner_cell[len(PROJECT) + 1:].strip(), S.PROJECT
    else:
        raise SupplementError(f"{ref}：对象应为“部门”或“项目 编码或名称”，实际是“{owner_cell}”")
    path = parse_path(path_cell)
    spec = field_at(record, path) if path and isinstance(path[-1], str) and not any(p == "" for p in path) else None
    if spec is None:
        raise SupplementError(f"{ref}：“{path_cell}”不是内容模型中的键")
    if value_cell == DELETE:
        return Entry(owner, path, DELETE, ref)
    return Entry(owner, path, typed(spec, _yaml_value(value_cell, spec.key, ref)), ref)


def _yaml_value(text: str, key: str, ref: str) -> Any:
    from gongkai.errors import ContentError
    from gongkai.source.load import parse_text
    try:
        data = parse_text(text, Path(ref), ref).data
    except ContentError as exc:
        raise SupplementError(f"{ref}：值不是正确的 YAML（{exc.problems[0].detail}）") from None
    if key not in data:
        raise SupplementError(f"{ref}：值应以“{key}:”开头")
    return data[key]
