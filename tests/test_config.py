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
