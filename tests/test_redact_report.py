"""The internal redaction report: written beside the site, never inside it, never linked."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli
from test_redact_kit import DEPARTMENT, dump, every_file_text, project, write_tree

CONFIG = "disclosure:\n  secret_amounts: withhold\n  subtraction: combine\n"


def tree(root: Path) -> Path:
    return write_tree(root, {"部门.yml": DEPARTMENT,
                             "a.yml": dump(project("公开项目甲", "A1", 3000.0)),
                             "b.yml": dump(project("公开项目乙", "B1", 900.0, **{"涉密字段": ["立项依据"], "立项依据": "报告测试依据"})),
                             "s.yml": dump(project("报告测试涉密工程", "S1", 1500.0, 涉密=True))})


def test_the_report_is_written_beside_the_site_and_the_site_never_mentions_it(tmp_path: Path) -> None:
    content = tree(tmp_path / "content")
    config = tmp_path / "c.yml"
    config.write_text(CONFIG, encoding="utf-8")
    result = run_cli("build", "--content", str(content), "--config", str(config), "--out", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "reports" / "redaction-report.json").read_text(encoding="utf-8"))
    rules = {r["规则"]: r for r in report["按规则统计"]}
    assert rules["涉密项目"]["项数"] == 1 and rules["涉密项目"]["金额（元）"] == "1500.00"
    assert rules["涉密字段"]["项数"] == 1
    # One secret amount in a published total: a published amount was combined with it, and the report says which.
    control = report["相减推算检查"][0]
    assert control["不公开的金额"] and control["为防相减推算而合并或隐藏"]
    markdown = (tmp_path / "reports" / "redaction-report.md").read_text(encoding="utf-8")
    assert "不得公开" in markdown and "s.yml" in markdown
    # The report names items by file and field, never by their secret text.
    for text in (json.dumps(report, ensure_ascii=False), markdown):
        assert "报告测试涉密工程" not in text and "报告测试依据" not in text
    site_text = every_file_text(tmp_path / "site")
    for reference in ("redaction-report", "reports/", "脱密报告"):
        assert reference not in site_text
    assert not list((tmp_path / "site").rglob("redaction-report*"))


def test_the_report_folder_can_be_chosen_but_not_inside_the_site(tmp_path: Path) -> None:
    content = tree(tmp_path / "content")
    elsewhere = tmp_path / "baomi" / "reports-2025"
    result = run_cli("build", "--content", str(content), "--out", str(tmp_path / "site"), "--report-dir", str(elsewhere))
    assert result.returncode == 0, result.stderr
    assert (elsewhere / "redaction-report.json").is_file() and not (tmp_path / "reports").exists()
    first = (elsewhere / "redaction-report.json").read_bytes()
    assert run_cli("build", "--content", str(content), "--out", str(tmp_path / "site"), "--report-dir", str(elsewhere)).returncode == 0
    assert (elsewhere / "redaction-report.json").read_bytes() == first  # deterministic
    inside = run_cli("build", "--content", str(content), "--out", str(tmp_path / "site2"), "--report-dir", str(tmp_path / "site2" / "r"))
    assert inside.returncode == 2 and "不能写在网站输出文件夹" in inside.stderr
    assert not (tmp_path / "site2").exists()
    in_content = run_cli("build", "--content", str(content), "--out", str(tmp_path / "site3"), "--report-dir", str(content / "r"))
    assert in_content.returncode == 2 and "不能写在content 内容文件夹" in in_content.stderr and not (content / "r").exists()


def _built_with_report(tmp_path: Path) -> tuple[Path, Path, Path]:
    content = tree(tmp_path / "content")
    config = tmp_path / "c.yml"
    config.write_text(CONFIG, encoding="utf-8")
    result = run_cli("build", "--content", str(content), "--config", str(config), "--out", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    return content, config, tmp_path / "reports"


def _audit(content: Path, config: Path, site: Path) -> tuple[int, str]:
    result = run_cli("audit", "--content", str(content), "--config", str(config), str(site))
    return result.returncode, result.stdout + result.stderr


def test_a_report_copied_into_the_site_under_any_name_or_packed_fails_the_audit(tmp_path: Path) -> None:
    import gzip
    import io
    import shutil
    import zipfile
    content, config, reports = _built_with_report(tmp_path)
    site = tmp_path / "site"
    assert _audit(content, config, site)[0] == 0
    report_json = (reports / "redaction-report.json").read_bytes()
    report_md = (reports / "redaction-report.md").read_bytes()
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("资料/附件1.txt", report_md)
    plants = {"assets/data.json": report_json, "2025/notes.html": b"<p>" + report_md + b"</p>",
              "downloads/archive.zip": packed.getvalue(), "downloads/backup.json.gz": gzip.compress(report_json),
              # what a reader copies from the rendered Markdown: the text only, line breaks gone
              "copied.txt": b" ".join(report_md.replace(b"<!--", b"").replace(b"-->", b"").split())}
    for name, data in plants.items():
        copy = tmp_path / f"copy-{len(list(tmp_path.iterdir()))}"
        shutil.copytree(site, copy)
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        (copy / name).write_bytes(data)
        code, output = _audit(content, config, copy)
        assert code == 1 and name in output and "内部" in output, (name, output)
