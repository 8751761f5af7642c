"""第一部分 部门整体绩效目标 of a 玉田-style budget document: the paragraphs before the project
forms — 一、总体绩效目标 (the overall goal), 二、分项绩效目标 (tasks with amounts, each with
绩效目标 and 绩效指标 lines), 三、工作保障措施 (measures) — into the department file."""

from __future__ import annotations

import difflib
import re
from decimal import Decimal
from typing import Any

from gongkai.editor.importer.grid import Row
from gongkai.editor.importer.result import Imported
from gongkai.editor.importer.text import convert, label, one_line

_PART_HEADINGS = {"第一部分", "第二部分", "部门整体绩效目标", "预算项目绩效目标", "分项绩效目标"}
_SECTIONS = {"总体绩效目标": "整体绩效目标", "整体绩效目标": "整体绩效目标", "分项绩效目标": "年度主要任务",
             "年度主要任务": "年度主要任务", "工作保障措施": "工作保障措施"}
_SECTION_HEAD = re.compile(r"^[一二三四五六七八九十]+、\s*(.+)$")
# "一是落实社会治安综合治理专项事业费20万元：" — "落实" is the sentence's verb, not the task's name
_TASK_HEAD = re.compile(r"^[一二三四五六七八九十]+是\s*(?:落实)?(.+?)(\d+(?:\.\d+)?)\s*(万元|元)\s*[：:。.]?$")
_COUNT = re.compile(r"^\d{4}年.*?共\s*(\d+(?:\.\d+)?)\s*(万元|元)")
_TASK_FIELD = re.compile(r"^(绩效目标|绩效指标)\s*[:：]\s*(.*)$")


class DepartmentOverview:
    def __init__(self, result: Imported) -> None:
        self.result = result
        self.section: str | None = None
        self.goal: list[str] = []
        self.measures: list[str] = []
        self.tasks: list[dict[str, Any]] = []
        self.heads: list[str] = []
        self.total: tuple[Decimal, str] | None = None
        self.note: str | None = None
        self.task_unit: str | None = None

    def feed(self, row: Row, text: str) -> None:
        line = one_line(text)
        heading = _SECTION_HEAD.match(line)
        if heading and label(heading.group(1)) in _SECTIONS:
            self.section = _SECTIONS[label(heading.group(1))]
            return
        if label(line) in _PART_HEADINGS:
            return  # the document's own headings
        if self.section == "年度主要任务" and not self.tasks and self.note is None and re.search(r"(委员会|政法委|局|办公室|中心)$", line):
            return  # the department's name over its task list
        if self.section == "整体绩效目标":
            self.goal.append(line)
        elif self.section == "工作保障措施":
            self.measures.append(line)
        elif not (self.section == "年度主要任务" and self._task_line(line)):
            self.result.skip(row.ref, text, "项目表之前的文字无法对应（部门整体绩效目标请写在部门文件中）")

    def _task_line(self, line: str) -> bool:
        count = _COUNT.match(line)
        if count and not self.tasks:
            self.note = line
            self.total = (Decimal(count.group(1)), count.group(2))
            return True
        head = _TASK_HEAD.match(line)
        if head:
            self.task_unit = head.group(3)
            self.tasks.append({"任务名称": head.group(1).strip(), "金额": Decimal(head.group(2))})
            self.heads.append(line)
            return True
        field = _TASK_FIELD.match(line)
        if field and self.tasks:
            self.tasks[-1][field.group(1)] = field.group(2)
            return True
        return False

    def finish(self, table_unit: str) -> None:
        dept = self.result.department
        if self.goal:
            dept.data["整体绩效目标"] = "\n\n".join(self.goal)
        if self.measures:
            dept.data["工作保障措施"] = "\n\n".join(self.measures)
        if not (self.tasks or self.total):
            return
        unit = self.task_unit or (self.total[1] if self.total else table_unit)
        dept.data["金额单位"] = unit  # the unit this part writes its amounts in (projects keep their own)
        for i, (task, head) in enumerate(zip(self.tasks, self.heads)):
            dept.notes[("年度主要任务", i)] = [f"来源标题：{head}"]
            code = self._project_code(task["任务名称"], convert(task["金额"], self.task_unit or unit, "元"))
            if code:
                task["项目编码"] = code
            if "绩效指标" not in task:
                dept.notes[("年度主要任务", i, "$end")] = ["来源此项未列绩效指标"]
        if self.tasks:
            dept.data["年度主要任务"] = self.tasks
        if self.total:
            dept.data["合计"] = convert(self.total[0], self.total[1], unit)
            dept.comments[("合计",)] = f"来源：“项目经费共{self.total[0]}{self.total[1]}”"
        if self.note:
            dept.data["备注"] = self.note

    def _project_code(self, name: str, yuan: Decimal) -> str | None:
        """The project a task is about: one with the same amount, the closest name among those."""
        candidates = []
        for project in self.result.projects:
            money = project.data.get("资金", {}).get("总额")
            if money is not None and project.code and convert(money, project.data.get("金额单位", "元"), "元") == yuan:
                candidates.append(project)
        if not candidates:
            return None
        return max(candidates, key=lambda p: difflib.SequenceMatcher(None, name, p.name).ratio()).code
