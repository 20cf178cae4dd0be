#!/usr/bin/env python3
"""Writes the hand-made seeds of tests/fuzz/corpus/{catalog,cmdline,regdata,jsonread}.

The seeds are committed: they are the corpus. Run this (scripts/fuzz --seeds does) only to
regenerate them after a format change. The journal seeds come from tools/journal_seeds.c, which
uses core's own journal writer."""
import os
import shutil
import struct
import sys

root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "tests", "fuzz", "corpus")


def put(sub, name, data):
    d = os.path.join(out, sub)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---- catalog: the built-in catalog, the test fixtures, and one seed per section and key ----
put("catalog", "builtin", open(os.path.join(root, "core", "catalog.txt"), "rb").read())
for fx in ("catalog-contoso.txt", "catalog-approved-contoso.txt", "catalog-bad.txt"):
    put("catalog", fx[:-4], open(os.path.join(root, "tests", "fixtures", fx), "rb").read())
put("catalog", "every-key", """\ufeff# every section and key once
[vendor]
publisher = AO Kaspersky Lab
publisher = АО Лаборатория Касперского
registry = SOFTWARE\\KasperskyLab

[product kes]
name = Kaspersky Endpoint Security for Windows
match = Kaspersky Endpoint Security*
match = *Kaspersky*Endpoint*
role = protection
priority = 10
fallback = no
password-properties = KLLOGIN KLPASSWD
quiet-args = /s /qn

[component AVP*]
kind = service
role = protection

[component klif]
kind = driver
role = protection

[approved contoso]
name = Contoso Antivirus
service = ContosoAV
match = Contoso*
coexist = yes
""".replace("\n", "\r\n"))
put("catalog", "errors-late", "[product a]\nname = A\nmatch = A*\nrole = utility\npriority = 1\n"
    "[product a]\nname = again\n")
put("catalog", "lookup-names", "[product x]\nname = X\nmatch = *a*b*c*d*e*\nrole = utility\n"
    "priority = 999\n[approved y]\nname = Y\nmatch = ?*?*?*\nkind = service\n"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\n")

# ---- cmdline: NUL-separated argument vectors, and real uninstall strings ----
Z = "\0"
put("cmdline", "argv-plain", Z.join(["C:\\Program Files\\Kaspersky Lab\\setup.exe", "/s",
                                     "/x", "KLPASSWD=secret"]))
put("cmdline", "argv-quotes", Z.join(["C:\\Program Files (x86)\\KL\\un.exe", 'a"b', 'a\\"b',
                                      "trailing\\", "two words\\\\", "", "\t", '""']))
put("cmdline", "argv-backslashes", Z.join(["C:\\x.exe", "\\\\server\\share\\", "\\\"",
                                           "\\\\\\\"x", "a\\\\b"]))
put("cmdline", "quiet-string",
    '"C:\\Program Files (x86)\\Kaspersky Lab\\Kaspersky Security Center\\setup.exe" /s'
    + Z + "MsiExec.exe /X{2924BEDA-E0D7-4DAF-A224-50D2E0B12F5B}" + Z)
put("cmdline", "uninstall-string-catalog-args",
    Z + "C:\\ProgramData\\Package Cache\\{5B1E2C3D}\\kpm_setup.exe /uninstall" + Z + "/s /qn")
put("cmdline", "unquoted-space",
    "C:\\Program Files\\Kaspersky Lab\\Kaspersky Free\\avpui.exe /uninstall")
put("cmdline", "shell", '"C:\\Windows\\System32\\cmd.exe" /c del C:\\x' + Z + Z + "/s")
put("cmdline", "msvcrt-rules", '"prog name" a\\\\\\"b "c d" e"" f""""g \\\\"h i"')
put("cmdline", "device-and-ads",
    '"C:\\Program Files\\KL\\nul.exe" /s' + Z + "C:\\Program Files\\KL\\a.exe:ads.exe /s"
    + Z + "/q")
put("cmdline", "device-names",
    '"C:\\Program Files\\KL\\COM\u00b9.exe" /s' + Z + "C:\\Program Files\\LPT0\\a.exe" + Z + "/q")

# ---- regdata: byte 0 = type (low 4 bits) and which Uninstall value (high 4 bits); then data ----
REG_SZ, REG_EXPAND_SZ, REG_BINARY, REG_DWORD, REG_MULTI_SZ = 1, 2, 3, 4, 7
NAMES = {"DisplayName": 0, "Publisher": 1, "DisplayVersion": 2, "UninstallString": 3,
         "QuietUninstallString": 4, "WindowsInstaller": 5}


def reg(name, value_name, typ, data):
    put("regdata", name, bytes([(NAMES[value_name] << 4) | typ]) + data)


def sz(s, nul=True):
    return s.encode("utf-16-le") + (b"\0\0" if nul else b"")


reg("displayname", "DisplayName", REG_SZ, sz("Kaspersky Endpoint Security for Windows"))
reg("publisher-ru", "Publisher", REG_SZ, sz("АО Лаборатория Касперского"))
reg("publisher-nbsp-zwsp", "Publisher", REG_SZ, sz("AO\u00a0Kaspersky\u200b Lab"))
reg("version-no-nul", "DisplayVersion", REG_SZ, sz("11.11.0.452", nul=False))
reg("uninstall-msi", "UninstallString", REG_EXPAND_SZ,
    sz("MsiExec.exe /X{7A4192A1-84C4-4E90-A31B-B4847CA8E23A}"))
reg("quiet-exe", "QuietUninstallString", REG_SZ,
    sz('"C:\\Program Files (x86)\\Kaspersky Lab\\KES\\setup.exe" /s /x'))
reg("windowsinstaller", "WindowsInstaller", REG_DWORD, struct.pack("<I", 1))
reg("dword-short", "WindowsInstaller", REG_DWORD, b"\1\0")
reg("odd-size", "DisplayName", REG_SZ, sz("Kaspersky Free") + b"x")
reg("surrogates", "DisplayName", REG_SZ,
    sz("K\U0001F600") + b"\x3d\xd8A\0" + b"\x00\xde\0\0")
reg("embedded-nul", "DisplayName", REG_SZ, sz("Kaspersky") + sz("Hidden tail"))
reg("binary", "DisplayName", REG_BINARY, b"\xde\xad\xbe\xef")
reg("pfro-multi-sz", "DisplayName", REG_MULTI_SZ,
    sz("\\??\\C:\\Windows\\Temp\\old.sys") + sz("") + b"\0\0")
reg("pfro-empty", "DisplayName", REG_MULTI_SZ, b"\0\0")
reg("long", "DisplayName", REG_SZ, sz("K" * 2049))

# ---- journal, mode 2: records folded directly (fuzz_journal.c: 3 bytes each) ----
PLAN, PREFLIGHT, REMOVE, STAGE, INSTALL, VERIFY, REBOOT, OUTCOME, JOURNAL = range(9)
OUT = {0: 0, 1605: 1, 3010: 2, 1641: 3, 1603: 4, 1618: 5, 1602: 6, -1: 7}


def rec(step, end=False, run=0, code=0, name=0, outcome=0):
    return bytes([step | (end << 4) | (run << 5), code | (name << 2), OUT[outcome]])


put("journal", "fold-interrupted", b"\x02" + b"".join([
    rec(PLAN), rec(PLAN, True), rec(PREFLIGHT), rec(PREFLIGHT, True),
    rec(REMOVE, code=1, name=1), rec(REMOVE, True, code=1, name=1, outcome=3010),
    rec(REMOVE, code=2, name=2), rec(REBOOT), rec(OUTCOME, True, outcome=3010)]))
put("journal", "fold-two-runs", b"\x02" + b"".join([
    rec(REMOVE, code=1), rec(REMOVE, True, code=1, outcome=1603), rec(OUTCOME, True, outcome=1603),
    rec(PLAN, run=1), rec(PLAN, True, run=1), rec(REMOVE, run=1, name=3),
    rec(REMOVE, True, run=1, name=3, outcome=1618), rec(REMOVE, run=1, name=3),
    rec(REMOVE, True, run=1, name=3, outcome=0), rec(JOURNAL, True, run=1),
    rec(INSTALL, run=1), rec(INSTALL, True, run=1, outcome=3010), rec(REBOOT, True, run=1)]))

# ---- jsonread: edge cases (the journal records come from tools/journal_seeds.c) ----
put("jsonread", "escapes", '{"a":"\\u00e9\\ud83d\\ude00\\n\\t\\"\\\\\\/\\b\\f\\r","b":"\\u0000"}')
put("jsonread", "numbers", '[0,-0,9223372036854775807,-9223372036854775808,1,-1,123456789]')
put("jsonread", "literals", '[true,false,null,{},[],""]')
put("jsonread", "deep-32", "[" * 32 + "]" * 32)
put("jsonread", "deep-33", "[" * 33 + "]" * 33)
put("jsonread", "duplicate-key", '{"seq":1,"seq":2}')
put("jsonread", "lone-surrogate", '"\\ud800"')
put("jsonread", "utf8-raw", '{"publisher":"АО Лаборатория Касперского","z":"\u200b"}')
put("jsonread", "scan-output", """{"schema":1,"host":"PC-042","findings":[{"product":"Kaspersky \
Endpoint Security for Windows","version":"11.11.0.452","source":"uninstall-64","key":"HKLM\\\\\
SOFTWARE\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Uninstall\\\\{7A4192A1-84C4-4E90-A31B-\
B4847CA8E23A}","windows_installer":true,"priority":10}],"sources":{"msi":{"ok":true,"count":\
212}},"elapsed":1.234}""")
print("seeds written to", out)
