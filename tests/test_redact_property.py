"""Property: whatever is secret — at any level, in any field, under any disclosure rules — no
withheld string or derived form appears in any output byte (pages, exports, search index).

Runs 25 examples by default; set GONGKAI_PROPERTY_EXAMPLES=500 for a longer run (and
GONGKAI_PROPERTY_SHRINK=1 to shrink a failing example).
"""

from __future__ import annotations

import itertools
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from gongkai.source.config import Disclosure
from gongkai.errors import ContentError
from gongkai.pipeline import build
from test_redact_kit import leaks, paths, write_tree

EXAMPLES = int(os.environ.get("GONGKAI_PROPERTY_EXAMPLES", "25"))
# Shrinking a failing site takes minutes; CI reports the example as found, GONGKAI_PROPERTY_SHRINK=1 shrinks it.
PHASES = tuple(Phase) if os.environ.get("GONGKAI_PROPERTY_SHRINK") else (Phase.explicit, Phase.reuse, Phase.generate)
# Characters no template, wording or framework name uses: a text made of them is findable anywhere.
# Each has one reading and its own pinyin initial. A text is a random body from BODY and its
# number written in TAG characters (disjoint initials and syllables): no text, nor its pinyin or
# initials, can then occur inside another (digits alone would not tell two pinyin forms apart).
RARE = "嗷犇翀砀鹗沣珙昊珏岿磊淼鼐瓯芃琦蕤燊韬玮歆垚喆"
BODY, TAG = RARE[:12], RARE[12:]
TEXT_FIELDS = ("项目类别", "项目性质", "项目期", "立项依据", "资金用途", "来源", "备注", "上年项目")
SECRETABLE = TEXT_FIELDS + ("项目名称", "项目属性", "年度目标", "中期目标", "审核意见")


@dataclass
class Texts:
    """Unique texts; those that must never be published are remembered."""

    counter: itertools.count = field(default_factory=itertools.count)
    secret: list[str] = field(default_factory=list)
    draw: object = None

    def new(self, secret: bool) -> str:
        n = next(self.counter)
        body = "".join(self.draw(st.lists(st.sampled_from(BODY), min_size=6, max_size=9)))  # type: ignore[operator]
        tag = "".join(TAG[n // len(TAG) ** i % len(TAG)] for i in range(3))
        text = f"{body}{tag}{n}"
        if secret:
            self.secret.append(text)
        return text


def indicator(texts: Texts, secret: bool, row_secret: bool) -> dict:
    row = {"一级指标": "产出指标", "三级指标": texts.new(secret or row_secret), "指标值": texts.new(secret or row_secret),
           "绩效指标描述": texts.new(secret or row_secret)}
    if row_secret:
        row["涉密"] = True
    return row


@st.composite
def sites(draw: st.DrawFn) -> tuple[dict[str, dict[str, object]], list[str], Disclosure, list[str], bool]:
    texts = Texts(draw=draw)
    rules = Disclosure(secret_label=draw(st.sampled_from(["code", "numbered", "hidden"])),
                       secret_amounts=draw(st.sampled_from(["show", "withhold"])),
                       subtraction=draw(st.sampled_from(["combine", "suppress", "fail"])))
    folders: dict[str, dict[str, object]] = {}
    register: list[str] = []
    for d in range(draw(st.integers(1, 2))):
        dept_secret = draw(st.booleans()) if d else False  # the first department stays public
        dept_name = texts.new(dept_secret)
        units = []
        for u in range(draw(st.integers(0, 2))):
            unit_secret = draw(st.booleans())
            units.append({"单位名称": texts.new(dept_secret or unit_secret), "链接名": f"u{u}", **({"涉密": True} if unit_secret else {})})
        files: dict[str, object] = {}
        projects = []
        for p in range(draw(st.integers(1, 4))):
            code = f"P{d}X{p}"
            unit = draw(st.sampled_from([dept_name] + [u["单位名称"] for u in units]))
            unit_secret = any(u["单位名称"] == unit and u.get("涉密") for u in units)
            in_register = draw(st.booleans()) and draw(st.booleans())
            secret = draw(st.booleans()) and draw(st.booleans())
            whole = dept_secret or unit_secret or secret or in_register
            fields = draw(st.lists(st.sampled_from(SECRETABLE), unique=True, max_size=4))
            amount = draw(st.integers(100, 99999))
            data: dict[str, object] = {"项目名称": texts.new(whole or "项目名称" in fields), "项目编码": code, "实施单位": unit}
            for key in TEXT_FIELDS:
                data[key] = texts.new(whole or key in fields)
            data["项目属性"] = [texts.new(whole or "项目属性" in fields)]
            data["资金"] = {"总额": amount, "财政拨款": amount}
            for goal in ("年度目标", "中期目标"):
                goal_secret = whole or goal in fields
                data[goal] = {"名称": texts.new(goal_secret), "目标": texts.new(goal_secret),
                              "指标": [indicator(texts, goal_secret, draw(st.booleans())) for _ in range(draw(st.integers(1, 2)))]}
            data["审核意见"] = {"意见": texts.new(whole or "审核意见" in fields), "日期": "2024-10-20"}
            if secret:
                data["涉密"] = True
            if fields:
                data["涉密字段"] = fields
            if in_register:
                register.append(code)
            files[f"p{p}.yml"] = data
            projects.append((code, unit, amount, whole, "项目名称" in fields))
        for unit in units:
            if draw(st.booleans()):
                unit["合计"] = sum(a for _, un, a, _, _ in projects if un == unit["单位名称"])
        tasks = []
        for code, _, amount, whole, name_secret in projects[: draw(st.integers(0, len(projects)))]:
            tasks.append({"任务名称": texts.new(dept_secret or whole or name_secret), "金额": amount, "项目编码": code,
                          "绩效目标": texts.new(dept_secret or whole)})
        dept: dict[str, object] = {
            "部门名称": dept_name, "部门简称": texts.new(dept_secret), "链接名": f"d{d}", "年度": 2025, "金额单位": "元",
            "整体绩效目标": texts.new(dept_secret), "工作保障措施": texts.new(dept_secret),
            "绩效指标": [indicator(texts, dept_secret, draw(st.booleans()))],
            "合计": sum(a for _, _, a, _, _ in projects),
        }
        if tasks:
            dept["年度主要任务"] = tasks
        if units:
            dept["单位"] = units
        if dept_secret:
            dept["涉密"] = True
        files["部门.yml"] = dept
        folders[f"d{d}"] = files
    return folders, register, rules, texts.secret, draw(st.booleans())  # with or without the Pagefind index


@settings(max_examples=EXAMPLES, deadline=None, phases=PHASES, derandomize=not os.environ.get("GONGKAI_PROPERTY_RANDOM"), database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(sites())
def test_no_withheld_string_reaches_any_output_byte(example: tuple[dict[str, dict[str, object]], list[str], Disclosure, list[str], bool]) -> None:
    folders, register, rules, secrets, search = example
    with tempfile.TemporaryDirectory(prefix="gongkai-property-") as tmp:
        root = Path(tmp)
        for slug, files in folders.items():
            write_tree(root / "content", files, dept=slug)
        register_file = root / "register.txt"
        register_file.write_text("# 登记册\n" + "".join(f"{c}\n" for c in register), encoding="utf-8")
        try:
            build(paths(root, root / "content", rules, search, secret_register=register_file if register else None))
        except ContentError as exc:
            # Withheld amounts that published totals would give away stop the build (E033) — fail closed.
            assert {p.code for p in exc.problems if not p.is_warning} == {"E033"}, str(exc)
            assert not (root / "site").exists()
            return
        assert leaks(root / "site", secrets) == []
        if search:
            assert any((root / "site" / "pagefind").rglob("*.pf_fragment"))
