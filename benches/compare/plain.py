"""The script an analyst would write instead of `eidscope scan`: the plain-Python comparison of
`make bench` (benches/compare/bench.py runs it, alternating with eidscope).

    python3 plain.py --level meta|media BUNDLES_DIR OUT_DIR [--jobs N]

Per bundle it does the work `eidscope scan` does at the same level, the way a competent analyst
would with the usual libraries: zipfile, json, hashlib, Pillow (libjpeg-turbo), polars, and a
multiprocessing pool on all cores.

- meta:  SHA-256 of the zip, the directory, `ocr.json` and `manual_approval.json` parsed, the
         process file beside the zip parsed, one row of identity, status and checks per bundle.
- media: also, per picture, the SHA-256 of its bytes, a decode, a 9x8 difference hash and a
         DCT hash of a 32x32 grey thumbnail; the video's SHA-256.

The rows go to `bundles.parquet` (and `media.parquet` at media) through polars.
"""

import argparse
import hashlib
import io
import json
import os
import sys
import zipfile
from multiprocessing import Pool

import numpy as np
import polars as pl
from PIL import Image

IMAGES = ("front.jpeg", "back.jpeg", "selfie.jpeg", "portrait.jpeg")
LEVEL = "meta"


def first(obj, *keys):
    """The first of `keys` found in a dict, searched one level deep too."""
    if not isinstance(obj, dict):
        return None
    for key in keys:
        if key in obj:
            return obj[key]
    for value in obj.values():
        if isinstance(value, dict):
            for key in keys:
                if key in value:
                    return value[key]
    return None


def dhash(grey):
    small = np.asarray(grey.resize((9, 8), Image.Resampling.LANCZOS), dtype=np.int16)
    bits = (small[:, 1:] > small[:, :-1]).flatten()
    return int("".join("1" if b else "0" for b in bits), 2)


_N = 32
_DCT = np.cos(np.pi / _N * (np.arange(_N)[:, None] * (np.arange(_N)[None, :] + 0.5)))


def phash(grey):
    small = np.asarray(grey.resize((_N, _N), Image.Resampling.LANCZOS), dtype=np.float64)
    low = (_DCT @ small @ _DCT.T)[:8, :8].flatten()
    bits = low > np.median(low)
    return int("".join("1" if b else "0" for b in bits), 2)


def picture_row(path, name, data):
    row = {"path": path, "entry": name, "sha256": hashlib.sha256(data).hexdigest(),
           "size_bytes": len(data), "decoded": False, "dhash": None, "phash": None,
           "width": None, "height": None}
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            row["width"], row["height"] = image.size
            grey = image.convert("L")
        row.update(decoded=True, dhash=f"{dhash(grey):016x}", phash=f"{phash(grey):016x}")
    except Exception:  # a corrupt picture is a result, not a crash
        pass
    return row


def read_bundle(path):
    with open(path, "rb") as f:
        raw = f.read()
    row = {"path": path, "sha256": hashlib.sha256(raw).hexdigest(), "size_bytes": len(raw)}
    media = []
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
        names = {os.path.basename(n).lower().replace(".jpg", ".jpeg"): n for n in zf.namelist()}
        row["entries"] = len(zf.namelist())
        ocr = json.loads(zf.read(names["ocr.json"])) if "ocr.json" in names else {}
        manual = (json.loads(zf.read(names["manual_approval.json"]))
                  if "manual_approval.json" in names else {})
        beside = os.path.splitext(path)[0] + ".json"
        process = {}
        if os.path.exists(beside):
            with open(beside, "rb") as f:
                process = json.load(f)
        checks = first(ocr, "securityChecks") or {}
        failed = 0
        if isinstance(checks, dict):
            for value in checks.values():
                ok = value.get("passed", value.get("valid")) if isinstance(value, dict) else value
                failed += ok is False
        elif isinstance(checks, list):
            failed = sum(1 for c in checks if isinstance(c, dict) and c.get("passed") is False)
        row.update(
            process_id=first(process, "id", "processId"),
            reported_status=first(process, "status"),
            created_at=first(process, "createdAt"),
            first_name=first(ocr, "firstName", "firstNames", "givenNames"),
            last_name=first(ocr, "lastName", "lastNames", "surname"),
            document_number=first(ocr, "documentNumber", "number"),
            issuing_country=first(ocr, "issuingCountry", "issuingState"),
            date_of_birth=first(ocr, "dateOfBirth", "birthDate"),
            date_of_expiry=first(ocr, "dateOfExpiry", "expiryDate"),
            similarity=first(ocr, "similarityScore", "similarity"),
            manual_decision=first(manual, "decision", "status", "result"),
            checks_failed=failed,
        )
        for key in row:
            if isinstance(row[key], (dict, list)):
                row[key] = json.dumps(row[key])
            elif row[key] is not None and not isinstance(row[key], (int, str)):
                row[key] = str(row[key])
        if LEVEL == "media":
            for name in IMAGES:
                if name in names:
                    media.append(picture_row(path, name, zf.read(names[name])))
            if "video.mp4" in names:
                data = zf.read(names["video.mp4"])
                media.append({"path": path, "entry": "video.mp4",
                              "sha256": hashlib.sha256(data).hexdigest(),
                              "size_bytes": len(data), "decoded": None, "dhash": None,
                              "phash": None, "width": None, "height": None})
    except Exception as error:  # a bad bundle is a row with its error
        row["error"] = str(error)
    return row, media


def init(level):
    global LEVEL
    LEVEL = level


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--level", choices=("meta", "media"), default="media")
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    parser.add_argument("bundles")
    parser.add_argument("out")
    args = parser.parse_args()
    paths = sorted(
        os.path.join(root, name)
        for root, _, files in os.walk(args.bundles)
        for name in files
        if name.endswith(".zip")
    )
    with Pool(args.jobs, initializer=init, initargs=(args.level,)) as pool:
        results = pool.map(read_bundle, paths, chunksize=16)
    os.makedirs(args.out, exist_ok=True)
    bundles = [row for row, _ in results]
    pl.DataFrame(bundles, infer_schema_length=None).write_parquet(
        os.path.join(args.out, "bundles.parquet"))
    if args.level == "media":
        media = [m for _, rows in results for m in rows]
        pl.DataFrame(media, infer_schema_length=None).write_parquet(
            os.path.join(args.out, "media.parquet"))
    print(f"{len(bundles)} bundles", file=sys.stderr)


if __name__ == "__main__":
    main()
