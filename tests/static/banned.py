#!/usr/bin/env python3
"""Fails on calls AvSwap's C code must never make (docs/SECURITY.md, CONTRIBUTING rules).

    tests/static/banned.py [PATH...]     check .c/.h files (default: core win32 uninstaller service)
    tests/static/banned.py --self-test   show that every banned call is caught, and that comments,
                                         strings and look-alike names are not

Banned, because each runs a shell or another program chosen by text, searches DLLs in the
current or the exe's folder, or writes past a buffer:
  system/_wsystem/popen, ShellExecute*, WinExec, _exec*/_spawn*, LoadLibrary/LoadLibraryA/W
  (LoadLibraryEx* only with LOAD_LIBRARY_SEARCH_SYSTEM32, or as a data file / image resource),
  strcpy, wcscpy, lstrcpy*, StrCpy*, strcat, wcscat, lstrcat*, StrCat*, sprintf, vsprintf,
  wsprintf*, gets, _getws.
A reviewed exception carries `banned-ok: REASON` in a comment on the call's line or the line
above it.
Comments and string literals are blanked before matching; a member call (x.system(), p->gets())
is not a call of the banned function."""
import os
import re
import sys
import tempfile

BANNED = {
    "system": "runs a command through the shell",
    "_wsystem": "runs a command through the shell",
    "_tsystem": "runs a command through the shell",
    "popen": "runs a command through the shell",
    "_popen": "runs a command through the shell",
    "_wpopen": "runs a command through the shell",
    "WinExec": "runs a command line, searching the path",
    "LoadLibrary": "searches the exe's folder and the working directory for the DLL",
    "LoadLibraryA": "searches the exe's folder and the working directory for the DLL",
    "LoadLibraryW": "searches the exe's folder and the working directory for the DLL",
    "strcpy": "unbounded copy",
    "wcscpy": "unbounded copy",
    "_tcscpy": "unbounded copy",
    "_mbscpy": "unbounded copy",
    "strcat": "unbounded append",
    "wcscat": "unbounded append",
    "_tcscat": "unbounded append",
    "sprintf": "unbounded format (use snprintf or avs_buf_printf)",
    "vsprintf": "unbounded format (use vsnprintf or avs_buf_vprintf)",
    "gets": "unbounded read",
    "_getws": "unbounded read",
}
BANNED_PREFIX = {
    "ShellExecute": "runs whatever the file's association says",
    "lstrcpy": "unbounded copy",
    "lstrcat": "unbounded append",
    "StrCpy": "unbounded copy",
    "StrCat": "unbounded append",
    "wsprintf": "unbounded format",
    "wvsprintf": "unbounded format",
}
BANNED_RE = [
    (re.compile(r"^_w?exec[lv]p?e?$"), "runs a program (the p forms search the path)"),
    (re.compile(r"^_w?spawn[lv]p?e?$"), "runs a program (the p forms search the path)"),
]
LOADLIBRARYEX = re.compile(r"^LoadLibraryEx[AW]?$")
SAFE_LOAD_FLAGS = ("LOAD_LIBRARY_SEARCH_SYSTEM32", "LOAD_LIBRARY_AS_DATAFILE",
                   "LOAD_LIBRARY_AS_IMAGE_RESOURCE")
CALL = re.compile(r"(?<![\w.>])([A-Za-z_]\w*)\s*\(")
ALLOW = "banned-ok:"


def blank_comments_and_strings(src):
    """SRC with comments and string/char literal contents replaced by spaces (newlines kept)."""
    out = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == "/" and i + 1 < n and src[i + 1] == "*":
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", src[i:j]))
            i = j
        elif c == "/" and i + 1 < n and src[i + 1] == "/":
            j = src.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and src[j] != c and src[j] != "\n":
                j += 2 if src[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + re.sub(r"[^\n]", " ", src[i + 1:j - 1]) + c)
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def why_banned(name):
    if name in BANNED:
        return BANNED[name]
    for p, why in BANNED_PREFIX.items():
        if name.startswith(p):
            return why
    for r, why in BANNED_RE:
        if r.match(name):
            return why
    return None


def call_args(code, open_paren):
    """The text between the parenthesis at OPEN_PAREN and its match (or the rest)."""
    depth = 0
    for k in range(open_paren, len(code)):
        if code[k] == "(":
            depth += 1
        elif code[k] == ")":
            depth -= 1
            if depth == 0:
                return code[open_paren + 1:k]
    return code[open_paren + 1:]


def check_file(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        src = f.read()
    lines = src.split("\n")
    code = blank_comments_and_strings(src)
    found = []
    for m in CALL.finditer(code):
        name = m.group(1)
        why = why_banned(name)
        if why is None and LOADLIBRARYEX.match(name):
            args = call_args(code, m.end() - 1)
            if not any(flag in args for flag in SAFE_LOAD_FLAGS):
                why = "without LOAD_LIBRARY_SEARCH_SYSTEM32 it searches unsafe folders"
        if why is None:
            continue
        line = code.count("\n", 0, m.start()) + 1
        if ALLOW in lines[line - 1] or (line >= 2 and ALLOW in lines[line - 2]):
            continue
        found.append((path, line, name, why))
    return found


def sources(paths):
    for p in paths:
        if os.path.isfile(p):
            yield p
        elif os.path.isdir(p):
            for d, _, files in sorted(os.walk(p)):
                for f in sorted(files):
                    if f.endswith((".c", ".h")):
                        yield os.path.join(d, f)


def run(paths):
    found = []
    for f in sources(paths):
        found += check_file(f)
    for path, line, name, why in found:
        print(f"{path}:{line}: banned call {name}(): {why}")
    return found


SELF_TEST_BANNED = [
    ("system", 'system("del x");'),
    ("_wsystem", '_wsystem(L"x");'),
    ("popen", 'popen("x", "r");'),
    ("ShellExecuteW", "ShellExecuteW(NULL, L\"open\", path, NULL, NULL, 0);"),
    ("ShellExecuteExW", "ShellExecuteExW(&info);"),
    ("WinExec", 'WinExec("x", 0);'),
    ("_wspawnlp", '_wspawnlp(0, L"x", NULL);'),
    ("_execvp", "_execvp(a, b);"),
    ("LoadLibrary", 'LoadLibrary(TEXT("x.dll"));'),
    ("LoadLibraryA", 'LoadLibraryA("bcrypt.dll");'),
    ("LoadLibraryW", 'LoadLibraryW(L"bcrypt.dll");'),
    ("LoadLibraryExW", 'LoadLibraryExW(L"msi.dll", NULL, 0);'),
    ("LoadLibraryExW", 'LoadLibraryExW(L"msi.dll",\n    NULL,\n    LOAD_WITH_ALTERED_SEARCH_PATH);'),
    ("strcpy", "strcpy(dst, src);"),
    ("wcscpy", "wcscpy (dst, src);"),
    ("lstrcpyW", "lstrcpyW(dst, src);"),
    ("lstrcpynW", "lstrcpynW(dst, src, 4);"),
    ("StrCpyW", "StrCpyW(dst, src);"),
    ("strcat", "strcat(dst, src);"),
    ("wcscat", "wcscat(dst, src);"),
    ("lstrcatW", "lstrcatW(dst, src);"),
    ("sprintf", 'sprintf(buf, "%d", 1);'),
    ("vsprintf", "vsprintf(buf, fmt, ap);"),
    ("wsprintfW", 'wsprintfW(buf, L"%d", 1);'),
    ("gets", "gets(buf);"),
    ("_getws", "_getws(buf);"),
]
SELF_TEST_CLEAN = r'''
/* system("x"); strcpy(a, b); sprintf(buf, "x"); LoadLibraryW(L"x.dll");
 * a comment that names every banned call: ShellExecuteW( WinExec( gets( */
// strcat(a, b); LoadLibraryA("x");
static const char msg[] = "do not call system(\"x\") or strcpy(a, b) here";
static const char quote = '"'; /* a quote character must not open a string: */
int f(void)
{
    char buf[16];
    snprintf(buf, sizeof buf, "%d", 1);            /* snprintf is fine */
    vsnprintf(buf, sizeof buf, "%d", ap);
    avs_buf_printf(b, "sprintf(x)");
    my_system(1); os_gets(2); filesystem(3);       /* other names */
    ops.system(1); ops->gets(2);                    /* members, not the C functions */
    HMODULE m = LoadLibraryExW(L"bcrypt.dll", NULL, LOAD_LIBRARY_SEARCH_SYSTEM32);
    HMODULE r = LoadLibraryExW(path, NULL,
                               LOAD_LIBRARY_AS_DATAFILE | LOAD_LIBRARY_AS_IMAGE_RESOURCE);
    strcpy(dst, "x"); /* banned-ok: the self-test's reviewed exception */
    /* banned-ok: an exception reviewed on the line above */
    strcat(dst, "x");
    return quote;
}
'''


def self_test():
    ok = True
    with tempfile.TemporaryDirectory() as d:
        for i, (name, snippet) in enumerate(SELF_TEST_BANNED):
            path = os.path.join(d, f"bad{i}.c")
            with open(path, "w") as f:
                f.write("void f(void)\n{\n    " + snippet + "\n}\n")
            found = check_file(path)
            if [x[2] for x in found] != [name] or found[0][1] != 3:
                print(f"self-test: {snippet!r}: expected {name}() at line 3, got {found}")
                ok = False
        clean = os.path.join(d, "clean.c")
        with open(clean, "w") as f:
            f.write(SELF_TEST_CLEAN)
        found = check_file(clean)
        if found:
            print(f"self-test: false positives in the clean file: {found}")
            ok = False
        # The whole directory must fail, as a tree containing any of them does.
        with open(os.devnull, "w") as null:
            saved, sys.stdout = sys.stdout, null
            try:
                n = len(run([d]))
            finally:
                sys.stdout = saved
        if n != len(SELF_TEST_BANNED):
            print(f"self-test: the directory gave {n} findings, not {len(SELF_TEST_BANNED)}")
            ok = False
    print(f"banned-call self-test: {'ok' if ok else 'FAILED'} "
          f"({len(SELF_TEST_BANNED)} banned calls caught, clean file clean)")
    return ok


def main(argv):
    if argv[1:] == ["--self-test"]:
        return 0 if self_test() else 1
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    paths = argv[1:] or [os.path.join(root, p) for p in ("core", "win32", "uninstaller", "service")
                         if os.path.isdir(os.path.join(root, p))]
    found = run(paths)
    print(f"banned calls: {len(found)} in {', '.join(os.path.relpath(p, root) for p in paths)}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
