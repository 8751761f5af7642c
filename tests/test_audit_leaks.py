"""One test per leak path: plant a withheld string (or a derived form) into an otherwise good
built folder and show that `python build.py audit DIR` fails, naming the file and the source field."""

from __future__ import annotations

import gzip
import html
import json
import shutil
from pathlib import Path
from typing import Callable
from urllib.parse import quote

import openpyxl
import pytest

from conftest import run_cli
from gongkai import cli
from gongkai.audit import Matcher, audit_files, normalise, read_dir
from gongkai.config import Disclosure
from gongkai.pipeline import build, check
from gongkai.slugs import pinyin_words
from test_redact_kit import DEPARTMENT, dump, project, write_config, write_tree

SECRET = "秘密测试工程名称"  # the secret project's 项目名称
BASIS = "依据某保密批复设立，用于秘密测试。"  # its 立项依据
PINYIN = "".join(pinyin_words(SECRET))
SLUG = "-".join(pinyin_words(SECRET))
INITIALS = "".join(w[0] for w in pinyin_words(SECRET))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A good site with search on, one secret project, one public one: (site, content, config)."""
    root = tmp_path_factory.mktemp("leaks")
    content = write_tree(root / "content", {"部门.yml": DEPARTMENT, "a.yml": dump(project("公开测试项目", "GK001", 3000.0)),
                                            "s.yml": dump(project(SECRET, "MM001", 2000.0, 涉密=True, 立项依据=BASIS))})
    config = write_config(root / "site_config.yml", Disclosure(), search=True)
    build(check.__globals__["Paths"](content=content, config=config, templates=Path(cli.ROOT) / "templates", out=root / "site"))
    return root / "site", content, config


def _audit_in_process(site: Path, content: Path, config: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli.run(["audit", "--content", str(content), "--config", str(config), str(site)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _append(path: str, text: str) -> Callable[[Path], str]:
    def plant(site: Path) -> str:
        target = site / path
        target.write_bytes(target.read_bytes() + text.encode("utf-8"))
        return path
    return plant


def _replace(path: str, old: str, new: str) -> Callable[[Path], str]:
    def plant(site: Path) -> str:
        target = site / path
        data = target.read_text(encoding="utf-8")
        assert old in data, old
        target.write_text(data.replace(old, new, 1), encoding="utf-8")
        return path
    return plant


def _new_file(path: str, data: bytes = b"<p>ok</p>") -> Callable[[Path], str]:
    def plant(site: Path) -> str:
        target = site / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return path
    return plant


def _xlsx(site: Path) -> str:
    book = openpyxl.Workbook()
    book.active.append(["项目名称", "金额"])
    book.active.append([SECRET, 2000])
    book.save(site / "data" / "site.xlsx")
    return "data/site.xlsx"


def _pagefind_fragment(site: Path) -> str:
    # What Pagefind writes: gzip of "pagefind_dcd" + JSON, with U+200B between Chinese words.
    body = {"url": "/2025/ceshi/x/", "content": "\u200b".join(["秘密", "测试", "工程", "名称"]) + "。", "meta": {"title": "x"}}
    path = "pagefind/fragment/zh_planted.pf_fragment"
    (site / path).write_bytes(gzip.compress(b"pagefind_dcd" + json.dumps(body, ensure_ascii=False).encode("utf-8"), mtime=0))
    return path


def _pagefind_header(site: Path) -> str:
    # A compressed stream after a short header (as some index formats do) is unpacked too.
    path = "pagefind/index/zh_planted.pf_index"
    (site / path).write_bytes(b"PFIDX1\x00\x00" + gzip.compress(("\u200b".join(SECRET)).encode("utf-8"), mtime=0))
    return path


def _sitemap(site: Path) -> str:
    path = "sitemap.xml"
    data = (site / path).read_text(encoding="utf-8") if (site / path).exists() else '<?xml version="1.0"?><urlset></urlset>'
    (site / path).write_text(data.replace("</urlset>", f"<url><loc>https://example.gov.cn/2025/ceshi/{SLUG}/</loc></url></urlset>"), encoding="utf-8")
    return path


def _feed(site: Path) -> str:
    path = "feed.xml"
    data = (site / path).read_text(encoding="utf-8") if (site / path).exists() else '<?xml version="1.0"?><feed></feed>'
    escaped = "".join(f"&#{ord(c)};" for c in SECRET)
    (site / path).write_text(data.replace("</feed>", f"<entry><title>{escaped}</title></entry></feed>"), encoding="utf-8")
    return path


PAGE = "2025/ceshi/index.html"
BASIS_PIECE = "依据某保密批复设立"

LEAKS: dict[str, tuple[Callable[[Path], str], str]] = {
    "html-text": (_append(PAGE, f"<p>{SECRET}</p>"), "项目名称"),
    "html-split-by-tags": (_append(PAGE, "<p>秘密测试<b>工程</b>名称</p>"), "项目名称"),
    "html-attribute-entities": (_append(PAGE, f'<a title="{"".join(f"&#x{ord(c):x};" for c in SECRET)}">x</a>'), "项目名称"),
    "html-comment": (_append(PAGE, f"<!-- {SECRET} -->"), "项目名称"),
    "title": (_replace(PAGE, "<title>", f"<title>{SECRET} "), "项目名称"),
    "meta": (_replace(PAGE, '<meta name="description" content="', f'<meta name="description" content="{html.escape(BASIS)}'), "立项依据"),
    "fragment-of-a-field": (_append(PAGE, f"<p>……{BASIS_PIECE}……</p>"), "立项依据"),
    "url-percent-encoded": (_append(PAGE, f'<a href="/2025/ceshi/{quote(SECRET)}/">x</a>'), "项目名称"),
    "url-slug": (_append(PAGE, f'<a href="/2025/ceshi/{SLUG}/">x</a>'), "项目名称"),
    "pinyin": (_append(PAGE, f"<span>{PINYIN.upper()}</span>"), "项目名称"),
    "pinyin-initials": (_append(PAGE, f"<span>{INITIALS.upper()}</span>"), "项目名称"),
    "file-name": (_new_file(f"2025/ceshi/{SECRET}.html"), "项目名称"),
    "file-name-slug": (_new_file(f"2025/ceshi/{SLUG}/index.html"), "项目名称"),
    "sitemap": (_sitemap, "项目名称"),
    "feed": (_feed, "项目名称"),
    "json-escaped": (_new_file("data/extra.json", json.dumps({"name": SECRET}).encode()), "项目名称"),
    "csv": (_append("data/projects.csv", f"2025,测试,{SECRET},2000\r\n"), "项目名称"),
    "xlsx": (_xlsx, "项目名称"),
    "gzip": (_new_file("data/extra.json.gz", gzip.compress(SECRET.encode("utf-8"), mtime=0)), "项目名称"),
    "pagefind-fragment": (_pagefind_fragment, "项目名称"),
    "pagefind-header": (_pagefind_header, "项目名称"),
    "robots-redirects": (_new_file("_redirects", f"/old /2025/ceshi/{SLUG}/ 301\n".encode()), "项目名称"),
}


@pytest.mark.parametrize("case", sorted(LEAKS))
def test_a_planted_leak_fails_the_audit_naming_file_and_field(tmp_path: Path, built: tuple[Path, Path, Path], case: str,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    site, content, config = built
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    plant, field = LEAKS[case]
    planted = plant(copy)
    code, output = _audit_in_process(copy, content, config, capsys)
    assert code == 1, output
    assert planted in output and f"s.yml: {field}" in output, output
    # The message points at the leak without repeating it (beyond the planted file's own name).
    assert SECRET not in output.replace(planted, "") and BASIS not in output


def test_the_clean_site_passes_and_the_real_command_fails_on_a_leak(tmp_path: Path, built: tuple[Path, Path, Path]) -> None:
    site, content, config = built
    assert run_cli("audit", "--content", str(content), "--config", str(config), str(site)).returncode == 0
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    _pagefind_fragment(copy)
    result = run_cli("audit", "--content", str(content), "--config", str(config), str(copy))
    assert result.returncode == 1
    assert "pagefind/fragment/zh_planted.pf_fragment" in result.stderr and "s.yml: 项目名称" in result.stderr


def test_the_real_search_index_holds_no_secret(built: tuple[Path, Path, Path]) -> None:
    site = built[0]
    index = [p for p in (site / "pagefind").rglob("*") if p.is_file()] if (site / "pagefind").exists() else []
    assert index, "search is on: Pagefind files are expected"
    fragments = [gzip.decompress(p.read_bytes()).decode("utf-8", "ignore") for p in index if "fragment" in p.parts]
    assert fragments and any("公开测试项目" in normalise(f) for f in fragments)
    assert not any(normalise(SECRET) in normalise(f) or PINYIN in f for f in fragments)


def test_an_internal_report_copied_into_the_site_fails_the_audit(tmp_path: Path, built: tuple[Path, Path, Path],
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    site, content, config = built
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    (copy / "redaction-report.md").write_text("# 脱密报告\n", encoding="utf-8")
    code, output = _audit_in_process(copy, content, config, capsys)
    assert code == 1 and "redaction-report.md" in output


def test_a_public_code_spelling_a_secret_name_is_warned(tmp_path: Path) -> None:
    # The public project's code is the pinyin initials of the secret project's name (like WWZXJF).
    content = write_tree(tmp_path / "content", {"部门.yml": DEPARTMENT, "a.yml": dump(project("公开测试项目", INITIALS.upper(), 3000.0)),
                                                "s.yml": dump(project(SECRET, "MM001", 2000.0, 涉密=True))})
    result = run_cli("check", "--content", str(content))
    assert result.returncode == 0
    assert "W102" in result.stderr and INITIALS.upper() in result.stderr and "s.yml" in result.stderr and SECRET not in result.stderr


def test_matcher_finds_overlapping_and_nested_strings() -> None:
    matcher = Matcher(["abc", "abcdef", "bcd", "样例涉密内容", "ab"])
    assert matcher.occurring("zzabcdefg样例涉密内容") == {"abc", "abcdef", "bcd", "样例涉密内容", "ab"}
    assert matcher.occurring("no match here") == set()


def test_the_audit_scans_many_withheld_strings_in_one_pass(tmp_path: Path, built: tuple[Path, Path, Path]) -> None:
    # 20,000 withheld strings: one matcher, every file read once (no loop over strings × files).
    site, content, config = built
    result = check(check.__globals__["Paths"](content=content, config=config, templates=Path(cli.ROOT) / "templates", out=site))
    assert result.public is not None
    from dataclasses import replace
    from gongkai.public import Withheld
    many = tuple(Withheld(f"虚构涉密条目{i:05d}号", "x.yml: 项目名称", "涉密项目") for i in range(20000))
    public = replace(result.public, withheld=result.public.withheld + many)
    files = read_dir(site)
    assert audit_files(files, public) == []
    files["planted.html"] = "<p>虚构涉密条目12345号</p>".encode()
    hits = audit_files(files, public)
    assert [h.file for h in hits] == ["planted.html"]
