"""`build.py check --report FILE`: the target-quality review, read from the HTML it writes."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from conftest import run_cli

SCHEMA = "# yaml-language-server: $schema=../../../schema/{}.schema.json\n"


def _text(path: Path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


def test_report_on_the_example(tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    result = run_cli("check", "--report", str(report))
    assert result.returncode == 0, result.stderr
    assert f"质量审查报告已写入：{report}" in result.stdout
    raw = report.read_text(encoding="utf-8")
    text = _text(report)
    assert raw.startswith("<!DOCTYPE html>") and 'lang="zh-CN"' in raw
    assert "样例涉密内容" not in raw  # secret projects are counted, never described
    for name in ("中国共产党玉田县委员会政法委员会", "中国共产党广州市委员会政法委员会", "中共鄂州市委政法委员会"):
        assert name in text
    # 见义勇为基金: "群众认可" is not measurable; 社会稳定水平 is filed under 成本指标
    assert re.search(r"“社会稳定水平”的指标值“群众认可”没有数字.*content/2025/yutian-zfw/13022925P00004610003B\.yml:\d+", text)
    assert "“社会稳定水平”填在“成本指标”下" in text
    # 广州 rows have no 指标值确定依据 column at all
    assert re.search(r"“驻场技术服务人员数量”没有写明指标值确定依据", text)
    assert re.search(r"见义勇为基金（13022925P00004610003B）\s+可量化指标：7/9（77\.8%）", text)
    assert "涉密项目：只列出问题数量" in text


def _tree(root: Path) -> None:
    folder = root / "2026" / "ceshi"
    folder.mkdir(parents=True)
    (folder / "部门.yml").write_text(SCHEMA.format("department") + """部门名称: 测试部门
年度: 2026
金额单位: 万元
年度主要任务:
  - 任务名称: 甲项目
    金额: 12
    项目编码: "T001"
""", encoding="utf-8")
    (folder / "t001.yml").write_text(SCHEMA.format("project") + """项目名称: 甲项目
项目编码: "T001"
资金:
  总额: 10
项目期资金:
  总额: 8
年度目标:
  目标: 完成甲项目。
长期目标:
  目标: 长期完成甲项目。
  指标:
    - 一级指标: 效益指标
      二级指标: 社会效益指标
      三级指标: 群众满意度
      指标值: 效果明显
      指标值确定依据: 计划标准
    - 一级指标: 产出指标
      二级指标: 数量指标
      三级指标: 培训次数
      指标值: ≥2次
      指标值确定依据: 计划标准
""", encoding="utf-8")


def test_findings_in_a_small_tree(tmp_path: Path) -> None:
    content = tmp_path / "content"
    _tree(content)
    report = tmp_path / "out" / "r.html"
    result = run_cli("check", "--content", str(content), "--report", str(report))
    assert result.returncode == 0, result.stderr
    text = _text(report)
    assert "年度目标没有指标" in text
    assert "“群众满意度”的指标值“效果明显”没有数字" in text
    assert "“群众满意度”是满意度指标，却填在“社会效益指标”下" in text
    assert "年度主要任务“甲项目”写 12万元，对应项目为 10万元" in text
    assert "项目期资金 8万元 小于本年度资金 10万元" in text
    assert "可量化指标：1/2（50.0%）" in text
    again = tmp_path / "again.html"
    run_cli("check", "--content", str(content), "--report", str(again))
    assert again.read_bytes() == report.read_bytes()


def test_no_report_when_content_has_errors(tmp_path: Path) -> None:
    content = tmp_path / "content"
    _tree(content)
    project = content / "2026" / "ceshi" / "t001.yml"
    project.write_text(project.read_text(encoding="utf-8").replace("项目名称:", "项目名陈:"), encoding="utf-8")
    report = tmp_path / "r.html"
    result = run_cli("check", "--content", str(content), "--report", str(report))
    assert result.returncode == 1 and "E010" in result.stderr
    assert not report.exists()


def _site_with(tmp_path: Path, badge: bool) -> Path:
    import yaml

    from conftest import ROOT, example_paths
    from gongkai.pipeline import build
    content = tmp_path / "content"
    if not content.exists():
        _tree(content)
    config = tmp_path / f"config-{badge}.yml"
    data = yaml.safe_load((ROOT / "site_config.yml").read_text(encoding="utf-8"))
    data.update(search=False, quality_badge=badge)
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path / f"site-{badge}"
    build(example_paths(out, content=content, config=config), cache=None)
    return next(out.glob("2026/*/t001/index.html"))


def test_quality_badge_is_a_site_config_choice(tmp_path: Path, example_site: Path) -> None:
    shown = _site_with(tmp_path, True).read_text(encoding="utf-8")
    assert re.search(r'<div class="quality-badge"><dt>可量化指标</dt><dd>1/2</dd></div>', shown)
    hidden = _site_with(tmp_path, False).read_text(encoding="utf-8")
    assert "quality-badge" not in hidden
    # the example keeps the default (off)
    assert not any("quality-badge" in p.read_text(encoding="utf-8") for p in example_site.glob("2025/*/*/index.html"))


def test_secret_rows_and_units_are_only_counted(tmp_path: Path) -> None:
    content = tmp_path / "content"
    _tree(content)
    folder = content / "2026" / "ceshi"
    dept = folder / "部门.yml"
    dept.write_text(dept.read_text(encoding="utf-8") + "单位:\n  - 单位名称: 测试部门\n  - 单位名称: 机密单位\n    涉密: true\n", encoding="utf-8")
    project = folder / "t001.yml"
    project.write_text(project.read_text(encoding="utf-8") + """    - 一级指标: 产出指标
      三级指标: 机密指标
      指标值: 机密指标值
      涉密: true
""", encoding="utf-8")
    (folder / "t002.yml").write_text(SCHEMA.format("project") + """项目名称: 机密单位的项目
项目编码: "T002"
实施单位: 机密单位
资金:
  总额: 2
年度目标:
  指标:
    - 一级指标: 产出指标
      三级指标: 机密单位指标
      指标值: 很好
""", encoding="utf-8")
    report = tmp_path / "r.html"
    result = run_cli("check", "--content", str(content), "--report", str(report))
    assert result.returncode == 0, result.stderr
    text = _text(report)
    assert "机密" not in text
    assert "长期目标有 1 行涉密指标，未列入审查内容" in text
    assert "涉密项目（content/2026/ceshi/t002.yml）" in text and "涉密项目：只列出问题数量" in text


def _secret_tree(root: Path) -> tuple[Path, list[str]]:
    """A tree with secrets at every level: returns the content folder and every withheld text."""
    _tree(root)
    folder = root / "2026" / "ceshi"
    secrets = ["机要单位甲", "机要任务乙名称", "机要工程丙", "机要立项依据丁文字", "机要目标戊的内容", "机要指标己", "机要值庚次数",
               "机要登记辛工程", "机要名称壬工程", "机要部门指标癸"]
    dept = folder / "部门.yml"
    dept.write_text(dept.read_text(encoding="utf-8") + f"""  - 任务名称: {secrets[1]}
    金额: 3
    项目编码: "S003"
绩效指标:
  - 一级指标: 产出指标
    三级指标: {secrets[9]}
    指标值: 很多
    涉密: true
单位:
  - 单位名称: 测试部门
  - 单位名称: {secrets[0]}
    涉密: true
""", encoding="utf-8")
    (folder / "s003.yml").write_text(SCHEMA.format("project") + f"""项目名称: {secrets[2]}
项目编码: "S003"
涉密: true
立项依据: {secrets[3]}
资金:
  总额: 3
年度目标:
  目标: {secrets[4]}
  指标:
    - 一级指标: 产出指标
      三级指标: {secrets[5]}
      指标值: {secrets[6]}
""", encoding="utf-8")
    (folder / "u004.yml").write_text(SCHEMA.format("project") + f"""项目名称: 机要单位的项目
项目编码: "U004"
实施单位: {secrets[0]}
资金:
  总额: 1
年度目标:
  指标:
    - 一级指标: 产出指标
      三级指标: 机要单位项目指标
      指标值: 很好
""", encoding="utf-8")
    (folder / "r005.yml").write_text(SCHEMA.format("project") + f"""项目名称: {secrets[7]}
项目编码: "r-005"
资金:
  总额: 1
年度目标:
  目标: 登记册项目的机要目标
""", encoding="utf-8")
    (folder / "f006.yml").write_text(SCHEMA.format("project") + f"""项目名称: {secrets[8]}
项目编码: "F006"
涉密字段: [项目名称, 年度目标]
资金:
  总额: 1
年度目标:
  目标: 字段涉密的机要目标
  指标:
    - 一级指标: 产出指标
      三级指标: 字段涉密机要指标
      指标值: 不可衡量
""", encoding="utf-8")
    tasks = dept.read_text(encoding="utf-8").replace("    金额: 12\n", "    金额: 12\n")
    dept.write_text(tasks, encoding="utf-8")
    return root, secrets + ["机要单位的项目", "机要单位项目指标", "登记册项目的机要目标", "字段涉密的机要目标", "字段涉密机要指标"]


def test_the_review_of_a_tree_with_secrets_holds_no_withheld_text(tmp_path: Path) -> None:
    from test_redact_kit import leaks
    content, secrets = _secret_tree(tmp_path / "content")
    register = tmp_path / "register.txt"
    register.write_text("R005\n", encoding="utf-8")  # other case and separators than the file's r-005
    report = tmp_path / "review" / "r.html"
    result = run_cli("check", "--content", str(content), "--secret-register", str(register), "--report", str(report))
    assert result.returncode == 0, result.stderr
    # An independent reader (not the audit's): the text, its pinyin and initials, anywhere in the bytes.
    assert leaks(report.parent, secrets) == []
    text = _text(report)
    assert "机要" not in text
    for file in ("s003.yml", "u004.yml", "r005.yml"):
        assert f"涉密项目（content/2026/ceshi/{file}）" in text
    assert "名称涉密项目（content/2026/ceshi/f006.yml）" in text and "年度目标为涉密字段" in text
    assert "部门整体指标有 1 行涉密指标" in text


@pytest.mark.parametrize("inside", ["site", "content"])
def test_the_review_is_refused_inside_the_site_or_the_content(tmp_path: Path, inside: str) -> None:
    from conftest import ROOT
    content = tmp_path / "content"
    _tree(content)
    target = (ROOT / "site" / "review-test-should-not-exist.html") if inside == "site" else (content / "2026" / "r.html")
    result = run_cli("check", "--content", str(content), "--report", str(target))
    assert result.returncode == 2 and "质量审查报告不能写在" in result.stderr and "Traceback" not in result.stderr
    assert not target.exists()


def test_the_review_carries_the_signature_the_audit_knows(tmp_path: Path) -> None:
    import shutil
    from conftest import example_paths
    from gongkai.pipeline import build
    report = tmp_path / "r.html"
    assert run_cli("check", "--report", str(report)).returncode == 0
    build(example_paths(tmp_path / "site"))
    shutil.copy(report, tmp_path / "site" / "2025" / "zhiliang.html")
    result = run_cli("audit", str(tmp_path / "site"))
    assert result.returncode == 1 and "2025/zhiliang.html" in result.stderr and "内部" in result.stderr


def test_a_review_that_would_quote_a_secret_is_not_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A broken secrecy lookup (every record public): the second line refuses the review.
    from conftest import ROOT
    from gongkai.disclosure.exemptions import Secrecy
    from gongkai.editor import quality
    from gongkai.pipeline import Paths, check
    content, _ = _secret_tree(tmp_path / "content")
    result = check(Paths(content=content, config=ROOT / "site_config.yml", templates=ROOT / "templates", out=tmp_path / "site"))
    monkeypatch.setattr(quality, "secrecy", lambda withheld: Secrecy())
    target = tmp_path / "r.html"
    with pytest.raises(quality.WithheldInReport):
        quality.write_report(result, target)
    assert not target.exists()
