#!/usr/bin/env python3
"""Writes the hostile fixtures of testdata/hostile/. Run from testdata/: python3 make_hostile.py.

Each file is a bundle an attacker or a broken pipeline could hand to eidscope; the tests in
crates/eidscope/tests/ say what each must produce. Deterministic: fixed timestamps, no randomness.
"""
import io, json, os, stat, zipfile

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
