"""Each level of secrecy — department, unit, project, field, indicator row, register — on a small
content tree built in tmp_path, with every output file read (names, gzip and zip members too)."""

from __future__ import annotations

import dataclasses
import typing
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import run_cli
from gongkai import public as public_module
from gongkai.source import model
from gongkai.source.config import Disclosure, load_config
from gongkai.publish.pages import build_pages
from gongkai.pipeline import build, check
from gongkai.source.validate import NEVER_SECRET, PROJECT_SECRET_FIELDS
from test_redact_kit import DEPARTMENT, every_file_text, leaks, paths, project, write_tree

RULES = [Disclosure(secret_label=label, secret_amounts=amounts)
         for label in ("code", "numbered", "hidden") for amounts in ("show", "withhold")]

# One marker per secret field: distinct words, none of which the site uses elsewhere.
FIELD_VALUES: dict[str, object] = {
    "项目名称": "玄武项目名称密文", "实施单位": "测试市法学会", "项目类别": "玄武类别密文", "项目性质": "玄武性质密文",
    "项目属性": ["玄武属性密文"], "项目期": "玄武项目期密文", "立项依据": "玄武立项依据密文", "资金用途": "玄武资金用途密文",
    "项目期资金": {"总额": 777777.77}, "资金支出计划": {"6月底": "41.3%", "12月底": "100%"},
    "长期目标": {"名称": "玄武长期名称密文", "目标": "玄武长期目标密文", "指标": [{"一级指标": "产出指标", "三级指标": "玄武长期指标密文", "指标值": "玄武长期值密文"}]},
    "中期目标": {"名称": "玄武中期名称密文", "目标": "玄武中期目标密文", "指标": [{"一级指标": "产出指标", "三级指标": "玄武中期指标密文", "指标值": "玄武中期值密文"}]},
    "年度目标": {"名称": "玄武年度名称密文", "目标": "玄武年度目标密文", "指标": [{"一级指标": "产出指标", "三级指标": "玄武年度指标密文", "指标值": "玄武年度值密文"}]},
    "审核意见": {"意见": "玄武审核意见密文", "日期": "2024-10-21"}, "上年项目": "玄武上年项目密文", "来源": "玄武来源密文", "备注": "玄武备注密文",
}

WHOLE_PROJECT_SECRETS = ["朱雀工程名称", "朱雀立项依据", "朱雀资金用途", "朱雀年度目标", "朱雀指标名称", "朱雀指标取值", "朱雀审核意见", "朱雀备注文字"]
UNIT_SECRETS = ["白虎保密中心", "白虎项目名称", "白虎项目用途"]
DEPT_SECRETS = ["青龙保密委员会", "青龙委简称", "青龙整体目标", "青龙保障措施", "青龙任务名称", "青龙部门指标", "青龙下属单位", "青龙项目名称", "青龙项目依据"]
ROW_SECRETS = ["麒麟指标名称", "麒麟指标取值", "麒麟指标描述", "麒麟部门指标"]
REGISTER_SECRETS = ["登记册项目名称", "登记册项目依据"]


def leveled_tree(root: Path) -> Path:
    """A public department with a secret unit, project, fields and rows; and a secret department."""
    dept = DEPARTMENT.replace("    链接名: fxh\n", "    链接名: fxh\n  - 单位名称: 白虎保密中心\n    链接名: baihu\n    单位编码: BH001\n    涉密: true\n") + (
        "绩效指标:\n  - 一级指标: 产出指标\n    三级指标: 公开部门指标\n    指标值: 公开值\n"
        "  - 一级指标: 效益指标\n    三级指标: 麒麟部门指标\n    指标值: 麒麟部门指标\n    涉密: true\n"
        "年度主要任务:\n  - 任务名称: 朱雀工程名称\n    金额: 5432.10\n    项目编码: ZQ001\n    绩效目标: 朱雀年度目标\n")
    files: dict[str, object] = {"部门.yml": dept}
    files["public.yml"] = project("公开测试项目", "GK001", 20000.0, 项目类别="本级支出项目", **{"年度目标": {"目标": "完成测试任务。", "指标": [
        {"一级指标": "产出指标", "三级指标": "公开指标", "指标值": "≥2次"},
        {"一级指标": "产出指标", "三级指标": "麒麟指标名称", "指标值": "麒麟指标取值", "绩效指标描述": "麒麟指标描述", "涉密": True}]}})
    files["public2.yml"] = project("公开测试项目二", "GK002", 30000.0, unit="测试市法学会")
    files["zhuque.yml"] = project("朱雀工程名称", "ZQ001", 5432.10, 涉密=True, 立项依据="朱雀立项依据", 资金用途="朱雀资金用途",
                                  审核意见={"意见": "朱雀审核意见"}, 备注="朱雀备注文字", 链接名="zhuque-gongcheng",
                                  **{"年度目标": {"目标": "朱雀年度目标", "指标": [{"一级指标": "产出指标", "三级指标": "朱雀指标名称", "指标值": "朱雀指标取值"}]}})
    files["baihu.yml"] = project("白虎项目名称", "BH-P1", 6543.21, unit="白虎保密中心", 资金用途="白虎项目用途")
    files["register.yml"] = project("登记册项目名称", "REG001", 7000.0, 立项依据="登记册项目依据")
    for i, (key, value) in enumerate(sorted(FIELD_VALUES.items())):
        files[f"field{i:02d}.yml"] = project(f"字段测试项目{i:02d}" if key != "项目名称" else str(value), f"FD{i:02d}", 1000.0 + i,
                                             **{key: value, "涉密字段": [key]})
    write_tree(root, files)
    secret_dept = (
        "部门名称: 青龙保密委员会\n部门简称: 青龙委简称\n部门编码: \"QL0001\"\n链接名: qinglong\n年度: 2025\n金额单位: 元\n"
        "整体绩效目标: 青龙整体目标\n工作保障措施: 青龙保障措施\n涉密: true\n"
        "年度主要任务:\n  - 任务名称: 青龙任务名称\n    金额: 100\n"
        "绩效指标:\n  - 一级指标: 产出指标\n    三级指标: 青龙部门指标\n    指标值: 青龙部门指标\n"
        "单位:\n  - 单位名称: 青龙下属单位\n")
    write_tree(root, {"部门.yml": secret_dept, "p.yml": project("青龙项目名称", "QL-P1", 8000.0, unit="青龙保密委员会", 立项依据="青龙项目依据")},
               dept="qinglong")
    return root


def text_secrets() -> list[str]:
    out = WHOLE_PROJECT_SECRETS + UNIT_SECRETS + DEPT_SECRETS + ROW_SECRETS + REGISTER_SECRETS
    for key, value in FIELD_VALUES.items():
        if key in ("实施单位", "项目期资金", "资金支出计划"):
            continue
        out += _strings(value)
    return out


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    if isinstance(value, dict):
        return [s for k, v in value.items() if k not in ("一级指标", "日期") for s in _strings(v)]
    return []


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = leveled_tree(tmp_path_factory.mktemp("levels") / "content")
    register = root.parent / "register.txt"
    register.write_text("# 保密室登记册（测试）\nREG001  # 登记册项目\n\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("rules", RULES, ids=lambda r: f"{r.secret_label}-{r.secret_amounts}")
def test_no_secret_of_any_level_reaches_any_output_file(tmp_path: Path, tree: Path, rules: Disclosure) -> None:
    result = build(paths(tmp_path, tree, rules, secret_register=tree.parent / "register.txt"))
    site = tmp_path / "site"
    assert leaks(site, text_secrets()) == []
    everything = every_file_text(site)
    # What is public stays public: the department, its public units and projects, the wording.
    for public_text in ("测试市委政法委员会", "公开测试项目", "公开测试项目二", "测试市法学会", "公开指标", "公开部门指标"):
        assert public_text in everything
    assert "涉密项目。按照预算编制要求" in everything and "保密项目" in everything
    # Withheld values that are not text: the period money and the spending plan of the field projects.
    assert "777777.77" not in everything and "777,777.77" not in everything
    assert "41.3" not in everything
    # The secret department has no page, no data row and no URL.
    assert not (site / "2025" / "qinglong").exists() and "qinglong" not in everything
    assert result.redaction is not None and {e.rule for e in result.redaction.log} >= {"涉密部门", "涉密单位", "涉密项目", "涉密登记册", "涉密字段"}
    if rules.secret_amounts == "withhold" or rules.secret_label == "hidden":
        for amount in ("5432.1", "5,432.10", "6543.21", "6,543.21", "7000.00", "7,000.00"):
            assert amount not in everything, amount


def test_secret_labels_show_code_number_or_nothing(tmp_path: Path, tree: Path) -> None:
    register = tree.parent / "register.txt"
    for label, shown, absent in (("code", ["ZQ001", "BH-P1", "REG001"], []), ("numbered", ["涉密项目1", "涉密项目2"], ["ZQ001", "REG001"]),
                                 ("hidden", [], ["ZQ001", "REG001", "BH-P1", "涉密项目1"])):
        build(paths(tmp_path / label, tree, Disclosure(secret_label=label), secret_register=register))
        page = (tmp_path / label / "site" / "2025" / "ceshi" / "index.html").read_text(encoding="utf-8")
        assert all(s in page for s in shown), label
        assert not any(s in page for s in absent), label


def test_a_secret_field_is_replaced_by_the_wording_and_named(tmp_path: Path, tree: Path) -> None:
    build(paths(tmp_path, tree, secret_register=tree.parent / "register.txt"))
    site = tmp_path / "site" / "2025" / "ceshi"
    index = sorted(FIELD_VALUES).index("立项依据")
    page = (site / f"fd{index:02d}" / "index.html").read_text(encoding="utf-8")
    assert "涉密项目。按照预算编制要求" in page and "以下内容涉密" in page and "立项依据" in page
    # 实施单位 secret: the project page does not say which unit runs it.
    index = sorted(FIELD_VALUES).index("实施单位")
    page = (site / f"fd{index:02d}" / "index.html").read_text(encoding="utf-8")
    assert "测试市法学会" not in page.split("<main", 1)[-1].split("引用本页")[0] and "实施单位不公开" in page
    # 项目名称 secret: the project is listed under its code, its URL is the code's.
    index = sorted(FIELD_VALUES).index("项目名称")
    assert (site / f"fd{index:02d}" / "index.html").is_file()


def test_every_project_field_that_can_be_secret_is_covered() -> None:
    assert set(FIELD_VALUES) == set(PROJECT_SECRET_FIELDS) - NEVER_SECRET  # 表格名称 is refused as a secret field (E029)


def test_a_secret_project_without_code_gets_a_numbered_url(tmp_path: Path) -> None:
    content = write_tree(tmp_path / "content", {"部门.yml": DEPARTMENT, "a.yml": project("公开项目甲", "A1"),
                                                "b.yml": project("无编码秘密工程", None, 涉密=True),
                                                "c.yml": project("无编码名称保密", None, **{"涉密字段": ["项目名称"]})})
    build(paths(tmp_path, content))
    site = tmp_path / "site"
    assert leaks(site, ["无编码秘密工程", "无编码名称保密"]) == []
    names = [p.relative_to(site).as_posix() for p in site.rglob("index.html")]
    assert "2025/ceshi/shemi-1/index.html" in names and "2025/ceshi/mingcheng-shemi-1/index.html" in names


# ---- the allow-list property ----------------------------------------------------------------------

ALLOWED_LEAVES = {str, int, bool, Decimal, type(None), model.Amount, model.PlanPoint}
MODEL_TYPES = {model.Project, model.Department, model.Unit, model.Task, model.Goal, model.Indicator, model.Money,
               model.Review, model.Site, model.ParsedValue}


def _field_types(cls: type) -> set[object]:
    hints = typing.get_type_hints(cls, vars(public_module))
    out: set[object] = set()

    def expand(tp: object) -> None:
        args = typing.get_args(tp)
        if args:
            for arg in args:
                if arg is not Ellipsis:
                    expand(arg)
        else:
            out.add(tp)
    for f in dataclasses.fields(cls):
        expand(hints[f.name])
    return out


def test_public_types_are_an_allow_list_that_cannot_hold_model_objects() -> None:
    published = [public_module.PublicMoney, public_module.PublicIndicator, public_module.PublicGoal, public_module.PublicProject,
                 public_module.PublicTask, public_module.PublicUnit, public_module.PublicDepartment]
    for cls in published:
        assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen, cls  # type: ignore[attr-defined]
        for tp in _field_types(cls):
            assert tp in ALLOWED_LEAVES or tp in published, f"{cls.__name__} 有字段类型 {tp}"
            assert tp not in MODEL_TYPES
        names = {f.name for f in dataclasses.fields(cls)}
        # No field named for what redaction removes: there is no place to keep it.
        assert not names & {"secret_fields", "review", "previous", "secret_text", "original"}, cls
    # The withheld list lives only on PublicSite, which templates never receive (next test).
    assert public_module.Withheld not in set().union(*(_field_types(c) for c in published))


def _walk(value: object, seen: set[int]) -> typing.Iterator[object]:
    if id(value) in seen:
        return
    seen.add(id(value))
    yield value
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from _walk(item, seen)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _walk(item, seen)
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            yield from _walk(getattr(value, f.name), seen)


def test_templates_receive_only_public_objects(tmp_path: Path, tree: Path) -> None:
    p = paths(tmp_path, tree, secret_register=tree.parent / "register.txt")
    result = check(p)
    assert result.public is not None
    site_info, pages = build_pages(load_config(p.config), result.public)
    seen: set[int] = set()
    objects = list(_walk(site_info, seen)) + [o for page in pages for o in _walk(page, seen)]
    kinds = {type(o) for o in objects}
    assert not kinds & MODEL_TYPES
    assert public_module.PublicSite not in kinds and public_module.Withheld not in kinds
    secrets = set(text_secrets())
    assert not [o for o in objects if isinstance(o, str) and o in secrets]


def test_example_site_audit_reports_zero_hits(example_site: Path) -> None:
    result = run_cli("audit", str(example_site))
    assert result.returncode == 0, result.stderr
    assert "没有发现" in result.stdout
    assert leaks(example_site, ["样例涉密内容"]) == []
