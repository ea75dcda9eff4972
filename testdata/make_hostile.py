#!/usr/bin/env python3
"""Writes the hostile fixtures of testdata/hostile/, and the same cases as fuzz seeds in
fuzz/seeds/. Run from testdata/: python3 make_hostile.py.

Each file is a bundle an attacker, another archiver or a broken pipeline could hand to eidscope;
the tests in crates/eidscope/tests/cli/hostile.rs say what each must produce (readable with a
named finding, or exit 3 with one line). The cases after the first block are what other zip
readers' test suites found (issue 15): encrypted and duplicate entries, compression methods,
damaged structures, bytes around the zip, JSON as real tools write it, odd entry names.
Deterministic: fixed timestamps, no randomness. Python's standard library only.
"""
import io, json, os, stat, struct, warnings, zipfile, zlib

OUT = "hostile"
T = (2021, 6, 9, 10, 4, 42)
OCR = json.dumps({
    "similarityScore": "high", "livenessDetected": "true",
    "features": [{"name": "Header", "found": True, "bbox": {"x": 10, "y": 10, "width": 50, "height": 20}, "side": "data"}],
    "securityChecks": {"nonExpired": {"valid": True}},
    "firstName": "ANNA", "lastName": "ERIKSSON", "documentType": "passport",
    "dateOfBirth": "1974-08-12", "dateOfExpiry": "2031-04-15", "issuingCountry": "UTO",
    "documentNumber": "L898902C3", "gender": "F", "nationality": "UTO",
}).encode()


def zip_bytes(entries, compression=zipfile.ZIP_DEFLATED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data, *mode in entries:
            info = zipfile.ZipInfo(name, T)
            info.compress_type = compression
            if mode:
                info.external_attr = mode[0] << 16
                info.create_system = 3
            z.writestr(info, data)
    return buf.getvalue()


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


# A real 32x24 JPEG (a gradient, written once by Pillow), so that the decoders are reached.
JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300100b0c0e0c0a100e0d0e1211101318281a18161618"
    "3123251d283a333d3c3933383740485c4e404457453738506d51575f626768673e4d71797064785c656763ffdb00"
    "43011112121815182f1a1a2f63423842636363636363636363636363636363636363636363636363636363636363"
    "6363636363636363636363636363636363636363ffc00011080018002003012200021101031101ffc4001f000001"
    "0501010101010100000000000000000102030405060708090a0bffc400b510000201030302040305050404000001"
    "7d01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25"
    "262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a8384"
    "85868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5"
    "d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffc4001f0100030101010101010101010000000000"
    "000102030405060708090a0bffc400b5110002010204040304070504040001027700010203110405213106124151"
    "0761711322328108144291a1b1c109233352f0156272d10a162434e125f11718191a262728292a35363738393a43"
    "4445464748494a535455565758595a636465666768696a737475767778797a82838485868788898a929394959697"
    "98999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae2e3e4e5e6e7e8"
    "e9eaf2f3f4f5f6f7f8f9faffda000c03010002110311003f00e563b6f6ab31db7b55e8edbdaad476ded5dd3ae638"
    "7c41463b6f6ab31db7b55e8edbdaad476ded5cb3ae7bf87c411476ded5663b6f6a28ae49cd9f0d879c8b51db7b55"
    "98edbda8a2b927367bd879c8ffd9"
)
LOCAL, CENTRAL, END = b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06"


def headers(data, name):
    """Offsets of every local and central header that names `name`, with which one it is."""
    name = name.encode("cp437") if isinstance(name, str) else name
    found, at = [], 0
    while True:
        at = min([i for i in (data.find(LOCAL, at), data.find(CENTRAL, at)) if i >= 0], default=-1)
        if at < 0:
            return found
        central = data[at:at + 4] == CENTRAL
        start = at + (46 if central else 30)
        if data[start:start + len(name)] == name:
            found.append((at, central))
        at += 4


def patch(data, name, local_offset, fmt, value, local=True, central=True):
    """Sets a field of the headers of `name` (the central header's lies 2 bytes further on)."""
    data = bytearray(data)
    for at, is_central in headers(bytes(data), name):
        if (is_central and central) or (not is_central and local):
            struct.pack_into(fmt, data, at + local_offset + (2 if is_central else 0), value)
    return bytes(data)


def rename(data, old, new):
    """Renames every header of `old` (same length) in place."""
    assert len(old) == len(new)
    data = bytearray(data)
    for at, is_central in headers(bytes(data), old):
        start = at + (46 if is_central else 30)
        data[start:start + len(new)] = new
    return bytes(data)


def zipcrypto(plain, crc):
    """Traditional PKWARE encryption (password `pw`) of stored data: a fixed 12-byte header
    whose last byte checks the password against the CRC, then the data."""
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0xEDB88320 if c & 1 else c >> 1
        table.append(c)
    keys = [0x12345678, 0x23456789, 0x34567890]

    def update(b):
        keys[0] = table[(keys[0] ^ b) & 0xFF] ^ (keys[0] >> 8)
        keys[1] = ((keys[1] + (keys[0] & 0xFF)) * 134775813 + 1) & 0xFFFFFFFF
        keys[2] = table[(keys[2] ^ (keys[1] >> 24)) & 0xFF] ^ (keys[2] >> 8)

    for b in b"pw":
        update(b)
    out = bytearray()
    for b in bytes(range(11)) + bytes([crc >> 24]) + plain:
        t = keys[2] | 2
        out.append(b ^ (((t * (t ^ 1)) >> 8) & 0xFF))
        update(b)
    return bytes(out)


def encrypted_entry(name, plain):
    """A zip of `name` stored and encrypted: written plain-sized by zipfile, then patched."""
    crc = zlib.crc32(plain)
    data = zip_bytes([(name, zipcrypto(plain, crc))], zipfile.ZIP_STORED)
    data = patch(data, name, 6, "<H", 1)          # flags: encrypted
    data = patch(data, name, 14, "<I", crc)       # the CRC of the plain data
    data = patch(data, name, 22, "<I", len(plain))  # uncompressed size
    return data


def merge(*zips):
    """One zip holding the entries of several (each written by zipfile), in order."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for data in zips:
            with zipfile.ZipFile(io.BytesIO(data)) as part:
                for info in part.infolist():
                    raw = part.fp
                    raw.seek(info.header_offset)
                    head = raw.read(30)
                    skip = 30 + struct.unpack("<H", head[26:28])[0] + struct.unpack("<H", head[28:30])[0]
                    raw.seek(info.header_offset + skip)
                    blob = raw.read(info.compress_size)
                    # Written raw: the data and its flags exactly as the part had them.
                    z.fp.seek(z.start_dir)
                    info.header_offset = z.start_dir
                    z.fp.write(info.FileHeader())
                    z.fp.write(blob)
                    z.start_dir = z.fp.tell()
                    z.filelist.append(info)
                    z.NameToInfo[info.filename] = info
                    z._didModify = True
    return out.getvalue()


def zip64_inconsistent(data, entries):
    """`data` with a zip64 end record and locator before its end record, counting `entries`."""
    eocd = data.rindex(END)
    cd_size, cd_offset = struct.unpack("<II", data[eocd + 12:eocd + 20])
    record_at = eocd
    record = b"PK\x06\x06" + struct.pack("<QHHIIQQQQ", 44, 45, 45, 0, 0, entries, entries, cd_size, cd_offset)
    locator = b"PK\x06\x07" + struct.pack("<IQI", 0, record_at, 1)
    return data[:eocd] + record + locator + data[eocd:]


os.makedirs(OUT, exist_ok=True)
write("not-a-zip.zip", b"This is a text file that someone renamed to .zip\n")
write("empty.zip", b"")
write("random-pk.zip", b"PK\x03\x04" + bytes((i * 37 + 11) % 256 for i in range(600)))
good = zip_bytes([("ocr.json", OCR), ("front.jpeg", b"\xff\xd8" + b"\x00" * 4000)])
write("truncated.zip", good[: len(good) // 2])
write("zip-slip.zip", zip_bytes([
    ("ocr.json", OCR),
    ("../../evil.txt", b"escaped\n"),
    ("/tmp/eidscope-absolute-evil.txt", b"absolute\n"),
    ("ok/../../../evil2.txt", b"escaped again\n"),
    ("C:\\windows\\evil.txt", b"drive\n"),
    ("link", b"/etc/passwd", stat.S_IFLNK | 0o777),
    ("notes/readme.txt", b"an unexpected but harmless entry\n"),
]))
# 64 MiB of spaces inside a JSON document: deflates to about 64 KiB.
write("bomb.zip", zip_bytes([("ocr.json", b"{" + b" " * (64 * 1024 * 1024) + b"}")]))
# A 300 MiB image of zeros: over the compression-ratio limit long before the size limit.
write("bomb-image.zip", zip_bytes([("ocr.json", OCR), ("front.jpeg", b"\x00" * (300 * 1024 * 1024))]))
write("nested.zip", zip_bytes([("ocr.json", b"[" * 100000 + b"]" * 100000)]))
write("malformed.zip", zip_bytes([("ocr.json", b'{"similarityScore": "high", "features": [')]))
write("bad-utf8.zip", zip_bytes([("ocr.json", b'{"firstName": "\xff\xfe"}')]))


# What other zip readers' test suites found (issue 15).
OCR_LOW = OCR.replace(b'"high"', b'"low"')
write("encrypted-extra.zip", merge(
    zip_bytes([("ocr.json", OCR), ("front.jpeg", JPEG)]),
    encrypted_entry("secret.txt", b"what the analysis must not miss\n"),
))
write("encrypted-flag.zip", patch(zip_bytes([("ocr.json", OCR), ("front.jpeg", JPEG)]), "front.jpeg", 6, "<H", 1))
write("encrypted-ocr.zip", merge(encrypted_entry("ocr.json", OCR), zip_bytes([("front.jpeg", JPEG)])))
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # zipfile warns of the duplicate name: that is the case
    write("duplicate-ocr.zip", zip_bytes([("ocr.json", OCR), ("front.jpeg", JPEG), ("ocr.json", OCR_LOW)]))
write("bzip2-front.zip", zip_bytes([("ocr.json", OCR), ("front.jpeg", JPEG)], zipfile.ZIP_BZIP2))
write("lzma-front.zip", zip_bytes([("ocr.json", OCR), ("front.jpeg", JPEG)], zipfile.ZIP_LZMA))
write("ppmd-front.zip", patch(zip_bytes([("ocr.json", OCR), ("front.jpeg", JPEG)]), "front.jpeg", 8, "<H", 98))
write("implode-ocr.zip", patch(zip_bytes([("ocr.json", OCR), ("front.jpeg", JPEG)]), "ocr.json", 8, "<H", 6))
good_pair = zip_bytes([("ocr.json", OCR), ("front.jpeg", JPEG)])
write("zip64-inconsistent.zip", zip64_inconsistent(good_pair, 3))
write("header-mismatch.zip", patch(good_pair, "front.jpeg", 30, "<B", ord("F"), central=False))
hidden = zip_bytes([("ocr.json", OCR), ("front.jpeg", JPEG), ("hidden.txt", b"not counted\n")])
eocd = hidden.rindex(END)
write("hidden-entry.zip", hidden[:eocd + 8] + struct.pack("<HH", 2, 2) + hidden[eocd + 12:])
write("empty-archive.zip", END + bytes(18))
write("readme-only.zip", zip_bytes([("readme.txt", b"this zip holds no bundle\n")]))
write("prefixed.zip", b"#!/bin/sh\necho a self-extractor\nexit 0\n" + good_pair)
write("trailing.zip", good_pair + b"\0" * 100)
BOM_OCR = b"\xef\xbb\xbf" + OCR
UTF16_OCR = "\ufeff".encode("utf-16-le") + OCR.decode().encode("utf-16-le")
BIG_OCR = OCR.replace(b'"L898902C3"', b"123456789012345678901234567890").replace(b"{", b'{"score": 1e400, ', 1)
DEEP_OCR = b"[" * 500 + b"]" * 500
SURROGATE_OCR = OCR.replace(b'"ANNA"', b'"AN\\ud800NA"')
for name, text in [("json-bom", BOM_OCR), ("json-utf16", UTF16_OCR), ("json-big-number", BIG_OCR),
                   ("json-deep", DEEP_OCR), ("json-lone-surrogate", SURROGATE_OCR)]:
    write(f"{name}.zip", zip_bytes([("ocr.json", text), ("front.jpeg", JPEG)]))
write("cp437-name.zip", rename(zip_bytes([("ocr.json", OCR), ("r_sum_.txt", b"x")]), b"r_sum_.txt", b"r\x82sum\x82.txt"))
write("del-name.zip", zip_bytes([("ocr.json", OCR), ("a\x7fb.txt", b"x")]))

# The same cases as fuzz seeds: the small zips for bundle_bytes, the JSON texts for ocr_json.
SEEDS = os.path.join("..", "fuzz", "seeds")
for target in ("bundle_bytes", "ocr_json"):
    os.makedirs(os.path.join(SEEDS, target), exist_ok=True)
for name in sorted(os.listdir(OUT)):
    path = os.path.join(OUT, name)
    if os.path.getsize(path) <= 64 * 1024:
        with open(path, "rb") as f, open(os.path.join(SEEDS, "bundle_bytes", name), "wb") as seed:
            seed.write(f.read())
for name, text in [("ocr", OCR), ("bom", BOM_OCR), ("utf16", UTF16_OCR), ("big-number", BIG_OCR),
                   ("deep", DEEP_OCR), ("lone-surrogate", SURROGATE_OCR)]:
    with open(os.path.join(SEEDS, "ocr_json", f"{name}.json"), "wb") as seed:
        seed.write(text)
