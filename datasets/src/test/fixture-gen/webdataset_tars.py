"""Writes the tar fixtures of TarReaderTest and WebDatasetProviderTest with Python's tarfile,
a writer independent of the reader under test.

    python3 datasets/src/test/fixture-gen/webdataset_tars.py datasets/src/test/resources/webdataset

pax.tar: PAX format, one member with a 150-character path (pax 'path' record) and one with a
non-ASCII name; gnu.tar: GNU format, the same long path (an 'L' long-name member) and a directory
and a symbolic link, which the reader passes over. Each holds samples 'a' (png + txt) and the long
one (png + json caption). Member data and mtimes are fixed so the files are reproducible.
"""
import io
import json
import struct
import sys
import tarfile
import zlib


def png(r, g, b):
    """A 2x1 RGB PNG of one colour."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    raw = b"\x00" + bytes([r, g, b]) * 2
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


LONG = "deep/" + "d" * 120 + "/sample-long"


def members():
    yield "a.png", png(255, 0, 0)
    yield "a.txt", "a red picture\n".encode()
    yield LONG + ".png", png(0, 0, 255)
    yield LONG + ".json", json.dumps({"caption": "a blue picture", "width": 2}).encode()
    yield "caf\u00e9.png", png(0, 255, 0)
    yield "caf\u00e9.txt", "une image verte".encode()


def write(path, fmt, extras):
    with tarfile.open(path, "w", format=fmt) as tar:
        for name, data in members():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1700000000
            tar.addfile(info, io.BytesIO(data))
        if extras:
            d = tarfile.TarInfo("somedir")
            d.type = tarfile.DIRTYPE
            d.mtime = 1700000000
            tar.addfile(d)
            link = tarfile.TarInfo("zlink.png")
            link.type = tarfile.SYMTYPE
            link.linkname = "/etc/passwd"
            link.mtime = 1700000000
            tar.addfile(link)


out = sys.argv[1]
write(out + "/pax.tar", tarfile.PAX_FORMAT, False)
write(out + "/gnu.tar", tarfile.GNU_FORMAT, True)
