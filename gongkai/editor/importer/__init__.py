"""`build.py import FILE`: editors' Excel, CSV and Word tables into content YAML.

grid reads any of the three file types into rows of cells; layouts recognises the seed layouts
and maps their cells to the content model; this module decides where the files go (an existing
department folder of the same name, or a new one with its 部门.yml) and writes them. Everything
that could not be mapped is reported with its cell reference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gongkai.source.schema import DEPARTMENT_FILE, RESERVED_SLUGS
from gongkai.slugs import SHORT_SLUG, department_slug, slugify
from gongkai.editor.importer.grid import UnreadableFile, read_rows
from gongkai.editor.importer.layouts import LayoutError, detect, read
from gongkai.editor.importer.result import Imported, ImportedProject, Unmapped
from gongkai.editor.importer.supplement import (DELETE, DEPARTMENT, IDENTITY, Entry, SupplementError, apply, path_text,
                                                read_sheet)
from gongkai.editor.importer.yamlout import render

__all__ = ["ImportFailed", "ImportReport", "import_file", "parse_file", "render_project", "render_department"]


class ImportFailed(Exception):
    """The file cannot be imported as asked; the message is Chinese and says what to do."""


@dataclass
class ImportReport:
    layout: str
    folder: Path
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # existing files not overwritten
    department_kept: Path | None = None  # an existing 部门.yml left as it is although the source has department content
    unmapped: list[Unmapped] = field(default_factory=list)


def document_title(path: Path) -> str | None:
    """The title stored in the file's properties, which budget documents usually carry."""
    try:
        if path.suffix.lower() == ".docx":
            import docx
            return docx.Document(str(path)).core_properties.title or None
        if path.suffix.lower() == ".xlsx":
            from openpyxl import load_workbook
            return load_workbook(path, read_only=True).properties.title or None
    except Exception:
        return None
    return None


def parse_file(path: Path) -> Imported:
    if not path.is_file():
        raise ImportFailed(f"文件不存在：{path}")
    try:
        rows = read_rows(path)
        layouts = detect(rows)
        entries = read_sheet(path)
    except (UnreadableFile, LayoutError, SupplementError) as exc:
        raise ImportFailed(f"{path.name}：{exc}") from None
    imported = read(rows, layouts, fill_empty=path.suffix.lower() == ".csv", title=document_title(path))
    _take_supplement(imported, entries)
    return imported


def _take_supplement(imported: Imported, entries: list[Entry]) -> None:
    """The department's identity from 补充数据 now; the other rows wait for their file's rendering."""
    owners = {DEPARTMENT} | {p.code or p.name for p in imported.projects}
    for entry in entries:
        if entry.owner not in owners:
            imported.skip(entry.ref, entry.owner, "补充数据中的项目在表格中找不到，未导入")
            continue
        if entry.owner == DEPARTMENT and len(entry.path) == 1 and entry.path[0] in IDENTITY and entry.value != DELETE:
            if entry.path[0] == "年度":
                imported.year = entry.value
            else:
                imported.department.data[entry.path[0]] = entry.value
            continue
        imported.supplement.append(entry)


def _missed(imported: Imported, entries: list[Entry]) -> None:
    for entry in entries:
        imported.skip(entry.ref, path_text(entry.path), "补充数据中的这一行在表格中找不到对应的行（表格中的行已增删或改名），未导入")


def _entries_for(imported: Imported, owner: str) -> list[Entry]:
    return [e for e in imported.supplement if e.owner == owner]


def _existing_department(content: Path, year: int, name: str) -> Path | None:
    import yaml
    folder = content / str(year)
    if not folder.is_dir():
        return None
    for dept_file in sorted(folder.glob(f"*/{DEPARTMENT_FILE}")):
        try:
            data = yaml.safe_load(dept_file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        if isinstance(data, dict) and str(data.get("部门名称", "")).strip() == name:
            return dept_file.parent
    return None


def _project_stem(project: ImportedProject, taken: set[str]) -> str:
    given = project.data.get("链接名")
    base = given or (slugify(project.code) if project.code else slugify(project.name, SHORT_SLUG))
    base = base or "xiangmu"
    if base in RESERVED_SLUGS:
        base += "-xiangmu"
    stem, n = base, 2
    while stem in taken:
        stem, n = f"{base}-{n}", n + 1
    taken.add(stem)
    return stem


def render_project(project: ImportedProject, stem: str | None = None, deletions: list[Entry] = ()) -> str:  # type: ignore[assignment]
    data = dict(project.data)
    if stem and not project.code and "链接名" not in data:
        data["链接名"] = stem
        project.comments.setdefault(("链接名",), "网址名取文件名；可改为更短的拼音")
    if not project.code and not project.secret:
        project.notes.setdefault(("项目编码",), ["来源未列明项目编码"])
    apply(data, list(deletions))
    return render("project", data, project.header, project.comments, project.notes)


def render_department(imported: Imported, name: str, year: int, slug: str) -> str:
    dept = imported.department
    data: dict[str, Any] = {k: v for k, v in dept.data.items()}
    data.update({"部门名称": name, "链接名": slug, "年度": year})
    notes = dict(dept.notes)
    if "部门编码" not in data:
        notes[("部门编码",)] = ["来源未列明部门编码"]
    if imported.year is None:
        notes[("年度",)] = ["来源未写明年度，导入时指定"]
    if dept.name is None:
        notes[("部门名称",)] = ["来源未写明部门名称，导入时指定"]
    units = []
    comments = dict(dept.comments)
    for i, unit in enumerate(dept.units):
        item: dict[str, Any] = {"单位名称": unit.name}
        if unit.code:
            item["单位编码"] = unit.code
        if unit.total is not None:
            item["合计"] = unit.total
            if unit.stated:
                comments[("单位", i, "合计")] = f"来源小计行：{unit.stated}"
        units.append(item)
    if units:
        data["单位"] = units
    _missed(imported, apply(data, [e for e in _entries_for(imported, DEPARTMENT) if e.path[0] not in ("部门名称", "年度")]))
    header = [f"由 gongkai import 从来源表格导入（{_LAYOUT_NAMES[imported.layout]}）。"]
    return render("department", data, header, comments, notes)


_LAYOUT_NAMES = {"yutian": "玉田式项目绩效目标表", "guangzhou": "广州式部门项目清单", "ezhou": "鄂州式项目申报表",
                 "form": "按表头识别的绩效目标表"}


def import_file(path: Path, content: Path, year: int | None = None, department: str | None = None,
                slug: str | None = None, overwrite: bool = False) -> ImportReport:
    """Read `path` and write its department and project files below `content`."""
    imported = parse_file(path)
    year = year or imported.year
    if year is None:
        raise ImportFailed(f"{path.name}：来源没有写明年度，请加上 --year（例如 --year 2025）。")
    name = department or imported.department.name
    if not name:
        raise ImportFailed(f"{path.name}：来源没有写明部门名称，请加上 --department（例如 --department 中共鄂州市委政法委员会）。")
    if not imported.projects and not set(imported.department.data) - {"部门名称", "金额单位", "来源", "链接名"}:
        raise ImportFailed(f"{path.name}：没有找到任何项目（{_LAYOUT_NAMES[imported.layout]}）。")
    slug = slug or imported.department.data.get("链接名")  # kept by export's 补充数据 sheet
    if slug is not None and (not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug) or slug in RESERVED_SLUGS):
        raise ImportFailed(f"链接名“{slug}”不符合要求：只能用小写字母、数字和连字符，如 ezhou-zfw。")
    if imported.year is not None and imported.year != year:
        imported.department.note(("年度",), f"来源写的是 {imported.year} 年，导入时指定为 {year} 年")
    folder = _existing_department(content, year, name)
    report = ImportReport(imported.layout, folder or content / str(year) / (slug or department_slug(name) or "bumen"))
    files: list[tuple[Path, str]] = []
    if folder is not None and set(imported.department.data) - {"部门名称", "金额单位", "来源", "链接名"}:
        report.department_kept = folder / DEPARTMENT_FILE  # the department's own content is not merged into an existing file
    if folder is None:
        if (report.folder / DEPARTMENT_FILE).exists():
            raise ImportFailed(f"文件夹 {report.folder} 中已有另一个部门的 {DEPARTMENT_FILE}（部门名称不是“{name}”）："
                               "请用 --slug 指定另一个链接名，或用 --department 写明该部门的名称。")
        files.append((report.folder / DEPARTMENT_FILE, render_department(imported, name, year, report.folder.name)))
    batch: set[str] = set()  # file names are unique within one import; an existing file is kept
    for project in imported.projects:
        entries = _entries_for(imported, project.code or project.name)
        _missed(imported, apply(project.data, [e for e in entries if e.value != DELETE]))  # before naming: 补充数据 may add the code
        deletions = [e for e in entries if e.value == DELETE]  # keys the reader or render adds that the content had not
        stem = _project_stem(project, batch)
        target = report.folder / f"{stem}.yml"
        if target.exists() and not overwrite:
            report.kept.append(target)
            continue
        files.append((target, render_project(project, stem, deletions)))
    for target, text in files:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        report.written.append(target)
    report.unmapped = imported.unmapped
    return report
