#!/usr/bin/env python3
"""The Windows Event Forwarding kit (scripts/wef/) and the queries of docs/AUDIT.md.

  check_wef.py REPO                  the subscription XML, scripts/wef/queries.txt and every
                                     query quoted in docs/AUDIT.md: well-formed, the fields a
                                     source-initiated subscription needs, each XPath inside the
                                     subset the Event Log evaluates, and AUDIT.md quoting only
                                     the queries of queries.txt (so the two cannot drift apart)
  check_wef.py --select EXPORT REPO  evaluates the subscription's query and every query of
                                     queries.txt over EXPORT (what `wevtutil qe /f:xml` writes:
                                     events back to back, no root element) with xmllint, and
                                     prints one JSON object {NAME: [EventRecordID, ...]}
                                     ("subscription" for the subscription's query)
  check_wef.py --self-test REPO      breaks the kit in each way the check must catch and fails
                                     unless every break is caught

The Event Log's XPath: "only XML elements that represent events can be selected", the child and
attribute axes only, the functions position(), band() and timediff(), and a compound expression
of more than 20 terms needs a structured query
(https://learn.microsoft.com/windows/win32/wes/consuming-events, XPath 1.0 limitations).
Namespaces play no part there: the event schema's namespace is taken off the export before
xmllint sees it, and the event selector `*` becomes the children of a root element of ours.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

SUB_NS = "{http://schemas.microsoft.com/2006/03/windows/events/subscription}"
EVENT_FUNCS = {"position", "band", "timediff"}
MAX_TERMS = 20
TOKEN = re.compile(
    r"""\s*(?:(?P<str>'[^']*'|"[^"]*")|(?P<num>\d+(?:\.\d+)?)|(?P<op>!=|<=|>=|=|<|>)"""
    r"""|(?P<punct>[\[\]()/@*,])|(?P<name>[A-Za-z_][A-Za-z0-9_-]*)|(?P<bad>\S+))"""
)


def xpath_problems(expr):
    """What keeps EXPR from being an Event Log XPath expression (a list, empty when none)."""
    problems = []
    toks = []
    for m in TOKEN.finditer(expr):
        kind = m.lastgroup
        if kind is None:
            continue
        toks.append((kind, m.group(kind)))
    if not toks:
        return ["empty expression"]
    if toks[0] != ("punct", "*") or len(toks) > 1 and toks[1] != ("punct", "["):
        problems.append("does not select events (must start with '*[')")
    depth = []
    terms = 0
    prev = None
    for i, (kind, text) in enumerate(toks):
        nxt = toks[i + 1] if i + 1 < len(toks) else (None, None)
        if kind == "bad":
            problems.append(f"not in the Event Log's XPath: {text!r}")
        elif kind == "punct" and text == "/" and prev == ("punct", "/"):
            problems.append("descendant axis '//' is not supported")
        elif kind == "punct" and text in "[(":
            depth.append("]" if text == "[" else ")")
        elif kind == "punct" and text in "])":
            if not depth or depth.pop() != text:
                problems.append(f"unbalanced {text!r}")
        elif kind == "punct" and text == "@" and nxt[0] != "name":
            problems.append("'@' without an attribute name")
        elif kind == "op":
            terms += 1
        elif kind == "name" and text not in ("and", "or") and nxt == ("punct", "(") and text not in EVENT_FUNCS:
            problems.append(f"function {text}() is not supported (only {', '.join(sorted(EVENT_FUNCS))})")
        prev = (kind, text)
    if depth:
        problems.append("unclosed " + " ".join(repr(c) for c in reversed(depth)))
    if terms > MAX_TERMS:
        problems.append(f"{terms} terms: more than {MAX_TERMS} needs a structured query")
    return problems


def read_queries(text):
    """NAME -> XPATH from queries.txt; raises ValueError naming the line."""
    out = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not re.fullmatch(r"[a-z][a-z-]*", parts[0]) or not parts[1]:
            raise ValueError(f"queries.txt:{n}: expected NAME<TAB>XPATH")
        if parts[0] in out:
            raise ValueError(f"queries.txt:{n}: {parts[0]} twice")
        out[parts[0]] = parts[1]
    return out


def subscription_selects(text):
    """The subscription's problems, and the (Path, XPath) of each of its Select elements."""
    problems = []
    try:
        root = ET.fromstring(text)
    except ET.ParseError as e:
        return [f"subscription: not well-formed: {e}"], []
    if root.tag != SUB_NS + "Subscription":
        return [f"subscription: root element {root.tag}, not Subscription in the subscription namespace"], []

    def field(name):
        el = root.find(SUB_NS + name)
        return None if el is None else (el.text or "").strip()

    want = {
        "SubscriptionType": "SourceInitiated",
        "Enabled": "true",
        "Uri": "http://schemas.microsoft.com/wbem/wsman/1/windows/EventLog",
        "ReadExistingEvents": "true",
        "LogFile": "ForwardedEvents",
        "SubscriptionId": "AvSwap",
    }
    for name, value in want.items():
        got = field(name)
        if got != value:
            problems.append(f"subscription: {name} is {got!r}, expected {value!r}")
    if field("ContentFormat") not in ("RenderedText", "Events"):
        problems.append(f"subscription: ContentFormat {field('ContentFormat')!r}")
    delivery = root.find(SUB_NS + "Delivery")
    if delivery is None or delivery.get("Mode") != "Push":
        problems.append("subscription: Delivery Mode must be Push for a source-initiated subscription")
    sddl = field("AllowedSourceDomainComputers") or ""
    if not re.fullmatch(r"O:[A-Z]+G:[A-Z]+D:P?(\(A;;GA;;;[A-Z]{2}\))+S:", sddl) or "(A;;GA;;;DC)" not in sddl:
        problems.append(f"subscription: AllowedSourceDomainComputers {sddl!r} does not allow Domain Computers (DC)")
    query = field("Query")
    selects = []
    if not query:
        problems.append("subscription: no Query")
        return problems, selects
    try:
        ql = ET.fromstring(query)
    except ET.ParseError as e:
        return problems + [f"subscription: the Query's QueryList is not well-formed: {e}"], selects
    if ql.tag != "QueryList" or not ql.findall("Query"):
        problems.append("subscription: the Query is not a QueryList of Query elements")
    for q in ql.findall("Query"):
        for s in q:
            if s.tag not in ("Select", "Suppress"):
                problems.append(f"subscription: unexpected <{s.tag}> in a Query")
                continue
            path = s.get("Path") or q.get("Path")
            if path != "AvSwap":
                problems.append(f"subscription: {s.tag} reads the log {path!r}, not AvSwap")
            xp = (s.text or "").strip()
            problems += [f"subscription: {s.tag}: {p}" for p in xpath_problems(xp)]
            if s.tag == "Select":
                selects.append((path, xp))
    if not selects:
        problems.append("subscription: no Select")
    return problems, selects


def audit_quotes(text):
    """Every query that docs/AUDIT.md quotes in a wevtutil or Get-WinEvent command."""
    found = re.findall(r'/q:"([^"]+)"', text)
    found += re.findall(r"-FilterXPath \"([^\"]+)\"", text)
    found += re.findall(r"-FilterXPath '([^']+)'", text)
    return found


def check(sub_text, queries_text, audit_text):
    problems, selects = subscription_selects(sub_text)
    for _, xp in selects:
        if "Provider[@Name='AvSwap']" not in xp:
            problems.append("subscription: the Select does not name the provider AvSwap")
    try:
        queries = read_queries(queries_text)
    except ValueError as e:
        return problems + [str(e)]
    if not queries:
        problems.append("queries.txt: no query")
    for name, xp in queries.items():
        problems += [f"queries.txt: {name}: {p}" for p in xpath_problems(xp)]
        if "Provider[@Name='AvSwap']" not in xp:
            problems.append(f"queries.txt: {name}: does not name the provider AvSwap (a collector holds every provider's events)")
    quoted = audit_quotes(audit_text)
    if not quoted:
        problems.append("docs/AUDIT.md: quotes no query")
    for xp in quoted:
        if xp not in queries.values():
            problems.append(f"docs/AUDIT.md quotes a query that is not in scripts/wef/queries.txt: {xp}")
    for name, xp in queries.items():
        if xp not in quoted:
            problems.append(f"docs/AUDIT.md does not show the query {name}")
    return problems


def select(export_path, selects):
    """NAME -> [EventRecordID] for each (NAME, XPATH), evaluated by xmllint."""
    with open(export_path, "rb") as f:
        data = f.read()
    if data.startswith(b"\xff\xfe"):
        data = data.decode("utf-16").encode("utf-8")
    text = data.decode("utf-8").lstrip("\ufeff")
    text = re.sub(r"<\?xml[^>]*\?>", "", text)
    text = re.sub(r"""\sxmlns=(?:'[^']*'|"[^"]*")""", "", text)
    out = {}
    with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False, encoding="utf-8") as t:
        t.write("<AvSwapExport>" + text + "</AvSwapExport>")
    try:
        for name, xp in selects:
            r = subprocess.run(
                ["xmllint", "--xpath", f"/AvSwapExport/{xp}/System/EventRecordID/text()", t.name],
                capture_output=True, text=True)
            if r.returncode not in (0, 10):  # 10: XPath set is empty
                raise RuntimeError(f"{name}: xmllint could not evaluate {xp}: {r.stderr.strip()}")
            out[name] = [int(x) for x in r.stdout.split()]
    finally:
        os.unlink(t.name)
    return out


def load(repo):
    def rd(rel):
        with open(os.path.join(repo, rel), encoding="utf-8") as f:
            return f.read()
    return rd("scripts/wef/AvSwap-subscription.xml"), rd("scripts/wef/queries.txt"), rd("docs/AUDIT.md")


MUTATIONS = [
    ("sub", "<SubscriptionType>SourceInitiated<", "<SubscriptionType>CollectorInitiated<"),
    ("sub", "<LogFile>ForwardedEvents<", "<LogFile>Application<"),
    ("sub", "<ReadExistingEvents>true<", "<ReadExistingEvents>false<"),
    ("sub", '<Delivery Mode="Push">', '<Delivery Mode="Pull">'),
    ("sub", "(A;;GA;;;DC)", "(A;;GA;;;BA)"),
    ("sub", '<Select Path="AvSwap">', '<Select Path="Application">'),
    ("sub", "*[System[Provider[@Name='AvSwap']]]", "*[System[Provider[@Name='Other']]]"),
    ("sub", "*[System[Provider[@Name='AvSwap']]]", "//System[Provider[@Name='AvSwap']]"),
    ("sub", "*[System[Provider[@Name='AvSwap']]]", "*[System[Provider[@Name='AvSwap']]"),
    ("sub", "</QueryList>", "</QueryLst>"),
    ("sub", "<Enabled>true</Enabled>", "<Enabled>true</Enable>"),
    ("queries", "removals\t*[System[", "removals\t*[System//["),
    ("queries", "EventID=2010]]", "contains(EventID,'2010')]]"),
    ("queries", "findings\t*[System[Provider[@Name='AvSwap'] and ", "findings\t*[System["),
    ("queries", "EventID=6002 or", "EventID=6002 | "),
    ("queries", "\nall\t", "\nall "),
    ("queries", "(EventID=5002 or EventID=5003)",
     "(" + " or ".join(f"EventID={5000 + i}" for i in range(21)) + ")"),
    ("audit", "EventID=2010]]", "EventID=2011]]"),
    ("audit", "-FilterXPath \"*[System[Provider[@Name='AvSwap'] and EventID=2010]]\"", "-FilterXPath *"),
]


def self_test(repo):
    base = dict(zip(("sub", "queries", "audit"), load(repo)))
    if check(base["sub"], base["queries"], base["audit"]):
        print("self-test: the kit as it is must pass first")
        return 1
    missed = 0
    for target, old, new in MUTATIONS:
        if old not in base[target]:
            print(f"self-test: mutation target not found in {target}: {old!r}")
            missed += 1
            continue
        texts = dict(base)
        texts[target] = base[target].replace(old, new, 1)
        if not check(texts["sub"], texts["queries"], texts["audit"]):
            print(f"self-test: NOT caught: {target}: {old!r} -> {new!r}")
            missed += 1
    print(f"self-test: {len(MUTATIONS) - missed} of {len(MUTATIONS)} breaks caught")
    return 1 if missed else 0


def main(argv):
    if len(argv) == 3 and argv[1] == "--self-test":
        return self_test(argv[2])
    if len(argv) == 4 and argv[1] == "--select":
        sub, queries_text, _ = load(argv[3])
        problems, selects = subscription_selects(sub)
        if problems:
            print("\n".join(problems), file=sys.stderr)
            return 1
        pairs = [("subscription", xp) for _, xp in selects[:1]] + list(read_queries(queries_text).items())
        print(json.dumps(select(argv[2], pairs), sort_keys=True))
        return 0
    if len(argv) == 2:
        problems = check(*load(argv[1]))
        for p in problems:
            print(p)
        if not problems:
            print("scripts/wef and docs/AUDIT.md: subscription and queries valid")
        return 1 if problems else 0
    print(__doc__.strip().splitlines()[0], file=sys.stderr)
    print("usage: check_wef.py [--self-test | --select EXPORT] REPO", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
