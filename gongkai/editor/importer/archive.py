"""`gongkai import 表格.zip`: every table in a zip file, imported one by one.

Zip files made on Chinese Windows store member names in GBK without the UTF-8 flag; Python reads
those as cp437 mojibake. The original bytes are recovered and read as UTF-8 when they are, else
as GBK (GB18030), so the imported content is the same as from the unzipped files. Members are
extracted by their base name only (no path from the archive is ever used) and size-checked
before they are read.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path
from typing import Any

from gongkai.editor.importer import ImportFailed, ImportReport, import_file

TABLES = (".xlsx", ".csv", ".docx")
MAX_MEMBER_BYTES = 64 * 1024 * 1024  # a budget table is far smaller; more is a zip bomb or a mistake
UTF8_FLAG = 0x800


def member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its author wrote it (UTF-8, or GBK from Chinese Windows)."""
    if info.flag_bits & UTF8_FLAG:
        return info.filename
    raw = info.filename.encode("cp437")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "backslashreplace")


def tables(archive: zipfile.ZipFile) -> list[tuple[str, zipfile.ZipInfo]]:
    """The tables in the archive, by their base name, in name order; folders and other files skipped."""
    found = []
    for info in archive.infolist():
        name = member_name(info).replace("\\", "/").rsplit("/", 1)[-1]
        if info.is_dir() or not name.lower().endswith(TABLES) or name.startswith(("~$", "._")):
            continue
        found.append((name, info))
    return sorted(found, key=lambda item: item[0])


def import_archive(path: Path, content: Path, **options: Any) -> list[tuple[str, ImportReport]]:
    """Import every table of the zip file at `path` into `content`; (member name, report) each."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFailed(f"{path.name}：不是可以读取的 zip 文件（{exc}）。") from None
    with archive, tempfile.TemporaryDirectory(prefix="gongkai-zip-") as folder:
        members = tables(archive)
        if not members:
            raise ImportFailed(f"{path.name}：zip 文件中没有 .xlsx、.csv 或 .docx 表格。")
        names = [name for name, _ in members]
        if len(set(names)) != len(names):
            twice = sorted({n for n in names if names.count(n) > 1})
            raise ImportFailed(f"{path.name}：zip 文件的不同文件夹中有同名的表格：{'、'.join(twice)}；请改名后再导入。")
        reports = []
        for name, info in members:
            if info.file_size > MAX_MEMBER_BYTES:
                raise ImportFailed(f"{path.name}：{name} 解压后有 {info.file_size} 字节，超过上限 {MAX_MEMBER_BYTES} 字节。")
            target = Path(folder) / name
            with archive.open(info) as source:
                data = source.read(MAX_MEMBER_BYTES + 1)
            if len(data) > MAX_MEMBER_BYTES:
                raise ImportFailed(f"{path.name}：{name} 解压后超过上限 {MAX_MEMBER_BYTES} 字节。")
            target.write_bytes(data)
            reports.append((name, import_file(target, content, **options)))
        return reports
