"""Type stubs of the Rust extension module (crates/eidscope-py). Use :mod:`eidscope`: these
functions hand back JSON texts and Arrow IPC streams that it turns into dicts and DataFrames."""

from os import PathLike
from typing import Dict, List, Optional, Sequence, Tuple, Union

_Source = Union[str, PathLike[str], bytes, bytearray]
_Tables = Union[Dict[str, bytes], Sequence[Union[str, PathLike[str]]]]

class EidscopeError(Exception):
    """A bundle, a batch or tables eidscope could not read; the message is the command line's."""

def inspect(bundle: _Source, process: Optional[_Source] = None, name: Optional[str] = None) -> str:
    """The ``inspect --json`` document of one bundle, as JSON text."""

def scan(
    paths: Sequence[Union[str, PathLike[str]]], level: str = "media", jobs: Optional[int] = None
) -> Dict[str, bytes]:
    """The scan tables of bundle files and folders, as Arrow IPC streams by table name."""

def scan_bytes(
    bundles: Sequence[Tuple[str, bytes, Optional[Tuple[str, bytes]]]],
    level: str = "media",
    jobs: Optional[int] = None,
) -> Dict[str, bytes]:
    """The scan tables of bundles held in memory, as Arrow IPC streams by table name."""

def empty_tables() -> Dict[str, bytes]:
    """The empty tables (their schemas), as Arrow IPC streams by table name."""

def stats(
    tables: _Tables,
    by: Sequence[str] = ...,
    every: Optional[str] = None,
    sort: str = "key",
    min_count: int = 0,
) -> str:
    """The ``stats --json`` document, as JSON text."""

def links(
    tables: _Tables, codes: Sequence[str] = ..., velocity: str = "3/24h", near_bits: int = 10
) -> Tuple[str, int, str]:
    """The ``links --json`` document as JSON text, how many bundles repeated one already read
    (counted once), and the command line's note saying so."""

def overlay(
    bundle: _Source,
    process: Optional[_Source] = None,
    name: Optional[str] = None,
    frames: int = 3,
    ela: bool = False,
) -> List[Tuple[str, bytes]]:
    """The pictures ``eidscope overlay`` writes, as (file name without ``.png``, PNG bytes)."""

def levels() -> List[str]:
    """The words of the scan levels."""
