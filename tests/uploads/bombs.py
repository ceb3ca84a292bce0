"""Hostile files, generated: XLSX zip bombs (by ratio, by a lying size), sheets that pretend to be
huge (a row a million rows down, a cell in the last column), an XML entity bomb, a Parquet file
whose metadata declares far too many rows. Each is small on the wire."""

from __future__ import annotations

import io
import struct
import zipfile

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = "</sheetData></worksheet>"
HEADER = ("record_id", "given_name", "family_name", "birth_date", "sex", "citizenship", "document_number")


def cell(text: str, ref: str = "") -> str:
    at = f' r="{ref}"' if ref else ""
    return f'<c{at} t="inlineStr"><is><t>{text}</t></is></c>'


def header_row() -> str:
    return "<row>" + "".join(cell(h) for h in HEADER) + "</row>"


def xlsx(sheet_parts, *, extra: dict[str, str] | None = None) -> bytes:
    """A minimal valid XLSX whose sheet XML is written from `sheet_parts` (an iterable of str)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        for name, text in (extra or {}).items():
            zf.writestr(name, text)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for part in sheet_parts:
                sheet.write(part.encode())
    return out.getvalue()


def ratio_bomb(uncompressed_mb: int = 300) -> bytes:
    """One cell whose text is hundreds of MB of the same letter: about 1000 times smaller on the wire."""
    chunk = "A" * 2**20

    def parts():
        yield SHEET_HEAD + header_row() + '<row><c t="inlineStr"><is><t>'
        for _ in range(uncompressed_mb):
            yield chunk
        yield "</t></is></c></row>" + SHEET_TAIL

    return xlsx(parts())


def lying_bomb(uncompressed_mb: int = 300) -> bytes:
    """The ratio bomb whose sheet declares it holds 1 KB once decompressed (local and central headers)."""
    data = bytearray(ratio_bomb(uncompressed_mb))
    name = b"xl/worksheets/sheet1.xml"
    local = data.find(b"PK\x03\x04")
    while local != -1:
        name_len, extra_len = struct.unpack_from("<HH", data, local + 26)
        if data[local + 30 : local + 30 + name_len] == name:
            struct.pack_into("<I", data, local + 22, 1024)
            _shrink_zip64(data, local + 30 + name_len, extra_len, 0)
            break
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_len, extra_len = struct.unpack_from("<HH", data, central + 28)
        if data[central + 46 : central + 46 + name_len] == name:
            struct.pack_into("<I", data, central + 24, 1024)
            _shrink_zip64(data, central + 46 + name_len, extra_len, 0)
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def _shrink_zip64(data: bytearray, start: int, length: int, _index: int) -> None:
    """Set the uncompressed size inside a ZIP64 extra field (id 1) to 1 KB too."""
    pos = start
    while pos + 4 <= start + length:
        field_id, size = struct.unpack_from("<HH", data, pos)
        if field_id == 1 and size >= 8:
            struct.pack_into("<Q", data, pos + 4, 1024)
        pos += 4 + size


def far_row_bomb() -> bytes:
    """A header, then one row a million rows down: a reader pads a million empty rows."""
    return xlsx([SHEET_HEAD, header_row(), '<row r="1048576">', cell("x", "A1048576"), "</row>", SHEET_TAIL])


def far_header_bomb() -> bytes:
    """Nothing until a header a million rows down: the rows before it are padded too."""
    cells = "".join(cell(h, f"{chr(65 + i)}1048576") for i, h in enumerate(HEADER))
    return xlsx([SHEET_HEAD, f'<row r="1048576">{cells}</row>', SHEET_TAIL])


def wide_row_bomb(rows: int = 200_000) -> bytes:
    """Rows with one cell in the last column (XFD): a reader pads 16,384 cells per row."""
    row = "<row>" + cell("x", "XFD{n}") + "</row>"

    def parts():
        yield SHEET_HEAD + header_row()
        for n in range(2, rows + 2):
            yield row.replace("{n}", str(n))
        yield SHEET_TAIL

    return xlsx(parts())


def entity_bomb() -> bytes:
    """Billion laughs in the sheet's XML."""
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % ("" if i == 1 else i - 1)) * 10}">' for i in range(1, 10)
    )
    head = SHEET_HEAD.replace("<worksheet", f"<!DOCTYPE worksheet [{entities}]><worksheet", 1)
    return xlsx([head, header_row(), "<row>", cell("&lol9;"), "</row>", SHEET_TAIL])


def many_rows_xlsx(rows: int) -> bytes:
    """A plain, valid list with `rows` rows (for row limits)."""

    def parts():
        yield SHEET_HEAD + header_row()
        for n in range(rows):
            yield (
                "<row>"
                + "".join(cell(v) for v in (f"R{n}", "Ana", "Pop", "1990-01-01", "F", "MD", ""))
                + "</row>"
            )
        yield SHEET_TAIL

    return xlsx(parts())


def parquet_rows_bomb(rows: int = 5_000_000) -> bytes:
    """A Parquet file of one constant column: a few KB for tens of millions of rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"gender": pa.repeat("Female", rows)}) if hasattr(pa, "repeat") else None
    if table is None:  # pragma: no cover
        table = pa.table({"gender": pa.array(["Female"] * rows)})
    out = io.BytesIO()
    pq.write_table(table, out, compression="zstd", use_dictionary=True)
    return out.getvalue()
