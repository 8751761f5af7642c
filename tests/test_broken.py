"""The broken-input corpus: every way content from many hands goes wrong gets a clear answer.

Each case below is a named, documented edit of a small valid content tree (written to tmp_path
at test time; the 100 MB file is generated, never committed). Every case goes through the command
line twice, `check --content C` and `build --content C --out S`:

* the cases marked `cli=True` (one or more of each family, and every case that once crashed the
  interpreter) run as real `python build.py …` subprocesses; the others call the same entry point
  (`gongkai.cli.run`, which build.py calls) in-process, so that ~100 cases do not start ~200
  interpreters on a shared 2-core machine;
* rejected cases: exit code 1, a Chinese message naming the file (with `:line:column` where the
  input has a line), the expected error code, no traceback, and the site previously built in S
  left byte-identical (no staging folder or lock left beside it);
* accepted variants (BOM, CRLF, other date spellings): exit 0, and the built site is
  byte-identical to the site of the unedited tree — the variant changes nothing visible.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import shutil
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from conftest import run_cli

DEPT_DIR = ("2025", "ceshi-ju")
DEPT_FILE = "部门.yml"
PROJECT_FILE = "CS2025001.yml"
OTHER_FILE = "CS2025002.yml"

DEPARTMENT = """\
# yaml-language-server: $schema=../../../schema/department.schema.json
部门名称: 测试市测试局
部门简称: 测试局
部门编码: "900001"
链接名: ceshi-ju
行政级别: 市级
地区: 测试市
年度: 2025
金额单位: 万元
来源: 测试局2025年部门预算绩效目标
整体绩效目标: |
  <p>第一段目标。</p><p>第二段目标。</p>
年度主要任务:
  - 任务名称: 测试任务
    金额: 10
    项目编码: "CS2025001"
    绩效目标: 任务目标
    绩效指标: 任务指标
工作保障措施: |
  1. 保障措施一
单位:
  - 单位名称: 测试局本级
    单位编码: "900001001"
    合计: 15
合计: 15
涉密: false
备注: 部门备注
"""

PROJECT = """\
# yaml-language-server: $schema=../../../schema/project.schema.json
项目名称: 测试项目
项目编码: "CS2025001"
实施单位: 测试局本级
项目类别: 本级支出项目
项目性质: 持续性项目
项目属性: [经常性项目]
项目期: 2025
立项依据: 根据《测试条例》
资金用途: 用于测试。
金额单位: 万元
资金:
  总额: 10
  财政拨款: 10
资金支出计划:
  3月底: 25%
  6月底: 50%
  12月底: 100%
年度目标:
  名称: 年度绩效目标1
  目标: 完成测试。
  指标:
    - 一级指标: 产出指标
      二级指标: 数量指标
      三级指标: 测试次数
      分类编码: 年度目标01
      绩效指标描述: 测试的次数
      指标值: "≥3次"
      指标值确定依据: 计划
      绩效标准: 达到
审核意见:
  意见: 同意
  日期: 2024-10-20
来源: 测试
涉密: false
备注: 项目备注
"""

OTHER = """\
项目名称: 第二个测试项目
项目编码: "CS2025002"
实施单位: 测试局本级
资金:
  总额: 5
  财政拨款: 5
"""


def write_base(content: Path) -> Path:
    folder = content.joinpath(*DEPT_DIR)
    folder.mkdir(parents=True)
    (folder / DEPT_FILE).write_text(DEPARTMENT, encoding="utf-8")
    (folder / PROJECT_FILE).write_text(PROJECT, encoding="utf-8")
    (folder / OTHER_FILE).write_text(OTHER, encoding="utf-8")
    return content


# ---- edits ------------------------------------------------------------------------------------

Edit = Callable[[Path], None]


def _file(content: Path, name: str) -> Path:
    return content.joinpath(*DEPT_DIR, name)


def replace(old: str, new: str, name: str = PROJECT_FILE) -> Edit:
    """Replace one exact piece of text in a file of the base tree."""
    def edit(content: Path) -> None:
        path = _file(content, name)
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"case text not found once: {old!r}"
        path.write_text(text.replace(old, new), encoding="utf-8")
    return edit


def append(extra: str, name: str = PROJECT_FILE) -> Edit:
    def edit(content: Path) -> None:
        path = _file(content, name)
        path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return edit


def whole(text: str | bytes, name: str = PROJECT_FILE) -> Edit:
    """Replace a file's whole content (bytes are written as they are)."""
    def edit(content: Path) -> None:
        path = _file(content, name)
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return edit


def transcode(change: Callable[[str], bytes], names: tuple[str, ...] = (PROJECT_FILE,)) -> Edit:
    """Rewrite files through `change` (an encoding, line endings, a BOM)."""
    def edit(content: Path) -> None:
        for name in names:
            path = _file(content, name)
            path.write_bytes(change(path.read_text(encoding="utf-8")))
    return edit


def extra_file(relative: str, text: str) -> Edit:
    def edit(content: Path) -> None:
        path = content / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return edit


def delete(name: str) -> Edit:
    return lambda content: _file(content, name).unlink()


def symlink_out(content: Path) -> None:
    outside = content.parent / "outside.yml"
    outside.write_text(OTHER.replace("CS2025002", "CS2025009"), encoding="utf-8")
    _file(content, "CS2025009.yml").symlink_to(outside)


def symlink_loop(content: Path) -> None:
    _file(content, "loop.yml").symlink_to("loop.yml")


def symlink_folder_out(content: Path) -> None:
    outside = content.parent / "elsewhere"
    write_base(outside)
    (content / "2024").symlink_to(outside / "2025")


def huge_file(content: Path) -> None:
    # 100 MB of a valid-looking YAML value: must be refused by its size before any parsing.
    with _file(content, "huge.yml").open("wb") as out:
        out.write("备注: ".encode("utf-8"))
        chunk = b"x" * (1024 * 1024)
        for _ in range(100):
            out.write(chunk)


def nested_mapping(depth: int) -> str:
    lines = [f"{'  ' * i}层{i}:" for i in range(depth)]
    return "\n".join(["备注:"] + ["  " + line for line in lines]) + f"\n{'  ' * (depth + 1)}值\n"


def all_files(change: Callable[[str], bytes]) -> Edit:
    return transcode(change, (DEPT_FILE, PROJECT_FILE, OTHER_FILE))


def combine(*edits: Edit) -> Edit:
    def edit(content: Path) -> None:
        for one in edits:
            one(content)
    return edit


# ---- the corpus -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    name: str
    doc: str
    edit: Edit
    code: str | None  # expected error code; None: the variant is accepted
    file: str | None = PROJECT_FILE  # the file the message must name
    line: bool = True  # the message must give file:line:column
    cli: bool = False  # run as a real `python build.py` subprocess


BILLION_LAUGHS = """\
项目名称: &a ["哈","哈","哈","哈","哈","哈","哈","哈","哈"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]
"""

CASES: tuple[Case, ...] = (
    # YAML syntax
    Case("yaml_unclosed_quote", "a quote opened and never closed", replace("项目名称: 测试项目", '项目名称: "测试项目'), "E002"),
    Case("yaml_bad_indent", "a key indented deeper than its siblings", replace("  财政拨款: 10", "     财政拨款: 10"), "E002"),
    Case("yaml_colon_in_value", "an unquoted value containing ': '", replace("备注: 项目备注", "备注: 说明: 见附件"), "E002"),
    Case("yaml_unclosed_bracket", "a flow list never closed", replace("项目属性: [经常性项目]", "项目属性: [经常性项目"), "E002"),
    Case("yaml_two_documents", "a second document after ---", append("---\n项目名称: 另一个\n"), "E002"),
    Case("yaml_tab_indent", "a tab used for indentation", replace("  总额: 10", "\t总额: 10"), "E002", cli=True),
    Case("yaml_nul_character", "a NUL byte inside a value", replace("备注: 项目备注", "备注: 项目\x00备注"), "E002"),
    Case("yaml_control_character", "an ESC control character pasted from a terminal", replace("备注: 项目备注", "备注: 项目\x1b备注"), "E002"),
    Case("duplicate_key_top", "项目名称 written twice", append("项目名称: 重复的名称\n"), "E003"),
    Case("duplicate_key_nested", "财政拨款 written twice inside 资金", replace("  财政拨款: 10", "  财政拨款: 10\n  财政拨款: 10"), "E003"),
    # encodings and line endings
    Case("bom_accepted", "a UTF-8 BOM as Notepad writes it", all_files(lambda t: b"\xef\xbb\xbf" + t.encode()), None),
    Case("crlf_accepted", "Windows line endings", all_files(lambda t: t.replace("\n", "\r\n").encode()), None),
    Case("bom_crlf_accepted", "BOM and CRLF together", all_files(lambda t: b"\xef\xbb\xbf" + t.replace("\n", "\r\n").encode()), None, cli=True),
    Case("cr_only_accepted", "classic Mac line endings", all_files(lambda t: t.replace("\n", "\r").encode()), None),
    Case("gbk_encoding", "the file saved as GBK", transcode(lambda t: t.encode("gbk")), "E001", cli=True),
    Case("invalid_utf8_byte", "one 0xFF byte in the middle of the file",
         transcode(lambda t: t.replace("备注: 项目备注", "备注: 项目").encode() + b"\xff\n"), "E001"),
    Case("utf16_encoding", "the file saved as UTF-16 (Word's 'Unicode')", transcode(lambda t: t.encode("utf-16")), "E001"),
    Case("random_bytes", "binary garbage with a .yml name", whole(bytes(range(256)) * 4), "E001"),
    # amounts
    Case("amount_fullwidth_digits", "full-width digits ６０", replace("  总额: 10", "  总额: １０"), "E013"),
    Case("amount_wan_suffix", "“10万” instead of 金额单位: 万元", replace("  总额: 10", "  总额: 10万"), "E013", cli=True),
    Case("amount_yuan_suffix", "“100000元”", replace("  总额: 10", "  总额: 100000元"), "E013"),
    Case("amount_thousands_comma", "“3,505.90” with a thousands comma", replace("  总额: 10", "  总额: 3,505.90"), "E013"),
    Case("amount_quoted", "a number in quotes", replace("  总额: 10", '  总额: "10"'), "E013"),
    Case("amount_boolean", "true as an amount", replace("  总额: 10", "  总额: true"), "E013"),
    Case("amount_nan", ".nan as an amount", replace("  总额: 10", "  总额: .nan"), "E013"),
    Case("amount_infinity", ".inf as an amount", replace("  总额: 10", "  总额: .inf"), "E013"),
    Case("amount_hex", "0x1F as an amount", replace("  总额: 10", "  总额: 0x1F"), "E013"),
    Case("amount_negative", "a negative amount", replace("  总额: 10\n  财政拨款: 10", "  总额: -10\n  财政拨款: -10"), "E032"),
    Case("amount_absurd", "10^14 万元 (more than a trillion yuan)", replace("  总额: 10\n  财政拨款: 10", "  总额: 100000000000000\n  财政拨款: 100000000000000"), "E032"),
    # dates
    Case("date_slash_accepted", "2024/10/20", replace("日期: 2024-10-20", "日期: 2024/10/20"), None),
    Case("date_dots_accepted", "2024.10.20", replace("日期: 2024-10-20", "日期: 2024.10.20"), None),
    Case("date_chinese_accepted", "2024年10月20日", replace("日期: 2024-10-20", "日期: 2024年10月20日"), None),
    Case("date_fullwidth_accepted", "full-width digits ２０２４-１０-２０", replace("日期: 2024-10-20", "日期: ２０２４-１０-２０"), None),
    Case("date_impossible_day", "2024-02-30 does not exist", replace("日期: 2024-10-20", "日期: 2024-02-30"), "E015"),
    Case("date_month_13", "2024-13-01", replace("日期: 2024-10-20", "日期: 2024-13-01"), "E015"),
    Case("date_us_order", "10/20/2024 (month first)", replace("日期: 2024-10-20", "日期: 10/20/2024"), "E015"),
    Case("date_compact_digits", "20241020 (a number)", replace("日期: 2024-10-20", "日期: 20241020"), "E015"),
    Case("date_words", "下周一", replace("日期: 2024-10-20", "日期: 下周一"), "E015"),
    # nesting, aliases, tags, size
    Case("nesting_too_deep", "备注 as a 20-level nested table", replace("备注: 项目备注\n", nested_mapping(20)), "E007"),
    Case("nesting_flow_100k", "100 000 nested [ (crashed libyaml's C composer)", whole("项目名称: " + "[" * 100_000 + "]" * 100_000 + "\n"), "E007", line=False, cli=True),
    Case("nesting_dashes_100k", "100 000 nested '- ' on one line", whole("- " * 100_000 + "x\n"), "E007", line=False, cli=True),
    Case("alias_billion_laughs", "anchors and aliases multiplying a list", whole(BILLION_LAUGHS), "E004", cli=True),
    Case("alias_merge_key", "<<: *base merge key", append("基础: &base\n  a: 1\n其他:\n  <<: *base\n"), "E004"),
    Case("tag_python_object", "!!python/object/apply:os.system", replace("项目名称: 测试项目", '项目名称: !!python/object/apply:os.system ["echo pwned"]'), "E004"),
    Case("tag_custom_local", "!include other.yml", replace("项目名称: 测试项目", "项目名称: !include other.yml"), "E004"),
    Case("oversized_100mb", "a 100 MB file: refused by its size, never read", huge_file, "E005", file="huge.yml", line=False, cli=True),
    # files and folders
    Case("symlink_out_of_content", "a .yml symlink to a file outside content/", symlink_out, "E006", file="CS2025009.yml", line=False),
    Case("symlink_loop", "a symlink pointing at itself", symlink_loop, "E006", file="loop.yml", line=False, cli=True),
    Case("symlink_folder_out", "a year folder that is a symlink to elsewhere", symlink_folder_out, "E006", file="content/2024", line=False),
    Case("empty_file", "an empty project file", whole(""), "E008"),
    Case("comment_only_file", "a file with only comments", whole("# 待填写\n# 项目名称:\n"), "E008"),
    Case("top_level_list", "a list at top level", whole("- 项目名称: 测试项目\n"), "E008"),
    Case("top_level_scalar", "a lone sentence", whole("这是一个项目\n"), "E008"),
    Case("missing_department_file", "a folder without 部门.yml", delete(DEPT_FILE), "E028"),
    Case("stray_file_top", "a .yml directly in content/", extra_file("说明.yml", "备注: 说明\n"), "E031", file="说明.yml"),
    Case("stray_file_in_year", "a .yml directly in a year folder", extra_file("2025/说明.yml", "备注: 说明\n"), "E031", file="说明.yml"),
    Case("folder_not_a_year", "a department under content/misc/", extra_file("misc/x/部门.yml", DEPARTMENT), "E031", file=DEPT_FILE),
    # slugs
    Case("slug_dotdot", "链接名: ../../etc", replace("项目期: 2025", "项目期: 2025\n链接名: ../../etc"), "E017"),
    Case("slug_reserved_project", "链接名: search (a reserved name)", replace("项目期: 2025", "项目期: 2025\n链接名: search"), "E017"),
    Case("slug_reserved_department", "department 链接名: assets", replace("链接名: ceshi-ju", "链接名: assets", DEPT_FILE), "E017", file=DEPT_FILE),
    Case("slug_chinese", "链接名: 测试", replace("项目期: 2025", "项目期: 2025\n链接名: 测试"), "E017"),
    Case("slug_uppercase_slash", "链接名: A/B", replace("项目期: 2025", "项目期: 2025\n链接名: A/B"), "E017"),
    # schema
    Case("unknown_key", "项目名字 instead of 项目名称", replace("项目名称: 测试项目", "项目名称: 测试项目\n项目名字: 测试"), "E010"),
    Case("unknown_nested_key", "资金: 总数 (typo) beside 总额", replace("  财政拨款: 10", "  财政拨款: 10\n  总数: 10"), "E010"),
    Case("missing_project_name", "no 项目名称", replace("项目名称: 测试项目\n", ""), "E011"),
    Case("missing_money", "no 资金", replace("资金:\n  总额: 10\n  财政拨款: 10\n", ""), "E011"),
    Case("missing_money_total", "资金 without 总额", replace("  总额: 10\n", ""), "E011"),
    Case("missing_indicator_value", "an indicator row without 指标值", replace('      指标值: "≥3次"\n', ""), "E011"),
    Case("missing_department_year", "部门.yml without 年度", replace("年度: 2025\n", "", DEPT_FILE), "E011", file=DEPT_FILE),
    Case("wrong_type_name_list", "项目名称 as a list", replace("项目名称: 测试项目", "项目名称: [测试, 项目]"), "E012"),
    Case("wrong_type_money_scalar", "资金: 10 instead of a table", replace("资金:\n  总额: 10\n  财政拨款: 10", "资金: 10"), "E012"),
    Case("wrong_type_indicators_table", "指标 as a table instead of a list", whole(PROJECT.split("  指标:")[0] + "  指标:\n    一级指标: 产出指标\n"), "E012"),
    Case("wrong_type_code_multiline", "项目编码 spread over two lines", replace('项目编码: "CS2025001"', "项目编码: |\n  CS2025\n  001"), "E012"),
    Case("null_key", "~ as a key", append("~: 空键\n"), "E012"),
    Case("complex_key", "a list used as a key", append("? [a, b]\n: 值\n"), "E012"),
    Case("secret_chinese_yes", "涉密: 是", replace("涉密: false", "涉密: 是"), "E014"),
    Case("secret_quoted_true", '涉密: "true"', replace("涉密: false", '涉密: "true"'), "E014"),
    Case("secret_yaml11_yes", "涉密: yes (a YAML 1.1 boolean)", replace("涉密: false", "涉密: yes"), "E014"),
    Case("secret_fields_unknown", "涉密字段 naming a key that does not exist", replace("涉密: false", "涉密: false\n涉密字段: [不存在的键]"), "E029"),
    Case("unit_name_unknown", "金额单位: 千元", replace("金额单位: 万元", "金额单位: 千元"), "E018"),
    Case("unit_name_list_department", "金额单位: [万元] in 部门.yml (found by bench/fuzz.py: it crashed)", replace("金额单位: 万元", "金额单位: [万元]", DEPT_FILE), "E012", file=DEPT_FILE),
    Case("unit_name_table_project", "金额单位 as a table in a project file (found by bench/fuzz.py: it crashed)", replace("金额单位: 万元", "金额单位: {万: 元}"), "E012"),
    Case("level_unknown", "行政级别: 村级", replace("行政级别: 市级", "行政级别: 村级", DEPT_FILE), "E018", file=DEPT_FILE),
    Case("year_two_digits", "年度: 25", replace("年度: 2025", "年度: 25", DEPT_FILE), "E019", file=DEPT_FILE),
    Case("year_chinese", "年度: 二〇二五", replace("年度: 2025", "年度: 二〇二五", DEPT_FILE), "E019", file=DEPT_FILE),
    Case("year_mismatch", "年度: 2024 in the 2025 folder", replace("年度: 2025", "年度: 2024", DEPT_FILE), "E027", file=DEPT_FILE),
    # spending plan and sums
    Case("plan_decreasing", "6月底 below 3月底", replace("  6月底: 50%", "  6月底: 20%"), "E022"),
    Case("plan_not_ending_100", "12月底: 90%", replace("  12月底: 100%", "  12月底: 90%"), "E023"),
    Case("plan_over_100", "12月底: 120%", replace("  12月底: 100%", "  12月底: 120%"), "E016"),
    Case("plan_month_13", "13月底", replace("  12月底: 100%", "  13月底: 100%"), "E016"),
    Case("plan_percent_words", "6月底: 一半", replace("  6月底: 50%", "  6月底: 一半"), "E016"),
    Case("money_parts_mismatch", "财政拨款 9 of a 总额 10", replace("  财政拨款: 10", "  财政拨款: 9"), "E020"),
    Case("department_total_mismatch", "部门 合计 16 for projects adding up to 15", replace("合计: 15\n涉密", "合计: 16\n涉密", DEPT_FILE), "E021", file=DEPT_FILE),
    Case("unit_total_mismatch", "单位 合计 12 for projects adding up to 15", replace("    合计: 15", "    合计: 12", DEPT_FILE), "E021", file=DEPT_FILE),
    # across files
    Case("duplicate_code", "two projects with the same 项目编码", replace('项目编码: "CS2025002"', '项目编码: "CS2025001"', OTHER_FILE), "E024", file=OTHER_FILE, cli=True),
    Case("duplicate_url", "two projects with the same 链接名",
         combine(replace("项目期: 2025", "项目期: 2025\n链接名: same"), replace("实施单位: 测试局本级", "实施单位: 测试局本级\n链接名: same", OTHER_FILE)), "E025", file=OTHER_FILE),
    Case("unit_not_found", "实施单位 names no unit of the department", replace("实施单位: 测试局本级", "实施单位: 不存在的单位"), "E026"),
)


def test_corpus_is_large_and_named() -> None:
    names = [case.name for case in CASES]
    assert len(names) == len(set(names))
    assert len(CASES) >= 50
    assert sum(case.code is not None for case in CASES) >= 50


# ---- running a case through the CLI -----------------------------------------------------------

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def manifest(folder: Path) -> dict[str, str]:
    """Every file below folder and the hash of its bytes (symlinks and empty folders too)."""
    result = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            result[rel] = "link:" + os.readlink(path)
        elif path.is_file():
            result[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            result[rel] = "dir"
    return result


def leftovers(out: Path) -> list[str]:
    """A staging folder or lock of the writer left beside the site (other siblings, such as a
    build cache or reports folder, belong to other features)."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith((f".{out.name}.tmp", f".{out.name}.lock")))


def without_search(files: dict[str, str]) -> dict[str, str]:
    return {path: digest for path, digest in files.items() if not path.startswith("pagefind")}


@dataclass
class Answer:
    returncode: int
    stdout: str
    stderr: str


def run_inprocess(*args: str) -> Answer:
    """The command line's entry point, called as build.py calls it, with its output captured."""
    from gongkai.cli import run
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = run(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:  # an escaped exception is exactly what this corpus must never see
            traceback.print_exc()
            code = 99
    return Answer(code, out.getvalue(), err.getvalue())


def run(case: Case, *args: str) -> Answer:
    if case.cli:
        done = run_cli(*args)
        return Answer(done.returncode, done.stdout, done.stderr)
    return run_inprocess(*args)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The site of the unedited tree, built once through the CLI."""
    root = tmp_path_factory.mktemp("broken-baseline")
    content = write_base(root / "content")
    out = root / "site"
    result = run_cli("build", "--content", str(content), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out, manifest(out)


def assert_answered(result: Answer, case: Case, command: str) -> None:
    err = result.stderr
    context = f"{case.name} ({command}): {err[-2000:]}"
    assert "Traceback" not in err + result.stdout, context
    assert result.returncode == 1, context
    assert CHINESE.search(err), context
    assert case.code in err, context
    assert case.file in err, context
    if case.line:
        assert re.search(re.escape(case.file) + r":\d+:\d+: ", err), context


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_input(case: Case, tmp_path: Path, baseline: tuple[Path, dict[str, str]]) -> None:
    site, site_manifest = baseline
    content = write_base(tmp_path / "content")
    case.edit(content)
    out = tmp_path / "out" / "site"
    shutil.copytree(site, out, symlinks=True)

    checked = run(case, "check", "--content", str(content))
    built = run(case, "build", "--content", str(content), "--out", str(out))

    if case.code is None:
        assert checked.returncode == 0, f"{case.name}: {checked.stderr}"
        assert built.returncode == 0, f"{case.name}: {built.stderr}"
        # The search index is left out here: its byte-identity is test_determinism's business, and
        # an unrelated flake there should not read as "the BOM changed the site".
        assert without_search(manifest(out)) == without_search(site_manifest), f"{case.name}: the accepted variant built a different site"
    else:
        assert_answered(checked, case, "check")
        assert_answered(built, case, "build")
        assert manifest(out) == site_manifest, f"{case.name}: the previous site was changed"
    assert leftovers(out) == [], "staging folder or lock left behind"


def test_missing_content_folder(tmp_path: Path) -> None:
    missing = tmp_path / "无此文件夹"
    for args in (("check",), ("build", "--out", str(tmp_path / "out"))):
        result = run_cli(*args, "--content", str(missing))
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert "E031" in result.stderr and "无此文件夹" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name, config, code", [
    ("config_unknown_option", "site_nmae: 网站\n", "C001"),
    ("config_wrong_type", "search: 是\n", "C001"),
    ("config_invalid_yaml", "site_name: \"未闭合\n", "E002"),
    ("config_tag", "site_name: !!python/name:os.system\n", "E004"),
])
def test_broken_config(name: str, config: str, code: str, tmp_path: Path) -> None:
    """site_config.yml is content too: same clear answers."""
    content = write_base(tmp_path / "content")
    config_path = tmp_path / "site_config.yml"
    config_path.write_text(config, encoding="utf-8")
    result = run_cli("check", "--content", str(content), "--config", str(config_path))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert code in result.stderr and re.search(r"site_config\.yml:\d+:\d+: ", result.stderr), result.stderr
