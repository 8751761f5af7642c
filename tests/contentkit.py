"""Small content trees for tests: a department and projects written as YAML text."""

from __future__ import annotations

from pathlib import Path

DEPARTMENT = """\
# yaml-language-server: $schema=../../../schema/department.schema.json
部门名称: 测试县委政法委员会
部门编码: "900001"
链接名: ceshi
年度: 2025
金额单位: 元
单位:
  - 单位名称: 测试县委政法委员会本级
"""

PROJECT = """\
# yaml-language-server: $schema=../../../schema/project.schema.json
项目名称: 测试专项经费
项目编码: T0001
实施单位: 测试县委政法委员会本级
资金:
  总额: 1000.00
  财政拨款: 1000.00
资金支出计划:
  6月底: 50%
  12月底: 100%
年度目标:
  目标: 完成测试任务。
  指标:
    - 一级指标: 产出指标
      二级指标: 数量指标
      三级指标: 完成次数
      指标值: ≥2次
"""


def write_tree(root: Path, files: dict[str, str], year: str = "2025", dept: str = "ceshi") -> Path:
    """Write {file name: YAML text} into root/<year>/<dept>/ and return root."""
    folder = root / year / dept
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return root


def minimal(root: Path, project: str = PROJECT, department: str = DEPARTMENT) -> Path:
    return write_tree(root, {"部门.yml": department, "t0001.yml": project})
