"""A short, reproducible run of bench/fuzz.py: load + validate never raise anything but
ContentError, and every problem is a catalogued Chinese message naming its file.

`python bench/fuzz.py --minutes 5` runs the same property for as long as you like.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_fuzz():
    spec = importlib.util.spec_from_file_location("gongkai_bench_fuzz", ROOT / "bench/fuzz.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


fuzz = load_fuzz()


def test_fuzz_loader_and_validator() -> None:
    # derandomize: the same 200 examples on every run, so CI is reproducible.
    fuzz.fuzz(200, derandomize=True)


def test_known_crashers_stay_fixed() -> None:
    """Trees the fuzzer once found crashing, kept as regression examples."""
    department = fuzz.BASE_DEPARTMENT.replace("金额单位: 元", "金额单位: []")
    fuzz.check_tree({"2025/fuzz/部门.yml": department.encode("utf-8")})
    project = fuzz.BASE_PROJECT + "金额单位: [万元]\n"
    fuzz.check_tree({"2025/fuzz/部门.yml": fuzz.BASE_DEPARTMENT.encode("utf-8"), "2025/fuzz/f0001.yml": project.encode("utf-8")})


def test_rare_character_without_pinyin_is_accepted() -> None:
    """A code or name with a CJK character pypinyin has no reading for (found by the fuzzer:
    IndexError inside pypinyin) builds a slug instead of crashing."""
    from gongkai.slugs import slugify
    assert slugify("测\U0002DAB0试") == "ce-shi"
    assert slugify("\U0002DAB0") == ""
    project = fuzz.BASE_PROJECT.replace('项目编码: "F0001"', '项目编码: "\U0002DAB0F1"')
    fuzz.check_tree({"2025/fuzz/部门.yml": fuzz.BASE_DEPARTMENT.encode("utf-8"), "2025/fuzz/f0001.yml": project.encode("utf-8")})

