"""Reports as JSON for tests/report/mkpage.c (the fields of struct avs_report, core/report.h),
with totals computed here from the machines, so the checks know what the page must show.

fleet(n, seed, hostile) makes N machines in every state; with HOSTILE, some names, products,
replacements, reasons, run IDs and an input path carry markup that must show as text.
"""
import random

STATES = ["compliant", "not-compliant", "reboot-pending", "failed", "blocked", "audit", "silent",
          "unknown"]
BASE_MS = 1793491200000  # 2026-11-01T00:00:00Z
HOUR = 3600 * 1000
DAY = 24 * HOUR

PRODUCTS = ["Kaspersky Endpoint Security for Windows", "Kaspersky Security Center Network Agent",
            "Kaspersky Free", "Kaspersky Anti-Virus", "Kaspersky Small Office Security"]

# What an attacker on one machine could put in a name its events carry (and the path of an
# input: whatever the auditor's collector called the file). Each must show as written.
HOSTILE = {
    "machine": "<script>document.title='pwned'</script>",
    "machine2": "\"><img src=x onerror=\"document.title='img'\">",
    "product": "<script>alert(1)</script>Kaspersky",
    "version": "<b onclick=alert(2)>12.3</b>",
    "replacement": "</td></tr><tr><td>Defender</td>",
    "reason": "remove: <iframe src=//evil.example></iframe>",
    "run_id": "\" onmouseover=\"document.title='attr'",
    "path": "C:\\exports\\<svg onload=alert(3)>.xml",
}


def _machine(i, state, rnd, nprod):
    name = "WS-%05d" % i
    m = {"name": name, "state": state, "events": 0, "products": [], "run_ids": [],
         "evidence": "none", "with_prohibited": 0, "remediated": 0}
    if state == "silent":
        m["expected"] = 1
        return m
    first = BASE_MS + rnd.randrange(0, 10 * DAY)
    m["first_event_ms"] = first
    last = first + rnd.randrange(HOUR, 20 * DAY)
    m["last_event_ms"] = last
    m["events"] = rnd.randrange(3, 40)
    runs = ["{%08X-0000-4000-8000-%012X}" % (i, k) for k in range(rnd.randrange(1, 4))]
    m["run_ids"] = runs
    m["last_run_id"] = runs[-1]
    had = state != "unknown" and (state != "compliant" or rnd.random() < 0.7)
    if had:
        m["with_prohibited"] = 1
        m["first_prohibited_ms"] = first
        # Each machine's last product carries the machine's number in its version, so a print
        # check can tell whether a row was cut across pages.
        for k in range(nprod):
            p = {"name": PRODUCTS[(i + k) % len(PRODUCTS)],
                 "version_found": "%d.%d.0.%d" % (11 + k, k, i), "first_found_ms": first,
                 "last_found_ms": first}
            if state in ("compliant", "reboot-pending"):
                p["version_removed"] = p["version_found"]
                p["removed_ms"] = last - HOUR
            p["remaining"] = 0 if state == "compliant" else 1
            m["products"].append(p)
        m["products"].sort(key=lambda p: p["name"])
    if state == "compliant":
        m["replacement"] = "Microsoft Defender Antivirus"
        if had:
            m["remediated"] = 1
            m["remediated_ms"] = last
    if state in ("failed", "blocked"):
        m["state_reason"] = ("remove: Windows Installer returned 1603" if state == "failed"
                             else "preflight: the replacement is not staged")
    m["state_ms"] = last
    seq = rnd.randrange(5, 30)
    if state in ("compliant", "reboot-pending", "failed") and had:
        if rnd.random() < 0.1:
            m.update(evidence="gaps", evidence_last_seq=seq, evidence_missing=2,
                     evidence_first_gap=seq // 2)
        else:
            m.update(evidence="consistent", evidence_last_seq=seq)
    return m


def totals(machines):
    t = {"machines": 0, "with_prohibited": 0, "remediated": 0, "remaining": 0, "failed": 0,
         "silent": 0, "by_state": {s: 0 for s in STATES}}
    for m in machines:
        t["by_state"][m["state"]] += 1
        if m["state"] == "silent":
            t["silent"] += 1
            continue
        t["machines"] += 1
        t["with_prohibited"] += m["with_prohibited"]
        t["remediated"] += m["remediated"]
        if m["with_prohibited"] and not m["remediated"]:
            t["remaining"] += 1
        if m["state"] in ("failed", "blocked"):
            t["failed"] += 1
    return t


def by_product(machines):
    out = {}
    for m in machines:
        for p in m["products"]:
            b = out.setdefault(p["name"], {"name": p["name"], "found": 0, "removed": 0,
                                           "remaining": 0})
            b["found"] += 1
            b["removed"] += 1 if p.get("removed_ms") else 0
            b["remaining"] += p["remaining"]
    return [out[k] for k in sorted(out)]


def fleet(n, seed=1, hostile=False, nprod=2):
    rnd = random.Random(seed)
    weights = [50, 12, 6, 6, 4, 8, 6, 2]
    machines = []
    for i in range(n):
        # The first machines take every state once, whatever N.
        state = STATES[i] if i < len(STATES) else rnd.choices(STATES, weights)[0]
        machines.append(_machine(i, state, rnd, nprod))
    inputs = [{"path": "C:\\exports\\ForwardedEvents.xml", "sha256": "%064x" % seed,
               "bytes": 1000 * n, "events": 20 * n, "first_ms": BASE_MS,
               "last_ms": BASE_MS + 30 * DAY}]
    if hostile:
        h = HOSTILE
        machines[0]["name"] = h["machine"]
        machines[1]["name"] = h["machine2"]
        machines[2]["products"].append({"name": h["product"], "version_found": h["version"],
                                        "first_found_ms": BASE_MS, "remaining": 1})
        machines[0]["replacement"] = h["replacement"]
        machines[3]["state_reason"] = h["reason"]
        machines[4]["run_ids"] = [h["run_id"], "{second}"]
        machines[4]["last_run_id"] = h["run_id"]
        inputs.append({"path": h["path"], "sha256": "%064x" % (seed + 1), "bytes": 10,
                       "events": 1, "first_ms": BASE_MS, "last_ms": BASE_MS})
    machines.sort(key=lambda m: m["name"].casefold())
    last = max([m.get("last_event_ms", 0) for m in machines] + [BASE_MS])
    return {"first_ms": BASE_MS, "last_ms": last, "inputs": inputs, "machines": machines,
            "by_product": by_product(machines), "totals": totals(machines),
            "notes": {"unknown_events": 3, "unknown_ids": [{"id": 7777, "events": 3}],
                      "other_providers": 12}}
