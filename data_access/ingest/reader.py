"""Reading an input file: plain or gzip CSV, checked before anything touches the database.

``read_csv_file`` returns a ``Table`` of string cells with each row's first line number and a
way to get its raw text back (for the rejects table), or raises ``IngestError`` with one plain
sentence. Everything that makes a whole file unusable is found here, before a transaction starts:
an empty file, a binary file (or a NUL byte anywhere in a text file), a truncated gzip stream or
CSV, text mixing two encodings, a header no loader knows, or a header with no rows. Rows that are
individually malformed (too many or too few fields) are not errors of the file: they are returned
in ``bad_rows`` and end up in ``rejected_row``.

Encoding rule: UTF-8 (with or without a byte-order mark). A file with no valid UTF-8 multi-byte
sequence at all but some bytes above 0x7F is read as Windows-1252, which old Socrata exports
use. A file that has both valid UTF-8 multi-byte sequences and bytes that are not UTF-8 mixes
encodings, and is refused: guessing would silently corrupt names of places.

Privacy, for every dataset (``Table.protect``, called by each loader with the columns it knows):
a file with a column that could hold a person's name (``looks_like_name_column``) is refused
whole, and the raw text kept for a rejected or duplicate row holds only the loader's known
columns — an unknown column is blanked, an address is cut to its block, a sentence reduced to
the sentence vocabulary — so nothing that could be a name or an exact address reaches
``rejected_row``. A row with the wrong number of fields cannot be matched to the header, so its
text is kept only when every column of the file is known and none is free text (its addresses
cut to their block).
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

import pandas as pd


class IngestError(Exception):
    """A file or request that cannot be loaded; the message is one sentence for the user."""


GZIP_MAGIC = b"\x1f\x8b"
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def read_bytes(path: str | Path) -> bytes:
    """The file's content, decompressed when it starts with the gzip magic bytes."""
    p = Path(path)
    if not p.exists():
        raise IngestError(f"{p}: no such file")
    if p.is_dir():
        raise IngestError(f"{p}: is a directory, expected a file")
    data = p.read_bytes()
    if not data:
        raise IngestError(f"{p.name}: the file is empty (0 bytes)")
    if data[:2] == GZIP_MAGIC:
        try:
            data = gzip.decompress(data)
        except EOFError:
            raise IngestError(f"{p.name}: the gzip stream is truncated (the download or copy did "
                              "not finish); nothing was loaded") from None
        except (OSError, zlib.error) as exc:
            raise IngestError(f"{p.name}: the gzip stream is corrupt ({exc}); nothing was loaded") from None
        if not data:
            raise IngestError(f"{p.name}: the compressed file holds no data")
    return data


def decode_text(data: bytes, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    sample = data[:65536]
    if b"\x00" in sample or _control_share(sample) > 0.05:
        raise IngestError(f"{name}: this is a binary file, not a CSV text file; nothing was loaded")
    nul = data.find(b"\x00")  # past the sample: a damaged or partly written copy of a text file
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise IngestError(f"{name}: line {line} holds a NUL byte (0x00), which a CSV text "
                          "file never does (a damaged or partly written copy?); nothing was loaded")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_line = data.count(b"\n", 0, exc.start) + 1
        if _UTF8_MULTIBYTE.search(data):
            raise IngestError(
                f"{name}: mixed text encodings (UTF-8 elsewhere, but byte 0x{data[exc.start]:02x} on "
                f"line {bad_line} is not UTF-8); re-save the file as UTF-8. Nothing was loaded"
            ) from None
        return data.decode("cp1252", errors="replace")


def _control_share(sample: bytes) -> float:
    if not sample:
        return 0.0
    ctrl = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
    return ctrl / len(sample)


def norm_header(name: str) -> str:
    """Header names compared without case, spaces or punctuation: ``Inside/Outside`` ==
    ``Inside_Outside`` == ``insideoutside``."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


# Words that make a column a person's, unless what follows is one of SAFE_ATTRIBUTES (an age,
# sex or race column of a victim or defendant is not a name).
PERSON_WORDS = ("defendant", "accused", "victim", "suspect", "offender", "complainant", "witness", "arrestee",
                "respondent", "plaintiff", "petitioner", "decedent", "deceased", "person", "informant",
                "guardian", "spouse", "owner", "contact", "parent", "relative")
SAFE_ATTRIBUTES = re.compile(r"(?:e?s)?(?:(?:age|band|group|sex|gender|race|ethnicity|count|total|type|number|num|no|of)s?)+")
NAME_PARTS = re.compile(r"name|alias|^akas?$|initials|forename|nm[es]?s?$|^(?:first|last|middle|full|given|family|"
                        r"maiden)s?$")


def looks_like_name_column(header: str) -> bool:
    """Could this column hold a person's name? Compared without case, spaces, punctuation or
    digits: anything with ``name`` in it (``VictimName``, ``contact_name``, ``Surname``), a name
    part (``first_nm``, ``LAST``, ``alias``), or a person word (``defendant``, ``accused``,
    ``victim``, ``suspect``, ``witness``, ``owner``, …) unless the rest is only an attribute that
    is not a name (``victim_age``, ``defendant_race``)."""
    sq = re.sub(r"[^a-z]", "", header.lower())
    if not sq:
        return False
    if NAME_PARTS.search(sq):
        return True
    for p in PERSON_WORDS:
        if p in sq and not SAFE_ATTRIBUTES.fullmatch(sq.replace(p, "", 1)):
            return True
    return False


def _csv_line(fields: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(fields)
    return out.getvalue()


@dataclass
class Table:
    """A CSV file's rows: string cells (missing -> ""), one row per record."""

    name: str
    header: list[str]
    frame: pd.DataFrame  # columns = normalized header names, values str
    line: pd.Series  # first physical line of each row (1 = header)
    lines: list[str]  # the file's physical lines (never stored: see ``raw_of``)
    bad: list[tuple[int, str, str]] = field(default_factory=list)  # (line, reason, physical text)
    known: frozenset[str] | None = None  # set by ``protect``; until then no raw text is given out
    cut: Mapping[str, Callable[[str], str | None]] = field(default_factory=dict)
    free_text: frozenset[str] = frozenset()

    def protect(self, known, cut: Mapping[str, Callable[[str], str | None]] | None = None,
                free_text=()) -> None:
        """Refuse a file with a column that could hold a name (not one of ``known``, the loader's
        normalized column names), and from now on give out raw text of ``known`` columns only,
        each column of ``cut`` passed through its function (an address to its block).
        ``free_text``: known columns of free text (a sentence), which could hold a name anywhere
        in a row whose fields cannot be matched to the header."""
        known = frozenset(known)
        for h in self.header:
            if norm_header(h) not in known and looks_like_name_column(h):
                raise IngestError(f"{self.name}: the column {h!r} could hold people's names; the dashboard never "
                                  "stores defendants' names, victims' names or anyone else's. Remove the column "
                                  "and load the file again. Nothing was loaded")
        self.known, self.cut, self.free_text = known, dict(cut or {}), frozenset(free_text)

    def _cell(self, col: str, v) -> str:
        if self.known is None or col not in self.known or v is None or v != v:
            return ""
        fn = self.cut.get(col)
        v = str(v)
        if fn is not None and v.strip():
            v = fn(v) or ""
        return v

    def raw_of(self, positions) -> list[str]:
        """The rows starting on these lines, re-written as CSV with only the known columns filled
        (unknown columns blank, ``cut`` columns reduced): what ``rejected_row.raw`` keeps."""
        if not len(positions):
            return []
        at = pd.Series(range(len(self.line)), index=self.line.to_numpy())
        at = at[~at.index.duplicated()]
        cols = list(self.frame.columns)
        found = [at.get(int(ln)) for ln in positions]
        rows = iter(self.frame.iloc[[int(i) for i in found if i is not None]].to_numpy(dtype=object))
        return ["" if i is None else _csv_line([self._cell(c, v) for c, v in zip(cols, next(rows))])
                for i in found]

    @property
    def bad_rows(self) -> list[tuple[int, str, str]]:
        """Rows with the wrong number of fields: (line, reason, safe text). Their fields cannot be
        matched to the header, so the text is kept only when every column of the file is known
        (a stray field then comes from a known column) and none of them is free text, with any
        field that reads as an address cut to its block; otherwise it is left empty."""
        keys = list(self.frame.columns)
        all_known = self.known is not None and all(k in self.known and k not in self.free_text for k in keys)
        out = []
        for ln, reason, text in self.bad:
            safe = ""
            if all_known:
                from data_access.ingest.normalize import block_of_one

                fields = next(csv.reader(io.StringIO(text.replace("\n", " "))), [])[:len(keys)]
                fields = [_address_cut(f, block_of_one) for f in fields]
                safe = _csv_line(fields)
            out.append((ln, reason, safe))
        return out


def _address_cut(v: str, block) -> str:
    """A field of an unmatchable row: an address (a house number and a street) becomes its block."""
    b = block(v)
    if b and re.match(r"^\d+ BLOCK ", b) and b != v.strip().upper():
        return b
    return v


def read_csv_file(path: str | Path, *, layouts: dict[str, set[str]] | None = None) -> tuple[Table, str | None]:
    """Read ``path`` and return (table, layout). ``layouts`` maps a layout name to the normalized
    header names it requires; the first whose names are all present wins."""
    name = Path(path).name
    text = decode_text(read_bytes(path), name)
    if not text.strip():
        raise IngestError(f"{name}: the file holds only blank space")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    lines = [ln[:-1] if ln.endswith("\r") else ln for ln in lines]
    ends_with_newline = text.endswith("\n")

    reader = csv.reader(_Lines(lines), strict=False)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise IngestError(f"{name}: the header line is not valid CSV ({exc})") from None
    header = [h.strip() for h in header]
    keys = [norm_header(h) for h in header]
    layout = None
    if layouts is not None:
        present = set(keys)
        layout = next((lay for lay, req in layouts.items() if req <= present), None)
        if layout is None:
            expected = "; ".join(f"{lay}: {', '.join(sorted(req))}" for lay, req in layouts.items())
            raise IngestError(f"{name}: unrecognised header ({', '.join(header[:12])}"
                              f"{', …' if len(header) > 12 else ''}); expected the columns of one of "
                              f"these layouts — {expected}. Nothing was loaded")
    dedup = _dedupe_keys(keys)
    fast = _read_fast(text, dedup, lines)
    if fast is not None:
        frame, starts_ = fast
        _require_rows(name, frame, [])
        return Table(name, header, frame, starts_, lines, []), layout
    width = len(header)
    cols: list[list[str]] = [[] for _ in range(width)]
    starts: list[int] = []
    bad: list[tuple[int, str, str]] = []
    bad_end = 0
    prev = reader.line_num
    try:
        for row in reader:
            start, prev = prev + 1, reader.line_num
            if len(row) == width:
                starts.append(start)
                for c, v in zip(cols, row):
                    c.append(v)
            elif not row or (len(row) == 1 and not row[0].strip()):
                continue  # blank line
            else:
                bad.append((start, f"wrong number of fields ({len(row)}, expected {width})",
                            "\n".join(lines[start - 1:prev])))
                bad_end = prev
    except csv.Error as exc:
        raise IngestError(f"{name}: malformed CSV at line {prev + 1} ({exc}); nothing was loaded") from None
    # A file cut short mid-row: the last row lacks fields (or an open quote swallowed the end).
    if bad and bad_end >= len(lines) and not ends_with_newline:
        raise IngestError(f"{name}: the file is truncated (its last line, {bad[-1][0]}, stops in the "
                          f"middle of a row); nothing was loaded")
    frame = pd.DataFrame({k: pd.array(c, dtype="str") for k, c in zip(dedup, cols)})
    _require_rows(name, frame, bad)
    return Table(name, header, frame, pd.Series(starts, dtype="int64"), lines, bad), layout


def _require_rows(name: str, frame: pd.DataFrame, bad: list) -> None:
    """A header and no row is a whole-file problem: an export cut off or a filter that matched
    nothing, never a file to load (for the CVI list it would remove every site)."""
    if frame.empty and not bad:
        raise IngestError(f"{name}: the file has a header but no rows; nothing was loaded")


def _read_fast(text: str, keys: list[str], lines: list[str]):
    """pyarrow's multithreaded CSV parser, used when every row is one physical line with the
    header's number of fields (all published exports); otherwise None and the careful reader
    (csv module, row by row, malformed rows kept aside) takes over."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    if len(lines) < 2 or "\r" in text[:1]:
        return None
    invalid = []

    def on_invalid(row):
        invalid.append(row)
        return "skip"

    try:
        tbl = pa_csv.read_csv(
            pa.py_buffer(text.encode("utf-8")),
            read_options=pa_csv.ReadOptions(column_names=keys, skip_rows=1, block_size=1 << 24),
            parse_options=pa_csv.ParseOptions(newlines_in_values=False, invalid_row_handler=on_invalid),
            convert_options=pa_csv.ConvertOptions(column_types={k: pa.string() for k in keys},
                                                  strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    if invalid:
        return None
    if "" in lines:
        starts = [i for i, ln in enumerate(lines, 1) if ln != ""][1:]
    else:
        starts = list(range(2, len(lines) + 1))
    if len(starts) != tbl.num_rows:
        return None  # a quoted value spans lines: let the careful reader number them
    dtype = pd.StringDtype("pyarrow", na_value=np.nan)
    frame = tbl.to_pandas(types_mapper=lambda t: dtype if t == pa.string() else None)
    return frame, pd.Series(starts, dtype="int64")


def _dedupe_keys(keys: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for k in keys:
        if k in seen:
            seen[k] += 1
            out.append(f"{k}_{seen[k]}")
        else:
            seen[k] = 0
            out.append(k)
    return out


class _Lines:
    """Feed physical lines to csv.reader (it wants them with their line ends)."""

    def __init__(self, lines: list[str]):
        self._it = iter(lines)

    def __iter__(self):
        return self

    def __next__(self) -> str:
        return next(self._it) + "\n"
