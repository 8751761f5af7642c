"""The editors' commands behind build.py: import, export, new (and check --report).

Kept apart from cli.py so the build commands stay short; cli.py only registers and dispatches.
Exit codes as everywhere: 0 ok, 1 content problems, 2 usage errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from gongkai.launch import command
EDITOR_COMMANDS = ("import", "export", "new")


def add_editor_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("import", help="从 Excel（.xlsx/.csv）或 Word（.docx）表格导入内容",
                       description="读取玉田式项目绩效目标表、广州式部门项目清单或鄂州式项目申报表，写出内容文件（YAML）。"
                                   "无法对应的单元格会逐一列出（含单元格位置），不会被悄悄丢弃。")
    p.add_argument("file", type=Path, help="要导入的 .xlsx、.csv 或 .docx 文件，或装有这些表格的 .zip 文件（Windows 上制作的 GBK 文件名也可以）")
    p.add_argument("--content", type=Path, default=Path("content"), help="内容文件夹（默认 content/）")
    p.add_argument("--year", type=int, help="预算年度（来源未写明年度时必填），如 2025")
    p.add_argument("--department", help="部门全称（来源未写明部门名称时必填，如鄂州式申报表）")
    p.add_argument("--slug", help="新建部门文件夹的链接名（默认取部门名称拼音），如 ezhou-zfw")
    p.add_argument("--overwrite", action="store_true", help="覆盖已有的同名项目文件（默认保留已有文件）")

    p = sub.add_parser("export", help="把一个部门的内容导出为 Excel 表格（与来源表格相同的格式）",
                       description="按玉田式、广州式或鄂州式格式导出一个部门一个年度的内容，便于各部门在此基础上填写下一年度的表格。"
                                   "导出的文件可以再用 import 导入。")
    p.add_argument("--content", type=Path, default=Path("content"), help="内容文件夹（默认 content/）")
    p.add_argument("--year", type=int, required=True, help="年度，如 2025")
    p.add_argument("--department", required=True, help="部门文件夹名（链接名），如 yutian-zfw")
    p.add_argument("--layout", required=True, choices=("yutian", "guangzhou", "ezhou"), help="表格格式")
    p.add_argument("--out", type=Path, required=True, help="输出的 .xlsx 文件")
    p.add_argument("--secret-register", type=Path, default=None, metavar="FILE",
                   help="涉密登记册（与构建时相同）：所列项目只导出编码和金额")

    p = sub.add_parser("new", help="新建部门或项目文件（含每一项的说明和示例）",
                       description="按内容模型写出带注释的空白文件：每个键都说明应填写什么，并给出来自示例文件的例子。")
    kinds = p.add_subparsers(dest="kind", metavar="类型")
    d = kinds.add_parser("department", help="新建部门：content/<年度>/<链接名>/部门.yml")
    d.add_argument("--content", type=Path, default=Path("content"), help="内容文件夹（默认 content/）")
    d.add_argument("--year", type=int, required=True, help="年度，如 2026")
    d.add_argument("--slug", required=True, help="部门链接名（小写字母、数字、连字符），如 yutian-zfw")
    d.add_argument("--name", help="部门全称（可稍后在文件中填写）")
    j = kinds.add_parser("project", help="新建项目：content/<年度>/<部门链接名>/<文件名>.yml")
    j.add_argument("--content", type=Path, default=Path("content"), help="内容文件夹（默认 content/）")
    j.add_argument("--year", type=int, required=True, help="年度，如 2026")
    j.add_argument("--department", required=True, help="部门文件夹名（链接名），如 yutian-zfw")
    j.add_argument("--file", required=True, help="项目文件名（不含 .yml；小写字母、数字、连字符），如 jyywjj")
    j.add_argument("--name", help="项目名称（可稍后在文件中填写）")


def run_editor_command(args: argparse.Namespace) -> int:
    if args.command == "import":
        return _import(args)
    if args.command == "export":
        return _export(args)
    if args.command == "new":
        return _new(args)
    return 2


def _import(args: argparse.Namespace) -> int:
    from gongkai.editor.importer import ImportFailed, import_file
    from gongkai.editor.importer.archive import import_archive
    options = {"year": args.year, "department": args.department, "slug": args.slug, "overwrite": args.overwrite}
    try:
        if args.file.suffix.lower() == ".zip":
            reports = import_archive(args.file, args.content, **options)
        else:
            reports = [(args.file.name, import_file(args.file, args.content, **options))]
    except ImportFailed as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except (ValueError, KeyError, IndexError, OSError):  # a table shaped unlike any we know
        print(f"{args.file.name}：无法导入，表格中有程序不能处理的结构。请确认它含有“项目名称”栏和指标表（或是玉田式、广州式、鄂州式表格）；"
              "可以先用 Excel/Word 另存为 .xlsx/.docx 后再试。", file=sys.stderr)
        return 2
    for name, report in reports:
        _print_report(name if len(reports) > 1 else None, report)
    print(f"导入完成：写入 {sum(len(r.written) for _, r in reports)} 个文件。")
    return _check_after_import(args.content)


def _print_report(member: str | None, report: Any) -> None:
    if member:
        print(f"—— {member}")
    for path in report.written:
        print(f"已写入：{path}")
    for path in report.kept:
        print(f"已存在，未覆盖：{path}（如需覆盖请加 --overwrite）")
    if report.department_kept:
        print(f"部门文件已存在，未改动：{report.department_kept}（表格中的部门整体内容没有写入，请对照表格核对）")
    if report.unmapped:
        print(f"以下 {len(report.unmapped)} 处内容未能对应到内容模型，没有导入，请人工核对：")
        for item in report.unmapped:
            print(item.format())


def _check_after_import(content: Path) -> int:
    """Check the whole tree right away, so an editor sees at once whether it can be published."""
    from gongkai.errors import ContentError
    from gongkai.cli import CONFIG, SITE, TEMPLATES
    from gongkai.pipeline import Paths, check
    try:
        result = check(Paths(content=content, config=CONFIG, templates=TEMPLATES, out=SITE))
    except ContentError as exc:
        print(str(exc), file=sys.stderr)
        errors = sum(1 for p in exc.problems if not p.is_warning)
        print(f"文件已写入，但内容检查发现 {errors} 个错误，请按提示改正后运行 {command()} check。", file=sys.stderr)
        return 1
    assert result.site is not None
    projects = sum(len(d.projects) for d in result.site.departments)
    from gongkai.cli import warning_summary
    print(f"内容检查通过：{len(result.site.departments)} 个部门，{projects} 个项目，{warning_summary(result)}"
          f"（{command()} check --content {content} 查看警告）。")
    return 0


def _export(args: argparse.Namespace) -> int:
    from gongkai.errors import ContentError
    from gongkai.editor.sheets import ExportFailed, export_department
    from gongkai.writer import UnsafeOutput, check_output_file
    try:
        check_output_file(args.out, (".xlsx",), [("内容文件夹", args.content), ("涉密登记册", args.secret_register)], "导出的表格")
        export_department(args.content, args.year, args.department, args.layout, args.out, args.secret_register)
    except (ExportFailed, UnsafeOutput) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except ContentError as exc:
        print(str(exc), file=sys.stderr)
        print(f"内容有错误，未导出；请先改正（{command()} check）。", file=sys.stderr)
        return 1
    print(f"已写入：{args.out}")
    return 0


def _new(args: argparse.Namespace) -> int:
    from gongkai.editor.scaffold import ScaffoldFailed, new_department, new_project
    try:
        if args.kind == "department":
            path = new_department(args.content, args.year, args.slug, args.name)
        elif args.kind == "project":
            path = new_project(args.content, args.year, args.department, args.file, args.name)
        else:
            print(f"请指定要新建的类型：department 或 project（{command()} new --help）", file=sys.stderr)
            return 2
    except ScaffoldFailed as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(f"已写入：{path}")
    print(f"请按文件中的注释填写，然后运行 {command()} check。")
    return 0


def write_check_report(result: object, target: Path, content: Path, site: Path) -> int:
    """Write the quality review; never inside the site or content/ (ReportLocationError, exit 2)."""
    from gongkai.editor.quality import WithheldInReport, write_report
    try:
        write_report(result, target, {"网站输出文件夹": site, "content 内容文件夹": content})
    except WithheldInReport as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"质量审查报告已写入：{target}")
    return 0
