"""The one upload policy of CTM: uploaded files never touch the disk in clear, and hostile files are
refused at once.

1. `InMemoryUploadHandler` is the only upload handler (`FILE_UPLOAD_HANDLERS` in settings): every
   uploaded file is kept in memory up to `CTM_UPLOAD_MAX_BYTES` (the largest size any form accepts;
   one byte more is kept so that the form sees it is too large, the rest is counted and dropped).
   Django's default would spool a file over 2.5 MB to a plaintext temporary file.
2. `check_zip` looks inside a ZIP (XLSX, DOCX, ODT) before anything decompresses it: the number of
   members, the sizes they declare, and the sizes they really have, counted while decompressing in
   small chunks (a member may lie about its size), against an absolute limit and a ratio to the
   compressed size. A zip bomb stops at the limit, in memory bounded by one chunk.
3. `read_xlsx` then streams the first sheet with openpyxl in read-only mode, its XML parsed by
   defusedxml (openpyxl uses it when installed; the reader refuses to run otherwise), counting rows,
   columns and filled cells while it reads and refusing as soon as one limit is passed.

Every refusal is a `ValidationError` with one plain sentence for the form's field (or the API's 4xx
JSON), never the file's content.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext as _

ZIP_MAGIC = b"PK\x03\x04"
CHUNK = 64 * 1024


class InMemoryUploadHandler(FileUploadHandler):
    """Keeps every uploaded file in memory, whatever its size, up to CTM_UPLOAD_MAX_BYTES + 1 bytes;
    `size` is what was received, so a form refuses a larger file by its size."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer, self.received = io.BytesIO(), 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        room = settings.CTM_UPLOAD_MAX_BYTES + 1 - self.buffer.tell()
        if room > 0:
            self.buffer.write(raw_data[:room])
        self.received += len(raw_data)
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=self.received,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


@dataclass(frozen=True)
class ZipLimits:
    max_uncompressed: int = 200 * 2**20  # all members together
    max_ratio: int = 200  # uncompressed / compressed, all members together
    max_members: int = 2000
    ratio_floor: int = 2**20  # small files may compress well beyond the ratio


@dataclass(frozen=True)
class SheetLimits:
    max_rows: int
    max_columns: int
    max_cells: int
    max_blank_run: int = 10_000  # empty rows one after another (a row a million rows down)
    zip: ZipLimits = ZipLimits()


def _too_large(limits: ZipLimits, compressed: int) -> int:
    return min(limits.max_uncompressed, max(limits.ratio_floor, limits.max_ratio * compressed))


def _refuse_bomb() -> ValidationError:
    return ValidationError(
        _('The file expands to far more than its size when opened (a "zip bomb"); it was refused.'),
        code="zip_bomb",
    )


def check_zip(data: bytes, limits: ZipLimits = ZipLimits()) -> None:
    """Refuse a ZIP whose members declare, or really have, too many bytes once decompressed."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ValidationError(_("The file is damaged (not a valid ZIP container)."), code="bad_zip") from exc
    with archive:
        members = archive.infolist()
        if len(members) > limits.max_members:
            raise _refuse_bomb()
        allowed = _too_large(limits, len(data))
        if sum(m.file_size for m in members) > allowed:
            raise _refuse_bomb()
        _count_real_sizes(archive, members, allowed)


def _count_real_sizes(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], allowed: int) -> None:
    total = 0
    for member in members:
        try:
            with archive.open(member) as stream:
                seen = 0
                while chunk := stream.read(CHUNK):
                    seen += len(chunk)
                    total += len(chunk)
                    if total > allowed or seen > member.file_size:
                        raise _refuse_bomb()
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
            raise ValidationError(
                _("The file is damaged (a part of it cannot be read)."), code="bad_zip"
            ) from exc


def _openpyxl() -> Any:
    import openpyxl
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:  # pragma: no cover - defusedxml is a dependency; never parse XML without it
        raise RuntimeError("openpyxl would parse XML without defusedxml: install defusedxml")
    return openpyxl


def _unreadable(exc: BaseException) -> ValidationError:
    """The refusal for a parser failure; forbidden XML (defusedxml) is named even when openpyxl
    wrapped it in another exception."""
    from defusedxml import DefusedXmlException

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, DefusedXmlException):
            return ValidationError(
                _("The spreadsheet holds forbidden XML (entities); it was refused."), code="xml"
            )
        seen = seen.__cause__ or seen.__context__
    return ValidationError(_("The spreadsheet cannot be read (expected an XLSX file)."), code="xlsx")


def _sheet_rows(data: bytes) -> Iterator[tuple[Any, ...]]:
    openpyxl = _openpyxl()
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a parser of hostile input: any failure is a refusal, never a 500
        raise _unreadable(exc) from exc
    try:
        if not book.worksheets:
            raise ValidationError(_("The spreadsheet has no sheet."), code="xlsx")
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # never trust the sheet's declared size: rows come as they are
        yield from sheet.iter_rows(values_only=True)
    except (ValidationError, GeneratorExit):
        raise
    except Exception as exc:  # a parser of hostile input: any failure is a refusal, never a 500
        raise _unreadable(exc) from exc
    finally:
        book.close()


def _trim(row: tuple[Any, ...]) -> tuple[Any, ...]:
    end = len(row)
    while end and (row[end - 1] is None or row[end - 1] == ""):
        end -= 1
    return row[:end]


def read_xlsx(data: bytes, limits: SheetLimits) -> tuple[list[str], list[tuple[Any, ...]]]:
    """(header, rows) of the first sheet; the limits are checked while the sheet is read."""
    check_zip(data, limits.zip)
    header: list[str] | None = None
    rows: list[tuple[Any, ...]] = []
    cells = seen = blank = 0
    for raw in _sheet_rows(data):
        row = _trim(raw)
        if len(row) > limits.max_columns:
            raise ValidationError(
                _("The sheet has more than %(n)s columns.") % {"n": f"{limits.max_columns:,}"}, code="columns"
            )
        if not row:  # blank rows (a row a million rows down) are counted, never kept
            blank += 1
            if blank > limits.max_blank_run:
                raise ValidationError(
                    _("The sheet has more than %(n)s empty rows in a row: delete them and upload it again.")
                    % {"n": f"{limits.max_blank_run:,}"},
                    code="rows",
                )
        else:
            blank = 0
        if header is None:
            if row:
                header = ["" if v is None else str(v).strip() for v in row]
            continue
        seen += 1
        if seen > limits.max_rows:
            raise ValidationError(
                _("The sheet has more than %(n)s rows.") % {"n": f"{limits.max_rows:,}"}, code="rows"
            )
        if not row:
            continue
        cells += sum(v is not None for v in row)
        if cells > limits.max_cells:
            raise ValidationError(
                _("The sheet has more than %(n)s filled cells.") % {"n": f"{limits.max_cells:,}"},
                code="cells",
            )
        rows.append(row)
    if header is None or not any(header):
        raise ValidationError(_("The sheet is empty."), code="empty")
    width = len(header)
    return header, [r[:width] + (None,) * (width - len(r)) for r in rows]
