"""The secret register: a 保密 office's list of secret project codes, kept outside content/ and never
published. Codes are compared by `code_key` (gongkai/source/codes.py), as everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gongkai.errors import ContentError, Problem
from gongkai.source.codes import code_key
from gongkai.source.model import Site

# ---- the secret register --------------------------------------------------------------------

@dataclass(frozen=True)
class Register:
    """A 保密 office's list of secret project codes, kept outside content/ and never published."""

    path: str
    entries: tuple[tuple[str, int], ...]  # (code, line)

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(code_key(code) for code, _ in self.entries)


def read_register(path: Path, content: Path | None = None, out: Path | None = None) -> Register:
    """One project code per line; `#` starts a comment; blank lines are ignored."""
    display = str(path)
    if not path.is_file():
        raise ContentError([Problem("E030", display, 0, 0, "找不到涉密登记册文件", display)])
    resolved = path.resolve()
    for folder, name in ((content, "content 内容文件夹"), (out, "网站输出文件夹")):
        if folder is not None and resolved.is_relative_to(folder.resolve()):
            raise ContentError([Problem("E030", display, 0, 0, f"涉密登记册不能放在{name}中", display,
                                        "把登记册放在 content 和网站输出文件夹之外（例如保密室的共享目录），构建时用 --secret-register 指定。")])
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ContentError([Problem("E001", display, 0, 0, "涉密登记册不是 UTF-8 编码")]) from None
    entries: list[tuple[str, int]] = []
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        code = line.split("#", 1)[0].strip()
        if not code:
            continue
        if len(code.split()) > 1:
            problems.append(Problem("E030", display, number, 1, "一行中写了多个编码", code, "每行只写一个项目编码；说明文字写在 # 之后。"))
            continue
        entries.append((code, number))
    if problems:
        raise ContentError(problems)
    return Register(display, tuple(entries))


def check_register(site: Site, register: Register) -> None:
    """Every code in the register must name a project: a typo would silently publish a secret."""
    known = {code_key(p.code) for d in site.departments for p in d.projects if p.code}
    problems = [Problem("E030", register.path, line, 1, "登记册中的项目编码在内容中不存在", code,
                        "核对编码是否抄错（与项目文件中的“项目编码”比较，大小写、全角半角、空格和分隔符不计）；项目已撤销的，从登记册中删去该行。")
                for code, line in register.entries if code_key(code) not in known]
    if problems:
        raise ContentError(problems)

