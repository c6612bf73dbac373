"""Reading inputs into Articles: files, directories, stdin, in many formats, streamed.

Inputs can be large (a year of JSONL, a crawl's WARC), so every reader is a generator that
holds one record at a time.  Inputs are also messy, so a bad file or a bad record never
stops a run: it becomes a ``CodingError`` naming the input (``path:line`` for rows) and the
reader moves on.  Library errors (``flashpoint.errors``) are raised inside and turned into
CodingErrors only at this boundary.

Formats by extension: ``.txt`` (one story; id = file stem), ``.html``/``.htm``,
``.jsonl`` and ``.csv`` (rows with ``id``, ``text`` or ``html``, ``published``, ``url``,
``title``, ``source``), ``.json`` (a list of such rows), ``.rss``/``.atom``/``.xml`` feeds,
``.warc`` archives.  Any of them may be compressed with gzip, bzip2, xz or Zstandard
(``.jsonl.gz``, ``.csv.bz2``, ``.warc.zst``...): news dumps ship that way, and they are
decompressed as they stream.  The file's first bytes decide (a gzipped file named ``.jsonl``
is read all the same), the extension only which reader.  ``-`` reads stdin: JSONL when its
first non-blank line opens a JSON object, otherwise one story.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import json
import logging
import lzma
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from itertools import chain
from pathlib import Path
from typing import Any, BinaryIO, TextIO, cast

from flashpoint.errors import BinaryInputError, EmptyInputError, InputError, RecordError
from flashpoint.ingest.pages import Item, Page, RowPage, extract_page
from flashpoint.ingest.records import article_from_row, article_from_text
from flashpoint.ingest.remote import is_url, read_url
from flashpoint.models import Article, CodingError

logger = logging.getLogger(__name__)


COMPRESSIONS = {".gz": "gzip", ".bz2": "bzip2", ".xz": "xz", ".zst": "zstd"}
"""Compression suffixes a file name may end with, and their codecs (``_codec``)."""

FORMATS = (".txt", ".html", ".htm", ".jsonl", ".json", ".csv", ".warc", ".rss", ".atom", ".xml")
"""The extensions of the formats flashpoint reads, uncompressed."""

EXTENSIONS = (*FORMATS, *(f + c for f in FORMATS for c in COMPRESSIONS))
"""What a directory scan picks up (each format, plain or compressed); a file named
explicitly is read whatever its name."""

WHOLE_FILE_LIMIT = 256 * 2**20
"""The most a compressed file read whole (a story, a page, a JSON list, a feed) may
decompress to: a few kilobytes of gzip can expand to gigabytes, and these readers hold the
whole text.  The streaming formats (JSONL, CSV, WARC) hold one record at a time."""


class ReadPosition:
    """How far ``read_inputs`` has got through its input files, in bytes as stored
    (compressed bytes for .gz): what an ETA can go by when the number of articles is unknown
    (gzip, WARC, feeds) or would cost a pass over the input to count (gigabytes of JSONL).

    Files count whole once read; the streaming readers (JSONL, CSV, WARC) open their file
    through ``open`` so that the position inside the file being read counts too.  Read from
    the thread that reads the inputs."""

    def __init__(self) -> None:
        self.finished = 0
        """Bytes of the input files read to their end."""
        self._size = 0
        self._raw: BinaryIO | None = None

    def begin(self, path: Path) -> None:
        try:
            self._size = path.stat().st_size
        except OSError:  # the reader reports it
            self._size = 0
        self._raw = None

    def end(self) -> None:
        self.finished += self._size
        self._size = 0
        self._raw = None

    def open(self, path: Path) -> io.BufferedReader:
        """Open the file being read (binary), watching its position."""
        raw = path.open("rb")
        self._raw = raw
        return raw

    @property
    def read_bytes(self) -> int:
        """Bytes read so far: the finished files and the current one's position."""
        raw, inside = self._raw, 0
        if raw is not None and not raw.closed:
            try:
                inside = min(raw.tell(), self._size)
            except (OSError, ValueError):
                inside = 0
        return self.finished + inside


def _open_binary(path: Path, position: ReadPosition | None) -> io.BufferedReader:
    return position.open(path) if position is not None else path.open("rb")


_GZIP_STEP = 4 * 1024
"""Compressed bytes gzip may take from a watched file per read (``_StepReader``)."""


class _StepReader:
    """A watched .gz file handed to ``gzip`` in steps of ``_GZIP_STEP`` bytes.

    gzip reads its source 128 KiB at a time, so the position of a watched .gz moved in jumps
    of 128 KiB: the whole of a small file (VOA's 89 stories are 148 KB gzipped) seemed read
    after the first few articles, and the ETA said 0 s with most of the work still to do.
    4 KiB of compressed input is a few news stories (16 KiB still made the first ETAs of a
    445 kB file twice too long), and costs no more to read.  Only runs that show progress
    read through this."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            return self._raw.read()
        return self._raw.read(min(size, _GZIP_STEP))


class _ZstdReader(io.RawIOBase):
    """A Zstandard stream (any number of frames) read as a raw binary file.

    ``zstandard``'s own stream reader ends quietly at the end of a truncated file, which would
    lose its last stories without a word; this one raises ``EOFError`` then, as gzip, bzip2
    and xz do, and turns a corrupt stream's ``ZstdError`` into an ``OSError``.  Its
    decompressor has no output limit, so it is fed ``_FEED`` bytes at a time: news text
    compresses 3-10 times, and even a file of one repeated byte (about 32 kB of output per
    byte of input) then holds at most some 32 MB at once."""

    _CHUNK = 64 * 1024
    _FEED = 1024

    def __init__(self, source: Any) -> None:
        import zstandard  # only for .zst inputs

        self._source = source
        self._new = zstandard.ZstdDecompressor().decompressobj
        self._error = zstandard.ZstdError
        self._frame: Any = None
        self._pending = memoryview(b"")
        self._input = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        while not self._pending:
            if not self._input:
                self._input = self._source.read(self._CHUNK)
                if not self._input:
                    if self._frame is not None and not self._frame.eof:
                        raise EOFError("Compressed file ended before the end-of-stream marker was reached")
                    return 0
            if self._frame is None or self._frame.eof:
                self._frame = self._new()
            data, self._input = self._input[: self._FEED], self._input[self._FEED :]
            try:
                self._pending = memoryview(self._frame.decompress(data))
            except self._error as exc:
                raise OSError(f"Invalid Zstandard data: {exc}") from exc
            if self._frame.eof:  # the next frame starts in what this one left
                self._input = self._frame.unused_data + self._input
        n = min(len(view), len(self._pending))
        view[:n] = self._pending[:n]
        self._pending = self._pending[n:]  # a view: no copy of the rest
        return n


_DECOMPRESS_ERRORS: tuple[type[BaseException], ...] = (OSError, EOFError, zlib.error, lzma.LZMAError)
"""What a damaged compressed file raises while it is read (``_ZstdReader`` maps its own)."""


def _codec(head: bytes) -> str | None:
    """The compression of a file from its first bytes (magic numbers), or None."""
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"BZh") and head[3:4].isdigit() and head[3:4] != b"0":
        return "bzip2"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    if head.startswith(b"\x28\xb5\x2f\xfd"):
        return "zstd"
    return None


def _decompressed(raw: BinaryIO, codec: str, position: ReadPosition | None) -> BinaryIO:
    """``raw`` decompressed as it is read (a watched file is fed in small steps: see
    ``_StepReader``)."""
    source: Any = _StepReader(raw) if position is not None else raw
    stream: io.BufferedIOBase
    if codec == "gzip":
        stream = gzip.GzipFile(fileobj=source, mode="rb")
    elif codec == "bzip2":
        stream = bz2.BZ2File(source, mode="rb")
    elif codec == "xz":
        stream = lzma.LZMAFile(source, mode="rb")  # noqa: SIM115 (closed by _opened)
    else:
        stream = io.BufferedReader(_ZstdReader(source))
    return cast(BinaryIO, stream)  # each is a buffered binary file


@contextmanager
def _opened(path: Path, position: ReadPosition | None) -> Iterator[tuple[BinaryIO, str | None]]:
    """The file's bytes, decompressed when its first bytes say it is compressed, and the
    codec; closed after."""
    raw = _open_binary(path, position)
    try:
        codec = _codec(raw.peek(8)[:8])  # nothing consumed: a named pipe cannot seek back
        if codec is None:
            yield raw, codec
            return
        stream = _decompressed(raw, codec, position)
        try:
            yield stream, codec
        finally:
            stream.close()
    finally:
        raw.close()


def compression_of(path: Path) -> str | None:
    """The codec a file is compressed with (``gzip``, ``bzip2``, ``xz``, ``zstd``), from its
    first bytes; None for a plain or unreadable file, and for what is not a regular file (the
    bytes read from a named pipe would be lost to its reader)."""
    try:
        if not path.is_file():
            return None
        with path.open("rb") as handle:
            return _codec(handle.read(8))
    except OSError:
        return None


def _read_whole(path: Path, position: ReadPosition | None) -> bytes:
    """A file read whole, decompressed if it is compressed, at most ``WHOLE_FILE_LIMIT``
    bytes of it when it is."""
    with _opened(path, position) as (stream, codec):
        if codec is None:
            return stream.read()
        data = stream.read(WHOLE_FILE_LIMIT + 1)
    if len(data) > WHOLE_FILE_LIMIT:
        raise InputError(
            str(path), f"decompresses to more than {WHOLE_FILE_LIMIT // 2**20} MB, too large to read whole"
        )
    return data


def _plain_name(path: Path) -> str:
    """The file name without a compression suffix (``a.jsonl.gz`` -> ``a.jsonl``)."""
    name = path.name
    for suffix in COMPRESSIONS:
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _stem(path: Path) -> str:
    """The id a one-story file gives its story: its name without extensions (``a.txt.gz`` -> ``a``)."""
    return Path(_plain_name(path)).stem


def input_bytes(inputs: Iterable[str | Path]) -> int | None:
    """The size of the input files, for ``ReadPosition``'s ETA; None when it cannot be known
    (stdin, URLs, a missing path)."""
    total = 0
    for raw in inputs:
        if str(raw) == "-" or (isinstance(raw, str) and is_url(raw)):
            return None
        path = Path(raw)
        try:
            files: Iterable[Path] = input_files(path) if path.is_dir() else [path]
            total += sum(f.stat().st_size for f in files)
        except OSError:
            return None
    return total


_SNIFF_BYTES = 8192
_MAX_CONTROL_RATIO = 0.1
"""More control characters than this in a text file's first bytes means it is binary."""
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\v\x1b")
_CSV_FIELD_LIMIT = 2**31 - 1
STDIN_ORIGIN = "<stdin>"


def _kind(path: Path) -> str:
    """The reader for a path, from its extension after any compression suffix; ``txt`` by
    default."""
    suffix = Path(_plain_name(path)).suffix.lower()
    if suffix in (".html", ".htm"):
        return "html"
    if suffix in (".rss", ".atom"):
        return "feed"
    if suffix in (".jsonl", ".json", ".csv", ".warc", ".xml"):
        return suffix[1:]
    return "txt"


def input_files(folder: Path) -> Iterator[Path]:
    """The readable inputs under ``folder``: files with a known extension, in sorted path
    order (``sorted(folder.rglob(...))``'s order), found a directory at a time.

    Streaming, so a folder of millions of files is never listed whole: only one directory's
    entries are held at each level.  Hidden files and directories (``.git``,
    ``.ipynb_checkpoints`` copies, macOS ``._*`` forks) are skipped, and so are symbolic
    links to directories, which could lead back up the tree.  A subdirectory that cannot be
    listed is skipped with a warning; the folder itself raises ``OSError``."""
    import os

    def walk(path: str, top: bool) -> Iterator[Path]:
        try:
            with os.scandir(path) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            if top:
                raise
            logger.warning("%s: cannot list the directory (%s), skipped", path, exc.strerror or exc)
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    yield from walk(entry.path, False)
                elif entry.is_file() and entry.name.lower().endswith(EXTENSIONS):
                    yield Path(entry.path)
            except OSError as exc:  # a dangling link, a file gone meanwhile
                logger.warning("%s: cannot read the entry (%s), skipped", entry.path, exc.strerror or exc)

    yield from walk(str(folder), True)


def looks_binary(data: bytes) -> bool:
    """True for bytes that are not text: NUL bytes or many control characters."""
    sample = data[:_SNIFF_BYTES]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if (byte < 32 and byte not in _TEXT_CONTROLS) or byte == 127)
    return controls / len(sample) > _MAX_CONTROL_RATIO


def decode_text(data: bytes, origin: str) -> str:
    """Decode a text file: UTF-8 (BOM allowed) or UTF-16 with BOM, else cp1252/latin-1.

    Raises ``BinaryInputError`` when the bytes are not text at all, rather than producing
    mojibake that would be coded as if it were news.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise BinaryInputError(origin, "binary file") from exc
    if looks_binary(data):
        raise BinaryInputError(origin, "binary file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    logger.info("%s: not UTF-8, decoding as cp1252/latin-1", origin)
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _read_txt(path: Path, position: ReadPosition | None = None, defer: bool = False) -> Iterator[Item]:
    text = decode_text(_read_whole(path, position), str(path))
    if not text.strip():
        raise EmptyInputError(str(path), "empty")
    yield article_from_text(text, doc_id=_stem(path), origin=str(path))


def _read_html(path: Path, position: ReadPosition | None = None, defer: bool = False) -> Iterator[Item]:
    data = _read_whole(path, position)
    if not data.strip():
        raise EmptyInputError(str(path), "empty")
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise BinaryInputError(str(path), "binary file")
    page = Page.of(data, _stem(path), str(path), pack=defer)
    yield page if defer else extract_page(page)  # its InputError is reported by _read_file


_JSON_SPACE = " \t\r\n"
"""JSON's whitespace. ``str.strip`` also strips control characters such as the file separator
(U+001C), which would make a line of them vanish without a word instead of failing as not JSON."""


MAX_LINE_BYTES = 64 * 2**20
"""The longest JSONL line read: a row is held whole to parse it, and one line of gigabytes (a
dump gone wrong, or a compressed file of a few kilobytes built to expand) would take that much
memory.  An article is refused past 1,000,000 characters anyway (``pipeline``); markup may be
several times its text."""


def _size(n: int) -> str:
    return f"{n // 2**20} MB" if n >= 2**20 and n % 2**20 == 0 else f"{n:,} bytes"


class _LongLine:
    """Stands for a JSONL line over ``MAX_LINE_BYTES``, skipped unread (``_bounded_lines``)."""

    def strip(self, *chars: str) -> str:  # not blank: the row is reported
        return "long"


def _bounded_lines(stream: Any, limit: int) -> Iterator[bytes | _LongLine]:
    """The lines of a binary stream, each at most ``limit`` bytes; a longer one is read past in
    pieces of ``limit`` and yielded as a ``_LongLine``, so that memory stays bounded."""
    while True:
        line = stream.readline(limit)
        if not line:
            return
        if len(line) < limit or line.endswith(b"\n"):
            yield line
            continue
        while True:  # the rest of the long line, dropped as it is read
            rest = stream.readline(limit)
            if not rest or rest.endswith(b"\n"):
                break
        yield _LongLine()


def _json_lines(lines: Iterable[Any], name: str, defer: bool = False) -> Iterator[Item]:
    """Rows of a JSONL stream (lines as bytes or text); a bad line yields a CodingError naming
    ``name:line``; ``defer``: a row of markup with an id comes as a ``RowPage``."""
    for number, line in enumerate(lines, start=1):
        origin = f"{name}:{number}"
        try:
            if isinstance(line, _LongLine):
                raise RecordError(name, f"line longer than {_size(MAX_LINE_BYTES)}, skipped unread", number)
            if isinstance(line, bytes):
                try:
                    line = line.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise RecordError(name, f"not UTF-8: {exc.reason}", number) from exc
            line = line.lstrip("\ufeff")
            if not line.strip(_JSON_SPACE):  # blank only by JSON's rule
                continue
            try:
                row = json.loads(line.strip())
            except json.JSONDecodeError as exc:
                raise RecordError(name, f"not JSON: {exc.msg}", number) from exc
            except RecursionError as exc:  # hostile input: "[[[[..." thousands deep
                raise RecordError(name, "JSON nested too deeply", number) from exc
            deferred = None
            if defer:  # the id its error would carry is _row_id's: the row's id as a string
                row_id = row.get("id") if isinstance(row, dict) else None
                deferred = RowPage.of(row, origin, None if row_id is None else str(row_id))
            yield deferred or article_from_row(row, origin)
        except InputError as exc:
            yield CodingError(_row_id(line), "read", str(exc), origin)


def _row_id(line: object) -> str | None:
    """The id of a row that failed, when it can still be read, for the error record."""
    try:
        row = json.loads(line) if isinstance(line, str) else None
    except (json.JSONDecodeError, RecursionError):
        return None
    value = row.get("id") if isinstance(row, dict) else None
    return str(value) if value is not None else None


def _read_jsonl(path: Path, position: ReadPosition | None = None, defer: bool = False) -> Iterator[Item]:
    try:
        with _opened(path, position) as (stream, _codec_name):
            yield from _json_lines(_bounded_lines(stream, MAX_LINE_BYTES), str(path), defer)
    except _DECOMPRESS_ERRORS as exc:
        raise InputError(str(path), f"cannot read: {exc}") from exc


def _read_json(path: Path, position: ReadPosition | None = None, defer: bool = False) -> Iterator[Item]:
    """A JSON file: a list of rows, ``{"articles": [...]}``, or one row (read whole)."""
    try:
        data = json.loads(decode_text(_read_whole(path, position), str(path)) or "null")
    except json.JSONDecodeError as exc:
        raise RecordError(str(path), f"not JSON: {exc.msg}", exc.lineno) from exc
    except RecursionError as exc:
        raise RecordError(str(path), "JSON nested too deeply") from exc
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]
    rows = data if isinstance(data, list) else [data]
    if not rows or data is None:
        raise EmptyInputError(str(path), "empty")
    for number, row in enumerate(rows, start=1):
        origin = f"{path}#{number}"
        try:
            deferred = RowPage.of(row, origin, None) if defer else None
            yield deferred or article_from_row(row, origin)
        except InputError as exc:
            yield CodingError(None, "read", str(exc), origin)


def _read_csv(path: Path, position: ReadPosition | None = None, defer: bool = False) -> Iterator[Item]:
    csv.field_size_limit(_CSV_FIELD_LIMIT)
    with (
        _opened(path, position) as (stream, _codec_name),
        io.TextIOWrapper(stream, encoding="utf-8-sig", newline="") as handle,
    ):
        reader = csv.DictReader(handle)
        try:
            header = reader.fieldnames
            if not header:
                raise EmptyInputError(str(path), "empty")
            if "text" not in header and "html" not in header:
                raise RecordError(str(path), "CSV header has no 'text' or 'html' column", 1)
            for row in reader:
                origin = f"{path}:{reader.line_num}"
                try:
                    fields = {k: v for k, v in row.items() if k is not None}
                    deferred = RowPage.of(fields, origin, row.get("id") or None) if defer else None
                    yield deferred or article_from_row(fields, origin)
                except InputError as exc:
                    yield CodingError(row.get("id") or None, "read", str(exc), origin)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise RecordError(str(path), f"bad CSV: {exc}", reader.line_num or None) from exc


def _feed_data(path: Path, position: ReadPosition | None) -> bytes | None:
    """A compressed feed's bytes (feedparser reads a plain one from its path: None)."""
    return None if compression_of(path) is None else _read_whole(path, position)


def _read_xml(path: Path, position: ReadPosition | None = None, defer: bool = False) -> Iterator[Item]:
    from flashpoint.ingest.feeds import looks_like_feed, read_feed

    data = _feed_data(path, position)
    if data is None:
        with path.open("rb") as handle:
            head = handle.read(2048)
    else:
        head = data[:2048]
    if not head.strip():
        raise EmptyInputError(str(path), "empty")
    if not looks_like_feed(head):
        raise InputError(str(path), "XML that is not an RSS/Atom feed")
    yield from read_feed(path, data)


def _read_feed(path: Path, position: ReadPosition | None = None, defer: bool = False) -> Iterator[Item]:
    from flashpoint.ingest.feeds import read_feed

    yield from read_feed(path, _feed_data(path, position))


def _read_warc(path: Path, position: ReadPosition | None = None, defer: bool = False) -> Iterator[Item]:
    from flashpoint.ingest.warc import read_warc

    # gzip too is decompressed here: warcio reads a WARC gzipped record by record itself, but
    # refuses one gzipped whole ("non-chunked gzip file detected"), and both are common
    with _opened(path, position) as (stream, _codec_name):
        yield from read_warc(path, stream, defer)


_READERS: dict[str, Callable[[Path, ReadPosition | None, bool], Iterator[Item]]] = {
    "txt": _read_txt,
    "html": _read_html,
    "jsonl": _read_jsonl,
    "json": _read_json,
    "csv": _read_csv,
    "xml": _read_xml,
    "feed": _read_feed,
    "warc": _read_warc,
}


def _read_file(path: Path, position: ReadPosition | None = None, defer: bool = False) -> Iterator[Item]:
    """One file, errors turned into CodingErrors (a reader may already have yielded items);
    ``defer``: web pages whose id is known come as ``Page`` items (``read_inputs``)."""
    kind = _kind(path)
    doc_id = _stem(path) if kind in ("txt", "html") else None
    if position is not None:
        position.begin(path)
    try:
        yield from _READERS[kind](path, position, defer)
    except InputError as exc:
        where = exc.origin if exc.line is None else f"{exc.origin}:{exc.line}"
        yield CodingError(doc_id, "read", str(exc), where)
    except _DECOMPRESS_ERRORS as exc:  # a damaged compressed file; the items before it stay read
        error = InputError(str(path), f"cannot read: {getattr(exc, 'strerror', None) or exc}")
        yield CodingError(doc_id, "read", str(error), str(path))
    if position is not None:
        position.end()


def _read_folder(folder: Path, position: ReadPosition | None = None, defer: bool = False) -> Iterator[Item]:
    found = False
    try:
        for file in input_files(folder):
            found = True
            yield from _read_file(file, position, defer)
    except OSError as exc:
        error = InputError(str(folder), f"cannot list the directory: {exc.strerror or exc}")
        yield CodingError(None, "read", str(error), str(folder))
        return
    if not found:
        error = EmptyInputError(str(folder), f"no files with a known extension ({' '.join(EXTENSIONS)})")
        yield CodingError(None, "read", str(error), str(folder))


def _read_extracted(path: Path) -> Iterator[Article | CodingError]:
    """One file, its pages extracted (``_read_file`` without ``defer`` yields no ``Page``)."""
    return cast(Iterator[Article | CodingError], _read_file(path))


def _read_deferring(path: Path) -> Iterator[Item]:
    """One file, its pages left for a worker to extract (``read_inputs``' ``defer_pages``)."""
    return _read_file(path, None, True)


def read_path(
    path: str | Path, published: date | None = None, position: ReadPosition | None = None, defer: bool = False
) -> Iterator[Item]:
    """Read one file or directory (recursively, sorted, known extensions only).

    ``published`` overrides every article's publication date (``published_source="cli"``);
    ``position`` (optional) follows how many bytes of the files are read.
    Never raises for bad input: a missing path or unreadable file yields a CodingError.
    """
    path = Path(path)
    if path.is_dir():
        items: Iterator[Item] = _read_folder(path, position, defer)
    elif path.exists():
        items = _read_file(path, position, defer)
    else:
        error = InputError(str(path), "no such file or directory")
        items = iter([CodingError(None, "read", str(error), str(path))])
    return _override_date(items, published)


def _stdin_stream() -> Iterable[Any]:
    """The lines of the process's stdin as bytes (decompressed when its first bytes say it is
    compressed: ``zcat`` is not needed; at most ``MAX_LINE_BYTES`` each), else the text
    stream it is."""
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:  # replaced by a text-only stream
        return sys.stdin
    peek = getattr(buffer, "peek", None)
    codec = _codec(peek(8)[:8]) if peek is not None else None
    stream = _decompressed(buffer, codec, None) if codec else buffer
    return _bounded_lines(stream, MAX_LINE_BYTES)


def _read_stdin(stdin: Iterable[Any]) -> Iterator[Item]:
    """stdin as JSONL (first non-blank line opens an object) or as one pasted story; its
    lines may be bytes (the process's stdin: decoded as a file is, so binary input is an
    error, not a story of mojibake) or text."""
    try:
        yield from _stdin_items(iter(stdin))
    except _DECOMPRESS_ERRORS as exc:  # damaged compressed input; what was read stays read
        error = InputError(STDIN_ORIGIN, f"cannot read: {getattr(exc, 'strerror', None) or exc}")
        yield CodingError(None, "read", str(error), STDIN_ORIGIN)


def _stdin_items(lines: Iterator[Any]) -> Iterator[Item]:
    head: list[Any] = []
    for line in lines:
        head.append(line)
        if line.strip():
            break
    opening = head[-1] if head else ""
    if isinstance(opening, _LongLine):  # too long to tell: read as JSONL, where it is an error
        opens_object = True
    elif isinstance(opening, bytes):
        opens_object = opening.lstrip(b"\xef\xbb\xbf").lstrip().startswith(b"{")
    else:
        opens_object = opening.lstrip("\ufeff").lstrip().startswith("{")
    if opens_object:
        yield from _json_lines(chain(head, lines), STDIN_ORIGIN)
        return
    try:
        if isinstance(opening, bytes):
            pieces = list(chain(head, lines))
            if any(isinstance(piece, _LongLine) for piece in pieces):
                raise InputError(STDIN_ORIGIN, f"a line longer than {_size(MAX_LINE_BYTES)}")
            text = decode_text(b"".join(pieces), STDIN_ORIGIN)
        else:
            text = "".join(chain(head, lines))
        if not text.strip():
            raise EmptyInputError(STDIN_ORIGIN, "empty")
        yield article_from_text(text, origin=STDIN_ORIGIN)
    except InputError as exc:
        yield CodingError(None, "read", str(exc), STDIN_ORIGIN)


def _override_date(items: Iterator[Item], published: date | None) -> Iterator[Item]:
    if published is None:
        yield from items
        return
    for item in items:
        if isinstance(item, Article):
            item = replace(item, published=published, published_source="cli")
        elif isinstance(item, Page | RowPage):  # its Article takes the date once extracted
            item = replace(item, published=published)
        yield item


def read_inputs(
    inputs: Iterable[str | Path],
    published: date | None = None,
    stdin: TextIO | None = None,
    position: ReadPosition | None = None,
    defer_pages: bool = False,
) -> Iterator[Item]:
    """Stream Articles (and CodingErrors for what cannot be read) from files, dirs and stdin.

    ``"-"`` reads ``stdin`` (default ``sys.stdin``); an http(s) URL is fetched and read as
    the file it is (``remote.read_url``).  Memory stays bounded by one record:
    JSONL, CSV, feeds and WARC are read record by record.  ``published`` (the CLI's
    ``--published``) overrides the date every input states, recorded as ``"cli"``.
    ``position`` follows the bytes read of the input files (``ReadPosition``: an ETA for
    inputs whose article count is unknown).  ``defer_pages`` (a Dask run): the pages of WARC
    files and HTML files come as ``Page`` items, and rows of markup with an id as ``RowPage``
    items, for the workers to extract (``flashpoint.ingest.pages``), fetched from a URL or
    not; what is read from stdin is extracted at once.
    """
    if isinstance(inputs, str | Path):
        inputs = [inputs]
    for item in inputs:
        if str(item) == "-":
            yield from _override_date(_read_stdin(stdin if stdin is not None else _stdin_stream()), published)
        elif isinstance(item, str) and is_url(item):
            reader = _read_deferring if defer_pages else _read_extracted
            yield from _override_date(read_url(item, reader), published)
        else:
            yield from read_path(item, published, position, defer_pages)
