#!/usr/bin/env python3
"""Reads AvSwap's MSI back with `msiinfo export` and checks every table msi/avswap.wxs and
msi/postbuild.sh promise (issue 7, docs/DEPLOY.md "Installing the MSI", docs/SECURITY.md
"MSI repair by a standard user").

The expected values come from the sources the MSI must agree with, read here independently of
the build: the UpgradeCode from core/self.h, the version from CMakeLists.txt, the event log's
registration from win32/eventlog_def.h (the header win32/eventlog.c uses; msi/evlog_sql.c
generates the rows from it, this parser checks the generator).

Usage: check_msi.py MSI              exit 0 when every check passes, 1 listing the failures
       check_msi.py --self-test MSI  breaks a copy of MSI once per check (msibuild) and shows
                                     that each break is caught by the check it targets
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Custom action types that run no code and show nothing: 51 sets a property. Every other type
# runs a DLL, an EXE, a script or a nested install (low three bits 1, 2, 5, 6, 7), sets a
# directory (35: could point a folder at a user-writable path) or shows a message (19).
ALLOWED_CA_TYPES = {51}


def tables(msi, names):
    out = {}
    for name in names:
        r = subprocess.run(["msiinfo", "export", msi, name], capture_output=True, text=True)
        if r.returncode != 0:
            out[name] = None
            continue
        lines = r.stdout.split("\n")
        cols = lines[0].rstrip("\r").split("\t")
        rows = []
        for line in lines[3:]:
            line = line.rstrip("\r")
            if not line:
                continue
            vals = line.split("\t")
            rows.append(dict(zip(cols, vals + [""] * (len(cols) - len(vals)))))
        out[name] = rows
    return out


def suminfo(msi):
    r = subprocess.run(["msiinfo", "suminfo", msi], capture_output=True, text=True)
    info = {}
    for line in r.stdout.splitlines():
        k, _, v = line.partition(": ")
        info[k.strip()] = v.strip()
    return info


def header_defines(path):
    """The #defines of eventlog_def.h, evaluated: string literals concatenated (with macro
    references expanded), numbers evaluated as unsigned 32-bit C integers."""
    text = open(path, encoding="utf-8").read().replace("\\\n", " ")
    raw = {}
    for m in re.finditer(r"^#define[ \t]+(AVS_\w+)[ \t]+(.*)$", text, re.M):
        raw[m.group(1)] = m.group(2).strip()
    vals = {}

    def ev(name):
        if name in vals:
            return vals[name]
        body = raw[name]
        if '"' in body:
            parts = re.findall(r'"((?:[^"\\]|\\.)*)"|(AVS_\w+)', body)
            s = ""
            for lit, ref in parts:
                s += ev(ref) if ref else lit.encode().decode("unicode_escape")
            vals[name] = s
        else:
            expr = re.sub(r"(0x[0-9A-Fa-f]+|\d+)[uUlL]*", r"\1", body)
            vals[name] = eval(expr, {"__builtins__": {}}) & 0xFFFFFFFF  # noqa: S307 (our header)
        return vals[name]

    for k in raw:
        if k != "AVS_EVENTLOG_DEF_H":
            ev(k)
    return vals


def expected():
    d = header_defines(os.path.join(REPO, "win32", "eventlog_def.h"))
    self_h = open(os.path.join(REPO, "core", "self.h"), encoding="utf-8").read()
    upgrade = re.search(r'#define AVS_SELF_UPGRADE_CODE "(\{[0-9A-F-]+\})"', self_h).group(1)
    cml = open(os.path.join(REPO, "CMakeLists.txt"), encoding="utf-8").read()
    version = re.search(r"project\(avswap VERSION ([0-9.]+)", cml).group(1)

    def dword(v):
        return "#%d" % (v - (1 << 32) if v & 0x80000000 else v)

    log, src = d["AVS_EVLOG_LOG_KEY"], d["AVS_EVLOG_SOURCE_KEY"]
    evlog = {
        (log, "MaxSize"): dword(d["AVS_EVLOG_MAX_SIZE"]),
        (log, "Retention"): dword(d["AVS_EVLOG_RETENTION"]),
        (log, "AutoBackupLogFiles"): dword(d["AVS_EVLOG_AUTO_BACKUP"]),
        (log, "File"): "#%" + d["AVS_EVLOG_FILE"],
        (log, "CustomSD"): d["AVS_EVLOG_SDDL"],
        (src, "TypesSupported"): dword(d["AVS_EVLOG_TYPES"]),
        (src, "EventMessageFile"): "#%[#" + d["AVS_EVLOG_MSGDLL_NAME"] + "]",
    }
    return {"upgrade": upgrade, "version": version, "evlog": evlog,
            "msgdll": d["AVS_EVLOG_MSGDLL_NAME"], "appdir": d["AVS_EVLOG_MSGDLL_DIR"]}


TABLES = ["Property", "Directory", "File", "Component", "FeatureComponents", "ServiceInstall",
          "ServiceControl", "MsiServiceConfig", "MsiServiceConfigFailureActions",
          "InstallExecuteSequence", "InstallUISequence", "AdminExecuteSequence",
          "AdvtExecuteSequence", "CustomAction", "Binary", "Registry", "Upgrade", "AppSearch",
          "RegLocator", "RemoveFile", "CreateFolder"]


def check(msi, t=None, info=None):
    """Returns the list of failures, each "check-name: what is wrong". T and INFO: the tables
    and the summary already read from MSI (the self-test re-reads only the table it broke)."""
    exp = expected()
    t = t if t is not None else tables(msi, TABLES)
    info = info if info is not None else suminfo(msi)
    fails = []

    def need(name, ok, msg):
        if not ok:
            fails.append("%s: %s" % (name, msg))

    def rows(name):
        return t.get(name) or []

    prop = {r["Property"]: r["Value"] for r in rows("Property")}
    need("upgrade-code", prop.get("UpgradeCode") == exp["upgrade"],
         "UpgradeCode %r, core/self.h says %r" % (prop.get("UpgradeCode"), exp["upgrade"]))
    need("version", prop.get("ProductVersion") == exp["version"],
         "ProductVersion %r, CMakeLists.txt says %r" % (prop.get("ProductVersion"), exp["version"]))
    need("per-machine", prop.get("ALLUSERS") == "1", "ALLUSERS is %r, not 1" % prop.get("ALLUSERS"))
    need("product-code", re.fullmatch(r"\{[0-9A-F-]{36}\}", prop.get("ProductCode", "")) is not None,
         "ProductCode %r" % prop.get("ProductCode"))
    secure = set(prop.get("SecureCustomProperties", "").split(";"))
    need("secure-properties", {"MODE", "REPLACEMENTPATH", "REPLACEMENTSHA256"} <= secure,
         "SecureCustomProperties lacks a public property: %r" % sorted(secure))
    need("x64", info.get("Template", "").startswith("x64;"),
         "summary Template %r is not x64" % info.get("Template"))

    # Files: exactly the three, in ProgramFiles64Folder\AvSwap, in 64-bit components.
    dirs = {r["Directory"]: r for r in rows("Directory")}
    comps = {r["Component"]: r for r in rows("Component")}
    files = {r["FileName"].split("|")[-1]: r for r in rows("File")}
    need("files", sorted(files) == sorted(["avswap.exe", "avswapsvc.exe", exp["msgdll"]]),
         "File table holds %r" % sorted(files))
    for name, f in files.items():
        c = comps.get(f["Component_"], {})
        d = dirs.get(c.get("Directory_"), {})
        need("files", d.get("Directory_Parent") == "ProgramFiles64Folder"
             and d.get("DefaultDir", "").split("|")[-1] == exp["appdir"],
             "%s is not installed in ProgramFiles64Folder\\%s" % (name, exp["appdir"]))
    for cid, c in comps.items():
        need("x64", int(c["Attributes"] or 0) & 256, "component %s is not 64-bit" % cid)
    need("no-programdata", not any(r["Directory"] in ("CommonAppDataFolder",) for r in rows("Directory"))
         and not rows("RemoveFile") and not rows("CreateFolder"),
         "the MSI owns a folder beyond its files (ProgramData, RemoveFile or CreateFolder rows)")

    # The service.
    svc_comp = files.get("avswapsvc.exe", {}).get("Component_")
    si = rows("ServiceInstall")
    need("service-install", len(si) == 1, "%d ServiceInstall rows" % len(si))
    for r in si:
        need("service-install", r["Name"] == "AvSwap", "service name %r" % r["Name"])
        need("service-install", r["ServiceType"] == "16", "ServiceType %s, not own process (16)" % r["ServiceType"])
        need("service-install", r["StartType"] == "2", "StartType %s, not auto (2)" % r["StartType"])
        need("service-install", r["ErrorControl"] == "1", "ErrorControl %s, not normal (1)" % r["ErrorControl"])
        need("service-install", r["StartName"] == "LocalSystem", "StartName %r" % r["StartName"])
        need("service-install", r["Arguments"] == "" and r["Password"] == "",
             "the service has arguments or a password")
        need("service-install", r["Component_"] == svc_comp and svc_comp is not None
             and comps[svc_comp]["KeyPath"] == "avswapsvc.exe",
             "the service's component %r does not have avswapsvc.exe as key path" % r["Component_"])
    sc = rows("ServiceControl")
    need("service-control", len(sc) == 1, "%d ServiceControl rows" % len(sc))
    for r in sc:
        ev = int(r["Event"] or 0)
        need("service-control", r["Name"] == "AvSwap" and r["Component_"] == svc_comp,
             "controls %r in %r" % (r["Name"], r["Component_"]))
        # start on install 0x1, stop on install 0x2, stop on uninstall 0x20, delete on uninstall 0x80
        need("service-control", ev & 0xA3 == 0xA3 and not ev & 0x8,
             "Event %#x: not start+stop on install, stop+delete on uninstall" % ev)
        need("service-control", r["Wait"] == "1", "Wait is %r" % r["Wait"])
    mc = rows("MsiServiceConfig")
    need("delayed-start", t.get("MsiServiceConfig") is not None and any(
        r["Name"] == "AvSwap" and r["ConfigType"] == "3" and r["Argument"] == "1"
        and int(r["Event"]) & 1 and r["Component_"] == svc_comp for r in mc),
        "no MsiServiceConfig row: AvSwap, delayed auto-start (3) = 1, on install")
    fa = rows("MsiServiceConfigFailureActions")
    need("recovery", t.get("MsiServiceConfigFailureActions") is not None and any(
        r["Name"] == "AvSwap" and int(r["Event"]) & 1 and r["Component_"] == svc_comp
        and r["Actions"] and all(a == "1" for a in r["Actions"].split("[~]"))
        and len(r["DelayActions"].split("[~]")) == len(r["Actions"].split("[~]"))
        and r["Command"] == "" and int(r["ResetPeriod"] or 0) > 0 for r in fa),
        "no MsiServiceConfigFailureActions row restarting AvSwap (actions 1[~]..., no command)")
    seq = {r["Action"]: r for r in rows("InstallExecuteSequence")}

    def at(a):
        return int(seq[a]["Sequence"]) if a in seq else None
    need("configure-services", at("MsiConfigureServices") is not None
         and at("InstallServices") < at("MsiConfigureServices") < at("StartServices"),
         "MsiConfigureServices is not sequenced between InstallServices and StartServices")

    # Custom actions: none that runs code or shows anything; nothing in the Binary table.
    for r in rows("CustomAction"):
        need("custom-actions", int(r["Type"]) & 0x3F in ALLOWED_CA_TYPES and not int(r["Type"]) & ~0x3F,
             "custom action %s has type %s (only %s allowed)" % (r["Action"], r["Type"], sorted(ALLOWED_CA_TYPES)))
    need("custom-actions", not rows("Binary"), "the Binary table holds %d streams" % len(rows("Binary")))
    for s in ("InstallUISequence", "AdminExecuteSequence", "AdvtExecuteSequence"):
        ca = {r["Action"] for r in rows("CustomAction")}
        need("custom-actions", not [r for r in rows(s) if r["Action"] in ca],
             "a custom action is scheduled in %s" % s)

    # The event log: exactly the header's values, in the Permanent component of avswapmsg.dll.
    reg = rows("Registry")
    evkeys = {k for k, _ in exp["evlog"]}
    got = {(r["Key"], r["Name"]): r for r in reg if r["Key"] in evkeys}
    msg_comp = files.get(exp["msgdll"], {}).get("Component_")
    for (key, name), want in exp["evlog"].items():
        r = got.get((key, name))
        need("eventlog", r is not None and r["Root"] == "2" and r["Value"] == want,
             "HKLM\\%s\\%s is %r, eventlog_def.h says %r" % (key, name, r and r["Value"], want))
        need("eventlog", r is None or r["Component_"] == msg_comp,
             "HKLM\\%s\\%s is not in avswapmsg.dll's component %r" % (key, name, msg_comp))
    need("eventlog", len(got) == len(exp["evlog"]), "extra values under the log's keys: %r" % sorted(got))
    need("eventlog-permanent", msg_comp in comps and int(comps[msg_comp]["Attributes"]) & 16
         and comps[msg_comp]["KeyPath"] == exp["msgdll"],
         "avswapmsg.dll's component %r is not Permanent (uninstall would take the log's texts)" % msg_comp)
    for cid in {files.get(f, {}).get("Component_") for f in ("avswap.exe", "avswapsvc.exe")}:
        need("exes-removed", cid in comps and not int(comps[cid]["Attributes"]) & 16,
             "component %r of an exe is Permanent" % cid)

    # The public properties: each written only when given, remembered by AppSearch + type 51.
    locs = {r["Signature_"]: r for r in rows("RegLocator")}
    search = {r["Property"]: r["Signature_"] for r in rows("AppSearch")}
    for prop_name, value in (("MODE", "Mode"), ("REPLACEMENTPATH", "ReplacementPath"),
                             ("REPLACEMENTSHA256", "ReplacementSha256")):
        r = [x for x in reg if x["Key"] == "SOFTWARE\\AvSwap" and x["Name"] == value]
        ok = len(r) == 1 and r[0]["Root"] == "2" and r[0]["Value"] == "[%s]" % prop_name
        c = comps.get(r[0]["Component_"], {}) if r else {}
        need("properties", ok and c.get("Condition") == prop_name and c.get("KeyPath") == r[0]["Registry"]
             and not int(c.get("Attributes") or 0) & 16,
             "HKLM\\SOFTWARE\\AvSwap\\%s is not written from [%s] under the condition %s" % (value, prop_name, prop_name))
        old = "AVS_OLD_" + prop_name
        loc = locs.get(search.get(old), {})
        need("properties-kept", loc.get("Root") == "2" and loc.get("Key") == "SOFTWARE\\AvSwap"
             and loc.get("Name") == value and int(loc.get("Type") or 0) & 16,
             "%s is not read back from HKLM (64-bit view) SOFTWARE\\AvSwap\\%s" % (old, value))
        keep = [x for x in rows("CustomAction") if x["Source"] == prop_name and x["Target"] == "[%s]" % old]
        s = seq.get(keep[0]["Action"]) if keep else None
        need("properties-kept", s is not None and s["Condition"] == "NOT %s AND %s" % (prop_name, old)
             and at("AppSearch") < int(s["Sequence"]) < at("CostFinalize"),
             "no action sets %s from %s after AppSearch when the command line gave none" % (prop_name, old))
    need("no-state", not [x for x in reg if x["Key"].lower().startswith(("software\\avswap\\", "software\\policies"))],
         "the MSI writes under SOFTWARE\\AvSwap\\State or the policy key, which it must never own")

    # MajorUpgrade: every older version is removed; a newer one is only detected.
    up = [r for r in rows("Upgrade") if r["UpgradeCode"] == exp["upgrade"]]
    need("major-upgrade", any(r["VersionMax"] == exp["version"] and not int(r["Attributes"]) & 2
                              and not int(r["Attributes"]) & 0x200 and r["VersionMin"] == ""
                              for r in up) and at("RemoveExistingProducts") is not None
         and at("FindRelatedProducts") is not None,
         "no Upgrade row removing older versions of %s, or RemoveExistingProducts not sequenced" % exp["upgrade"])
    return fails


# (check it must trip, SQL that breaks the table it reads)
MUTATIONS = [
    ("upgrade-code", "UPDATE `Property` SET `Value` = '{FF792D60-AF89-473E-9DE5-9CD53718C6F1}' WHERE `Property` = 'UpgradeCode'"),
    ("version", "UPDATE `Property` SET `Value` = '0.0.9' WHERE `Property` = 'ProductVersion'"),
    ("per-machine", "DELETE FROM `Property` WHERE `Property` = 'ALLUSERS'"),
    ("secure-properties", "UPDATE `Property` SET `Value` = 'WIX_UPGRADE_DETECTED' WHERE `Property` = 'SecureCustomProperties'"),
    ("files", "UPDATE `Directory` SET `Directory_Parent` = 'ProgramFilesFolder' WHERE `Directory` = 'APPDIR'"),
    ("files", "DELETE FROM `File` WHERE `File` = 'avswapsvc.exe'"),
    ("x64", "UPDATE `Component` SET `Attributes` = 0 WHERE `Component` = 'Cli'"),
    ("service-install", "UPDATE `ServiceInstall` SET `StartType` = 3"),
    ("service-install", "UPDATE `ServiceInstall` SET `ErrorControl` = 0"),
    ("service-install", "UPDATE `ServiceInstall` SET `StartName` = '.\\Guest'"),
    ("service-install", "UPDATE `ServiceInstall` SET `Component_` = 'Cli'"),
    ("service-control", "UPDATE `ServiceControl` SET `Event` = 162"),
    ("service-control", "UPDATE `ServiceControl` SET `Event` = 35"),
    ("delayed-start", "DELETE FROM `MsiServiceConfig`"),
    ("delayed-start", "UPDATE `MsiServiceConfig` SET `Argument` = '0'"),
    ("recovery", "UPDATE `MsiServiceConfigFailureActions` SET `Actions` = '1[~]0[~]0'"),
    ("recovery", "UPDATE `MsiServiceConfigFailureActions` SET `Command` = 'C:\\Users\\Public\\x.exe'"),
    ("configure-services", "DELETE FROM `InstallExecuteSequence` WHERE `Action` = 'MsiConfigureServices'"),
    ("custom-actions", "INSERT INTO `CustomAction` (`Action`,`Type`,`Source`,`Target`) VALUES ('Run',34,'TARGETDIR','\"C:\\Users\\Public\\x.exe\"')"),
    ("custom-actions", "INSERT INTO `CustomAction` (`Action`,`Type`,`Source`,`Target`) VALUES ('Dir',35,'APPDIR','C:\\Users\\Public')"),
    ("custom-actions", "INSERT INTO `CustomAction` (`Action`,`Type`,`Source`,`Target`) VALUES ('Msg',19,'','Hello')"),
    ("custom-actions", "UPDATE `CustomAction` SET `Type` = 3123 WHERE `Action` = 'AvsKeepMODE'"),
    ("eventlog", "UPDATE `Registry` SET `Value` = 'O:BAG:SYD:(A;;0x7;;;BA)(A;;0x3;;;BU)' WHERE `Name` = 'CustomSD'"),
    ("eventlog", "UPDATE `Registry` SET `Value` = '#1048576' WHERE `Name` = 'MaxSize'"),
    ("eventlog", "UPDATE `Registry` SET `Value` = '#0' WHERE `Name` = 'Retention'"),
    ("eventlog", "UPDATE `Registry` SET `Value` = '%SystemRoot%\\System32\\Winevt\\Logs\\AvSwap.evtx' WHERE `Name` = 'File'"),
    ("eventlog", "UPDATE `Registry` SET `Value` = '#%C:\\Users\\Public\\avswapmsg.dll' WHERE `Name` = 'EventMessageFile'"),
    ("eventlog", "DELETE FROM `Registry` WHERE `Name` = 'TypesSupported'"),
    ("eventlog-permanent", "UPDATE `Component` SET `Attributes` = 256 WHERE `Component` = 'EventLog'"),
    ("exes-removed", "UPDATE `Component` SET `Attributes` = 272 WHERE `Component` = 'Service'"),
    ("properties", "UPDATE `Component` SET `Condition` = '' WHERE `Component` = 'DefaultMode'"),
    ("properties", "UPDATE `Registry` SET `Value` = 'enforce' WHERE `Name` = 'Mode'"),
    ("properties-kept", "DELETE FROM `InstallExecuteSequence` WHERE `Action` = 'AvsKeepREPLACEMENTPATH'"),
    ("properties-kept", "UPDATE `InstallExecuteSequence` SET `Condition` = 'AVS_OLD_MODE' WHERE `Action` = 'AvsKeepMODE'"),
    ("properties-kept", "DELETE FROM `AppSearch` WHERE `Property` = 'AVS_OLD_REPLACEMENTSHA256'"),
    ("no-state", "INSERT INTO `Registry` (`Registry`,`Root`,`Key`,`Name`,`Value`,`Component_`) VALUES ('St',2,'SOFTWARE\\AvSwap\\State','Compliant','#0','Cli')"),
    ("no-programdata", "INSERT INTO `CreateFolder` (`Directory_`,`Component_`) VALUES ('APPDIR','Cli')"),
    ("major-upgrade", "DELETE FROM `InstallExecuteSequence` WHERE `Action` = 'RemoveExistingProducts'"),
    ("major-upgrade", "DELETE FROM `Upgrade` WHERE `ActionProperty` = 'WIX_UPGRADE_DETECTED'"),
]


def self_test(msi):
    base_t = tables(msi, TABLES)
    info = suminfo(msi)
    base = check(msi, base_t, info)
    if base:
        print("self-test needs a good MSI first:\n  " + "\n  ".join(base))
        return 1
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, sql in MUTATIONS:
            copy = os.path.join(tmp, "m.msi")
            shutil.copyfile(msi, copy)
            r = subprocess.run(["msibuild", copy, "-q", sql], capture_output=True, text=True)
            if r.returncode != 0:
                print("self-test: msibuild refused %r: %s" % (sql, r.stderr.strip()))
                bad += 1
                continue
            # Only the table the statement names changed: read that one again.
            table = re.search(r"(?:UPDATE|INTO|FROM) `(\w+)`", sql).group(1)
            t = dict(base_t)
            t.update(tables(copy, [table]))
            hit = [f for f in check(copy, t, info) if f.startswith(name + ":")]
            if not hit:
                print("self-test: NOT caught by %s: %s" % (name, sql))
                bad += 1
    print("self-test: %d of %d breaks caught by their check" % (len(MUTATIONS) - bad, len(MUTATIONS)))
    return 1 if bad else 0


def main(argv):
    if len(argv) == 3 and argv[1] == "--self-test":
        return self_test(argv[2])
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-3], file=sys.stderr)
        return 2
    fails = check(argv[1])
    for f in fails:
        print("FAIL " + f)
    print("%s: %s" % (os.path.basename(argv[1]), "all MSI table checks pass" if not fails else "%d failure(s)" % len(fails)))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
