"""The editor's handbook (docs/, mkdocs.yml): builds with `mkdocs build --strict`, documents every
error code the program can report, and works offline."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from gongkai.source.config import DISCLOSURE_OPTIONS, SITE_OPTIONS
from gongkai.errors import CATALOGUE


def _mkdocs(config: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def handbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("handbook") / "docs-site"
    result = _mkdocs(ROOT / "mkdocs.yml", out)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def _text(path: Path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


def test_every_error_code_is_in_the_handbook_with_its_fix(handbook: Path) -> None:
    page = (handbook / "errors.html").read_text(encoding="utf-8")
    text = _text(handbook / "errors.html")
    for code, (title, fix) in CATALOGUE.items():
        assert f'id="{code}"' in page, code
        assert title in text and fix in text, code


def test_config_options_come_from_the_code(handbook: Path) -> None:
    text = _text(handbook / "config.html")
    for option in SITE_OPTIONS:
        assert option.key in text and option.doc in text
    for option in DISCLOSURE_OPTIONS:
        assert f"disclosure.{option.key}" in text


def test_chapters_and_the_content_model(handbook: Path) -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8").split("\nhooks:")[0])
    assert config["docs_dir"] == "docs" and config["site_dir"] == "docs-site"
    assert "docs-site/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    index = (handbook / "index.html").read_text(encoding="utf-8")
    for page in ("new-content", "content-model", "secret", "import", "preview", "quality", "config", "publish", "errors"):
        assert (handbook / f"{page}.html").is_file()
        assert f'href="{page}.html"' in index
    publish = _text(handbook / "publish.html")
    assert "redirects.ma" in publish and "map $uri $gongkai_redirect" in publish and "return 301" in publish
    assert "lang=\"zh" in index


def test_no_request_to_another_host(handbook: Path) -> None:
    for page in handbook.rglob("*.html"):
        source = page.read_text(encoding="utf-8")
        assert not re.search(r"<(script|img|iframe)[^>]+src=\"(https?:)?//", source), page
        assert not re.search(r"<link[^>]+href=\"(https?:)?//", source), page


def test_pages_added_by_others_join_the_nav(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    (docs / "deploy-notes.md").write_text("# 部署备忘\n\n新增的页面。\n", encoding="utf-8")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config.update(docs_dir=str(docs), site_dir=str(tmp_path / "site"), hooks=[str(ROOT / "gongkai" / "editor" / "handbook.py")])
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    result = _mkdocs(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'href="deploy-notes.html"' in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


def test_every_code_the_program_uses_is_catalogued() -> None:
    """A code written anywhere in gongkai/ must be in CATALOGUE, hence in the handbook."""
    used = set()
    for source in (ROOT / "gongkai").rglob("*.py"):
        used |= set(re.findall(r"[\"']([ECW]\d{3})[\"']", source.read_text(encoding="utf-8")))
    assert used, "no codes found"
    assert used <= set(CATALOGUE), sorted(used - set(CATALOGUE))


def test_generated_pages_in_the_repository_are_current(tmp_path: Path) -> None:
    """docs/errors.md and docs/config.md hold the catalogue and the options themselves; the test
    fails when the code changes and `python3 -m gongkai.editor.handbook` was not run."""
    from gongkai.editor.handbook import stale_pages
    assert stale_pages() == []
    errors = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    for code, (title, fix) in CATALOGUE.items():
        assert f"### {code} {title} {{#{code}}}" in errors and fix in errors
    config = (ROOT / "docs" / "config.md").read_text(encoding="utf-8")
    assert all(f"`{option.key}`" in config for option in SITE_OPTIONS)
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    page = docs / "errors.md"
    page.write_text(page.read_text(encoding="utf-8").replace(CATALOGUE["E013"][1], "旧的说明"), encoding="utf-8")
    assert stale_pages(docs) == ["errors.md"]
    assert stale_pages(docs, write=True) == ["errors.md"] and stale_pages(docs) == []
    assert page.read_text(encoding="utf-8") == errors


FORM_PAGES = ("form-department.md", "form-project.md", "form-it.md")


def _worked_examples() -> dict[str, str]:
    """The YAML blocks of the form pages that start with “# 文件：路径”: the worked examples."""
    files = {}
    for page in FORM_PAGES:
        text = (ROOT / "docs" / page).read_text(encoding="utf-8")
        for block in re.findall(r"```yaml\n(.*?)```", text, re.S):
            first, _, rest = block.partition("\n")
            if first.startswith("# 文件："):
                files[first.removeprefix("# 文件：").strip()] = rest
    return files


def test_the_form_pages_worked_examples_are_valid_content(tmp_path: Path, handbook: Path) -> None:
    from conftest import run_cli
    files = _worked_examples()
    assert sorted(files) == ["2022/mou-zfw/wangluo-anquan.yml", "2022/mou-zfw/zhihui-pingtai.yml", "2022/mou-zfw/部门.yml"]
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = run_cli("check", "--content", str(tmp_path))
    assert result.returncode == 0, result.stderr
    from gongkai.source.load import load_tree
    from gongkai.source.validate import build_site
    (dept,) = build_site(load_tree(tmp_path), tmp_path)[0].departments
    assert len(dept.tasks) == 4 and len(dept.indicators) == 3
    for project in dept.projects:
        assert [g.period for g in project.goals] == ["mid", "year"] and project.period_money is not None
    for page in FORM_PAGES:
        assert (handbook / page.replace(".md", ".html")).is_file()
