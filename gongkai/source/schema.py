"""The content schema: every YAML key, its type, whether it is required, its documentation.

One table serves the validator, the JSON Schema for editors' autocompletion, the scaffolds
(`build.py new`) and the handbook, so they cannot drift apart.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

# Value kinds understood by validate.convert
TEXT, MARKDOWN, CODE, SLUG, AMOUNT, YEAR, BOOL, DATE, UNIT, TEXTS, PLAN, RECORD, RECORDS, KEYS, ENUM = (
    "text", "markdown", "code", "slug", "amount", "year", "bool", "date", "unit", "texts", "plan",
    "record", "records", "keys", "enum",
)


@dataclass(frozen=True)
class Field:
    key: str  # the Chinese label used in YAML
    name: str  # the attribute in the model
    kind: str
    doc: str
    example: Any = None
    required: bool = False
    record: "Record | None" = None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Record:
    title: str
    fields: tuple[Field, ...]

    def field(self, key: str) -> Field | None:
        return self._by_key.get(key)

    @functools.cached_property
    def _by_key(self) -> dict[str, Field]:  # looked up for every key of every record read
        return {f.key: f for f in reversed(self.fields)}  # the first field of a key wins, as before

    @property
    def keys(self) -> list[str]:
        return [f.key for f in self.fields]


KNOWN_WARNINGS_DOC = ("本文件中已核对、予以接受的警告代码，如 [W101]：来源表格本身如此、不宜改动时填写；"
                      "check 不再逐条列出这些警告，只报告条数，新出现的其他警告照常显示。")
SECRET_DOC = "涉密标记：true 表示涉密，公开网站只显示标准用语；只能写 true 或 false。"

INDICATOR = Record("指标", (
    Field("一级指标", "level1", TEXT, "一级指标，如 产出指标、效益指标、满意度指标、成本指标。", "产出指标", required=True),
    Field("二级指标", "level2", TEXT, "二级指标，如 数量指标、质量指标、时效指标、社会效益指标。", "数量指标"),
    Field("三级指标", "level3", TEXT, "三级指标（指标名称）。", "帮扶见义勇为人次", required=True),
    Field("分类编码", "code", CODE, "绩效目标分类编码，如 年度目标01。", "年度目标01"),
    Field("绩效指标描述", "description", TEXT, "对指标的说明。", "帮扶见义勇为人员人次"),
    Field("指标值", "value", TEXT, "指标值（或“指标内容”“年度指标值”），照原文填写。", "≥3次", required=True),
    Field("指标值确定依据", "basis", TEXT, "指标值确定依据。", "省市文件"),
    Field("绩效标准", "standard", TEXT, "绩效标准。", None),
    Field("涉密", "secret", BOOL, SECRET_DOC + "（单个指标行涉密）", False),
))

FUNDS = Record("资金", (
    Field("总额", "total", AMOUNT, "资金总额（预算数、总计、项目预算）。", 50000.00, required=True),
    Field("财政拨款", "fiscal", AMOUNT, "其中财政拨款（财政资金）。", 50000.00),
    Field("财政专户拨款", "special", AMOUNT, "其中财政专户拨款。", None),
    Field("其他资金", "other", AMOUNT, "其中其他资金。", None),
))

MONEY = Record("资金", FUNDS.fields + (
    Field("名称", "label", TEXT, "来源表中这一栏的名称，如 年度资金总额、中期资金总额；页面照此显示。", "年度资金总额"),
))

GOAL = Record("绩效目标", (
    Field("名称", "title", TEXT, "表格中的目标名称，如 长期绩效目标1。", "年度绩效目标1"),
    Field("目标", "text", MARKDOWN, "目标说明（可用 Markdown）。", "1.表彰奖励、抚恤、慰问见义勇为人员，弘扬社会正能量。"),
    Field("指标", "indicators", RECORDS, "该期间的绩效指标表，每行一个指标。", None, record=INDICATOR),
))

REVIEW = Record("审核意见", (
    Field("意见", "opinion", TEXT, "主管部门审核意见。", "同意"),
    Field("日期", "date", DATE, "审核日期，写成 2022-10-20。", "2022-10-20"),
))

PROJECT = Record("项目", (
    Field("项目名称", "name", TEXT, "项目名称。", "见义勇为基金", required=True),
    Field("表格名称", "form", TEXT, "来源表格的名称（表的种类），如 项目支出绩效目标表、信息化项目支出绩效目标申报表；页面照此显示。", "项目支出绩效目标表"),
    Field("项目编码", "code", CODE, "项目编码；来源没有时省略，并用注释说明。", "13022925P00004610003B"),
    Field("链接名", "slug", SLUG, "网址中的项目名，小写字母、数字和连字符；默认用项目编码或名称拼音。", "jyywjj"),
    Field("实施单位", "unit", TEXT, "实施单位（资金使用单位）：部门名称或部门文件“单位”中的名称。", "中国共产党玉田县委员会政法委员会本级"),
    Field("项目类别", "category", TEXT, "项目类别，如 本级支出项目。", "本级支出项目"),
    Field("项目性质", "nature", TEXT, "项目性质，如 持续性项目、新增项目。", "持续性项目"),
    Field("项目属性", "attributes", TEXTS, "项目属性列表，如 经常性项目、政府采购。", ["经常性项目"]),
    Field("项目期", "period", TEXT, "项目实施期，如 2023-2024。", "2023-2024"),
    Field("立项依据", "basis", MARKDOWN, "立项依据（可用 Markdown）。", "根据《中央政法工作条例》……"),
    Field("资金用途", "purpose", MARKDOWN, "资金用途。", "表彰奖励、抚恤、慰问见义勇为人员，弘扬社会正能量。"),
    Field("金额单位", "unit_name", UNIT, "本文件金额的单位：元 或 万元；省略时用部门文件的单位。", "元", choices=("元", "万元")),
    Field("资金", "money", RECORD, "本年度资金。", None, required=True, record=MONEY),
    Field("项目期资金", "period_money", RECORD, "整个项目期的资金（中期/长期资金总额）。", None, record=MONEY),
    Field("资金支出计划", "plan", PLAN, "截至各月底累计支出的百分比，如 3月底: 25%，不能下降，最后为 100%。", {"3月底": "25%", "6月底": "50%", "10月底": "75%", "12月底": "100%"}),
    Field("长期目标", "goal_long", RECORD, "长期绩效目标及其指标表。", None, record=GOAL),
    Field("中期目标", "goal_mid", RECORD, "中期绩效目标及其指标表。", None, record=GOAL),
    Field("年度目标", "goal_year", RECORD, "年度绩效目标及其指标表。", None, record=GOAL),
    Field("审核意见", "review", RECORD, "主管部门审核意见。", None, record=REVIEW),
    Field("上年项目", "previous", TEXT, "上一年度同一项目的项目编码（编码不同时填写，用于跨年对比）。", None),
    Field("来源", "source", TEXT, "来源文件名称。", "玉田县委政法委2025年部门预算绩效目标"),
    Field("涉密", "secret", BOOL, SECRET_DOC + "（整个项目涉密）", False),
    Field("涉密字段", "secret_fields", KEYS, "本项目中涉密的字段（键名列表），如 [立项依据]。", []),
    Field("公开文字", "public_texts", TEXTS, "本记录中不公开的内容里，经保密审查确认可以公开的文字（原样抄写），如 [社会治安综合治理]；"
          "列入内部脱密报告，泄密审计不再检索这些文字。", []),
    Field("备注", "note", TEXT, "备注，会在页面上显示。", None),
    Field("已知警告", "known_warnings", KEYS, KNOWN_WARNINGS_DOC, []),
))

TASK = Record("年度主要任务", (
    Field("任务名称", "name", TEXT, "任务（分项）名称。", "社会治安综合治理专项事业费", required=True),
    Field("金额", "amount", AMOUNT, "金额（该任务的资金总额），单位同本文件的金额单位。", 20),
    Field("财政拨款", "fiscal", AMOUNT, "其中财政拨款。", 20),
    Field("财政专户拨款", "special", AMOUNT, "其中财政专户拨款。", 0),
    Field("其他资金", "other", AMOUNT, "其中其他资金。", 0),
    Field("支出类型", "kind", ENUM, "基本支出 或 项目支出。", "项目支出", choices=("基本支出", "项目支出")),
    Field("项目编码", "code", CODE, "对应项目的项目编码。", "13022925P000040100064"),
    Field("绩效目标", "goal", TEXT, "该任务的绩效目标。", "主要用于综治基础设施建设……"),
    Field("绩效指标", "indicator_text", TEXT, "该任务的绩效指标说明。", "通过实施政策促进社会稳定水平逐步提高。"),
))

UNIT_RECORD = Record("单位", (
    Field("单位名称", "name", TEXT, "单位（资金使用单位）名称。", "广州市法学会", required=True),
    Field("单位编码", "code", CODE, "单位编码。", "308001"),
    Field("链接名", "slug", SLUG, "网址中的单位名。", "fxh"),
    Field("合计", "total", AMOUNT, "该单位项目金额合计（会与各项目之和核对）。", 200.00),
    Field("涉密", "secret", BOOL, SECRET_DOC + "（整个单位涉密）", False),
))

DEPARTMENT = Record("部门", (
    Field("部门名称", "name", TEXT, "部门全称。", "中国共产党玉田县委员会政法委员会", required=True),
    Field("部门简称", "short_name", TEXT, "部门简称。", "玉田县委政法委"),
    Field("表格名称", "form", TEXT, "来源表格的名称，如 部门整体支出绩效目标表；页面照此显示。", "部门整体支出绩效目标表"),
    Field("部门编码", "code", CODE, "部门编码（全为数字时加引号）。", "308001"),
    Field("链接名", "slug", SLUG, "网址中的部门名，小写字母、数字和连字符。", "yutian-zfw"),
    Field("行政级别", "level", ENUM, "行政级别。", "县级", choices=("中央", "省级", "市级", "县级", "乡级")),
    Field("地区", "region", TEXT, "所在地区。", "玉田县"),
    Field("年度", "year", YEAR, "预算年度，四位数字，与文件夹一致。", 2025, required=True),
    Field("金额单位", "unit_name", UNIT, "本文件金额的单位：元 或 万元。", "万元", required=True, choices=("元", "万元")),
    Field("来源", "source", TEXT, "来源文件名称。", "中共玉田县委政法委员会2025年部门预算绩效目标"),
    Field("整体绩效目标", "goal", MARKDOWN, "部门整体支出绩效目标（可用 Markdown）。", "1、维护社会稳定和国家安全。……"),
    Field("部门预算总额", "budget_total", AMOUNT, "来源写明的部门预算总额（基本支出与项目支出之和，三项都写时会核对）。", 1200.00),
    Field("基本支出", "basic", AMOUNT, "来源写明的基本支出。", 800.00),
    Field("项目支出", "project_spending", AMOUNT, "来源写明的项目支出；可以大于本网站列出的项目之和（页面会注明），不与项目核对。", 400.00),
    Field("年度主要任务", "tasks", RECORDS, "年度主要任务（分项绩效目标）及金额、资金来源。", None, record=TASK),
    Field("金额合计", "tasks_total", RECORD, "年度主要任务表的“金额合计”行（会与各任务之和逐栏核对）。", None, record=FUNDS),
    Field("工作保障措施", "measures", MARKDOWN, "工作保障措施（可用 Markdown）。", "1.协调督导……"),
    Field("绩效指标", "indicators", RECORDS, "部门整体绩效指标表。", None, record=INDICATOR),
    Field("单位", "units", RECORDS, "下属单位（资金使用单位）。", None, record=UNIT_RECORD),
    Field("合计", "total", AMOUNT, "所列全部项目的金额合计（会与各项目之和核对）；来源写明、不等于所列项目之和的项目支出写在“项目支出”下。", 407.257),
    Field("涉密", "secret", BOOL, SECRET_DOC + "（整个部门涉密）", False),
    Field("公开文字", "public_texts", TEXTS, "本记录中不公开的内容里，经保密审查确认可以公开的文字（原样抄写），如 [社会治安综合治理]；"
          "列入内部脱密报告，泄密审计不再检索这些文字。", []),
    Field("备注", "note", TEXT, "备注，会在页面上显示。", None),
    Field("已知警告", "known_warnings", KEYS, KNOWN_WARNINGS_DOC, []),
))

DEPARTMENT_FILE = "部门.yml"
RESERVED_SLUGS = frozenset({"search", "data", "assets", "static", "pagefind", "index", "404", "api", "feed", "sitemap", "robots", "redirects", "con", "nul", "aux", "prn"})
