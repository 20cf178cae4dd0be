#!/usr/bin/env python3
"""tests/e2e/xmlgen.py KIND OUT — XML files that put the Wine reader's chunked stream
(win32/xmlsource.c, AVS_XML_CHUNK = 64 KiB) on its edges, for t_170_xmlread.sh:

  utf8-split    UTF-8, no root element: at the end of chunks 1..6 a 2-, 3- and 4-byte
                character is cut after its 1st (and 2nd, 3rd) byte
  utf16-split   UTF-16LE with a BOM: at the end of chunks 1..4 a surrogate pair is cut between
                its halves, and a character of the Basic Multilingual Plane beside it
  large N       UTF-8, one root element, events until the file passes N chunks

Each file is made of events shaped as `wevtutil qe /f:xml` writes them; the cut characters sit
in an insertion string. The generator checks that each cut is where it says."""
import sys

CHUNK = 64 * 1024
NS = "http://schemas.microsoft.com/win/2004/08/events/event"


def event(i, data):
    return (
        "<Event xmlns='%s'><System><Provider Name='AvSwap'/>"
        "<EventID Qualifiers='16384'>%d</EventID><Level>4</Level>"
        "<TimeCreated SystemTime='2026-01-02T03:04:05.%03d0000Z'/>"
        "<EventRecordID>%d</EventRecordID><Channel>AvSwap</Channel>"
        "<Computer>PC-%05d.corp.example</Computer></System><EventData>"
        "<Data>%s</Data><Data>seq %d, SHA-256 %064x</Data></EventData></Event>\n"
        % (NS, 4000 + i % 100, i % 1000, i + 1, i % 10000, data, i + 1, i * 7919)
    )


def split_file(enc, bom, cuts):
    """cuts: (chunk number, character, bytes of it before the boundary)"""
    out = bytearray(bom)
    i = 0
    for k, ch, before in cuts:
        boundary = k * CHUNK
        while len(out) + 2000 < boundary:
            out += event(i, "filler %d" % i).encode(enc)
            i += 1
        head = event(i, "\x00").split("\x00")[0].encode(enc)
        pad = boundary - before - len(out) - len(head)
        unit = len("x".encode(enc))
        assert pad >= 0 and pad % unit == 0, (k, pad)
        out += event(i, "x" * (pad // unit) + ch + "z").encode(enc)
        start = boundary - before
        assert out[start:start + len(ch.encode(enc))] == ch.encode(enc)
        i += 1
    out += event(i, "last").encode(enc)
    return bytes(out)


def main():
    kind, path = sys.argv[1], sys.argv[2]
    if kind == "utf8-split":
        cuts = [(1, "é", 1), (2, "€", 1), (3, "€", 2), (4, "😀", 1), (5, "😀", 2), (6, "😀", 3)]
        data = split_file("utf-8", b"", cuts)
    elif kind == "utf16-split":
        cuts = [(1, "😀", 2), (2, "𝄞", 2), (3, "€", 2), (4, "😀", 2)]
        data = split_file("utf-16-le", b"\xff\xfe", cuts)
    elif kind == "large":
        n = int(sys.argv[3])
        parts = ["<Events>\n"]
        size, i = len(parts[0]), 0
        while size <= n * CHUNK:
            e = event(i, "Kaspersky Endpoint Security 11.%d é € 😀" % (i % 10))
            parts.append(e)
            size += len(e.encode("utf-8"))
            i += 1
        parts.append("</Events>\n")
        data = "".join(parts).encode("utf-8")
    else:
        sys.exit("usage: xmlgen.py utf8-split|utf16-split|large N OUT")
    with open(path, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
