#!/usr/bin/env python3
"""tests/e2e/xmldump.py FILE — what `xmlbench dump FILE` (tests/bench/xmlbench.c, the Wine
reader) must print for a well-formed FILE, computed independently with Python's expat: the
nodes of the file read as UTF-8 or UTF-16LE (BOM or not), inside a root element of its own when
it has none, one a line ("start NAME a=v ...", "text ...", "end NAME"; adjacent texts joined;
white space between top-level elements left out), then "ok bytes N sha256 H". The reader's
e2e tests (t_170..t_174) compare the two."""
import hashlib
import re
import sys
import xml.parsers.expat


def escape(s):
    out = []
    for ch in s:
        o = ord(ch)
        if ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\\":
            out.append("\\\\")
        elif o < 0x20:
            out.append("\\x%02x" % o)
        else:
            out.append(ch)
    return "".join(out)


def main(path):
    raw = open(path, "rb").read()
    if raw.startswith(b"\xff\xfe"):
        text = raw[2:].decode("utf-16-le")
    elif len(raw) >= 2 and raw[0] != 0 and raw[1] == 0:
        text = raw.decode("utf-16-le")
    elif raw.startswith(b"\xef\xbb\xbf"):
        text = raw[3:].decode("utf-8")
    else:
        text = raw.decode("utf-8")
    text = re.sub(r"^(\s*)<\?xml\s[^?]*\?>", r"\1", text)
    lines = []
    pending = []
    depth = [0]

    def flush():
        if pending:
            s = "".join(pending)
            if depth[0] > 0 or s.strip(" \t\r\n"):
                lines.append("text " + escape(s))
            pending.clear()

    def local(name):
        return name.rsplit(":", 1)[-1]

    def start(name, attrs):
        flush()
        if name == "avswap-dump-root":
            return
        parts = ["start " + local(name)]
        for i in range(0, len(attrs), 2):
            parts.append("%s=%s" % (local(attrs[i]), escape(attrs[i + 1])))
        lines.append(" ".join(parts))
        depth[0] += 1

    def end(name):
        flush()
        if name == "avswap-dump-root":
            return
        depth[0] -= 1
        lines.append("end " + local(name))

    # Without namespace processing: the reader reports xmlns attributes as attributes too.
    p = xml.parsers.expat.ParserCreate("UTF-8")
    p.ordered_attributes = True
    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = pending.append
    p.Parse(("<avswap-dump-root>" + text + "</avswap-dump-root>").encode("utf-8"), True)
    print("\n".join(lines + ["ok bytes %d sha256 %s" % (len(raw), hashlib.sha256(raw).hexdigest())]))


if __name__ == "__main__":
    main(sys.argv[1])
