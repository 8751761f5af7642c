"""Property-based fuzzing of the loader and validator (hypothesis).

    python bench/fuzz.py --minutes 5          # run on demand, for as long as you like
    python bench/fuzz.py --examples 2000      # or a fixed number of examples

Each example writes a small content tree (a 部门.yml and up to two project files) to a
temporary folder and runs what `build.py check` runs: config → load → validate → redact. The
files are drawn from three sources:

* structured: documents built from the schema's own keys (gongkai/source/schema.py) with values that
  are sometimes right, sometimes of the wrong kind, sometimes hostile (markup, YAML syntax,
  control characters, huge or odd numbers), nested in records and lists;
* mutated: a valid document's text with random hostile snippets spliced in (tabs, anchors,
  aliases, tags, document markers, BOMs, NULs, unclosed quotes and brackets…), saved in a
  random encoding;
* random bytes.

The property: the only exception that may come out is ContentError, and every problem it
carries has a catalogued code and formats to a Chinese message naming its file. The same check
runs in CI as tests/test_fuzz.py (a short, derandomized run).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gongkai.source import schema as S  # noqa: E402
from gongkai.errors import CATALOGUE, ContentError  # noqa: E402
from gongkai.pipeline import Paths, check  # noqa: E402

CHINESE = re.compile(r"[\u4e00-\u9fff]")

BASE_DEPARTMENT = """\
部门名称: 模糊测试局
链接名: fuzz
年度: 2025
金额单位: 元
单位:
  - 单位名称: 模糊测试局本级
    合计: 100
合计: 100
"""

BASE_PROJECT = """\
项目名称: 模糊测试项目
项目编码: "F0001"
实施单位: 模糊测试局本级
资金:
  总额: 100
  财政拨款: 100
资金支出计划:
  6月底: 50%
  12月底: 100%
年度目标:
  目标: 完成。
  指标:
    - 一级指标: 产出指标
      二级指标: 数量指标
      三级指标: 次数
      指标值: "≥1次"
审核意见:
  意见: 同意
  日期: 2024-10-20
"""

HOSTILE_TEXT = [
    "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "javascript:alert(1)", "{{7*7}}", "{% raw %}",
    "*alias", "&anchor", "!!python/object/apply:os.system", "<<", "---", "...", ": ", "- ", "? ", "#", "|", ">",
    "\t", "\r", "\x00", "\x1b", "\ufeff", "\u2028", "\u202e", "\ud7ff", "\U0001f600", "../..", "con", "search",
    "６０万", "3,505.90", "1e999", "-0", "0x1F", ".nan", ".inf", "~", "null", "yes", "是", "２０２４年１月１日",
    "2024-02-30", "13月底", "120%", "样例", "", " ", "a" * 5000,
]
SNIPPETS = [
    "\t", ": ", "- ", "&a ", "*a", "!!python/object:os.system ", "!x ", "<<: *a\n", "---\n", "...\n", "\x00", "\ufeff",
    "\r\n", "\r", "[", "]", "{", "}", "'", '"', "#", "|\n", ">-\n", "%YAML 1.1\n", "? ", "\u2028", "\x85", "\n  ",
    "\n\t", "资金:\n", "总额: ", "涉密: ", "年度: ", "链接名: ../", "- - - - - - - - - - - - - - x\n", "[" * 60,
]


# ---- strategies --------------------------------------------------------------------------------

def hostile() -> st.SearchStrategy[Any]:
    scalars = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=40), st.integers(), st.floats(),
                        st.booleans(), st.none())
    return st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                          st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                        max_leaves=8)


def plausible(kind: str) -> st.SearchStrategy[Any]:
    if kind in (S.TEXT, S.MARKDOWN):
        return st.text(max_size=60)
    if kind == S.CODE:
        return st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=1, max_size=21)
    if kind == S.SLUG:
        return st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)
    if kind == S.AMOUNT:
        return st.one_of(st.integers(-10, 10**13), st.floats(-1e6, 1e13, allow_nan=False).map(lambda f: round(f, 2)))
    if kind == S.YEAR:
        return st.integers(1900, 2200)
    if kind == S.BOOL:
        return st.booleans()
    if kind == S.DATE:
        return st.dates().map(lambda d: st.sampled_from([d.isoformat(), f"{d.year}/{d.month}/{d.day}", f"{d.year}年{d.month}月{d.day}日"])).flatmap(lambda s: s)
    if kind in (S.UNIT, S.ENUM):
        return st.sampled_from(["元", "万元", "千元", "市级", "县级", "省级", "村级"])
    if kind in (S.TEXTS, S.KEYS):
        return st.lists(st.text(max_size=12), max_size=3)
    if kind == S.PLAN:
        months = st.sampled_from(["3月底", "6月底", "9月底", "10月底", "12月底", "13月底", "月底"])
        return st.dictionaries(months, st.one_of(st.integers(-10, 120).map(lambda n: f"{n}%"), st.integers(0, 100)), max_size=4)
    raise AssertionError(kind)


def record(rec: S.Record, depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    """A mapping with some of the record's keys (and sometimes an unknown one)."""
    def value(field: S.Field) -> st.SearchStrategy[Any]:
        if field.kind == S.RECORD and depth < 3:
            good = record(field.record, depth + 1)
        elif field.kind == S.RECORDS and depth < 3:
            good = st.lists(record(field.record, depth + 1), max_size=3)
        elif field.kind in (S.RECORD, S.RECORDS):
            good = st.none()
        else:
            good = plausible(field.kind)
        return st.one_of(good, good, good, hostile())

    fields = st.fixed_dictionaries({}, optional={f.key: value(f) for f in rec.fields})
    extra = st.dictionaries(st.one_of(st.text(max_size=6), st.sampled_from(HOSTILE_TEXT[:12])), hostile(), max_size=1)
    return st.tuples(fields, extra).map(lambda pair: {**pair[0], **pair[1]})


def dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)


@st.composite
def mutated(draw: st.DrawFn, base: str) -> str:
    text = base
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        snippet = draw(st.one_of(st.sampled_from(SNIPPETS), st.sampled_from(HOSTILE_TEXT), st.text(max_size=6)))
        cut = draw(st.integers(0, 3))
        text = text[:at] + snippet + text[at + cut:]
    return text


def encoded(text: str, how: str) -> bytes:
    if how == "utf-8-sig":
        return b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass")
    if how in ("gbk", "utf-16"):
        return text.encode(how, "replace")
    return text.encode("utf-8", "surrogatepass")


@st.composite
def file_bytes(draw: st.DrawFn, rec: S.Record, base: str) -> bytes:
    source = draw(st.sampled_from(["structured", "mutated", "mutated", "valid", "bytes"]))
    if source == "bytes":
        return draw(st.binary(max_size=600))
    if source == "valid":
        text = base
    elif source == "structured":
        data = draw(record(rec))
        text = dump(data) if draw(st.booleans()) else dump({**yaml.safe_load(base), **data})
    else:
        text = draw(mutated(base))
    how = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig", "gbk", "utf-16"]))
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return encoded(text, how)


@st.composite
def trees(draw: st.DrawFn) -> dict[str, bytes]:
    """Relative path → bytes: a department folder, sometimes odd paths."""
    files = {"2025/fuzz/部门.yml": draw(file_bytes(S.DEPARTMENT, BASE_DEPARTMENT))}
    for name in draw(st.lists(st.sampled_from(["f0001.yml", "f0002.yml", "p.yaml"]), max_size=2, unique=True)):
        files[f"2025/fuzz/{name}"] = draw(file_bytes(S.PROJECT, BASE_PROJECT))
    if draw(st.integers(0, 9)) == 0:
        files[draw(st.sampled_from(["stray.yml", "2025/stray.yml", "abcd/x/部门.yml", "2024/fuzz/部门.yml"]))] = encoded(BASE_DEPARTMENT, "utf-8")
    if draw(st.integers(0, 9)) == 0:
        del files["2025/fuzz/部门.yml"]
    return files


# ---- the property ------------------------------------------------------------------------------

def check_tree(files: dict[str, bytes]) -> None:
    """Write the tree, run the checks, and hold every answer to the promise."""
    with tempfile.TemporaryDirectory(prefix="gongkai-fuzz-") as tmp:
        content = Path(tmp) / "content"
        for relative, data in files.items():
            path = content / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        content.mkdir(exist_ok=True)
        paths = Paths(content=content, config=Path(tmp) / "none.yml", templates=ROOT / "templates", out=Path(tmp) / "site")
        try:
            check(paths)
        except ContentError as error:
            assert error.problems, "a ContentError without problems"
            for problem in error.problems:
                assert problem.code in CATALOGUE, problem.code
                text = problem.format()
                assert CHINESE.search(text), text
                assert problem.file and problem.file in text, text
                assert "content" in problem.file or problem.file.endswith(".yml"), text
            str(error).encode("utf-8")  # printable on a UTF-8 terminal, surrogates included


SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                       HealthCheck.filter_too_much], database=None)


def fuzz(examples: int, derandomize: bool = False) -> None:
    """Run `examples` examples; hypothesis raises (with the smallest failing tree) on a failure."""
    @settings(max_examples=examples, derandomize=derandomize, **SETTINGS)
    @given(trees())
    def run(files: dict[str, bytes]) -> None:
        check_tree(files)

    run()


def main() -> int:
    parser = argparse.ArgumentParser(description="对内容加载与校验做模糊测试（hypothesis）")
    parser.add_argument("--minutes", type=float, default=None, help="运行多少分钟")
    parser.add_argument("--examples", type=int, default=500, help="每一轮的样例数（默认 500）")
    args = parser.parse_args()
    end = time.monotonic() + 60 * args.minutes if args.minutes else None
    rounds = 0
    while True:
        fuzz(args.examples)
        rounds += 1
        print(f"第 {rounds} 轮：{args.examples} 个样例，未发现问题。", flush=True)
        if end is None or time.monotonic() >= end:
            return 0


if __name__ == "__main__":
    sys.exit(main())
