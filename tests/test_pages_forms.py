"""The three form kinds as their sources lay them out (issue 13): the worked examples in
tests/fixtures/forms build with every amount, task, source of funds, indicator row (both periods
side by side) and form label on their pages, and what is withheld stays withheld."""

from __future__ import annotations

import shutil
from pathlib import Path

import lxml.html
import pytest

from conftest import ROOT, StaticServer, example_paths
from gongkai.source.config import Disclosure
from gongkai.pipeline import build, check
from test_redact_kit import every_file_text, paths

FORMS = ROOT / "tests" / "fixtures" / "forms"
DEPT = "2022/shili-zfw"


@pytest.fixture(scope="module")
def forms_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("forms")
    build(paths(tmp, FORMS), cache=None)
    return tmp / "site"


def page(site: Path, path: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / path / "index.html").read_text(encoding="utf-8"))


def cell_text(cell: lxml.html.HtmlElement) -> str:
    """A cell's text with each <br> as a line break, the way the page shows it."""
    parts = [cell.text or ""]
    for child in cell:
        parts.append("\n" if child.tag == "br" else child.text_content())
        parts.append(child.tail or "")
    return "".join(parts).strip()


def rows(doc: lxml.html.HtmlElement, table_class: str, part: str = "tbody") -> list[list[str]]:
    (table,) = doc.xpath(f"//table[contains(concat(' ', @class, ' '), ' {table_class} ')]")
    return [[cell_text(c) for c in tr.xpath("./th|./td")] for tr in table.xpath(f"./{part}/tr")]


def facts(doc: lxml.html.HtmlElement) -> dict[str, str]:
    return {d.xpath("./dt")[0].text_content().strip(): d.xpath("./dd")[0].text_content().strip()
            for d in doc.xpath("//dl[@class='facts']/div")}


# ---- 部门整体支出绩效目标表 ---------------------------------------------------------------------

def test_department_page_shows_the_form_kind_and_its_stated_amounts_apart_from_the_listed_projects(forms_site: Path) -> None:
    doc = page(forms_site, DEPT)
    assert doc.xpath("//p[@class='form-kind']")[0].text_content() == "部门整体支出绩效目标表"
    shown = facts(doc)
    assert shown["部门预算总额"] == "1,580.50 万元"
    assert shown["基本支出"] == "980.30 万元"
    assert shown["项目支出"] == "600.20 万元"
    assert shown["所列2个项目金额合计"] == "520.20 万元"
    assert "项目支出合计" not in shown  # a sum of the listed projects is called that, not 项目支出
    note = doc.xpath("//p[contains(@class, 'stated-difference')]")[0].text_content()
    assert "来源写明的项目支出为 600.20 万元" in note and "所列 2 个项目金额合计 520.20 万元" in note and "80.00 万元" in note


def test_task_table_has_every_task_with_its_kind_and_sources_of_funds_and_the_stated_total(forms_site: Path) -> None:
    doc = page(forms_site, DEPT)
    header = rows(doc, "tasks", "thead")
    assert header == [["任务", "支出类型", "总额", "财政拨款", "财政专户拨款", "其他资金", "绩效目标", "绩效指标"]]
    assert rows(doc, "tasks") == [
        ["机关运行保障", "基本支出", "980.30", "950.30", "—", "30.00", "保障机关正常运转。", ""],
        ["平安建设专项经费", "项目支出", "320.00", "300.00", "—", "20.00", "开展平安创建，化解矛盾纠纷。", "平安创建达标率85%及以上。"],
        ["政法信息化运维", "项目支出", "200.20", "200.20", "—", "—", "保障政法专网和平台正常运行。", ""],
        ["综治中心建设", "项目支出", "80.00", "—", "80.00", "—", "建设标准化综治中心。", ""],
    ]
    assert rows(doc, "tasks", "tfoot") == [["金额合计", "", "1,580.50", "1,450.50", "80.00", "50.00", "", ""]]
    links = doc.xpath("//table[contains(@class, 'tasks')]//a/@href")
    assert links == ["/2022/shili-zfw/pingan/", "/2022/shili-zfw/xinxihua/"]


def test_department_indicator_with_two_lines_keeps_them(forms_site: Path) -> None:
    doc = page(forms_site, DEPT)
    values = [r[-1] for r in rows(doc, "indicators")]
    assert values == ["不少于5个", "群众安全感达到95%以上\n（以省统计局调查为准）", "满意度在90%以上。"]


# ---- 项目支出绩效目标表, 中期 and 年度 side by side ------------------------------------------------

def test_two_period_project_shows_both_periods_money_in_one_table(forms_site: Path) -> None:
    doc = page(forms_site, f"{DEPT}/pingan")
    assert doc.xpath("//p[@class='form-kind']")[0].text_content() == "项目支出绩效目标表"
    assert rows(doc, "periods-money", "thead") == [["资金来源", "中期资金总额", "年度资金总额"]]
    assert rows(doc, "periods-money") == [["资金总额", "960.00", "320.00"], ["其中：财政拨款", "900.00", "300.00"],
                                          ["其中：其他资金", "60.00", "20.00"]]
    assert len(doc.xpath("//table[contains(@class, 'money')]")) == 1


def test_two_period_project_shows_one_row_per_indicator_with_both_values(forms_site: Path) -> None:
    doc = page(forms_site, f"{DEPT}/pingan")
    assert [h.text_content() for h in doc.xpath("//div[@class='periods-goals']//h3")] == ["中期目标（2022—2024年）", "年度目标（2022年）"]
    assert rows(doc, "periods", "thead") == [["一级指标", "二级指标", "三级指标", "中期指标值", "年度指标值"]]
    assert rows(doc, "periods") == [
        ["产出指标", "数量指标", "平安镇街创建数", "不少于30个", "不少于10个"],
        ["产出指标", "数量指标", "网格员培训人次", "—", "不少于800人次"],
        ["产出指标", "质量指标", "矛盾纠纷化解率", "95%以上", "化解率=化解纠纷数/受理纠纷数*100%。\n达到95%以上。"],
        ["成本指标", "经济成本指标", "网格员误工补助", "—", "70元/天"],
        ["产出指标", "时效指标", "创建验收完成时间", "2024年12月底前完成", "—"],
        ["效益指标", "社会效益指标", "刑事案件发案率", "同比下降5%", "—"],
        ["满意度指标", "服务对象满意度指标", "群众满意度", "不低于90%", "不低于90%"],
    ]
    # Every row of both periods keeps its own anchor (search results and open data link to them).
    ids = set(doc.xpath("//table[contains(@class, 'periods')]//@id"))
    assert ids == {f"指标-中期-{i}" for i in range(1, 6)} | {f"指标-年度-{i}" for i in range(1, 6)}
    assert len(doc.xpath("//table[contains(@class, 'indicators')]")) == 1


def test_information_project_form_label_money_label_and_rows(forms_site: Path) -> None:
    doc = page(forms_site, f"{DEPT}/xinxihua")
    assert doc.xpath("//p[@class='form-kind']")[0].text_content() == "信息化项目支出绩效目标申报表"
    assert doc.xpath("//table[contains(@class, 'money')]/caption")[0].text_content() == "年度资金总额（单位：万元）"
    assert rows(doc, "money") == [["200.20", "200.20", "—", "—"]]
    assert [r[2:] for r in rows(doc, "indicators")] == [
        ["系统故障率", "故障率不高于3次/年"],
        ["系统正常运行率", "正常运行率=系统正常运行时数/系统总运行时数*100%。达到90%以上。"],
        ["故障响应时间", "30分钟以内"],
        ["驻场人员伙食补助", "70元/天"],
        ["人均薪酬待遇", "4700元/人.年"],
        ["支付项目款项金额", "不超过200.20万元"],
        ["使用单位满意度", "满意度不低于90%"],
    ]


def test_the_worked_forms_raise_no_warning_not_even_w101_for_their_cost_rows(tmp_path: Path) -> None:
    result = check(example_paths(tmp_path / "site", content=FORMS))
    assert result.public is not None and result.warnings == []


# ---- phones: the two periods stacked --------------------------------------------------------------

def test_periods_side_by_side_on_a_wide_screen_and_stacked_on_a_phone(forms_site: Path, browser: object) -> None:
    with StaticServer(forms_site) as server:
        for width, side_by_side in ((1200, True), (375, False)):
            context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")  # type: ignore[attr-defined]
            tab = context.new_page()
            tab.goto(server.url + f"{DEPT}/pingan/")
            row = tab.locator("table.periods tbody tr").nth(0)
            first, second = row.locator("td.value").nth(0).bounding_box(), row.locator("td.value").nth(1).bounding_box()
            if side_by_side:
                assert abs(first["y"] - second["y"]) < 2 and second["x"] > first["x"] + first["width"] - 2
            else:
                assert second["y"] >= first["y"] + first["height"] - 2
                assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            two_lines = tab.locator("table.periods tbody tr").nth(2).locator("td.value").nth(1).inner_text()
            assert two_lines.splitlines() == ["化解率=化解纠纷数/受理纠纷数*100%。", "达到95%以上。"]
            tab.goto(server.url + f"{DEPT}/")
            shown = tab.locator("table.indicators tbody tr").nth(1).locator("td.value").inner_text()
            assert shown.splitlines() == ["群众安全感达到95%以上", "（以省统计局调查为准）"]
            context.close()


# ---- redaction of the new fields ------------------------------------------------------------------

def secret_pingan(tmp_path: Path) -> Path:
    """The worked forms with 平安建设专项经费 secret. Its code and the values it shares with public
    rows are changed first: a public text holding a withheld one is E040, whatever the amounts."""
    content = tmp_path / "content"
    shutil.copytree(FORMS, content)
    for name, changes in (("pingan.yml", [("项目类别:", "涉密: true\n项目类别:"), ("不低于90%", "不低于88%"), ("95%以上", "96%以上"),
                                          ("SL2022-PA-001", "PAQ-0001")]),
                          ("部门.yml", [("SL2022-PA-001", "PAQ-0001")])):
        path = content / DEPT / name
        text = path.read_text(encoding="utf-8")
        for old, new in changes:
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
    return content


def test_a_secret_project_s_task_keeps_its_funds_withheld_and_the_stated_total_cannot_subtract_them(tmp_path: Path) -> None:
    content = secret_pingan(tmp_path)
    result = build(paths(tmp_path, content, Disclosure(secret_amounts="withhold")), cache=None)
    everything = every_file_text(tmp_path / "site")
    for amount in ("320.00", "320.0", "960", "300.00", "900.00", "60.00"):
        assert amount not in everything.replace("1,580.50", "").replace("1580.5", ""), amount
    for text in ("平安建设专项经费", "开展平安创建", "中期目标（2022—2024年）"):
        assert text not in everything
    doc = page(tmp_path / "site", DEPT)
    tasks = rows(doc, "tasks")
    assert tasks[1][:6] == ["PAQ-0001", "项目支出", "—", "—", "—", "—"]
    # 金额合计 minus the published tasks would give the withheld task's 财政拨款 and 其他资金: withheld.
    assert rows(doc, "tasks", "tfoot")[0][2:6] == ["不公开", "不公开", "不公开", "不公开"]
    assert result.redaction is not None
    assert any(e.rule == "年度任务金额不公开" and e.amount == 3200000 for e in result.redaction.log)


@pytest.mark.parametrize("width", [1200, 375])
def test_the_form_pages_have_no_axe_violations(forms_site: Path, browser: object, width: int) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from test_a11y import run_axe
    axe = Axe()
    with StaticServer(forms_site) as server:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")  # type: ignore[attr-defined]
        try:
            tab = context.new_page()
            for path in (DEPT, f"{DEPT}/pingan", f"{DEPT}/xinxihua"):
                tab.goto(server.url + path + "/")
                violations = run_axe(axe, tab)
                assert violations == [], (path, [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations])
        finally:
            context.close()


@pytest.mark.parametrize("label", ["code", "numbered", "hidden"])
@pytest.mark.parametrize("amounts", ["show", "withhold"])
def test_every_disclosure_rule_builds_the_forms_with_a_secret_two_period_project(tmp_path: Path, label: str, amounts: str) -> None:
    content = secret_pingan(tmp_path)
    build(paths(tmp_path, content, Disclosure(secret_label=label, secret_amounts=amounts)), cache=None)
    everything = every_file_text(tmp_path / "site")
    for text in ("平安建设专项经费", "开展平安创建", "中期目标（2022—2024年）", "网格员误工补助", "960.00"):
        assert text not in everything, text
    withheld = amounts == "withhold" or label == "hidden"
    assert ("320.00" in everything) is not withheld
    assert "政法信息化运维" in everything and "980.30" in everything  # what is public stays public
