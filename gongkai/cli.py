"""The command line: build, check, serve, audit. Exit codes: 0 ok, 1 content errors, 2 usage."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gongkai.editor.commands import EDITOR_COMMANDS, add_editor_commands, run_editor_command, write_check_report
from gongkai.errors import ContentError
from gongkai.launch import command as ran_as
from gongkai.pipeline import AuditFailed, Paths, Result, build, check
from gongkai.disclosure.report import ReportLocationError
from gongkai.portable import SwapFailed
from gongkai.writer import BuildLocked, OutputError, UnsafeOutput, check_output_file


# Defaults are relative to the folder the command runs in (the editor's project folder), never to
# where the package is installed.
CONTENT, CONFIG, TEMPLATES, SITE = Path("content"), Path("site_config.yml"), Path("templates"), Path("site")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--content", type=Path, default=CONTENT, help="内容文件夹（默认 content/）")
    parser.add_argument("--config", type=Path, default=CONFIG, help="配置文件（默认 site_config.yml）")
    parser.add_argument("--templates", type=Path, default=TEMPLATES, help="模板文件夹（默认 templates/）")
    parser.add_argument("--secret-register", type=Path, default=None, metavar="FILE",
                        help="涉密登记册：每行一个项目编码（# 后为注释），放在 content 之外；所列项目按涉密处理，登记册本身不公开")


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog=ran_as(), description="gongkai：预算绩效目标公开网站生成器。不带子命令时构建示例网站到 site/。")
    sub = main.add_subparsers(dest="command", metavar="命令")
    p = sub.add_parser("build", help="构建网站", description="校验内容、脱密、生成网页并审计后，原子地替换输出文件夹。")
    _common(p)
    p.add_argument("--out", type=Path, default=SITE, help="输出文件夹（默认 site/）")
    p.add_argument("--report-dir", type=Path, default=None, help="内部脱密报告的文件夹（默认输出文件夹旁的 reports/；不能在输出文件夹内，不公开）")
    p.add_argument("--shard", default=None, metavar="地区或部门",
                   help="只构建一个分片：部门文件夹名或 部门.yml 中“地区”的开头（如 湖北省），多个用逗号分隔；之后用 merge 合并")
    _shard_commands(sub)
    p = sub.add_parser("check", help="只校验内容，不生成网站", description="校验全部内容文件并报告所有问题（中文，含文件:行:列）。")
    _common(p)
    p.add_argument("--report", type=Path, default=None, metavar="FILE", help="另写一份目标质量审查报告（HTML），如 report.html")
    p = sub.add_parser("serve", help="本地预览，内容或模板改动后自动刷新", description="在本机启动预览服务器；内容有误时在浏览器中显示错误页面。")
    _common(p)
    p.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    p.add_argument("--host", default="127.0.0.1", help="地址（默认 127.0.0.1）")
    p = sub.add_parser("audit", help="检查已构建的网站文件夹中有无涉密内容", description="对任一已构建的文件夹运行泄密审计；发现问题时退出码为 1。")
    _common(p)
    p.add_argument("site_dir", type=Path, help="要审计的网站文件夹")
    add_editor_commands(sub)
    return main


def _shard_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("merge", help="把各分片合并为一个网站", description="合并用 build --shard 构建的分片：全国首页、年度页、搜索页、feed、sitemap、合并的开放数据和搜索，并按每个分片的不公开内容审计合并后的文件夹。")
    p.add_argument("shard_dirs", nargs="+", type=Path, metavar="SHARD_DIR", help="分片的输出文件夹")
    p.add_argument("--out", type=Path, required=True, help="合并后网站的输出文件夹")
    p.add_argument("--config", type=Path, default=CONFIG, help="配置文件（与各分片相同）")
    p.add_argument("--templates", type=Path, default=TEMPLATES, help="模板文件夹（与各分片相同）")
    p.add_argument("--shard-reports", nargs="+", type=Path, default=None, metavar="DIR",
                   help="各分片的报告文件夹（按分片顺序；默认各分片文件夹旁的 reports/）")
    p.add_argument("--report-dir", type=Path, default=None, help="合并结果的分片文件写入的文件夹（默认输出文件夹旁的 reports/）")
    p = sub.add_parser("cluster", help="在 Dask 集群上构建各分片并合并", description="每个分片作为一个 Dask 任务构建（本机集群或 --scheduler 指定的集群），然后合并。")
    _common(p)
    p.add_argument("shards", nargs="+", metavar="SHARD", help="每个分片：部门文件夹名或地区开头，多个用逗号分隔")
    p.add_argument("--out", type=Path, required=True, help="合并后网站的输出文件夹（分片写在其旁的 <名称>-shards/）")
    p.add_argument("--scheduler", default=None, metavar="tcp://主机:8786", help="Dask 调度器地址；不写则在本机启动集群")
    p.add_argument("--workers", type=int, default=2, help="本机集群的进程数（默认 2）")


def _paths(args: argparse.Namespace) -> Paths:
    return Paths(content=args.content, config=args.config, templates=args.templates, out=getattr(args, "out", SITE),
                 secret_register=getattr(args, "secret_register", None), report_dir=getattr(args, "report_dir", None),
                 shard=getattr(args, "shard", None))


def _merge(args: argparse.Namespace) -> int:
    from gongkai.shards import build_and_merge, merge, shard_jobs
    if args.command == "merge":
        result = merge(args.shard_dirs, args.out, args.config, args.templates, args.shard_reports, args.report_dir)
    else:
        try:
            import distributed  # noqa: F401
        except ImportError:
            print("cluster 需要 Dask：python3 -m pip install -r requirements-cluster.txt", file=sys.stderr)
            return 2
        jobs = shard_jobs(args.content, args.config, args.templates, args.shards, args.out, args.secret_register)
        result = build_and_merge(jobs, args.out, args.scheduler, args.workers)
    projects = sum(len(d.projects) for d in result.public.departments)
    print(f"合并完成：{len(result.public.departments)} 个部门，{projects} 个项目，{len(result.sizes)} 个文件，写入 {args.out}。泄密审计：0 处。")
    return 0


def _inputs(args: argparse.Namespace) -> list[tuple[str, Path | None]]:
    """What a command reads, which nothing it writes may replace."""
    return [("内容文件夹", args.content), ("配置文件", args.config), ("模板文件夹", args.templates),
            ("涉密登记册", getattr(args, "secret_register", None))]


def warning_summary(result: Result) -> str:
    """"27 条警告", or how many of them the files acknowledge under 已知警告."""
    text = f"{len(result.warnings)} 条警告"
    if result.acknowledged:
        text += f"（另有 {len(result.acknowledged)} 条已知警告，已在文件的“已知警告”中确认，不再逐条列出）"
    return text


def _report_warnings(warnings: list) -> None:
    for warning in warnings:
        print(warning.format(), file=sys.stderr)


def run(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    command = args.command or "build"
    if args.command is None:
        args = parser().parse_args(["build"])
    if command in EDITOR_COMMANDS:
        return run_editor_command(args)
    try:
        if command == "build":
            result = build(_paths(args))
            if result.warnings:  # acknowledged ones alone are not news: check counts them
                print(f"{warning_summary(result)}，不影响发布；运行 {ran_as()} check 查看。", file=sys.stderr)
            pages = sum(1 for p in result.files if p.endswith(".html"))
            print(f"构建完成：{pages} 个页面，{len(result.files)} 个文件，写入 {args.out}。泄密审计：0 处。")
            return 0
        if command in ("merge", "cluster"):
            return _merge(args)
        if command == "check":
            if args.report:  # before the check: a report path that would overwrite input is refused at once
                check_output_file(args.report, (".html", ".htm"), _inputs(args), "质量审查报告")
            result = check(_paths(args))
            _report_warnings(result.warnings)
            assert result.site is not None
            projects = sum(len(d.projects) for d in result.site.departments)
            print(f"检查通过：{len(result.site.departments)} 个部门，{projects} 个项目，{warning_summary(result)}。")
            if args.report:
                return write_check_report(result, args.report, args.content, _paths(args).out)
            return 0
        if command == "audit":
            return _audit(args)
        if command == "serve":
            from gongkai.editor.serve import serve
            return serve(_paths(args), args.host, args.port)
    except ContentError as exc:
        print(str(exc), file=sys.stderr)
        errors = sum(1 for p in exc.problems if not p.is_warning)
        print(f"发现 {errors} 个错误，未写入任何文件；原有网站保持不变。", file=sys.stderr)
        return 1
    except AuditFailed as exc:
        print(str(exc), file=sys.stderr)
        print(f"泄密审计发现 {len(exc.hits)} 处问题，构建已停止；原有网站保持不变。", file=sys.stderr)
        return 1
    except (BuildLocked, SwapFailed) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except (ReportLocationError, UnsafeOutput, OutputError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断；原有网站保持不变。", file=sys.stderr)
        return 1
    return 2


def _audit(args: argparse.Namespace) -> int:
    from gongkai.publish.audit import audit_files
    from gongkai.writer import site_files
    if not args.site_dir.is_dir():
        print(f"文件夹不存在：{args.site_dir}", file=sys.stderr)
        return 2
    result = check(_paths(args))
    assert result.public is not None
    hits = audit_files(site_files(args.site_dir), result.public)
    for hit in hits:
        print(hit.format(), file=sys.stderr)
    if hits:
        print(f"泄密审计发现 {len(hits)} 处问题。", file=sys.stderr)
        return 1
    print(f"泄密审计通过：{args.site_dir} 中没有发现不应公开的内容。")
    return 0


def main() -> None:
    from gongkai.launch import main as launch
    launch()
