"""Stage load: YAML to plain data with positions, refusing what YAML would silently accept."""

from __future__ import annotations

from pathlib import Path

import pytest

from gongkai.errors import ContentError
from gongkai.load import YamlNumber, decode, load_tree, parse_text


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
    assert doc.positions[("资金", "总额")] == (2, 7)
    assert doc.key_positions[("部门编码",)] == (3, 1)


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
