# shellcheck shell=bash
# The Wine XML reader (win32/xmlread.c over core/xmlinput: XmlLite fed in chunks, UTF-16 turned
# into UTF-8, a root element added) as `avswap report` and `evidence verify --events` use it,
# driven by xmlbench.exe (tests/bench/xmlbench.c, built into build/mingw) and compared with
# Python's expat on the same files (tests/e2e/xmldump.py). Exports come from a real scan's
# events (scripts/lib/evxml.sh) and from tests/e2e/xmlgen.py (chunk edges, a large file).
e2e_independent

XR_BENCH=${AVS_XMLBENCH:-$AVS_REPO/build/mingw/xmlbench.exe}

# xr_dump NAME FILE: xmlbench dump FILE into $E2E_RES/NAME.out (CRs off), its exit code in
# $E2E_RES/NAME.code.
xr_dump() {
    local rc=0
    [[ -f $XR_BENCH ]] || fail "no $XR_BENCH (scripts/build builds it; or set AVS_XMLBENCH)"
    avs_wine "$(e2e_prefix clean)" "$XR_BENCH" dump "$(avs_winpath "$2")" >"$E2E_RES/$1.raw" \
        2>"$E2E_RES/$1.err" || rc=$?
    tr -d '\r' <"$E2E_RES/$1.raw" >"$E2E_RES/$1.out"
    printf '%s\n' "$rc" >"$E2E_RES/$1.code"
}

# xr_same NAME FILE: the Wine reader reports FILE's nodes, size and SHA-256 as expat does.
xr_same() {
    xr_dump "$1" "$2"
    python3 "$E2E_DIR/xmldump.py" "$2" >"$E2E_RES/$1.ref" || fail "$1: expat rejects the file"
    eq "$(<"$E2E_RES/$1.code")" 0 "$1: xmlbench exit code ($(tail -n 1 "$E2E_RES/$1.out"))"
    cmp -s "$E2E_RES/$1.ref" "$E2E_RES/$1.out" ||
        fail "$1: the reader differs from expat: $(diff "$E2E_RES/$1.ref" "$E2E_RES/$1.out" | head -c 600)"
}

# xr_error NAME FILE EXPECTED: xmlbench stops on FILE with the last line EXPECTED, exit 1.
xr_error() {
    xr_dump "$1" "$2"
    eq "$(<"$E2E_RES/$1.code")" 1 "$1: xmlbench exit code"
    eq "$(tail -n 1 "$E2E_RES/$1.out")" "$3" "$1: where and why"
}

# The export of a real run (a clean machine's scan), as wevtutil writes it: no root element.
xr_export() {
    local r
    r=$(e2e_scan clean-json clean scan --json)
    avs_events_xml "$r.err" "PC-XMLREAD.corp.example" >"$1"
    [[ $(grep -c '<Event ' "$1") -ge 2 ]] || fail "the scan reported no events: $(head -c 300 "$r.err")"
}

t_xmlread_forms() {
    local x=$E2E_RES/xr-forms.xml
    xr_export "$x"
    { printf '<?xml version="1.0" encoding="UTF-8"?>\r\n<Events>\r\n'; cat "$x"; printf '</Events>\r\n'; } >"$x.root"
    { printf '\xff\xfe'; iconv -f UTF-8 -t UTF-16LE "$x"; } >"$x.u16bom"
    iconv -f UTF-8 -t UTF-16LE "$x" >"$x.u16"
    { printf '\xff\xfe'; sed 's/encoding="UTF-8"/encoding="UTF-16"/' "$x.root" | iconv -f UTF-8 -t UTF-16LE; } >"$x.u16root"
    xr_same xr-forms-utf8 "$x"
    xr_same xr-forms-root "$x.root"
    xr_same xr-forms-u16bom "$x.u16bom"
    xr_same xr-forms-u16 "$x.u16"
    xr_same xr-forms-u16root "$x.u16root"
    # The same events whatever the form (the added root element never shows; the line breaks
    # between events are text inside <Events>, and left out between top-level elements).
    local f
    for f in root u16bom u16 u16root; do
        diff <(grep -v -E '^(ok|start Events|end Events|text (\\r|\\n)*$)' "$E2E_RES/xr-forms-utf8.out") \
            <(grep -v -E '^(ok|start Events|end Events|text (\\r|\\n)*$)' "$E2E_RES/xr-forms-$f.out") >/dev/null ||
            fail "the $f form reads as other events than UTF-8 without a root"
    done
    grep -q '^start Provider Name=AvSwap$' "$E2E_RES/xr-forms-utf8.out" || fail "no AvSwap provider read"
}
e2e_test xmlread-forms t_xmlread_forms

# A truncated export (a copy cut short, a collector's disk full) stops with "unexpected end of
# file" at the file's last character + 1, counted as an editor counts (UTF-16 units).
t_xmlread_truncated() {
    local x=$E2E_RES/xr-trunc.xml cut pos
    xr_export "$x"
    for cut in 0.5 0.77; do
        pos=$(python3 - "$x" "$cut" "$x.cut" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
n = int(len(data) * float(sys.argv[2]))
while data[n - 1] in b"<>/ \n":  # cut inside a name or text, not at a tag's edge
    n -= 1
cut = data[:n]
while cut[-1] & 0xC0 == 0x80:  # whole UTF-8 characters (a UTF-16 copy is made from it)
    cut = cut[:-1]
open(sys.argv[3], "wb").write(cut)
text = cut.decode("utf-8")
lines = text.split("\n")
print(len(lines), len(lines[-1].encode("utf-16-le")) // 2 + 1)
PY
        )
        read -r line col <<<"$pos"
        xr_error "xr-trunc-$cut" "$x.cut" "error AVS_EFORMAT line $line column $col: unexpected end of file"
        { printf '\xff\xfe'; iconv -f UTF-8 -t UTF-16LE "$x.cut"; } >"$x.cut16"
        xr_error "xr-trunc16-$cut" "$x.cut16" "error AVS_EFORMAT line $line column $col: unexpected end of file"
    done
    # An odd number of bytes: UTF-16 cut inside a character.
    head -c -1 "$x.cut16" >"$x.odd16"
    xr_error xr-trunc-odd "$x.odd16" "error AVS_EFORMAT line $line column $((col - 1)): unexpected end of file (half a UTF-16 character)"
}
e2e_test xmlread-truncated t_xmlread_truncated

# The reader's chunks (64 KiB) end inside UTF-8 characters of 2, 3 and 4 bytes and between the
# halves of UTF-16 surrogate pairs; XmlLite's own reads (about 8 KB) end everywhere in between.
t_xmlread_chunk_edges() {
    python3 "$E2E_DIR/xmlgen.py" utf8-split "$E2E_RES/xr-split8.xml"
    python3 "$E2E_DIR/xmlgen.py" utf16-split "$E2E_RES/xr-split16.xml"
    xr_same xr-split8 "$E2E_RES/xr-split8.xml"
    xr_same xr-split16 "$E2E_RES/xr-split16.xml"
    grep -q 'z</Data>' "$E2E_RES/xr-split8.xml" || true
    grep -c '😀z$' "$E2E_RES/xr-split8.out" | grep -qx 3 || fail "the cut 4-byte characters are not all read back"
}
e2e_test xmlread-chunk-edges t_xmlread_chunk_edges

# A file many times the chunk: every node as expat reads it, and the reader's memory the same
# for 4 MB as for 40 MB (peak working set within 8 MiB of a 1 KB file's).
t_xmlread_large() {
    local small=$E2E_RES/xr-small.xml big=$E2E_RES/xr-large.xml huge=$E2E_RES/xr-huge.xml p k0 k1 k2
    python3 "$E2E_DIR/xmlgen.py" large "$big" 60
    python3 "$E2E_DIR/xmlgen.py" large "$huge" 640
    python3 "$E2E_DIR/xmlgen.py" large "$small" 0
    xr_same xr-large "$big"
    p=$(e2e_prefix clean)
    for f in small large huge; do
        avs_wine "$p" "$XR_BENCH" stream "$(avs_winpath "$E2E_RES/xr-$f.xml")" >"$E2E_RES/xr-mem-$f.out" 2>&1 ||
            fail "xmlbench stream $f: $(head -c 300 "$E2E_RES/xr-mem-$f.out")"
    done
    k0=$(grep -o 'peak_kib [0-9]*' "$E2E_RES/xr-mem-small.out" | cut -d' ' -f2)
    k1=$(grep -o 'peak_kib [0-9]*' "$E2E_RES/xr-mem-large.out" | cut -d' ' -f2)
    k2=$(grep -o 'peak_kib [0-9]*' "$E2E_RES/xr-mem-huge.out" | cut -d' ' -f2)
    [[ -n $k0 && -n $k1 && -n $k2 && $k0 -gt 0 ]] || fail "no peak working set: $(cat "$E2E_RES"/xr-mem-*.out)"
    ((k1 - k0 < 8192 && k2 - k0 < 8192)) ||
        fail "memory grows with the file: $k0 KiB for 1 KB, $k1 KiB for 4 MB, $k2 KiB for 40 MB"
    grep -q "bytes $(stat -c %s "$huge") " "$E2E_RES/xr-mem-huge.out" || fail "the 40 MB file was not read whole"
}
e2e_test xmlread-large t_xmlread_large

# What is not XML stops the reader with where and why; nothing of it passes for events.
t_xmlread_malformed() {
    local d=$E2E_RES/xr-bad
    printf '<Event><a>1</a></Event>\n<Event><a>1</b></Event>\n' >"$d-match.xml"
    xr_error xr-bad-match "$d-match.xml" "error AVS_EFORMAT line 2 column 16: end tag does not match the start tag"
    printf '<Event/>\ngarbage<Event/>\n' >"$d-text.xml"
    xr_error xr-bad-text "$d-text.xml" "error AVS_EFORMAT line 2 column 8: text outside any element"
    printf '<!DOCTYPE e [<!ENTITY a "b">]><e>&a;</e>' >"$d-dtd.xml"
    xr_dump xr-bad-dtd "$d-dtd.xml"
    eq "$(<"$E2E_RES/xr-bad-dtd.code")" 1 "a DTD is refused ($(tail -n 1 "$E2E_RES/xr-bad-dtd.out"))"
    grep -q '^start\|^text' "$E2E_RES/xr-bad-dtd.out" && fail "a DTD's entity was read: $(head -c 300 "$E2E_RES/xr-bad-dtd.out")"
    printf '\xfe\xff\x00<\x00a\x00/\x00>' >"$d-be.xml"
    xr_error xr-bad-be "$d-be.xml" "error AVS_EFORMAT line 1 column 1: big-endian UTF-16 is not read (UTF-8 or UTF-16LE only)"
    { printf '\xff\xfe'; printf '<a>x' | iconv -f UTF-8 -t UTF-16LE; printf '\x00\xdc'; printf '</a>' | iconv -f UTF-8 -t UTF-16LE; } >"$d-lone.xml"
    xr_error xr-bad-lone "$d-lone.xml" "error AVS_EFORMAT line 1 column 5: invalid UTF-16 (a low surrogate without its high half)"
    # A gzip file given as events (an evidence export): refused at once, where Wine's XmlLite
    # alone reads it forever.
    printf 'seq 1\n' | gzip >"$d-gz.xml"
    xr_error xr-bad-gz "$d-gz.xml" "error AVS_EFORMAT line 1 column 1: not XML text (a control character: a binary file?)"
}
e2e_test xmlread-malformed t_xmlread_malformed
