"""Across years: a continuing project beside last year's record, department totals over the years.

The example content has one year per department, so these tests build a two-year tree of their
own in tmp_path (the example content stays real data only).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from conftest import ROOT, example_paths
from gongkai.pipeline import build

SECRET = "样例涉密内容"

DEPT = """\
部门名称: 测试县委政法委员会
部门编码: "900001"
链接名: ceshi
年度: {year}
金额单位: 元
"""

PROJECT = """\
项目名称: {name}
项目编码: {code}
{extra}资金:
  总额: {amount}
年度目标:
  指标:
    - 一级指标: 产出指标
      二级指标: 数量指标
      三级指标: 培训人次
      指标值: "{trainees}"
    - 一级指标: 效益指标
      二级指标: 社会效益指标
      三级指标: {third}
      指标值: 稳步提高
"""

SECRET_PROJECT = """\
项目名称: {name}{secret}
项目编码: {code}
涉密: true
资金:
  总额: {amount}
年度目标:
  目标: {secret}目标
  指标:
    - 一级指标: 产出指标
      三级指标: {secret}指标
      指标值: {secret}值
"""


def project(name: str, code: str, amount: str, trainees: str = "≥100人次", third: str = "群众安全感", extra: str = "") -> str:
    return PROJECT.format(name=name, code=code, amount=amount, trainees=trainees, third=third, extra=extra)


def write(root: Path, year: int, files: dict[str, str]) -> None:
    folder = root / str(year) / "ceshi"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "部门.yml").write_text(DEPT.format(year=year), encoding="utf-8")
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def two_years(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("years")
    content = root / "content"
    write(content, 2024, {
        "t0001.yml": project("政法培训经费", "T0001", "80000.00", "≥80人次", third="培训满意度"),
        "t0009.yml": project("网格化管理经费", "T0009", "50000.00"),
        # Secret last year, public this year under the same code: no comparison may show it.
        "s0001.yml": SECRET_PROJECT.format(name="维稳专项", secret=SECRET, code="S0001", amount="30000.00"),
    })
    write(content, 2025, {
        "t0001.yml": project("政法培训经费", "T0001", "100000.00", "≥100人次"),
        # A new code this year, linked to last year's record by 上年项目.
        "t0010.yml": project("网格化服务管理经费", "T0010", "50000.00", extra="上年项目: T0009\n"),
        "s0001.yml": project("公开项目", "S0001", "40000.00"),
        # Secret this year, public last year would be the reverse case; here: a secret with a new code.
        "s0002.yml": SECRET_PROJECT.format(name="保密专项", secret=SECRET, code="S0002", amount="20000.00"),
    })
    out = root / "site"
    config = root / "site_config.yml"  # the example's, without the search index these tests never use
    config.write_text((ROOT / "site_config.yml").read_text(encoding="utf-8").replace("search: true", "search: false"), encoding="utf-8")
    build(example_paths(out, content=content, config=config))
    return out


def text_of(path: Path) -> str:
    raw = path.read_text(encoding="utf-8")
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", raw)))


def section(path: Path, heading_id: str) -> str:
    raw = path.read_text(encoding="utf-8")
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', raw, re.S)
    assert match, f"no section {heading_id} in {path}"
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0))))


def test_continuing_project_shows_last_year_amount_beside_this_year(two_years: Path) -> None:
    page = two_years / "2025" / "ceshi" / "t0001" / "index.html"
    compare = section(page, "compare")
    assert "80,000.00 元" in compare and "100,000.00 元" in compare
    assert "+20,000.00 元（+25.0%）" in compare
    assert 'href="/2024/ceshi/t0001/"' in page.read_text(encoding="utf-8")
    facts = re.search(r'<dl class="facts">.*?</dl>', page.read_text(encoding="utf-8"), re.S).group(0)
    assert "上年预算（2024年）" in facts and "80,000.00 元" in facts


def test_continuing_project_compares_indicator_values_row_by_row(two_years: Path) -> None:
    compare = section(two_years / "2025" / "ceshi" / "t0001" / "index.html", "compare")
    assert re.search(r"培训人次 ≥80人次 ≥100人次 \+20人次", compare), compare
    assert re.search(r"群众安全感 — 稳步提高 新增", compare)
    assert re.search(r"培训满意度 稳步提高 — 取消", compare)


def test_explicit_previous_code_links_a_renamed_project(two_years: Path) -> None:
    compare = section(two_years / "2025" / "ceshi" / "t0010" / "index.html", "compare")
    assert "网格化管理经费" in compare and "不变" in compare


def test_no_comparison_with_or_of_a_secret_project(two_years: Path) -> None:
    public_now = (two_years / "2025" / "ceshi" / "s0001" / "index.html").read_text(encoding="utf-8")
    assert 'id="compare"' not in public_now  # last year's S0001 was secret
    secret_now = (two_years / "2025" / "ceshi" / "s0002" / "index.html").read_text(encoding="utf-8")
    assert 'id="compare"' not in secret_now
    leaks = [p for p in two_years.rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()]
    assert leaks == []


def test_first_year_has_no_comparison(two_years: Path) -> None:
    assert 'id="compare"' not in (two_years / "2024" / "ceshi" / "t0001" / "index.html").read_text(encoding="utf-8")


def test_department_pages_show_totals_over_the_years(two_years: Path) -> None:
    for year in (2024, 2025):
        history = section(two_years / str(year) / "ceshi" / "index.html", "history")
        assert "2024年 3 160,000.00 元" in history  # secret amounts count in the department total (shown rule)
        assert "2025年 4 210,000.00 元 +31.2%" in history
        other = 2025 if year == 2024 else 2024
        assert f'href="/{other}/ceshi/"' in (two_years / str(year) / "ceshi" / "index.html").read_text(encoding="utf-8")


def test_department_history_chart_has_the_same_numbers(two_years: Path) -> None:
    raw = (two_years / "2025" / "ceshi" / "index.html").read_text(encoding="utf-8")
    figure = re.search(r'<figure[^>]*id="chart-years".*?</figure>', raw, re.S)
    assert figure
    svg = re.search(r"<svg.*?</svg>", figure.group(0), re.S).group(0)
    table = re.search(r"<table.*?</table>", figure.group(0), re.S).group(0)
    for shown in ("160,000.00 元", "210,000.00 元"):
        assert shown in svg and shown in table
