"""Problems found in content or configuration, reported in Chinese with file:line:column.

Every problem has a stable code; the editor's handbook documents each code and its fix,
and a test checks that the catalogue and the handbook agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# code → (what is wrong, how to fix it). The handbook (docs/) lists every code.
CATALOGUE: dict[str, tuple[str, str]] = {
    "E001": ("文件无法按 UTF-8 读取", "请用 UTF-8 编码另存该文件（记事本“另存为”选择 UTF-8，WPS/Word 导出时选择 UTF-8）。"),
    "E002": ("YAML 语法错误", "检查该行的缩进（只能用空格，不能用 Tab）、冒号后的空格和引号是否成对。"),
    "E003": ("同一层级出现重复的键", "删除或合并重复的那一项，每个键在同一层级只能出现一次。"),
    "E004": ("使用了 YAML 锚点、别名或自定义标签", "不要使用 &、*、<< 或 ! 开头的写法，把内容直接写出来。"),
    "E005": ("文件过大", "单个内容文件不能超过限制；请检查是否误粘贴了大段无关内容，或把项目拆成多个文件。"),
    "E006": ("文件位于 content 文件夹之外（符号链接）", "把文件本身复制到 content 文件夹中，不要使用指向外部的快捷方式或链接。"),
    "E007": ("嵌套层级过深", "内容的缩进层级不应超过表格的结构；检查是否多缩进了。"),
    "E008": ("文件为空或顶层不是“键: 值”的表", "文件应以“项目名称: …”或“部门名称: …”这样的键值对开头。"),
    "E010": ("未知的键", "检查拼写；只能使用内容模型中列出的键（见编辑手册“内容模型”）。"),
    "E011": ("缺少必填项", "补上该项；如果来源文件确实没有，请在手册中查看该项是否可以省略。"),
    "E012": ("值的类型不对", "按提示改成文字、列表或“键: 值”表的形式。"),
    "E013": ("金额格式不正确", "金额只写阿拉伯数字（如 60 或 3505.90），不要写“万”“元”、千位逗号或全角数字；单位用“金额单位: 万元”说明。"),
    "E014": ("涉密标记只能是 true 或 false", "写成 涉密: true 或 涉密: false（不加引号，不写“是/否”）。"),
    "E015": ("日期格式不正确", "日期写成 2022-10-20 的形式。"),
    "E016": ("百分比格式不正确", "百分比写成 25% 或 25，取值在 0 到 100 之间。"),
    "E017": ("链接名格式不正确", "链接名只能用小写字母、数字和连字符，例如 yutian-zfw，不能含有 ../ 或保留名。"),
    "E018": ("取值不在允许范围内", "改成提示中列出的取值之一。"),
    "E019": ("年度格式不正确", "年度写四位数字，例如 2025。"),
    "E020": ("资金来源之和与总额不符", "财政拨款 + 财政专户拨款 + 其他资金 应等于总额（年度主要任务中应等于该任务的金额），基本支出 + 项目支出 应等于部门预算总额，请核对来源表格。"),
    "E021": ("合计与明细之和不符", "核对所写的合计与各项目（或各年度主要任务，逐栏核对“金额合计”）的金额，改正其中有误的一项。来源写明的“项目支出”不是所列项目之和，写在“项目支出”下，不要写成“合计”。"),
    "E022": ("资金支出计划出现下降", "资金支出计划是截至各月底的累计百分比，后一个月不能小于前一个月。"),
    "E023": ("资金支出计划最后不是 100%", "最后一个月底的累计支出比例应为 100%。"),
    "E024": ("项目编码重复", "同一年度内每个项目编码只能出现一次（大小写、全角半角、空格和分隔符不同也算同一编码）；检查是否重复导入了同一个项目。"),
    "E025": ("页面地址重复", "两个项目或部门得到了同一个链接名；给其中一个写上不同的“链接名”。"),
    "E026": ("实施单位不存在", "实施单位应为部门名称或部门文件“单位”中列出的单位名称之一。"),
    "E027": ("年度与所在文件夹不符", "部门文件的“年度”应与 content 下的年度文件夹一致。"),
    "E028": ("部门文件缺失或重复", "每个部门文件夹中应有且只有一个“部门.yml”。"),
    "E029": ("涉密字段中列出了不存在的键", "涉密字段只能列出本文件中可以填写的键，例如 立项依据。"),
    "E030": ("涉密登记册有误", "登记册中的每个项目编码都应在内容中存在，每行一个编码。"),
    "E031": ("content 文件夹结构不正确", "内容应放在 content/<年度>/<部门链接名>/ 之下，年度为四位数字。"),
    "E032": ("金额超出合理范围", "金额不能为负数，也不能大于一万亿元；检查是否多写了零或单位写错。"),
    "E033": ("公开的数字可推算出不公开的金额", "把 site_config.yml 中 disclosure.subtraction 设为 combine 或 suppress，由系统合并或隐藏相关金额；或删去暴露金额的合计、调大 disclosure.partners，或把相关项目一并设为涉密。"),
    "E040": ("公开内容中含有不公开的文字", "改写该公开文字，不再提及涉密内容；确经保密审查可以公开的，在涉密记录中写“公开文字: [该文字]”（列入内部脱密报告）。"),
    "E050": ("分片中没有部门", "--shard 写部门文件夹名或 部门.yml 中“地区”的开头，多个用逗号分隔；先用 python3 build.py check 确认内容。"),
    "E051": ("分片无法合并", "按提示重新构建有问题的分片（build --shard … 写出网站和 reports/ 中的分片文件），再运行 merge；各分片须用同一配置，部门不能重复。"),
    "E060": ("内容或模板文件夹中有不是普通文件的项", "内容和模板只能是普通文件：删除命名管道、设备或套接字，把名为 *.yml 的文件夹改名。"),
    "E061": ("文件名不是有效的 UTF-8", "把文件改成 UTF-8 文件名；Windows 上制作的 zip 文件请用 gongkai import 导入，或解压时选择 GBK 编码。"),
    "C001": ("配置文件 site_config.yml 有误", "按提示改正 site_config.yml 中的该项。"),
    "W101": ("指标分类与财政部绩效指标框架不一致", "核对一级指标、二级指标是否填在了正确的类别下（不阻止发布）。"),
    "W102": ("公开的项目编码恰好是涉密项目名称的拼音首字母", "考虑请编码管理部门更换编码，避免由编码推知涉密项目名称。"),
    "W103": ("“公开文字”声明的文字不是本文件中不公开的文字", "删去该项，或改成本文件不公开内容中原样出现的文字（声明只对本文件起作用）。"),
    "W104": ("同一项目编码在一年公开、另一年涉密", "公开的编码会把涉密记录与公开记录关联起来：把 disclosure.secret_label 设为 numbered 或 hidden，或在涉密项目文件中写“确认编码关联: true”确认可以关联。"),
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the input, located as precisely as the input allows."""

    code: str
    file: str
    line: int
    column: int
    detail: str
    value: str | None = None
    hint: str | None = None

    @property
    def is_warning(self) -> bool:
        return self.code.startswith("W")

    @property
    def title(self) -> str:
        return CATALOGUE[self.code][0]

    @property
    def fix(self) -> str:
        return self.hint or CATALOGUE[self.code][1]

    def format(self) -> str:
        kind = "警告" if self.is_warning else "错误"
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        shown = f"（值：{self.value}）" if self.value is not None else ""
        return f"{where}: {kind} {self.code} {self.title}：{self.detail}{shown}。修改方法：{self.fix}"


@dataclass
class ContentError(Exception):
    """Raised by a stage when the input cannot be published; carries every problem found."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(p.format() for p in self.problems)


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """By file, then line and column, as an editor works through them."""
    return sorted(problems, key=lambda p: (p.file, p.line, p.column))  # stable: one place keeps its order


def os_error_text(exc: OSError) -> str:
    """Why the system refused, in Chinese (its own text, exc.strerror, is English)."""
    import errno
    known = {errno.ENOENT: "文件或文件夹不存在", errno.EACCES: "没有权限（请检查文件的读写权限）", errno.EPERM: "操作不被允许",
             errno.EISDIR: "这是一个文件夹，不是文件", errno.ENOTDIR: "路径中有一部分不是文件夹", errno.ENOSPC: "磁盘空间已满",
             errno.EROFS: "磁盘只读", errno.EBUSY: "文件正被其他程序使用", errno.EMFILE: "同时打开的文件太多",
             errno.EADDRINUSE: "端口已被其他程序占用（可能另一个预览还在运行）",
             errno.EADDRNOTAVAIL: "本机没有这个地址", errno.ENAMETOOLONG: "文件名太长"}
    return known.get(exc.errno or 0, f"系统错误（代码 {exc.errno}）" if exc.errno else "系统错误")


def short_value(value: object, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
