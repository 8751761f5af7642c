"""`gongkai import 表格.zip`: a zip made on Chinese Windows (GBK member names, no UTF-8 flag, in
folders) imports exactly as the unzipped table does; paths in the archive are never followed."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

FIXTURES = ROOT / "tests" / "fixtures" / "import"


class WindowsZipInfo(zipfile.ZipInfo):
    """A member name stored as Chinese Windows' zip tools store it: GBK bytes, UTF-8 flag unset."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802 — zipfile's own hook
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def write_zip(path: Path, members: dict[str, bytes], windows: bool) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = WindowsZipInfo(name) if windows else zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return path


@pytest.fixture(scope="module")
def direct(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    content = tmp_path_factory.mktemp("direct") / "content"
    result = run_cli("import", str(FIXTURES / "yutian.docx"), "--content", str(content))
    assert result.returncode == 0, result.stderr
    return tree(content)


@pytest.mark.parametrize("windows", [True, False], ids=["gbk-names", "utf8-names"])
def test_a_zip_imports_the_same_content_as_its_table(tmp_path: Path, direct: dict[str, str], windows: bool) -> None:
    archive = write_zip(tmp_path / "绩效目标表.zip", {
        "2025年玉田县/": b"",
        "2025年玉田县/玉田县委政法委项目绩效目标表.docx": (FIXTURES / "yutian.docx").read_bytes(),
        "2025年玉田县/说明.txt": "请导入。".encode("gbk"),
    }, windows)
    if windows:
        with zipfile.ZipFile(archive) as check:  # the archive really is as Windows writes it
            assert not any(i.flag_bits & 0x800 for i in check.infolist())
            assert "玉田" not in "".join(check.namelist())
    content = tmp_path / "content"
    result = run_cli("import", str(archive), "--content", str(content))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "内容检查通过" in result.stdout
    assert tree(content) == direct
    assert not list(content.rglob("*.txt")) and not list(content.rglob("*.docx"))


def test_paths_inside_the_zip_are_never_followed(tmp_path: Path, direct: dict[str, str]) -> None:
    archive = write_zip(tmp_path / "evil.zip", {"../../../outside/玉田.docx": (FIXTURES / "yutian.docx").read_bytes()}, True)
    content = tmp_path / "work" / "content"
    result = run_cli("import", str(archive), "--content", str(content))
    assert result.returncode == 0, result.stderr
    assert tree(content) == direct
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evil.zip", "work"]


@pytest.mark.parametrize("members, message", [
    ({"说明.txt": b"x"}, "没有 .xlsx"),
    ({"a/表.docx": b"1", "b/表.docx": b"2"}, "同名的表格"),
])
def test_zips_that_cannot_be_imported_say_why(tmp_path: Path, members: dict[str, bytes], message: str) -> None:
    archive = write_zip(tmp_path / "表格.zip", members, True)
    result = run_cli("import", str(archive), "--content", str(tmp_path / "content"))
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "content").exists()


def test_a_file_that_is_not_a_zip_says_so(tmp_path: Path) -> None:
    fake = tmp_path / "表格.zip"
    fake.write_bytes(b"not a zip")
    result = run_cli("import", str(fake), "--content", str(tmp_path / "content"))
    assert result.returncode == 2 and "zip" in result.stderr and "Traceback" not in result.stderr
