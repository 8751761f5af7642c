"""site_config.yml: typed, documented options; unknown keys named with a hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT
from gongkai.source.config import SECRET_WORDING, load_config
from gongkai.errors import ContentError


def test_example_config_and_defaults() -> None:
    config = load_config(ROOT / "site_config.yml")
    assert config.disclosure.secret_wording == SECRET_WORDING and config.disclosure.secret_label == "code"
    assert load_config(Path("/nonexistent.yml")).base_url.endswith("/")


@pytest.mark.parametrize("text, needle", [
    ("site_nmae: x\n", "site_name"),
    ("search: 是\n", "true 或 false"),
    ("disclosure:\n  secret_label: name\n", "code / numbered / hidden"),
    ("disclosure:\n  secret_wordng: x\n", "secret_wording"),
])
def test_bad_options_are_named(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "site_config.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_config(path)
    message = str(caught.value)
    assert "site_config.yml:" in message and needle in message


def test_footer_lines_are_optional_and_shown_only_when_set(tmp_path: Path) -> None:
    """contact, icp and site_code (政府网站标识码, often written without quotes) reach every
    page's footer when set, and leave no empty line when not."""
    from contentkit import minimal
    from conftest import example_paths
    from gongkai.pipeline import build
    content = minimal(tmp_path / "content")
    for name, text in (("set", "publisher: 测试县委政法委\ncontact: 联系电话：0315-1234567\nicp: 冀ICP备12345678号\nsite_code: 1302290001\n"),
                       ("unset", "site_name: 测试\n")):
        config = tmp_path / f"{name}.yml"
        config.write_text(text, encoding="utf-8")
        out = tmp_path / name
        build(example_paths(out, content=content, config=config), cache=False)
        footer = (out / "index.html").read_text(encoding="utf-8").split('<footer class="footer">')[1]
        lines = ["主办单位：测试县委政法委", "联系电话：0315-1234567", "冀ICP备12345678号", "政府网站标识码：1302290001"]
        if name == "set":
            assert all(line in footer for line in lines)
        else:
            assert "footer-line" not in footer and not any(line in footer for line in lines)


def test_a_config_that_is_a_fifo_is_an_error_not_a_hang(tmp_path: Path) -> None:
    import os
    from conftest import run_cli
    from contentkit import minimal
    os.mkfifo(tmp_path / "site_config.yml")
    result = run_cli("check", "--content", str(minimal(tmp_path / "content")), "--config", str(tmp_path / "site_config.yml"), timeout=60)
    assert result.returncode == 1 and "C001" in result.stderr and "命名管道" in result.stderr and "Traceback" not in result.stderr
