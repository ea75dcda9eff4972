"""eidscope on Spark: the scan of :func:`eidscope.scan`, run on the executors.

:func:`scan` reads the bundles with Spark's ``binaryFile`` source, joins each with the process
JSON beside it by name (``X.json``, else ``X.process.json`` for ``X.zip``, as the command line
looks for it), and analyses them in ``mapInArrow`` with the same Rust library: each executor
task scans its bundles in memory (no temporary file) into Arrow IPC streams, one per table.
The rows of every table come out of that one pass as one tagged frame (a column naming the
table, then the columns of every table), kept once (``persist``); each table's DataFrame is a
filter and a projection of it that Spark runs alone: the bundles are analysed once, no Python
runs per table, and nothing is shuffled.

The tables have the columns of the local scan; Spark has no enum or unsigned types, so enum
columns are strings and unsigned integers the next wider signed ones. Paths of local files
(``file:/...``) are written as plain paths, as the local scan writes them; other schemes
(``s3a://``, ``abfss://``, ``gs://``) are kept as Spark gives them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Dict, Iterator, List, Optional
from urllib.parse import unquote, urlparse

import pyarrow as pa

from . import TABLES, _native

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["scan", "BUNDLES_PER_CALL", "BROADCAST_PROCESS_BYTES"]

#: Bundles handed to the Rust library at once inside an executor task: bounds the memory of a
#: task (the zips of one call and their rows) whatever Spark's Arrow batch size.
BUNDLES_PER_CALL = 32

#: The process JSONs are broadcast to the tasks holding the zips when they are at most this
#: many bytes in all (a few kilobytes each: some 50,000 bundles); past that, Spark joins them
#: by shuffling the zips too.
BROADCAST_PROCESS_BYTES = 256 * 1024 * 1024

#: The column of the tagged frame that names each row's table.
_TAG = "eidscope_table"


def scan(
    spark: "SparkSession",
    path: str,
    level: str = "media",
    jobs: Optional[int] = 1,
    tables: Optional[List[str]] = None,
) -> Dict[str, "DataFrame"]:
    """The scan tables of the bundles at ``path`` as Spark DataFrames, by table name.

    ``path`` is a zip, a glob of zips (``s3a://bucket/batch/*.zip``) or a folder (searched
    recursively for ``*.zip``). ``level`` is ``meta``, ``media`` or ``full``. ``jobs`` is the
    threads each task uses (default 1: Spark already runs one task per core). ``tables``
    limits the tables returned (default: all of :data:`eidscope.TABLES`).
    """
    if level not in _native.levels():
        raise ValueError(f"unknown level `{level}` (expected {', '.join(_native.levels())})")
    wanted = list(tables) if tables is not None else list(TABLES)
    unknown = [t for t in wanted if t not in TABLES]
    if unknown:
        raise ValueError(f"unknown table(s) {unknown} (expected {', '.join(TABLES)})")
    bundles = _bundles_with_processes(spark, path)
    schemas = _arrow_schemas()
    wide = _wide_schema(schemas, wanted)
    # One pass: every table's rows in one tagged frame, analysed once and kept; each table
    # is then a filter and a projection of it, run by Spark alone (no Python, no shuffle).
    analysed = bundles.mapInArrow(
        _analyse(level, jobs, schemas, wanted, wide), _spark_schema(wide)
    ).persist()
    from pyspark.sql import functions as F

    return {
        name: analysed.filter(F.col(_TAG) == name).select(
            [F.col(_wide_name(name, f.name)).alias(f.name) for f in schemas[name]]
        )
        for name in wanted
    }


def _bundles_with_processes(spark: "SparkSession", path: str) -> "DataFrame":
    """``path, content, process_path, process``: each zip with the process beside it.

    The zips stay in the partitions ``binaryFile`` made (no shuffle moves their bytes): the
    processes, a few kilobytes each, are broadcast to them when they are at most
    :data:`BROADCAST_PROCESS_BYTES` in all; past that Spark joins by shuffling both sides.
    """
    from pyspark.sql import functions as F

    folder = not path.lower().endswith(".zip")
    zips = _binary_files(spark, path, "*.zip" if folder else None)
    if zips is None:
        raise _native.EidscopeError(
            f"no bundle found in {path} (folders are searched for *.zip files)"
        )
    json_path = path if folder else path[: -len(".zip")] + ".json"
    processes = _binary_files(spark, json_path, "*.json" if folder else None)
    zips = zips.select(
        "path", "content", F.regexp_replace("path", r"\.[^./]+$", "").alias("key")
    )
    if processes is None:
        return zips.select(
            "path",
            "content",
            F.lit(None).cast("string").alias("process_path"),
            F.lit(None).cast("binary").alias("process"),
        )
    # Only the files' lengths: binaryFile reads no content for this.
    total = processes.agg(F.sum("length")).first()[0] or 0
    small = F.broadcast if total <= BROADCAST_PROCESS_BYTES else (lambda frame: frame)
    beside = processes.select(
        F.regexp_replace("path", r"\.json$", "").alias("key"),
        F.col("path").alias("json_path"),
        F.col("content").alias("json"),
    )
    named = processes.filter(F.col("path").endswith(".process.json")).select(
        F.regexp_replace("path", r"\.process\.json$", "").alias("key"),
        F.col("path").alias("named_path"),
        F.col("content").alias("named"),
    )
    joined = zips.join(small(beside), "key", "left").join(small(named), "key", "left")
    return joined.select(
        "path",
        "content",
        F.coalesce("json_path", "named_path").alias("process_path"),
        F.when(F.col("json_path").isNotNull(), F.col("json"))
        .otherwise(F.col("named"))
        .alias("process"),
    )


def _binary_files(spark: "SparkSession", path: str, glob: Optional[str]) -> Optional["DataFrame"]:
    """The files of ``path`` (read with ``binaryFile``), or ``None`` when it matches none."""
    from pyspark.errors import AnalysisException

    reader = spark.read.format("binaryFile")
    if glob is not None:
        reader = reader.option("pathGlobFilter", glob).option("recursiveFileLookup", "true")
    try:
        frame = reader.load(path)
    except AnalysisException:
        return None
    if glob is not None and frame.limit(1).count() == 0:
        return None
    return frame


def _local(path: Optional[str]) -> Optional[str]:
    """A ``file:`` URI as the plain path the local scan writes; other addresses as given."""
    if path is None or not path.startswith("file:"):
        return path
    return unquote(urlparse(path).path)


def _wide_name(table: str, column: str) -> str:
    """The column of ``table`` in the tagged frame."""
    return f"{table}__{column}"


def _wide_schema(schemas: Dict[str, pa.Schema], tables: List[str]) -> pa.Schema:
    """The tagged frame: the table of each row, then every column of every table asked for
    (nullable: a row fills only its table's columns)."""
    fields = [pa.field(_TAG, pa.string(), False)]
    for name in tables:
        fields.extend(pa.field(_wide_name(name, f.name), f.type, True) for f in schemas[name])
    return pa.schema(fields)


def _analyse(
    level: str,
    jobs: Optional[int],
    schemas: Dict[str, pa.Schema],
    tables: List[str],
    wide: pa.Schema,
) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """The executor side: bundles in, the rows of every table asked for out, tagged."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        from eidscope import _native as native

        for batch in batches:
            for start in range(0, batch.num_rows, BUNDLES_PER_CALL):
                rows = batch.slice(start, BUNDLES_PER_CALL).to_pylist()
                bundles = [
                    (
                        _local(row["path"]),
                        row["content"],
                        None
                        if row["process"] is None
                        else (_local(row["process_path"]), row["process"]),
                    )
                    for row in rows
                ]
                streams = native.scan_bytes(bundles, level, jobs)
                for name in tables:
                    for part in pa.ipc.open_stream(streams[name]):
                        if part.num_rows:
                            yield _tagged(name, part.cast(schemas[name]), tables, schemas, wide)

    return run


def _tagged(
    name: str,
    rows: pa.RecordBatch,
    tables: List[str],
    schemas: Dict[str, pa.Schema],
    wide: pa.Schema,
) -> pa.RecordBatch:
    """The rows of table ``name`` as rows of the tagged frame (other tables' columns null)."""
    count = rows.num_rows
    columns = [pa.array([name] * count, pa.string())]
    for table in tables:
        for field in schemas[table]:
            columns.append(
                rows.column(field.name) if table == name else pa.nulls(count, field.type)
            )
    return pa.RecordBatch.from_arrays(columns, schema=wide)


def _arrow_schemas() -> Dict[str, pa.Schema]:
    """Each table's schema in types Spark takes (from the empty tables of the library)."""
    schemas = {}
    for name, stream in _native.empty_tables().items():
        schema = pa.ipc.open_stream(stream).schema
        schemas[name] = pa.schema(
            [pa.field(f.name, _spark_type(f.type), f.nullable) for f in schema]
        )
    return schemas


def _spark_type(kind: pa.DataType) -> pa.DataType:
    """An Arrow type Spark reads: enums (dictionaries) as their values, views and large
    variants as plain strings, binaries and lists, times in microseconds, unsigned integers
    one size wider."""
    if pa.types.is_dictionary(kind):
        return _spark_type(kind.value_type)
    if pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
        return pa.string()
    if pa.types.is_binary(kind) or pa.types.is_large_binary(kind) or pa.types.is_binary_view(kind):
        return pa.binary()
    if (
        pa.types.is_list(kind)
        or pa.types.is_large_list(kind)
        or pa.types.is_list_view(kind)
        or pa.types.is_large_list_view(kind)
        or pa.types.is_fixed_size_list(kind)
    ):
        return pa.list_(_spark_type(kind.value_type))
    if pa.types.is_struct(kind):
        return pa.struct(
            [pa.field(f.name, _spark_type(f.type), f.nullable) for f in kind]
        )
    if pa.types.is_timestamp(kind):
        return pa.timestamp("us", tz=kind.tz)
    wider = {pa.uint8(): pa.int16(), pa.uint16(): pa.int32(), pa.uint32(): pa.int64()}
    if kind in wider:
        return wider[kind]
    if kind == pa.uint64():
        return pa.int64()
    return kind


def _spark_schema(schema: pa.Schema):
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema)
