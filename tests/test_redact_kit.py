"""Helpers for the disclosure tests: small content trees with planted secrets, and an
independent reader of every output byte (not gongkai.publish.audit's, so the audit is not checking itself).
"""

from __future__ import annotations

import gzip
import html
import io
import re
import zipfile
from pathlib import Path
from urllib.parse import unquote

import yaml
from pypinyin import Style, lazy_pinyin

from conftest import ROOT
from gongkai.source.config import Disclosure
from gongkai.pipeline import Paths

DEPARTMENT = """\
部门名称: 测试市委政法委员会
部门简称: 测试市委政法委
部门编码: "900001"
链接名: ceshi
年度: 2025
金额单位: 元
单位:
  - 单位名称: 测试市委政法委员会本级
    链接名: bj
  - 单位名称: 测试市法学会
    链接名: fxh
"""


def project(name: str, code: str | None, amount: float = 1000.0, unit: str = "测试市委政法委员会本级", **fields: object) -> dict:
    """A project as data (written as YAML by write_tree); keyword fields override or add keys."""
    data: dict = {"项目名称": name}
    if code:
        data["项目编码"] = code
    data.update({"实施单位": unit, "立项依据": "根据测试文件立项。", "资金用途": "用于测试工作。",
                 "资金": {"总额": amount, "财政拨款": amount},
                 "年度目标": {"目标": "完成测试任务。", "指标": [
                     {"一级指标": "产出指标", "二级指标": "数量指标", "三级指标": "完成次数", "指标值": "≥2次"}]}})
    data.update(fields)
    return data


def dump(data: object) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def write_tree(root: Path, files: dict[str, object], year: str = "2025", dept: str = "ceshi") -> Path:
    folder = root / year / dept
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_text(data if isinstance(data, str) else dump(data), encoding="utf-8")
    return root


def write_config(path: Path, rules: Disclosure | None = None, search: bool = False) -> Path:
    rules = rules or Disclosure()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"search: {'true' if search else 'false'}\n"
        "disclosure:\n"
        f"  secret_label: {rules.secret_label}\n  secret_amounts: {rules.secret_amounts}\n  subtraction: {rules.subtraction}\n"
        f"  protection: {rules.protection}\n  partners: {rules.partners}\n",
        encoding="utf-8")
    return path


def paths(tmp: Path, content: Path, rules: Disclosure | None = None, search: bool = False, **extra: object) -> Paths:
    return Paths(content=content, config=write_config(tmp / "site_config.yml", rules, search), templates=ROOT / "templates",
                 out=tmp / "site", **extra)  # type: ignore[arg-type]


# ---- reading every output byte ------------------------------------------------------------------

def _texts(label: str, data: bytes, depth: int = 0) -> list[tuple[str, str]]:
    start = data.find(b"\x1f\x8b\x08", 0, 64)
    if start >= 0 and depth < 3:
        try:
            return _texts(label, gzip.decompress(data[start:]), depth + 1)
        except OSError:
            pass
    if data[:4] == b"PK\x03\x04" and depth < 3:
        out = []
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                out.append((f"{label}!{name}", name))
                out += _texts(f"{label}!{name}", archive.read(name), depth + 1)
        return out
    text = data.decode("utf-8", "ignore")
    views = [text, html.unescape(text), unquote(text), re.sub(r"<[^>]*>", "", html.unescape(text))]
    if "\\u" in text:
        views.append(re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text))
    return [(label, "\n".join(views))]


def output_texts(site: Path) -> list[tuple[str, str]]:
    """(file, everything it says) for every file, including its name and compressed members."""
    out = []
    for path in sorted(site.rglob("*")):
        if path.is_file():
            rel = path.relative_to(site).as_posix()
            out.append((rel, unquote(rel)))
            out += _texts(rel, path.read_bytes())
    return out


def _squash(text: str) -> str:
    return re.sub(r"[\s\u200b]+", "", text).lower()


def forms(secret: str) -> list[str]:
    """The secret and what can be derived from it: pinyin (joined, with hyphens), initials."""
    chinese = "".join(re.findall(r"[\u4e00-\u9fff]", secret))
    out = [_squash(secret)]
    if len(chinese) >= 3:
        words = lazy_pinyin(chinese, style=Style.NORMAL)
        out += ["".join(words), "-".join(words)]
    if len(chinese) >= 4:
        out.append("".join(w[0] for w in lazy_pinyin(chinese, style=Style.NORMAL)))
    return out


def leaks(site: Path, secrets: list[str]) -> list[str]:
    """Every (file, form) where a secret or a derived form appears."""
    found = []
    wanted = {form: secret for secret in secrets for form in forms(secret)}
    for label, text in output_texts(site):
        squashed = _squash(text)
        found += [f"{label}: {form}（{wanted[form]}）" for form in wanted if form in squashed]
    return found


def every_file_text(site: Path) -> str:
    return "\n".join(text for _, text in output_texts(site))
