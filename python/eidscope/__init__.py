"""eidscope from Python: the forensic analysis of Signicat EID result bundles.

The functions call the same Rust library the ``eidscope`` command line runs (the analysis is
never re-implemented here); the GIL is released while it works. A batch's tables come back as
polars DataFrames read from Arrow IPC streams: Arrow buffers end to end, never a Python object
per value. Errors are :class:`EidscopeError` with the command line's message.

* :func:`inspect` -- one bundle (path or bytes) as the ``inspect --json`` document.
* :func:`scan` -- bundles and folders into the scan tables, as in ``eidscope scan``.
* :func:`scan_bytes` -- bundles held in memory (object storage, a DataFrame column).
* :func:`stats` -- the ``stats --json`` document over tables or scan folders.
* :func:`links` -- the ``links --json`` document: findings across bundles (rings, reuse,
  velocity) and the cross-bundle checks the scan levels could not run.
* :func:`overlay` -- one bundle's pictures for a reviewer (feature overlays, contact sheet,
  error level analysis), as ``eidscope overlay`` draws them: PNG bytes or PIL images.
* :mod:`eidscope.spark` -- the same scan on Spark executors.

The face engine (``--faces``, dlib) is not part of the Python package.
"""

from __future__ import annotations

import io
import json
import os
import warnings
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

import polars as pl

from . import _native
from ._native import EidscopeError

if TYPE_CHECKING:
    from PIL import Image

__all__ = [
    "EidscopeError",
    "TABLES",
    "inspect",
    "scan",
    "scan_bytes",
    "stats",
    "links",
    "overlay",
    "tables_from_streams",
]

#: The tables of a scan, in the order of the command line's contract.
TABLES: Tuple[str, ...] = ("bundles", "checks", "features", "media", "findings", "errors", "faces")

PathLike = Union[str, "os.PathLike[str]"]
Source = Union[PathLike, bytes, bytearray, memoryview]


def _source(value: Source) -> Union[str, bytes]:
    if isinstance(value, memoryview):
        return value.tobytes()
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    return os.fspath(value)


def inspect(
    bundle: Source, process: Optional[Source] = None, *, name: Optional[str] = None
) -> Dict[str, Any]:
    """The report of one bundle: the document ``eidscope inspect --json`` prints.

    ``bundle`` is a path or the zip's bytes (read in memory, never written to a file);
    ``process`` the "Get process" JSON (a path or bytes; it must parse). Without it, a bundle
    given by path uses the process beside it (``X.json`` or ``X.process.json``). ``name``
    stands for the path in the report of a bundle given as bytes (default ``bundle.zip``).

    Raises :class:`EidscopeError` when the bundle cannot be read.
    """
    text = _native.inspect(
        _source(bundle), None if process is None else _source(process), name
    )
    return json.loads(text)


def tables_from_streams(streams: Mapping[str, bytes]) -> Dict[str, pl.DataFrame]:
    """Polars DataFrames from the Arrow IPC streams of the Rust side, by table name."""
    return {name: pl.read_ipc_stream(io.BytesIO(stream)) for name, stream in streams.items()}


def scan(
    paths: Union[PathLike, Sequence[PathLike]],
    level: str = "media",
    jobs: Optional[int] = None,
) -> Dict[str, pl.DataFrame]:
    """Scans bundles and folders (walked for ``*.zip``) like ``eidscope scan``.

    Returns the scan tables (``bundles``, ``checks``, ``features``, ``media``, ``findings``,
    ``errors``, ``faces``) as polars DataFrames with the columns and types of the Parquet
    files the command writes. ``level`` is ``meta``, ``media`` or ``full``; ``jobs`` the
    worker threads (default: one per core). An unreadable bundle is an ``errors`` row, as in
    the command; a path that does not exist, or no bundle at all, raises
    :class:`EidscopeError`.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    streams = _native.scan([os.fspath(p) for p in paths], level, jobs)
    return tables_from_streams(streams)


BundleBytes = Tuple[str, bytes, Optional[Tuple[str, bytes]]]


def scan_bytes(
    bundles: Iterable[BundleBytes], level: str = "media", jobs: Optional[int] = None
) -> Dict[str, pl.DataFrame]:
    """Scans bundles held in memory: ``(name, zip_bytes, process)`` with ``process`` ``None``
    or ``(process_name, json_bytes)`` (the process beside the bundle: one that does not parse
    is noted, as beside a file). The tables are those of :func:`scan` on files of those names.
    """
    return tables_from_streams(_native.scan_bytes(_bundle_list(bundles), level, jobs))


def _bundle_list(bundles: Iterable[BundleBytes]) -> List[BundleBytes]:
    return [
        (name, bytes(zip_bytes), None if process is None else (process[0], bytes(process[1])))
        for name, zip_bytes, process in bundles
    ]


Tables = Union[Mapping[str, pl.DataFrame], PathLike, Sequence[PathLike]]


def _tables(tables: Tables) -> Union[Dict[str, bytes], List[str]]:
    if isinstance(tables, (str, os.PathLike)):
        return [os.fspath(tables)]
    if isinstance(tables, Mapping):
        streams = {}
        for name, frame in tables.items():
            buffer = io.BytesIO()
            frame.write_ipc_stream(buffer)
            streams[name] = buffer.getvalue()
        return streams
    return [os.fspath(t) for t in tables]


def stats(
    tables: Tables,
    by: Union[str, Sequence[str]] = (),
    every: Optional[str] = None,
    sort: str = "key",
    min_count: int = 0,
) -> Dict[str, Any]:
    """The statistics of ``eidscope stats --json``: statuses, failing checks, similarity,
    findings, and the groups asked for.

    ``tables`` is what :func:`scan` returned (a dict of DataFrames), or one or several scan
    output folders (shards merged). ``by`` names ``bundles`` columns to group by
    (``document_type``, ``issuing_country``, ...); ``every`` a period of ``created_at``
    (``day``, ``week``, ``month``); ``sort`` the order of the groups (``key``, ``count``,
    ``mismatches`` or a status such as ``rejected``); ``min_count`` leaves out smaller groups.
    """
    if isinstance(by, str):
        by = [by]
    return json.loads(_native.stats(_tables(tables), list(by), every, sort, min_count))


def links(
    tables: Tables,
    codes: Union[str, Sequence[str]] = (),
    velocity: str = "3/24h",
    near_bits: int = 10,
) -> Dict[str, Any]:
    """The document ``eidscope links --json`` prints, over :func:`scan`'s tables or scan
    output folders (shards merged).

    ``findings`` holds one dict per linked group (rings of shared documents or pictures,
    reuse, velocity); ``checks_not_run`` the cross-bundle checks the scan levels could not run
    (``media-reuse`` over a ``meta`` scan) and why; ``bundles``, ``levels``, ``near_bits`` and
    ``velocity`` what was looked at and with which rules. ``codes`` keeps the groups (and
    unrun checks) of these codes (``links --code``); ``velocity`` is ``K/WINDOW`` (``3/24h``,
    ``5/7d``; ``--velocity``); ``near_bits`` the Hamming distance of ``face-near-duplicate``
    (0 to 16; ``--near-bits``). As in the command, the same bundle found twice (two scans of one
    batch) is counted once, with a :class:`UserWarning` saying how many repeated. A wrong code
    or rule is a ``ValueError``.
    """
    if isinstance(codes, str):
        codes = [codes]
    text, repeated, note = _native.links(_tables(tables), list(codes), velocity, near_bits)
    if repeated:
        warnings.warn(note, stacklevel=2)
    return json.loads(text)


def overlay(
    bundle: Source,
    process: Optional[Source] = None,
    *,
    name: Optional[str] = None,
    frames: int = 3,
    ela: bool = False,
    as_pil: bool = False,
) -> Dict[str, Union[bytes, "Image.Image"]]:
    """One bundle's pictures for a reviewer, drawn as ``eidscope overlay`` draws them.

    Returns a dict from the name of each file the command writes, without ``.png``, to its PNG
    bytes, in the command's order: ``front`` and ``back`` (every feature box on the image of
    its side, for each side that decodes; with ``ela=True`` each followed by ``front.ela`` /
    ``back.ela``, the error level analysis heat map, when the side recompresses), then
    ``contact-sheet`` (every picture, the first side's overlay the largest, ``frames`` video
    frames with their times). A bundle without any picture gives an empty dict. With
    ``as_pil=True`` the values are ``PIL.Image.Image`` (RGB) instead of bytes (needs Pillow:
    ``pip install 'eidscope[images]'``).

    ``bundle``, ``process`` and ``name`` are those of :func:`inspect`. The pictures show faces
    and names: they are personal data. Raises :class:`EidscopeError` when the bundle cannot be
    read, with the command line's message.
    """
    if as_pil:
        from PIL import Image  # Pillow is optional: imported only when asked for
    if frames < 0:
        raise ValueError(f"frames {frames}: expected 0 or more")
    pictures = _native.overlay(
        _source(bundle), None if process is None else _source(process), name, frames, ela
    )
    if not as_pil:
        return dict(pictures)
    return {key: _pil(Image, png) for key, png in pictures}


def _pil(image_module: Any, png: bytes) -> "Image.Image":
    picture = image_module.open(io.BytesIO(png))
    picture.load()
    return picture
