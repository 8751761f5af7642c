"""Stage 0: site_config.yml, read through a schema of typed, documented options.

Like MkDocs' config schema: each option has a type, a default and a Chinese description;
an unknown or mistyped key is a one-line error naming it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gongkai.errors import ContentError, Problem
from gongkai.portable import NotRegularFile, read_regular
from gongkai.source.load import MAX_FILE_BYTES, Document, YamlNumber, decode, parse_text

SECRET_WORDING = "涉密项目。按照预算编制要求和保密法及其实施条例相关规定，不对外公开。"


@dataclass(frozen=True)
class Option:
    key: str
    default: Any
    doc: str
    choices: tuple[str, ...] = ()


SITE_OPTIONS: tuple[Option, ...] = (
    Option("site_name", "预算绩效目标公开", "网站名称，显示在每页顶部和标题中。"),
    Option("site_description", "部门预算项目支出绩效目标公开", "网站简介，用于首页和分享预览。"),
    Option("base_url", "https://example.gov.cn/", "网站正式地址（以 / 结尾），用于规范链接、站点地图和订阅。"),
    Option("publisher", "", "发布机关名称，显示在页脚和“引用本页”中。"),
    Option("publication_date", "", "发布日期（如 2025-02-01），显示在“引用本页”中；留空则不显示。"),
    Option("search", True, "是否生成站内搜索（Pagefind 索引）。"),
    Option("quality_badge", False, "是否在公开页面显示“可量化指标占比”标记。"),
    Option("contact", "", "联系方式（如 联系电话：0315-6112345），显示在每页页脚；留空则不显示。"),
    Option("icp", "", "ICP 备案号（如 冀ICP备12345678号），显示在每页页脚；留空则不显示。"),
    Option("site_code", "", "政府网站标识码（如 1302290001），显示在每页页脚；留空则不显示。"),
)

DISCLOSURE_OPTIONS: tuple[Option, ...] = (
    Option("secret_wording", SECRET_WORDING, "涉密项目、涉密字段在公开页面上显示的标准用语。"),
    Option("secret_indicator_wording", "保密项目", "涉密指标行各单元格显示的用语。"),
    Option("secret_label", "code", "涉密项目在公开页面上的名称：code 显示项目编码；numbered 显示“涉密项目1、2…”；hidden 不列出。", ("code", "numbered", "hidden")),
    Option("secret_amounts", "show", "涉密项目金额：show 公开（与广州示例一致）；withhold 不公开。", ("show", "withhold")),
    Option("subtraction", "combine", "不公开金额但公开合计时防止相减推算：combine 合并为“涉密项目合计”一行；suppress 不公开该合计行；两者都不公开含涉密金额的单位合计、其他年度的项目期资金和相关任务金额，并按文件顺序把其后的项目金额一并不公开（补充隐藏）；fail 停止构建。", ("combine", "suppress", "fail")),
    Option("protection", 10, "保护幅度（百分比，1–100）：任何不公开的金额，按全站公开的数字和算术关系推算，上下都至少不确定这么多，否则合并、隐藏更多或停止构建（E033）。"),
    Option("partners", 1, "补充隐藏：在总是公开的合计（部门项目支出合计、任务金额之和）中，除第一个不公开的金额外至少再有多少个金额不公开；不够时按文件顺序取其后的公开项目（1–20）。"),
)

_INT_RANGES = {"protection": (1, 100), "partners": (1, 20)}


# Text options that are often all digits, and may be written without quotes.
_DIGIT_TEXT = ("publication_date", "site_code")


@dataclass(frozen=True)
class Disclosure:
    secret_wording: str = SECRET_WORDING
    secret_indicator_wording: str = "保密项目"
    secret_label: str = "code"
    secret_amounts: str = "show"
    subtraction: str = "combine"
    protection: int = 10  # %
    partners: int = 1


@dataclass(frozen=True)
class Config:
    site_name: str = "预算绩效目标公开"
    site_description: str = "部门预算项目支出绩效目标公开"
    base_url: str = "https://example.gov.cn/"
    publisher: str = ""
    publication_date: str = ""
    search: bool = True
    quality_badge: bool = False
    contact: str = ""
    icp: str = ""
    site_code: str = ""
    disclosure: Disclosure = field(default_factory=Disclosure)


def _check_options(options: tuple[Option, ...], data: dict[str, Any], doc: Document, prefix: tuple[str, ...],
                   problems: list[Problem]) -> dict[str, Any]:
    known = {o.key: o for o in options}
    values: dict[str, Any] = {}
    for key, value in data.items():
        where = doc.where(prefix + (key,), key=True)
        option = known.get(key)
        if option is None:
            close = difflib.get_close_matches(key, list(known), n=1)
            hint = f"您是不是想写“{close[0]}”？" if close else f"可用的键：{'、'.join(known)}。"
            problems.append(Problem("C001", doc.display, *where, f"没有“{'.'.join(prefix + (key,))}”这一项", key, hint))
            continue
        expected = type(option.default)
        if expected is bool and not isinstance(value, bool):
            problems.append(Problem("C001", doc.display, *where, f"“{key}”应为 true 或 false", str(value)))
        elif expected is str and (not isinstance(value, str) or isinstance(value, YamlNumber) and key not in _DIGIT_TEXT):
            problems.append(Problem("C001", doc.display, *where, f"“{key}”应为文字", str(value)))
        elif expected is int and not _whole_in_range(key, value):
            low, high = _INT_RANGES.get(key, (0, 10**9))
            problems.append(Problem("C001", doc.display, *where, f"“{key}”应为 {low} 到 {high} 之间的整数", str(value)))
        elif option.choices and value not in option.choices:
            problems.append(Problem("C001", doc.display, *where, f"“{key}”只能是 {' / '.join(option.choices)}", str(value)))
        else:
            values[key] = str(value) if expected is str else int(value) if expected is int else value
    return values


def _whole_in_range(key: str, value: Any) -> bool:
    """A whole number (YAML numbers arrive as their text) within the option's range."""
    if isinstance(value, bool) or not (isinstance(value, int) or isinstance(value, YamlNumber) and value.isdigit()):
        return False
    low, high = _INT_RANGES.get(key, (0, 10**9))
    return low <= int(value) <= high


def load_config(path: Path) -> Config:
    """Read site_config.yml; a missing file means all defaults."""
    if not path.exists():
        return Config()
    try:
        size, raw = read_regular(path, MAX_FILE_BYTES)
    except NotRegularFile as exc:  # a FIFO would block the build for ever
        raise ContentError([Problem("C001", path.name, 0, 0, f"它是{exc.kind}，不是普通文件")]) from None
    except OSError as exc:
        raise ContentError([Problem("C001", path.name, 0, 0, f"无法读取（{exc.strerror or exc}）")]) from None
    if size > MAX_FILE_BYTES:
        raise ContentError([Problem("C001", path.name, 0, 0, f"大小为 {size} 字节，上限为 {MAX_FILE_BYTES} 字节")])
    doc = parse_text(decode(raw, path.name), path, path.name)
    problems: list[Problem] = []
    data = dict(doc.data)
    disclosure_data = data.pop("disclosure", None) or {}
    if not isinstance(disclosure_data, dict):
        problems.append(Problem("C001", doc.display, *doc.where(("disclosure",)), "“disclosure”应为“键: 值”表"))
        disclosure_data = {}
    site = _check_options(SITE_OPTIONS, data, doc, (), problems)
    disclosure = _check_options(DISCLOSURE_OPTIONS, disclosure_data, doc, ("disclosure",), problems)
    if "base_url" in site and not site["base_url"].endswith("/"):
        site["base_url"] += "/"
    if problems:
        raise ContentError(problems)
    return Config(**site, disclosure=Disclosure(**disclosure))
