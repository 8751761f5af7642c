"""The build cache gives exactly the site a clean build gives, and redoes only what changed.

Each test builds a small generated site (bench/generate.py: several departments, two years,
secret projects) in tmp_path, changes something, rebuilds with the cache and compares every
output file byte for byte with a build without cache of the same content, made over a copy of
the same previous site (the links stage reads the site it replaces).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bench.generate import generate
from conftest import ROOT
from gongkai.publish.audit import audit_files, audit_needles
from gongkai.cache import BuildCache, cache_folder
from gongkai.pipeline import AuditFailed, Paths, build, check

PROJECTS = 16


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def site(tmp_path: Path) -> Paths:
    content = tmp_path / "content"
    generate(content, PROJECTS, departments=2, years=2, seed=7)
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    config = tmp_path / "site_config.yml"
    shutil.copy(ROOT / "site_config.yml", config)
    return Paths(content=content, config=config, templates=templates, out=tmp_path / "site")


def _rebuild_and_compare(paths: Paths, cache: BuildCache) -> None:
    """Rebuild with the cache; a build without cache over a copy of the previous site must match."""
    clean = Paths(paths.content, paths.config, paths.templates, paths.out.parent / "clean" / "site")
    shutil.copytree(paths.out, clean.out)
    build(paths, cache=cache)
    build(clean, cache=False)
    cached, fresh = _tree(paths.out), _tree(clean.out)
    assert sorted(cached) == sorted(fresh)
    different = [path for path in fresh if cached[path] != fresh[path]]
    assert different == []


def _project_file(paths: Paths) -> Path:
    public = [p for p in sorted(paths.content.rglob("*.yml")) if p.name != "部门.yml" and "涉密: true" not in p.read_text(encoding="utf-8")]
    return public[len(public) // 2]


def test_changing_one_project_rerenders_only_its_pages_and_matches_a_clean_build(site: Paths) -> None:
    build(site, cache=BuildCache.open(site.out))
    assert (cache_folder(site.out) / "cache.pickle").is_file()
    pages = sum(1 for p in site.out.rglob("*.html"))

    project = _project_file(site)
    text = project.read_text(encoding="utf-8")
    changed = text.replace("资金用途: \"", "资金用途: \"（已修订）", 1)
    assert changed != text
    project.write_text(changed, encoding="utf-8")

    cache = BuildCache.open(site.out)
    _rebuild_and_compare(site, cache)
    assert cache.reused > 0
    # Pages whose context holds the changed project: its department's pages (a project page
    # shows its department) and the year, home and search pages. Other departments are reused.
    siblings = len(list(project.parent.glob("*.yml"))) - 1
    assert 1 <= cache.rendered <= siblings + 5 < pages
    assert "（已修订）" in (site.out / _page_of(site, project)).read_text(encoding="utf-8")


def _page_of(paths: Paths, project: Path) -> str:
    year, dept = project.relative_to(paths.content).parts[:2]
    code = next(line.split(": ", 1)[1].strip('"') for line in project.read_text(encoding="utf-8").splitlines() if line.startswith("项目编码"))
    matches = [p for p in paths.out.glob(f"{year}/*/{code.lower()}/index.html")]
    assert len(matches) == 1
    return matches[0].relative_to(paths.out).as_posix()


def test_unchanged_rebuild_renders_nothing(site: Paths) -> None:
    build(site, cache=BuildCache.open(site.out))
    cache = BuildCache.open(site.out)
    _rebuild_and_compare(site, cache)
    assert cache.rendered == 0


def test_changing_a_template_rerenders_everything(site: Paths) -> None:
    build(site, cache=BuildCache.open(site.out))
    base = site.templates / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</body>", "<!-- 模板已修改 --></body>", 1), encoding="utf-8")
    cache = BuildCache.open(site.out)
    _rebuild_and_compare(site, cache)
    assert cache.reused == 0 and cache.rendered > PROJECTS
    assert "模板已修改" in (site.out / "index.html").read_text(encoding="utf-8")


def test_changing_site_config_rerenders_everything(site: Paths) -> None:
    build(site, cache=BuildCache.open(site.out))
    site.config.write_text(site.config.read_text(encoding="utf-8").replace("site_name: 预算绩效目标公开", "site_name: 某省预算绩效目标公开", 1), encoding="utf-8")
    cache = BuildCache.open(site.out)
    _rebuild_and_compare(site, cache)
    assert cache.reused == 0
    assert "某省预算绩效目标公开" in (site.out / "index.html").read_text(encoding="utf-8")


def test_a_file_changed_in_the_output_folder_is_not_reused(site: Paths) -> None:
    build(site, cache=BuildCache.open(site.out))
    target = site.out / "404.html"
    target.write_bytes(target.read_bytes() + b"<!-- edited by hand -->")
    cache = BuildCache.open(site.out)
    _rebuild_and_compare(site, cache)
    assert cache.rendered == 1
    assert b"edited by hand" not in target.read_bytes()


def test_a_damaged_cache_is_ignored(site: Paths) -> None:
    build(site, cache=BuildCache.open(site.out))
    (cache_folder(site.out) / "cache.pickle").write_bytes(b"not a pickle")
    cache = BuildCache.open(site.out)
    _rebuild_and_compare(site, cache)
    assert cache.reused == 0


def test_the_incremental_audit_finds_a_newly_withheld_text_in_an_unchanged_file(site: Paths) -> None:
    """A file audited clean before must be searched again for what has become secret since."""
    project = _project_file(site)
    name = next(line.split(": ", 1)[1].strip('"') for line in project.read_text(encoding="utf-8").splitlines() if line.startswith("项目名称"))
    files = {"notes/index.html": f"<p>{name}</p>".encode()}
    cache = BuildCache.open(site.out)
    assert cache.audit(files, audit_needles(check(site).public)) == []
    cache.save(site.out, {})

    project.write_text(project.read_text(encoding="utf-8").replace("项目名称:", "涉密: true\n项目名称:", 1), encoding="utf-8")
    public = check(site).public
    hits = cache.audit(files, audit_needles(public))
    assert hits and {h.file for h in hits} == {"notes/index.html"}
    assert {h.needle.form for h in hits} == {h.needle.form for h in audit_files(files, public)}


def test_a_leak_fails_the_cached_build_and_leaves_the_site_as_it_was(site: Paths) -> None:
    build(site, cache=BuildCache.open(site.out))
    before = _tree(site.out)
    secret = next(p for p in sorted(site.content.rglob("*.yml")) if "涉密: true" in p.read_text(encoding="utf-8"))
    text = secret.read_text(encoding="utf-8")
    name = next(line.split(": ", 1)[1].strip('"') for line in text.splitlines() if line.startswith("项目名称"))
    # A template that prints withheld text would leak it: simulate with one that quotes the name.
    base = site.templates / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</body>", f"{name}</body>", 1), encoding="utf-8")
    with pytest.raises(AuditFailed):
        build(site, cache=BuildCache.open(site.out))
    assert _tree(site.out) == before


def test_exports_of_unchanged_departments_are_reused(site: Paths) -> None:
    build(site, cache=BuildCache.open(site.out))
    departments = sum(1 for _ in site.content.rglob("部门.yml"))
    project = _project_file(site)
    project.write_text(project.read_text(encoding="utf-8").replace("资金用途: \"", "资金用途: \"（已修订）", 1), encoding="utf-8")
    cache = BuildCache.open(site.out)
    _rebuild_and_compare(site, cache)  # every file, the changed department's exports included, as a clean build
    assert departments >= 2 and cache.exports_reused == departments - 1
