#!/usr/bin/env python3
"""Checks msi/AvSwap.admx and msi/en-US/AvSwap.adml against core/policy.c.

  - both files are well-formed XML (xmllint --noout);
  - every value core/policy.c reads (its AVS_POLICY_VALUES table, names from core/policy.h) is defined in the
    ADMX under SOFTWARE\\Policies\\AvSwap, with the element its kind needs (enum for Mode and
    RebootPolicy, decimal for RandomDelayMinutes, text for the others), and the ADMX defines no
    value policy.c does not read;
  - every $(string.X) in the ADMX has <string id="X"> in the ADML, every
    $(presentation.X) a <presentation id="X">, and every presentation control's refId names an
    element of its policy.

Usage: check_admx.py REPO          exit 0 when they agree, 1 with the differences
       check_admx.py --self-test REPO   shows that a missing value, string or presentation is
                                        caught (each mutation must make the check fail)
"""
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

NS = "{http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions}"
KEY = "SOFTWARE\\Policies\\AvSwap"
ELEMENT_OF_KIND = {"PK_MODE": "enum", "PK_REBOOT": "enum", "PK_DELAY": "decimal"}


def policy_values(policy_c, policy_h):
    """{value name: element kind} from the AVS_POLICY_VALUES table of policy.c."""
    defines = dict(re.findall(r'#define (AVS_PV_\w+) "([^"]+)"', policy_h))
    table = re.search(r"#define AVS_POLICY_VALUES\(X\)(.*?)\n\n", policy_c, re.S)
    if not table:
        return None
    out = {}
    for macro, kind in re.findall(r"X\((AVS_PV_\w+),\s*\d,\s*(PK_\w+)\)", table.group(1)):
        out[defines.get(macro, macro)] = ELEMENT_OF_KIND.get(kind, "text")
    return out


def check(admx_text, adml_text, values):
    errors = []
    if not values:
        return ["core/policy.c: no AVS_POLICY_VALUES table found"]
    try:
        admx = ET.fromstring(admx_text)
        adml = ET.fromstring(adml_text)
    except ET.ParseError as e:
        return ["not well-formed: %s" % e]
    strings = {s.get("id") for s in adml.iter(NS + "string")}
    presentations = {p.get("id"): p for p in adml.iter(NS + "presentation")}
    defined = {}
    for pol in admx.iter(NS + "policy"):
        name = pol.get("name")
        if pol.get("key") != KEY:
            errors.append("policy %s: key is %r, not %r" % (name, pol.get("key"), KEY))
        if pol.get("class") != "Machine":
            errors.append("policy %s: class must be Machine (HKLM only)" % name)
        ids = set()
        els = pol.find(NS + "elements")
        for el in list(els) if els is not None else []:
            tag = el.tag[len(NS):]
            ids.add(el.get("id"))
            defined[el.get("valueName")] = (tag, name)
        pres = re.fullmatch(r"\$\(presentation\.(\w+)\)", pol.get("presentation") or "")
        if ids and not pres:
            errors.append("policy %s: elements but no presentation" % name)
        if pres:
            p = presentations.get(pres.group(1))
            if p is None:
                errors.append("policy %s: no <presentation id=%r> in the ADML" % (name, pres.group(1)))
            else:
                for ctl in p:
                    if ctl.get("refId") not in ids:
                        errors.append("presentation %s: refId %r is no element of policy %s"
                                      % (pres.group(1), ctl.get("refId"), name))
                refs = {ctl.get("refId") for ctl in p}
                for i in sorted(ids - refs):
                    errors.append("presentation %s: element %s has no control" % (pres.group(1), i))
    for value, kind in values.items():
        if value not in defined:
            errors.append("value %s (read by core/policy.c) is not defined in the ADMX" % value)
        elif defined[value][0] != kind:
            errors.append("value %s: ADMX element <%s>, expected <%s>" % (value, defined[value][0], kind))
    for value in sorted(set(defined) - set(values)):
        errors.append("value %s is in the ADMX but core/policy.c does not read it" % value)
    for ref in re.findall(r"\$\(string\.(\w+)\)", admx_text):
        if ref not in strings:
            errors.append("string %s is used by the ADMX but missing from the ADML" % ref)
    return errors


def xmllint(path):
    r = subprocess.run(["xmllint", "--noout", path], capture_output=True, text=True)
    return [] if r.returncode == 0 else ["xmllint %s: %s" % (path, r.stderr.strip())]


def main(argv):
    self_test = argv[1:2] == ["--self-test"]
    repo = argv[-1] if len(argv) > 1 and argv[-1] != "--self-test" else "."
    paths = {k: "%s/%s" % (repo, v) for k, v in
             {"admx": "msi/AvSwap.admx", "adml": "msi/en-US/AvSwap.adml",
              "c": "core/policy.c", "h": "core/policy.h"}.items()}
    text = {k: open(p, encoding="utf-8").read() for k, p in paths.items()}
    values = policy_values(text["c"], text["h"])
    if not self_test:
        errors = xmllint(paths["admx"]) + xmllint(paths["adml"])
        errors += check(text["admx"], text["adml"], values)
        for e in errors:
            print("check_admx: " + e)
        if errors:
            return 1
        print("check_admx: %d policy values of core/policy.c defined in AvSwap.admx; every "
              "string and presentation in AvSwap.adml" % len(values))
        return 0
    # Each mutation must be caught; the unmutated files must pass.
    mutations = [
        ("a value missing from the ADMX", lambda a, l, v: (a.replace('valueName="CatalogSha256"', 'valueName="CatalogHash"'), l, v)),
        ("a value policy.c reads but the ADMX lacks", lambda a, l, v: (a, l, dict(v, NewValue="text"))),
        ("a value dropped from policy.c's table", lambda a, l, v: (a, l, policy_values(
            re.sub(r"\n\s*X\(AVS_PV_UNINSTALL_LOGIN[^\n]*", "", text["c"]), text["h"]))),
        ("a wrong element kind", lambda a, l, v: (a, l, dict(v, RandomDelayMinutes="text"))),
        ("a string missing from the ADML", lambda a, l, v: (a, l.replace('<string id="Reboot_Help">', '<string id="Reboot_Hlp">'), v)),
        ("a presentation missing from the ADML", lambda a, l, v: (a, l.replace('<presentation id="Catalog">', '<presentation id="Catalogue">'), v)),
        ("a control without its element", lambda a, l, v: (a, l.replace('refId="ReplacementArgs"', 'refId="ReplacementArguments"'), v)),
        ("a user (HKCU) policy", lambda a, l, v: (a.replace('class="Machine"', 'class="User"', 1), l, v)),
        ("not well-formed", lambda a, l, v: (a.replace("</policies>", "</policy>"), l, v)),
    ]
    ok = not check(text["admx"], text["adml"], values)
    if not ok:
        print("check_admx --self-test: the real files do not pass")
    for what, mutate in mutations:
        a, l, v = mutate(text["admx"], text["adml"], values)
        if (a, l, v) == (text["admx"], text["adml"], values):
            print("check_admx --self-test: mutation '%s' changed nothing" % what)
            ok = False
        elif not check(a, l, v):
            print("check_admx --self-test: '%s' was NOT caught" % what)
            ok = False
    print("check_admx --self-test: %s" % ("every mutation caught" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
