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
from test_redact_kit import leaks, output_texts, paths, write_tree

from gongkai.errors import ContentError
from gongkai.pipeline import build
from gongkai.source.config import Disclosure

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


CODE_FORMS = (str, str.lower, lambda c: c.translate({ord(ch): ord(ch) + 0xFEE0 for ch in c if "!" <= ch <= "~"}),
              lambda c: f"{c[:2]}-{c[2:]}", lambda c: " ".join(c.lower()), lambda c: f"{c[:3]}_{c[3:]}")
YEARS = (2023, 2024, 2025)


def code_form(draw: st.DrawFn, code: str, spaces: bool = True) -> str:
    """The code as another sheet might write it: other case, full width, separators (same code_key);
    the register has one code a line, so no spaces there."""
    forms = CODE_FORMS if spaces else CODE_FORMS[:4] + CODE_FORMS[5:]
    return draw(st.sampled_from(forms))(code)  # type: ignore[operator]


@dataclass
class Slot:
    """One project over the years: its code, the texts its public records share, what they withhold."""

    code: str
    registered: bool = False  # the register names a code, whatever year: every record of it is secret
    shared: dict[str, str] = field(default_factory=dict)
    withheld: set[str] = field(default_factory=set)
    group: Slot | None = None  # another slot it continues by 上年项目 (its texts share the same fate)
    years: dict[int, bool] = field(default_factory=dict)  # year → secret (not by its department)
    dept: str = ""

    def root(self) -> Slot:
        return self.group.root() if self.group else self


@st.composite
def sites(draw: st.DrawFn) -> tuple[dict[tuple[int, str], dict[str, object]], list[str], Disclosure, list[str], bool, list[tuple[int, str, str]]]:
    """Departments over two or three years, secrecy at every level, codes written in other forms in
    tasks, the register and 上年项目, units listed twice, and records of one project in several years
    that share their texts (so that what one year withholds must be withheld in the others)."""
    texts = Texts(draw=draw)
    rules = Disclosure(secret_label=draw(st.sampled_from(["code", "numbered", "hidden"])),
                       secret_amounts=draw(st.sampled_from(["show", "withhold"])),
                       subtraction=draw(st.sampled_from(["combine", "suppress", "fail"])))
    years = YEARS[-draw(st.integers(2, 3)):]
    folders: dict[tuple[int, str], dict[str, object]] = {}
    register: list[str] = []
    pending: list[tuple[str, Slot, str]] = []  # texts whose fate depends on every year: (text, slot, field)
    every_slot: list[Slot] = []
    for d in range(draw(st.integers(1, 2))):
        dept_secret = draw(st.booleans()) if d else False  # the first department stays public
        dept_name = texts.new(dept_secret)
        unit_names = [texts.new(False) for _ in range(draw(st.integers(0, 2)))]
        unit_secret = {name: False for name in unit_names}
        slots = [Slot(f"P{d}X{p}", registered=draw(st.booleans()) and draw(st.booleans()), dept=f"d{d}") for p in range(draw(st.integers(1, 4)))]
        every_slot += slots
        drafts: list[tuple[int, dict[str, object], list[tuple[Slot, str, int, bool]], list[dict[str, object]]]] = []
        present_before: list[Slot] = []
        year_units: dict[int, list[dict[str, object]]] = {}
        for year in years:  # units first: a unit secret in any year or entry is secret in all
            units = year_units[year] = []
            for u, name in enumerate(unit_names):
                secret = draw(st.booleans()) and draw(st.booleans())
                unit_secret[name] |= secret
                units.append({"单位名称": name, "链接名": f"u{u}", **({"涉密": True} if secret else {})})
                if draw(st.booleans()) and draw(st.booleans()):  # the same unit listed twice, written with spaces
                    twice = draw(st.booleans())
                    unit_secret[name] |= twice
                    units.append({"单位名称": f"{name[:2]} {name[2:]}", **({"涉密": True} if twice else {})})
        for year in years:
            units = year_units[year]
            present = [s for s in slots if draw(st.booleans()) or s is slots[0]]
            files: dict[str, object] = {}
            records = []
            for slot in present:
                unit = draw(st.sampled_from([dept_name] + unit_names))
                secret = draw(st.booleans()) and draw(st.booleans())
                whole = dept_secret or secret or slot.registered or (unit != dept_name and unit_secret[unit])
                fields = draw(st.lists(st.sampled_from(SECRETABLE), unique=True, max_size=3))
                amount = draw(st.integers(100, 99999))
                data: dict[str, object] = {"项目编码": slot.code, "实施单位": unit}
                for key in ("项目名称",) + TEXT_FIELDS:
                    if whole:  # a secret record's texts are its own: nothing shared with a public year
                        data[key] = texts.new(True)
                    else:
                        data[key] = slot.shared.setdefault(key, texts.new(False))
                        if key in fields:
                            slot.withheld.add(key)
                earlier = [s for s in present_before if s is not slot and s.code not in {x.code for x in present}]
                if not whole and slot not in present_before and earlier and draw(st.booleans()):
                    before = draw(st.sampled_from(earlier))
                    data["上年项目"] = code_form(draw, before.code)  # a renamed project continues another
                    slot.root().group = before.root() if before.root() is not slot.root() else None
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
                files[f"{slot.code.lower()}.yml"] = data
                records.append((slot, unit, amount, whole))
                slot.years[year] = whole and not dept_secret
            drafts.append((year, files, records, units))
            present_before = present
        for year, files, records, units in drafts:
            for entry in units:
                if "合计" not in entry and entry["单位名称"] in unit_names and draw(st.booleans()):
                    entry["合计"] = sum(a for _, un, a, _ in records if un == entry["单位名称"])
            tasks = []
            for slot, _, amount, whole in records[: draw(st.integers(0, len(records)))]:
                name = texts.new(dept_secret or whole)
                if not (dept_secret or whole):
                    pending.append((name, slot, "项目名称"))  # secret when the project's name is withheld in any year
                tasks.append({"任务名称": name, "金额": amount, "项目编码": code_form(draw, slot.code),
                              "绩效目标": texts.new(dept_secret or whole)})
            dept: dict[str, object] = {
                "部门名称": dept_name, "链接名": f"d{d}", "年度": year, "金额单位": "元",
                "整体绩效目标": texts.new(dept_secret), "工作保障措施": texts.new(dept_secret),
                "绩效指标": [indicator(texts, dept_secret, draw(st.booleans()))],
                "合计": sum(a for _, _, a, _ in records),
            }
            if tasks:
                dept["年度主要任务"] = tasks
            if units:
                dept["单位"] = units
            if dept_secret:
                dept["涉密"] = True
            files["部门.yml"] = dept
            folders[(year, f"d{d}")] = files
        register += [code_form(draw, slot.code, spaces=False) for slot in slots if slot.registered and slot.years]
        for slot in slots:
            pending += [(text, slot, key) for key, text in slot.shared.items()]
        texts.secret += [name for name, secret in unit_secret.items() if secret or dept_secret]
    by_root: dict[int, set[str]] = {}
    for _, slot, _ in pending:
        by_root.setdefault(id(slot.root()), set()).update(slot.withheld)
    texts.secret += [text for text, slot, key in pending if key in by_root[id(slot.root())]]
    return folders, register, rules, texts.secret, draw(st.booleans()), _untied_codes(every_slot, rules)


def _untied_codes(slots: list[Slot], rules: Disclosure) -> list[tuple[int, str, str]]:
    """(year, department, code) of every secret record whose code must not be shown beside it: all of
    them unless secret_label is code; with code, those whose project is public in another year (W103)."""
    public_groups = {id(s.root()) for s in slots if any(not secret for secret in s.years.values())}
    return [(year, s.dept, s.code) for s in slots for year, secret in s.years.items()
            if secret and (rules.secret_label != "code" or id(s.root()) in public_groups)]


@settings(max_examples=EXAMPLES, deadline=None, phases=PHASES, derandomize=not os.environ.get("GONGKAI_PROPERTY_RANDOM"), database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(sites())
def test_no_withheld_string_reaches_any_output_byte(
        example: tuple[dict[tuple[int, str], dict[str, object]], list[str], Disclosure, list[str], bool, list[tuple[int, str, str]]]) -> None:
    folders, register, rules, secrets, search, untied = example
    with tempfile.TemporaryDirectory(prefix="gongkai-property-") as tmp:
        root = Path(tmp)
        for (year, slug), files in folders.items():
            write_tree(root / "content", files, year=str(year), dept=slug)
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
        for year, dept, code in untied:  # nothing of that year's department shows the secret record's code
            folder = root / "site" / str(year) / dept
            shown = [label for label, text in output_texts(folder) if code.lower() in text.lower()] if folder.is_dir() else []
            assert shown == [], (year, dept, code, shown)
        if search:
            assert any((root / "site" / "pagefind").rglob("*.pf_fragment"))
