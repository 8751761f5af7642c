"""`build.py check --report FILE`: the target-quality review, read from the HTML it writes."""

from __future__ import annotations

import html
import re
from pathlib import Path

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
