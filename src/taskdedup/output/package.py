"""A written .xlsx package (a zip of XML parts) with placeholders filled by text streamed into it,
compressed while the text is still being made.

XlsxWriter assembles every part as one string and deflates them one after the other, when the
workbook is closed: for the review workbook of 85,856 rows that is ~1.2 s of building the tasks
sheet's cells, then ~1.3 s of deflating 66 MB, on one core. Here the large sheets' rows are left
as a placeholder in what XlsxWriter writes; this module copies its package part by part and puts
each sheet's rows in place of its placeholder, a chunk at a time, one thread making the rows and
another deflating them (zlib lets go of the GIL), so the two overlap. The parts are written as
XlsxWriter writes them (same names, order, dates and compression), so the bytes are those of a
package XlsxWriter would have written with the rows inside (tests/output/test_sheet_xml.py),
except that the streamed parts are deflated at STREAMED_LEVEL.
"""

from __future__ import annotations

import io
import queue
import sys
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager

# zlib's default level (6, XlsxWriter's) took 1.08 s for the 65 MB of the petitions' two large
# sheets, longer than making their rows (~0.8 s), so the rows waited on it; level 5 takes 0.67 s
# for a file 2.6 % larger (10.16 -> 10.43 MB), and the whole workbook 1.74 -> 1.46 s in-process
# (level 4 was no faster again: the rows are then the slower side). docs/BENCHMARKS.md, seventeenth round.
STREAMED_LEVEL = 5
_WAIT = 0.1  # seconds between looks at whether the other side gave up
# CPython passes the GIL to a waiting thread only after the switch interval (5 ms by default). The
# deflating thread needs it back for a moment after every crc32 and compress of a chunk, while the
# rows thread holds it: at 85,856 rows it waited ~0.3 s of a 2.5 s workbook that way. Measured
# (docs/BENCHMARKS.md, twelfth round): 1 ms gave back most of it, 0.2 ms nearly all.
_SWITCH_INTERVAL = 0.0002
_switch_lock = threading.Lock()
_switch_users = 0
_switch_saved = 0.0


def filled(package: bytes, parts: dict[bytes, Iterator[bytes]]) -> bytes:
    """`package` with each placeholder (a key of `parts`) replaced by the UTF-8 text its iterator gives."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=STREAMED_LEVEL) as target:
        for info in source.infolist():
            body = source.read(info)
            placeholder = next((p for p in parts if p in body), None)
            if placeholder is None:
                entry = zipfile.ZipInfo(info.filename, info.date_time)
                entry.compress_type = info.compress_type
                target.writestr(entry, body)  # at zlib's default level, as XlsxWriter wrote it
                continue
            head, tail = body.split(placeholder)
            # Opened by name, it takes the archive's level (an entry's own level is no public
            # attribute before Python 3.13) and ZipInfo's default date: XlsxWriter's 1980-01-01.
            with target.open(info.filename, "w") as sink:
                sink.write(head)
                _stream(parts[placeholder], sink)
                sink.write(tail)
    return out.getvalue()


def _stream(text: Iterator[bytes], sink: io.BufferedIOBase) -> None:
    """The chunks of `text` into `sink`: made in a thread of their own while this one
    deflates the ones made before (a few chunks ahead at most)."""
    chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
    stop = threading.Event()
    failure: list[BaseException] = []

    def put(data: bytes | None) -> bool:
        """Queue `data` unless the writer stopped waiting (it failed): whether it was queued."""
        while not stop.is_set():
            try:
                chunks.put(data, timeout=_WAIT)
                return True
            except queue.Full:
                continue
        return False

    def make() -> None:
        try:
            for chunk in text:
                if not put(chunk):
                    return
        except BaseException as exc:  # noqa: BLE001  (handed to the writing thread, which raises it)
            failure.append(exc)
        finally:
            put(None)

    with _quick_handoffs():
        maker = threading.Thread(target=make, name="taskdedup-xlsx-rows", daemon=True)
        maker.start()
        try:
            while (data := chunks.get()) is not None:
                sink.write(data)
        finally:
            stop.set()
            maker.join()
    if failure:
        raise failure[0]


@contextmanager
def _quick_handoffs() -> Iterator[None]:
    """A short GIL switch interval while a stream runs, the caller's back afterwards. It is the
    process's setting: streams running at once in several threads share one change, and the last
    to end puts the setting back."""
    global _switch_users, _switch_saved
    with _switch_lock:
        if _switch_users == 0:
            _switch_saved = sys.getswitchinterval()
            sys.setswitchinterval(min(_switch_saved, _SWITCH_INTERVAL))
        _switch_users += 1
    try:
        yield
    finally:
        with _switch_lock:
            _switch_users -= 1
            if _switch_users == 0:
                sys.setswitchinterval(_switch_saved)
