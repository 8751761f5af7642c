"""Stage load: YAML to plain data with positions, refusing what YAML would silently accept."""

from __future__ import annotations

import os
from pathlib import Path

import pickle
import re

import pytest

from gongkai.errors import ContentError
from gongkai.source.load import Document, YamlNumber, decode, load_tree, parse_text


def parse(text: str):
    return parse_text(text, Path("x.yml"), "x.yml")


def problems(text: str) -> list[str]:
    with pytest.raises(ContentError) as caught:
        parse(text)
    return [f"{p.code}:{p.line}" for p in caught.value.problems]


def test_numbers_keep_their_text_and_positions_are_recorded() -> None:
    doc = parse("资金:\n  总额: 50000.00\n部门编码: 0308\n")
    assert doc.data["资金"]["总额"] == "50000.00" and isinstance(doc.data["资金"]["总额"], YamlNumber)
    assert doc.data["部门编码"] == "0308"
    assert doc.where(("资金", "总额")) == (2, 7)
    assert doc.where(("部门编码",), key=True) == (3, 1)


NESTED = "# 注释\n名称: x\n资金:\n  总额: 5\n指标:\n  - 一级指标: 产出\n    三级指标:   数量\n  - [a,  b]\n"


def test_where_finds_values_keys_and_list_items() -> None:
    doc = parse(NESTED)
    assert doc.where(()) == (2, 1)
    assert doc.where(("资金",)) == (4, 3) and doc.where(("资金",), key=True) == (3, 1)
    assert doc.where(("指标", 0, "三级指标")) == (7, 13) and doc.where(("指标", 0, "三级指标"), key=True) == (7, 5)
    assert doc.where(("指标", 1, 1)) == (8, 10)
    # A list item has no key: its own position stands for it.
    assert doc.where(("指标", 1), key=True) == doc.where(("指标", 1)) == (8, 5)


def test_where_walks_up_to_the_closest_known_value() -> None:
    doc = parse(NESTED)
    assert doc.where(("资金", "其他资金")) == (4, 3)
    assert doc.where(("资金", "其他资金"), key=True) == (3, 1)  # the parent's key, as it was
    assert doc.where(("指标", 5, "x")) == doc.where(("指标",)) == (6, 3)
    assert doc.where(("指标", -1)) == (6, 3) and doc.where(("名称", 0)) == (2, 5)
    assert doc.where(("没有",), key=True) == (2, 1)
    assert Document(Path("x.yml"), "x.yml", {}).where(("a",)) == (1, 1)


def test_positions_beyond_16_bits_are_kept() -> None:
    text = "a: 1\n" + "\n" * 70_000 + "b:\n  c: " + " " * 70_000 + "x\n"
    doc = parse(text)
    assert doc.where(("b", "c")) == (70_003, 70_006)
    assert doc.where(("b",), key=True) == (70_002, 1)


def test_a_document_survives_pickling_with_its_positions() -> None:
    doc = parse(NESTED)
    again = pickle.loads(pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == doc and again.data == doc.data
    assert again.where(("指标", 0, "三级指标"), key=True) == (7, 5)
    assert type(again.data["资金"]["总额"]) is YamlNumber


def test_only_true_and_false_are_booleans() -> None:
    doc = parse("a: true\nb: yes\nc: 'true'\nd: on\n")
    assert doc.data == {"a": True, "b": "yes", "c": "true", "d": "on"}


def test_duplicate_keys_are_refused_with_their_line() -> None:
    assert problems("项目名称: a\n资金: {}\n项目名称: b\n") == ["E003:3"]


def test_aliases_and_custom_tags_are_refused() -> None:
    assert problems("a: &x [1, 2]\nb: *x\n")[0].startswith("E004")
    assert problems("a: !!python/object:os.system x\n")[0].startswith("E004")
    assert problems("base: &b {x: 1}\nc:\n  <<: *b\n")[0].startswith("E004")


def test_tabs_give_a_chinese_syntax_error() -> None:
    with pytest.raises(ContentError) as caught:
        parse("a:\n\t- 1\n")
    assert caught.value.problems[0].code == "E002" and "Tab" in caught.value.problems[0].detail


def test_bom_and_crlf_are_accepted_gbk_is_explained() -> None:
    assert decode("\ufeffa: 1\r\n".encode("utf-8"), "x") == "a: 1\n"
    with pytest.raises(ContentError) as caught:
        decode("项目名称: 见义勇为基金\n".encode("gbk"), "x.yml")
    assert caught.value.problems[0].code == "E001" and "GBK" in caught.value.problems[0].fix


def test_a_top_level_list_or_empty_file_is_refused() -> None:
    assert problems("- a\n- b\n") == ["E008:1"]
    assert problems("") == ["E008:1"]


def test_symlink_out_of_content_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "secret.yml"
    outside.write_text("项目名称: x\n", encoding="utf-8")
    content = tmp_path / "content" / "2025" / "d"
    content.mkdir(parents=True)
    (content / "link.yml").symlink_to(outside)
    with pytest.raises(ContentError) as caught:
        load_tree(tmp_path / "content")
    assert caught.value.problems[0].code == "E006"


def test_all_files_are_reported_together(tmp_path: Path) -> None:
    folder = tmp_path / "2025" / "d"
    folder.mkdir(parents=True)
    (folder / "a.yml").write_text("a: [\n", encoding="utf-8")
    (folder / "b.yml").write_text("a: 1\na: 2\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_tree(tmp_path)
    assert sorted(p.file.rsplit("/", 1)[-1] for p in caught.value.problems) == ["a.yml", "b.yml"]


def _problem_lines(root: Path, jobs: int) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_tree(root, jobs=jobs)
    return [str(p) for p in caught.value.problems]


def test_parsing_across_processes_gives_the_same_documents_and_problems_in_order(tmp_path: Path) -> None:
    for i in range(420):  # above the size from which several processes are used
        folder = tmp_path / "2025" / f"d{i % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"p{i:03}.yml").write_text(f"项目名称: 项目{i}\n资金:\n  总额: {i}.50\n指标:\n  - 一级指标: 产出指标\n    指标值: ≥{i}%\n", encoding="utf-8")
    one, two = load_tree(tmp_path, jobs=1), load_tree(tmp_path, jobs=2)
    assert [d.display for d in two] == [d.display for d in one] and len(one) == 420
    assert all(a == b for a, b in zip(one, two))
    assert [d.where(("指标", 0, "指标值"), key=True) for d in two] == [(6, 5)] * 420

    (tmp_path / "2025" / "d3" / "p010.yml").write_text("a: 1\na: 2\n", encoding="utf-8")
    (tmp_path / "2025" / "d1" / "p400.yml").write_text("a: [\n", encoding="utf-8")
    (tmp_path / "2025" / "d5" / "p005.yml").write_text("a: !x 1\nb: &y [1]\nc: *y\n", encoding="utf-8")
    assert _problem_lines(tmp_path, 2) == _problem_lines(tmp_path, 1)
    assert len(_problem_lines(tmp_path, 2)) == 4


def test_unchanged_files_keep_their_memo_documents_across_processes(tmp_path: Path) -> None:
    for i in range(420):
        (tmp_path / f"p{i:03}.yml").write_text(f"项目名称: 项目{i}\n", encoding="utf-8")
    parsed: dict = {}
    first = load_tree(tmp_path, parsed, jobs=2)
    (tmp_path / "p007.yml").write_text("项目名称: 改过\n", encoding="utf-8")
    second = load_tree(tmp_path, parsed, jobs=2)
    assert [a is b for a, b in zip(first, second)].count(False) == 1
    assert second[7].data == {"项目名称": "改过"} and len(parsed) == 421


# ---- entries of content/ that are not content files (issue 12, safe paths and files) -----------

def _cli_refuses(content: Path, out: Path, *expected: str) -> None:
    """check and build both stop at once with exit 1 and every expected text, no traceback, and
    the previous site (built before the attack) is untouched."""
    import hashlib
    from conftest import run_cli

    def digest(folder: Path) -> dict[str, str]:
        return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}

    before = digest(out)
    for args in (("check", "--content", str(content)), ("build", "--content", str(content), "--out", str(out))):
        result = run_cli(*args, timeout=60)  # a FIFO that is opened for reading would hang here
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr and all(text in result.stderr for text in expected), result.stderr
    assert digest(out) == before


@pytest.fixture
def content_and_site(tmp_path: Path) -> tuple[Path, Path, Path]:
    from conftest import run_cli
    from contentkit import minimal
    content = minimal(tmp_path / "content")
    out = tmp_path / "site"
    assert run_cli("build", "--content", str(content), "--out", str(out)).returncode == 0
    return content, out, content / "2025" / "ceshi"


def test_a_fifo_in_content_is_an_error_at_once(content_and_site: tuple[Path, Path, Path]) -> None:
    content, out, folder = content_and_site
    os.mkfifo(folder / "t0002.yml")
    os.mkfifo(folder / "notes")  # any name: nothing in content/ may be a pipe
    _cli_refuses(content, out, "E060", "t0002.yml", "ceshi/notes", "命名管道")


def test_a_symlink_to_a_fifo_is_an_error_at_once(content_and_site: tuple[Path, Path, Path]) -> None:
    content, out, folder = content_and_site
    os.mkfifo(folder / "pipe")
    (folder / "t0002.yml").symlink_to(folder / "pipe")
    _cli_refuses(content, out, "E060", "t0002.yml")


def test_a_socket_and_a_device_link_in_content_are_errors(content_and_site: tuple[Path, Path, Path]) -> None:
    import socket
    content, out, folder = content_and_site
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(folder / "s.yml"))
        (folder / "null.yml").symlink_to("/dev/null")  # outside content: refused before it is opened
        _cli_refuses(content, out, "E060", "s.yml", "套接字", "null.yml", "E006")
    finally:
        server.close()


def test_a_symlink_to_etc_passwd_is_refused(content_and_site: tuple[Path, Path, Path]) -> None:
    content, out, folder = content_and_site
    (folder / "passwd.yml").symlink_to("/etc/passwd")
    (folder / "relative.yml").symlink_to("../../../../../../../../etc/passwd")
    _cli_refuses(content, out, "E006", "passwd.yml", "relative.yml", "/etc/passwd")


def test_a_folder_named_like_a_content_file_is_an_error(content_and_site: tuple[Path, Path, Path]) -> None:
    content, out, folder = content_and_site
    (folder / "t0002.yml").mkdir()
    (folder / "t0002.yml" / "inner.txt").write_text("x", encoding="utf-8")
    (folder / "linked.yml").symlink_to(folder / "t0002.yml")
    _cli_refuses(content, out, "E060", "t0002.yml", "linked.yml", "文件夹")


def test_a_file_name_that_is_not_utf8_is_an_error_naming_the_file(content_and_site: tuple[Path, Path, Path]) -> None:
    content, out, folder = content_and_site
    gbk = "测试项目.yml".encode("gbk")
    (Path(os.fsdecode(os.fsencode(folder) + b"/" + gbk))).write_bytes((folder / "t0001.yml").read_bytes().replace(b"T0001", b"T0002"))
    bad_folder = Path(os.fsdecode(os.fsencode(content / "2025") + b"/" + "部门".encode("gbk")))
    bad_folder.mkdir()
    (bad_folder / "部门.yml").write_text("部门名称: x\n", encoding="utf-8")
    shown = gbk.decode("utf-8", "backslashreplace")
    _cli_refuses(content, out, "E061", shown, "测试项目.yml", "GBK")


def test_a_fifo_among_the_templates_is_an_error_not_a_hang(content_and_site: tuple[Path, Path, Path], tmp_path: Path) -> None:
    import shutil
    from conftest import ROOT, run_cli
    content, out, _ = content_and_site
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    (templates / "project.html").unlink()
    os.mkfifo(templates / "project.html")
    result = run_cli("build", "--content", str(content), "--templates", str(templates), "--out", str(out), timeout=60)
    assert result.returncode == 1 and "E060" in result.stderr and "project.html" in result.stderr and "Traceback" not in result.stderr


def test_a_utf16_file_from_notepad_is_named_as_such() -> None:
    with pytest.raises(ContentError) as caught:
        decode("项目名称: 测试\r\n".encode("utf-16"), "a.yml")
    assert "UTF-16" in str(caught.value) and "UTF-8" in str(caught.value)


@pytest.mark.parametrize("value", [">90%", "|A|", "*重点", "&综治 中心", "&abc 文字", "!重要", "%50", "@某人", "`代码`", "数量: 5次"])
def test_a_value_that_needs_quotes_gets_the_fixed_line(value: str) -> None:
    text = f"项目名称: 测试\n年度目标:\n  指标:\n    - 指标值: {value}\n"
    with pytest.raises(ContentError) as caught:
        parse(text)
    problem = caught.value.problems[0]
    assert problem.code == "E002" and problem.line == 4 and "加引号" in problem.detail
    fixed = problem.fix.split("改为：", 1)[1]
    assert parse(text.replace(f"- 指标值: {value}", fixed)).data["年度目标"]["指标"][0]["指标值"] == value


BROKEN_YAML = ["a: \"abc\n", "a: [x\n", "a: {x: 1\n", "a: 1\n- b\n", "a: \"\\q\"\n", "a: 1\n---\nb: 2\n", "a:\n  b: 1\n c: 2\n",
               "a: 'x' y\n", "a: 1\n  b: 2\n", "- a\nb: 1\n", "a: |0\n  x\n", "a: !<x> 1\n", "%YAML 1.1\n%YAML 1.1\n---\na: 1\n",
               "a: [1, 2]]\n", "{a: 1}}\n"]


@pytest.mark.parametrize("text", BROKEN_YAML)
def test_yaml_syntax_errors_have_no_english(text: str) -> None:
    with pytest.raises(ContentError) as caught:
        parse(text)
    for problem in caught.value.problems:
        shown = (problem.detail + problem.fix).replace("YAML", "").replace("Tab", "")
        assert not re.search(r"[A-Za-z]{3,}", shown), problem
