"""`build.py new department|project`: a file with every key of the content model, each with what
belongs there and an example from the seeds — written from gongkai/schema.py, so a scaffold can
never drift from what the validator accepts.

Required keys are live lines (empty until filled in, so `check` names whatever is still missing);
optional keys are commented out with their example, ready to uncomment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gongkai.launch import command
from gongkai.slugs import SLUG_PATTERN
from gongkai.source import schema as S
from gongkai.editor.importer.yamlout import SCHEMA_LINE, scalar



class ScaffoldFailed(Exception):
    """The scaffold cannot be written as asked; the message is Chinese."""


def _example_lines(spec: S.Field, indent: int) -> list[str]:
    """`key: example` (or the key with its nested example) as YAML lines."""
    pad = " " * indent
    example = spec.example
    if spec.kind == S.PLAN and isinstance(example, dict):
        return [f"{pad}{spec.key}:"] + [f"{pad}  {scalar(k)}: {scalar(v)}" for k, v in example.items()]
    if spec.kind in (S.TEXTS, S.KEYS):
        return [f"{pad}{spec.key}: [{', '.join(scalar(v) for v in example or [])}]"]
    if spec.kind == S.RECORD and spec.record is not None:
        return [f"{pad}{spec.key}:"] + _record_lines(spec.record, indent + 2, commented=True, examples_only=True)
    if spec.kind == S.RECORDS and spec.record is not None:
        lines = [f"{pad}{spec.key}:"]
        item = _record_lines(spec.record, indent + 4, commented=True, examples_only=True)
        if item:
            first = item[0]
            item[0] = " " * (indent + 2) + "- " + first.lstrip()
        return lines + item
    if example is None:
        return [f"{pad}{spec.key}: "]
    return [f"{pad}{spec.key}: {_scalar_example(spec, example)}"]


def _scalar_example(spec: S.Field, example: Any) -> str:
    if spec.kind == S.AMOUNT and isinstance(example, float):
        return f"{example:.2f}" if example.is_integer() else repr(example)
    if spec.kind == S.CODE:
        return scalar(str(example)) if not str(example).isdigit() else f'"{example}"'
    return scalar(example)


def _doc(spec: S.Field) -> str:
    need = "必填" if spec.required else "选填"
    choices = f"只能是 {' / '.join(spec.choices)}。" if spec.choices else ""
    return f"{spec.key}（{need}）：{spec.doc}{choices}"


def _record_lines(record: S.Record, indent: int, commented: bool, examples_only: bool = False,
                  filled: dict[str, str] | None = None) -> list[str]:
    """Each field's documentation, then the field: live when required (and not inside a commented
    block), commented out with its example otherwise."""
    pad = " " * indent
    lines: list[str] = []
    for spec in record.fields:
        if examples_only:
            if spec.example is None and spec.kind not in (S.RECORD, S.RECORDS) and not spec.required:
                continue
            example = _example_lines(spec, indent)
            example[0] = example[0].rstrip() + f"  # {'必填' if spec.required else '选填'}：{spec.doc}"
            lines.extend(example)
            continue
        lines.append(f"{pad}# {_doc(spec)}")
        live = spec.required and not commented
        if live:
            if spec.kind == S.RECORD and spec.record is not None:
                lines.append(f"{pad}{spec.key}:")
                lines.extend(_record_lines(spec.record, indent + 2, commented=False))
                continue
            value = (filled or {}).get(spec.key)
            if spec.example is not None and value is None:
                lines.append(f"{pad}# 例：{spec.key}: {_scalar_example(spec, spec.example)}")
            lines.append(f"{pad}{spec.key}: {value}" if value is not None else f"{pad}{spec.key}:")
            continue
        value = (filled or {}).get(spec.key)
        if value is not None:
            lines.append(f"{pad}{spec.key}: {value}")
            continue
        lines.extend(f"{pad}# {line[indent:]}" if line.startswith(pad) else f"{pad}# {line}"
                     for line in _example_lines(spec, indent))
    return lines


def scaffold_text(record: S.Record, kind: str, intro: list[str], filled: dict[str, str] | None = None) -> str:
    lines = [SCHEMA_LINE.format(kind=kind)]
    lines.extend(f"# {line}" for line in intro)
    lines.append("")
    lines.extend(_record_lines(record, 0, commented=False, filled=filled))
    return "\n".join(line.rstrip() for line in lines) + "\n"


def department_scaffold(year: int, slug: str, name: str | None = None) -> str:
    filled = {"年度": str(year), "链接名": slug}
    if name:
        filled["部门名称"] = scalar(name)
    intro = [f"新部门：{year} 年 {slug}。每一项上方的注释说明应填写什么；“必填”项必须填写，",
             "“选填”项去掉行首的 # 即可启用。填好后运行 " + command() + " check。编辑手册：docs/（内容模型见 docs/content-model.md）。"]
    return scaffold_text(S.DEPARTMENT, "department", intro, filled)


def project_scaffold(name: str | None = None) -> str:
    filled = {"项目名称": scalar(name)} if name else None
    intro = ["新项目。每一项上方的注释说明应填写什么；“必填”项必须填写，“选填”项去掉行首的 # 即可启用。",
             "金额只写数字，单位见“金额单位”（省略时用部门文件的单位）。填好后运行 " + command() + " check。"]
    return scaffold_text(S.PROJECT, "project", intro, filled)


def _check_slug(value: str, what: str) -> None:
    if not SLUG_PATTERN.match(value) or value in S.RESERVED_SLUGS:
        raise ScaffoldFailed(f"{what}“{value}”不符合要求：只能用小写字母、数字和连字符（如 yutian-zfw），且不能是保留名。")


def _check_year(year: int) -> None:
    if not 1949 <= year <= 2100:
        raise ScaffoldFailed(f"年度“{year}”不正确：写四位数字，如 2026。")


def new_department(content: Path, year: int, slug: str, name: str | None = None) -> Path:
    _check_year(year)
    _check_slug(slug, "链接名")
    target = content / str(year) / slug / S.DEPARTMENT_FILE
    if target.exists():
        raise ScaffoldFailed(f"文件已存在，未覆盖：{target}")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(department_scaffold(year, slug, name), encoding="utf-8")
    return target


def new_project(content: Path, year: int, department: str, file: str, name: str | None = None) -> Path:
    _check_year(year)
    _check_slug(file, "文件名")
    folder = content / str(year) / department
    if not (folder / S.DEPARTMENT_FILE).exists():
        raise ScaffoldFailed(f"部门文件夹 {folder} 中没有 {S.DEPARTMENT_FILE}：先运行 {command()} new department --year {year} --slug {department}")
    target = folder / f"{file}.yml"
    if target.exists():
        raise ScaffoldFailed(f"文件已存在，未覆盖：{target}")
    target.write_text(project_scaffold(name), encoding="utf-8")
    return target
