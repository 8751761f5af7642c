"""Synthetic content at provincial scale, in the content model of docs/content-model.md.

N departments × M projects with Chinese names, goals and indicator tables drawn from the
vocabulary of the four seed documents (tests/fixtures/seeds/), spending plans, a share of
secret projects (`涉密: true`, every secret text containing 样例涉密内容) and several years.
Amounts are whole fen and add up (项目 分项 = 总额, 单位合计 and 部门合计 = the sum of their
projects), so `python build.py check` passes. The same arguments always give the same bytes.

    python bench/generate.py OUT --projects 10000 [--departments 250] [--years 1] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from decimal import Decimal
from pathlib import Path

# ---- vocabulary (from the seeds: 广州、鄂州、玉田 政法委 budget performance tables) ------------

REGIONS = (
    ("广东省", "广州市", "4401"), ("广东省", "深圳市", "4403"), ("广东省", "佛山市", "4406"), ("湖北省", "鄂州市", "4207"),
    ("湖北省", "武汉市", "4201"), ("河北省", "唐山市", "1302"), ("河北省", "保定市", "1306"), ("江苏省", "苏州市", "3205"),
    ("浙江省", "杭州市", "3301"), ("四川省", "成都市", "5101"), ("山东省", "济南市", "3701"), ("河南省", "郑州市", "4101"),
)
COUNTIES = ("玉田县", "遵化市", "迁安市", "滦州市", "丰润区", "路南区", "鄂城区", "华容区", "越秀区", "天河区",
            "海珠区", "番禺区", "南山区", "福田区", "禅城区", "顺德区", "江夏区", "黄陂区", "吴中区", "昆山市")
AGENCIES = (
    ("政法委员会", "政法委", "zfw"), ("公安局", "公安局", "gaj"), ("司法局", "司法局", "sfj"), ("财政局", "财政局", "czj"),
    ("教育局", "教育局", "jyj"), ("民政局", "民政局", "mzj"), ("卫生健康委员会", "卫健委", "wjw"),
    ("应急管理局", "应急管理局", "yjglj"), ("信访局", "信访局", "xfj"), ("人民法院", "法院", "fy"),
    ("人民检察院", "检察院", "jcy"), ("农业农村局", "农业农村局", "nyncj"), ("生态环境局", "生态环境局", "sthjj"),
    ("交通运输局", "交通运输局", "jtysj"), ("住房和城乡建设局", "住建局", "zjj"), ("市场监督管理局", "市场监管局", "scjgj"),
)
UNIT_SUFFIXES = ("本级", "信息中心", "综合服务中心", "培训中心", "网格化管理服务中心", "法学会")
LEVELS = ("市级", "县级")

PROJECT_TOPICS = (
    "政法专项经费", "维稳信息管理系统建设项目", "网管中心日常运转经费", "智慧政法建设项目", "政法信息网运维项目",
    "跨部门大数据办案平台", "部门日常运转经费", "法学会日常运转经费", "机构运行辅助经费", "综治中心专项工作经费",
    "政法智能化建设专项经费", "社会治安综合治理专项事业费", "扫黑除恶工作经费", "涉法涉诉信访救助基金",
    "政法网光纤传输租赁费", "严重精神障碍患者监护人以奖代补和责任险", "综治信息化系统建设经费", "暑期警卫保障经费",
    "重点部位视频监控项目维护费", "政法网维护费", "联合接访中心、邪教防范、稳定工作经费", "见义勇为基金",
    "社会治理智能化平台建设项目经费", "网格员话费补助", "矛盾纠纷多元化解工作经费", "平安建设宣传经费",
    "法治宣传教育经费", "基层综治中心标准化建设经费", "公共安全视频监控联网运维费", "反邪教工作经费",
)
PROJECT_PREFIXES = ("", "", "", "2025年", "市级", "县级", "城乡", "重点区域", "基层", "全域")
CATEGORIES = ("本级支出项目", "转移支付项目", "本级支出项目")
NATURES = ("持续性项目", "新增项目", "一次性项目")
ATTRIBUTES = (("经常性项目",), ("经常性项目", "政府采购"), ("一次性项目", "政府采购"), ())
PURPOSES = (
    "综治基础设施建设、基层创安、法制宣传、表彰奖励、典型示范等项综治建设。",
    "对群众关注度高、社会影响恶劣的黑恶势力犯罪案件，依法采取措施。",
    "及时解决信访问题，彻底息诉一批信访积案。",
    "综合控制系统、图像显示系统、多媒体音响系统、监控工位，机房及必备的中心网络设备等，满足日常管理维护和应急指挥的需要。",
    "表彰奖励、抚恤、慰问见义勇为人员，弘扬社会正能量。",
    "拟为全体警卫任务人员配备服装，为沿线乡镇固定执勤岗点配备暑期用品。",
    "提升全县安全防控水平和社会治理能力。",
    "购买审计、档案整理服务，提高财务、档案管理水平。",
)
BASES = (
    "根据《中央政法工作条例》和省、市有关文件规定。",
    "按照《中共中央 国务院关于加强基层治理体系和治理能力现代化建设的意见》要求。",
    "依据市委常委会会议纪要议定事项及年度工作要点。",
    "根据《关于加强社会治安防控体系建设的意见》及本级年度预算编制通知。",
)
GOALS = (
    "根据政法专项“保急需、保重点、补急用”的原则，通过持续加强对政法系统维稳应急处置等急需解决的项目支出，以保障社会大局和谐稳定。",
    "通过购买审计、档案整理服务提高财务、档案管理水平；通过培训，提高管理人员和专业技术人员的业务能力。",
    "实现“综合态势一张图，专项分析一套表、处置跟踪一条线、指挥调度一张网”，建立“融合共享、贯通协同、智能创新、聚力共治”的智慧政法新生态。",
    "完善和提升系统运维的手段和内容，维护信息业务系统的正常运行，提高设备系统的稳定性、安全性，快速、安全、有效处理系统设备故障。",
    "实现业务协同线上办理，案件信息、文书、卷宗全面实现共享，一次录入多次使用，有效解决人少案多矛盾。",
    "把群众安全感和满意度提升作为努力方向和目标，坚持打基础、利长远、抓治理、促平安。",
    "维护社会稳定和国家安全，预防减少不稳定因素的发生，有效化解不稳定隐患、群体性事件和突发事件。",
    "实现通过政法网的视频会议，远程培训，现场直播，信息发布等。",
)
# (一级指标, 二级指标, 三级指标, 绩效指标描述, 指标值)
INDICATORS = (
    ("产出指标", "数量指标", "项目扶持数量", "全年保障突发性政法专项数量", "全年保障突发性政法专项5个以上。"),
    ("产出指标", "数量指标", "专项检查次数", "对专项资金使用实施专项检查的次数", "全年对专项资金使用或绩效管理实施专项检查2次。"),
    ("产出指标", "数量指标", "驻场技术服务人员数量", "驻场技术服务人员的数量", "驻场技术服务人员数量≥2人。"),
    ("产出指标", "数量指标", "系统使用覆盖情况", "使用系统的单位/科室数量", "使用系统的单位/科室不低于15个。"),
    ("产出指标", "数量指标", "网络建设全覆盖", "政法专网联通的乡镇数量", "全市26个乡镇联通政法专网"),
    ("产出指标", "数量指标", "举办网格员培训班", "全年举办培训的场次", "每年举办2场网格员业务培训会"),
    ("产出指标", "数量指标", "法律服务咨询数量", "登记在册咨询人数", "不少于800人次"),
    ("产出指标", "数量指标", "扫黑除恶宣传活动次数", "全年开展宣传活动的次数", "≥4次"),
    ("产出指标", "质量指标", "第三方验收测评", "项目第三方验收测评工作完成情况", "完成项目第三方验收测评工作，出具相关报告。"),
    ("产出指标", "质量指标", "等级保护测评", "等级保护测评完成情况", "通过等保三级测评。"),
    ("产出指标", "质量指标", "业务处理及时性", "及时处理业务数占总处理数的比率", "≥90%"),
    ("产出指标", "质量指标", "档案电子化率", "电子化档案占全部档案的比率", "电子化率不低于95%。"),
    ("产出指标", "质量指标", "培训合格、达标率", "培训合格人数占参训人数的比率", "不低于90%。"),
    ("产出指标", "时效指标", "年度建设任务按时完成", "年度建设任务完成时间", "12月底前完成"),
    ("产出指标", "时效指标", "完成项目合同验收", "运维项目合同验收完成时间", "2023年7月底前完成运维项目合同验收。"),
    ("产出指标", "时效指标", "资金拨付及时率", "按时拨付资金占应拨付资金的比率", "100%"),
    ("产出指标", "成本指标", "网络线路租用成本", "每节点每年的租用成本", "≤2400元/节点"),
    ("产出指标", "成本指标", "人均经费投入水平", "人均财政经费投入", "≤120元/人"),
    ("效益指标", "社会效益指标", "线路及云平台资源正常运行率", "正常运行时数占总运行时数的比率", "达到90%以上。"),
    ("效益指标", "社会效益指标", "政法信息协同情况", "采集各部门数据的情况", "能采集来自公安、司法、检察院、法院等部门的数据。"),
    ("效益指标", "社会效益指标", "社会治安突出问题排查整治成效", "重点治理地区解除达标率", "年底检查验收实现解除达标率85%及以上。"),
    ("效益指标", "社会效益指标", "通过实施政策促进社会稳定水平逐步提高", "社会稳定水平", "逐步提高"),
    ("效益指标", "社会效益指标", "指挥调度", "指挥处理应急事件", "全县视频点位全部接入"),
    ("效益指标", "社会效益指标", "司法救助工作完成率(%)", "司法救助已结案件与全部立案的司法救助案件的比例", "≥95%"),
    ("效益指标", "可持续影响指标", "智能化建设信息系统正常使用", "系统持续稳定运行", "长期"),
    ("效益指标", "生态效益指标", "践行新时代枫桥经验", "矛盾纠纷就地化解情况", "小事不出村、大事不出镇"),
    ("满意度指标", "服务对象满意度指标", "群众满意度", "群众满意数量占总数的比例。", "≥95%"),
    ("满意度指标", "服务对象满意度指标", "用户使用满意度", "调查中用户反馈满意和较满意的数量占调查用户总数量的比率", "≥95百分比"),
    ("满意度指标", "服务对象满意度指标", "扫黑除恶专项斗争满意率", "受访群众满意率", "受访群众对扫黑除恶专项斗争满意率达到90%以上。"),
    ("满意度指标", "服务对象满意度指标", "用户单位对运维服务质量的评价", "月度运维服务评价书结果", "月度运维服务评价书结果均为良好以上。"),
)
BASIS_TEXTS = ("省市文件", "历史数据", "行业标准", "计划标准", "")
PLANS = (("25%", "50%", "75%", "100%"), ("10%", "40%", "70%", "100%"), ("30%", "60%", "90%", "100%"), ("0%", "50%", "50%", "100%"))
PLAN_MONTHS = ("3月底", "6月底", "10月底", "12月底")
SECRET_MARK = "样例涉密内容"
SECRET_SHARE = 0.05
SECRET_FIELD_SHARE = 0.02


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def fen(rng: random.Random, low: int, high: int) -> int:
    """An amount in fen (0.01 元), so every sum is exact."""
    return rng.randrange(low, high) * 100 + rng.choice((0, 0, 0, 50, rng.randrange(100)))


def yuan(fen_amount: int) -> str:
    return f"{Decimal(fen_amount) / 100:.2f}"


def wan(fen_amount: int) -> str:
    """Fen to 万元, exact (1 万元 = 1,000,000 fen), without trailing zeros."""
    value = Decimal(fen_amount) / Decimal(1_000_000)
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# ---- one department folder ---------------------------------------------------------------

class Dept:
    def __init__(self, index: int, year: int, rng: random.Random) -> None:
        province, city, code = REGIONS[index % len(REGIONS)]
        county = COUNTIES[(index // len(REGIONS)) % len(COUNTIES)]
        agency, short, slug = AGENCIES[index % len(AGENCIES)]
        self.index, self.year = index, year
        self.level = LEVELS[index % 2]
        place = f"{city}{county}" if self.level == "县级" else city
        self.name = f"{place}{agency}（第{index + 1}部门）"
        self.short = f"{county if self.level == '县级' else city}{short}{index + 1}"
        self.slug = f"d{index + 1:05d}-{slug}"
        self.region = f"{province}{place}"
        self.code = f"{code}{index:06d}"
        self.units = [self.name] + [f"{self.short}{s}" for s in rng.sample(UNIT_SUFFIXES, rng.randrange(1, 3))]


def project_yaml(dept: Dept, n: int, code: str, rng: random.Random, secret: bool, secret_field: bool) -> tuple[str, str, int, str]:
    """One project file; returns (text, project name, total in fen, unit name)."""
    unit = rng.choice(dept.units)
    total = fen(rng, 5_000, 3_000_000)
    other = fen(rng, 0, 1000) if rng.random() < 0.3 else 0
    other = min(other, total)
    topic = rng.choice(PROJECT_TOPICS)
    name = f"{rng.choice(PROJECT_PREFIXES)}{topic}（{n}）"
    lines = ["# yaml-language-server: $schema=../../../schema/project.schema.json", "# 合成的基准测试内容（bench/generate.py）"]
    if secret:
        lines.append(f"项目名称: {q(f'{SECRET_MARK}：某涉密项目{dept.index + 1}-{n}（虚构）')}")
    else:
        lines.append(f"项目名称: {q(name)}")
    lines += [f"项目编码: {q(code)}", f"实施单位: {q(unit)}", f"项目类别: {q(rng.choice(CATEGORIES))}",
              f"项目性质: {q(rng.choice(NATURES))}"]
    attributes = rng.choice(ATTRIBUTES)
    if attributes and not secret:
        lines.append(f"项目属性: [{', '.join(attributes)}]")
    lines.append(f"项目期: \"{dept.year}-{dept.year + rng.randrange(0, 3)}\"")
    if secret:
        lines += ["涉密: true", f"立项依据: {q(f'{SECRET_MARK}：依据某虚构方案立项{dept.index + 1}-{n}。')}",
                  f"资金用途: {q(f'{SECRET_MARK}：用于某虚构涉密系统{dept.index + 1}-{n}的运维。')}"]
    else:
        basis = f"{SECRET_MARK}：某虚构依据{dept.index + 1}-{n}。" if secret_field else rng.choice(BASES)
        lines += [f"立项依据: {q(basis)}", f"资金用途: {q(rng.choice(PURPOSES))}"]
        if secret_field:
            lines.append("涉密字段: [立项依据]")
    lines += ["金额单位: 元", "资金:", f"  总额: {yuan(total)}", f"  财政拨款: {yuan(total - other)}"]
    if other:
        lines.append(f"  其他资金: {yuan(other)}")
    plan = rng.choice(PLANS)
    lines.append("资金支出计划:")
    lines += [f"  {month}: \"{value}\"" for month, value in zip(PLAN_MONTHS, plan)]
    periods = ["年度目标"] if rng.random() < 0.6 else [rng.choice(("长期目标", "中期目标")), "年度目标"]
    rows_left = rng.randrange(9, 21)
    for i, period in enumerate(periods):
        count = rows_left if i == len(periods) - 1 else max(3, rows_left // 2)
        rows_left -= count
        lines += goal_yaml(period, count, rng, secret, f"{dept.index + 1}-{n}")
    if not secret and rng.random() < 0.3:
        lines += ["审核意见:", "  意见: 同意", f"  日期: \"{dept.year - 1}-10-{rng.randrange(10, 29)}\""]
    lines.append(f"来源: {q(f'{dept.short}{dept.year}年部门预算绩效目标')}")
    return "\n".join(lines) + "\n", name, total, unit


def goal_yaml(period: str, count: int, rng: random.Random, secret: bool, tag: str) -> list[str]:
    goal = f"{SECRET_MARK}：某虚构目标{tag}。" if secret else rng.choice(GOALS)
    lines = [f"{period}:", f"  目标: {q(goal)}", "  指标:"]
    for k, (level1, level2, level3, description, value) in enumerate(rng.sample(INDICATORS, count)):
        if secret:
            # Keeps the row's category honest (a cost row names a cost) so the build has no warnings.
            cost = "成本" if level2 == "成本指标" else ""
            level3, description, value = f"{SECRET_MARK}：{cost}指标{tag}-{k + 1}", None, f"{SECRET_MARK}：指标值{tag}-{k + 1}"
        lines += [f"    - 一级指标: {level1}", f"      二级指标: {level2}", f"      三级指标: {q(level3)}"]
        if description:
            lines.append(f"      绩效指标描述: {q(description)}")
        lines.append(f"      指标值: {q(value)}")
        basis = rng.choice(BASIS_TEXTS)
        if basis:
            lines.append(f"      指标值确定依据: {basis}")
    return lines


def department_yaml(dept: Dept, unit_totals: dict[str, int], tasks: list[tuple[str, str, int]], rng: random.Random) -> str:
    total = sum(unit_totals.values())
    lines = [
        "# yaml-language-server: $schema=../../../schema/department.schema.json", "# 合成的基准测试内容（bench/generate.py）",
        f"部门名称: {q(dept.name)}", f"部门简称: {q(dept.short)}", f"部门编码: {q(dept.code)}", f"链接名: {dept.slug}",
        f"行政级别: {dept.level}", f"地区: {q(dept.region)}", f"年度: {dept.year}", "金额单位: 万元",
        f"来源: {q(f'{dept.short}{dept.year}年部门预算绩效目标')}",
        f"整体绩效目标: {q(rng.choice(GOALS))}",
    ]
    if tasks:
        lines.append("年度主要任务:")
        for name, code, amount in tasks:
            lines += [f"  - 任务名称: {q(name)}", f"    金额: {wan(amount)}", f"    项目编码: {q(code)}",
                      f"    绩效目标: {q(rng.choice(GOALS))}"]
    lines.append("单位:")
    for i, unit in enumerate(dept.units):
        lines += [f"  - 单位名称: {q(unit)}", f"    链接名: u{i + 1}", f"    合计: {wan(unit_totals.get(unit, 0))}"]
    lines.append(f"合计: {wan(total)}")
    return "\n".join(lines) + "\n"


def write_department(folder: Path, dept: Dept, count: int, rng: random.Random) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    unit_totals: dict[str, int] = {}
    tasks: list[tuple[str, str, int]] = []
    for n in range(1, count + 1):
        code = f"{dept.code}{dept.year % 100:02d}P{n:06d}"
        # The first department always has a secret project, so that even a tiny site tests redaction.
        secret = rng.random() < SECRET_SHARE or (dept.index == 0 and n == 2)
        secret_field = not secret and rng.random() < SECRET_FIELD_SHARE
        text, name, total, unit = project_yaml(dept, n, code, rng, secret, secret_field)
        (folder / f"{code.lower()}.yml").write_text(text, encoding="utf-8")
        unit_totals[unit] = unit_totals.get(unit, 0) + total
        if len(tasks) < 3 and not secret:
            tasks.append((name, code, total))
    (folder / "部门.yml").write_text(department_yaml(dept, unit_totals, tasks, rng), encoding="utf-8")


def generate(root: Path, projects: int, departments: int | None = None, years: int = 1, seed: int = 0) -> None:
    """Write `projects` projects (in all years together) into root/<年度>/<部门>/; root is replaced.

    Departments default to one per 40 projects; they are spread evenly over `years` years
    ending with 2025, and the projects evenly over the departments.
    """
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    departments = departments or max(1, round(projects / 40))
    departments = min(departments, projects)
    rng = random.Random(seed)
    first_year = 2025 - years + 1
    for index in range(departments):
        count = projects // departments + (1 if index < projects % departments else 0)
        year = first_year + index % years
        dept = Dept(index, year, rng)
        write_department(root / str(year) / dept.slug, dept, count, random.Random(rng.getrandbits(64)))


def main() -> None:
    parser = argparse.ArgumentParser(description="生成基准测试用的合成内容")
    parser.add_argument("out", type=Path)
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--departments", type=int, default=None)
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    generate(args.out, args.projects, args.departments, args.years, args.seed)
    print(f"已生成 {args.projects} 个项目到 {args.out}")


if __name__ == "__main__":
    main()
