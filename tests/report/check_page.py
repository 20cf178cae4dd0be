#!/usr/bin/env python3
"""The HTML page of `avswap report` as an auditor's browser shows it: headless Chromium (Debian's
`chromium`) driven over the DevTools protocol (tests/report/cdp.py).

  check_page.py --tool build/host/report_page [--out DIR] [--page FILE --expect JSON] [NAME...]

Pages are made by the host tool from reports built by tests/report/fixture.py, so each check
knows what the page must show. With --page, the checks that need no fixture of their own (text,
hostile-free CSP, sorting, print) run on FILE, a page `avswap report --html` wrote, against the
totals in JSON (`avswap report --json`): tests/e2e/t_160. Ends with "N passed, N failed".
"""
import argparse
import base64
import json
import os
import re
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cdp  # noqa: E402
import fixture  # noqa: E402

TITLE = "AvSwap fleet report"
TOTAL_IDS = ["machines", "with_prohibited", "remediated", "remaining", "failed", "silent"]


class Fail(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


def make_page(args, name, report):
    js = os.path.join(args.out, name + ".json")
    html = os.path.join(args.out, name + ".html")
    with open(js, "w", encoding="utf-8") as f:
        json.dump(report, f)
    subprocess.run([args.tool, js, html], check=True)
    return html


def url(path):
    return "file://" + os.path.abspath(path)


def quiet(page, allow_csp=False):
    """No dialog, no exception, no console error, and no request but the page itself."""
    for m, p, s in page.b.events:
        if s != page.s:
            continue
        check(m != "Page.javascriptDialogOpening", "a dialog opened: %s" % p)
        check(m != "Runtime.exceptionThrown", "a script threw: %s" % p)
        if m == "Runtime.consoleAPICalled":
            raise Fail("the page wrote to the console: %s" % p)
        if m == "Log.entryAdded" and not allow_csp:
            raise Fail("the browser logged: %s" % p["entry"].get("text"))
        if m == "Network.requestWillBeSent":
            check(p["request"]["url"].startswith("file://"), "a request left the page: %s"
                  % p["request"]["url"])


def totals_shown(page, totals):
    for k in TOTAL_IDS:
        shown = page.eval("document.getElementById('total-%s').innerText" % k)
        check(shown == str(totals[k]), "total %s shows %r, the report says %s" % (k, shown,
                                                                                    totals[k]))


# --- the checks ------------------------------------------------------------------------------

def check_text(args, b):
    """The page rendered to text shows the totals and a machine's row; a screenshot is taken."""
    rep = fixture.fleet(40, seed=3)
    page = cdp.Page(b, url(make_page(args, "text", rep)))
    check(page.eval("document.title") == TITLE, "title")
    totals_shown(page, rep["totals"])
    text = page.eval("document.body.innerText")
    check("Machines seen" in text, "no 'Machines seen' in the text")
    m = next(m for m in rep["machines"] if m["state"] == "failed")
    row = page.eval("[...document.querySelectorAll('#machines tbody tr')].map(r => r.innerText)"
                    ".find(t => t.startsWith(%s))" % json.dumps(m["name"]))
    check(row is not None, "no row for %s" % m["name"])
    check("failed" in row and m["state_reason"] in row, "row of %s: %r" % (m["name"], row))
    for p in m["products"]:
        check(p["name"] in row and p["version_found"] in row, "row of %s lacks %s" % (m["name"],
                                                                                        p["name"]))
    rows = page.eval("document.querySelectorAll('#machines tbody tr').length")
    check(rows == len(rep["machines"]), "%s rows for %d machines" % (rows, len(rep["machines"])))
    # The SVG state chart adds up to the machines, bar by bar, as rendered.
    bars = page.eval("[...document.querySelectorAll('#chart-states rect')].map(r => "
                     "[r.dataset.state, +r.dataset.count, r.getBBox().width])")
    check(sum(c for _, c, _ in bars) == len(rep["machines"]), "state bars: %s" % bars)
    for state, count, width in bars:
        check(count == rep["totals"]["by_state"][state], "bar %s: %s" % (state, count))
        check((width > 0) == (count > 0), "bar %s drawn %s wide for %s" % (state, width, count))
    shot = page.cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    png = base64.b64decode(shot["data"])
    with open(os.path.join(args.out, "text.png"), "wb") as f:
        f.write(png)
    check(png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20000, "screenshot of %d bytes"
          % len(png))
    quiet(page)


def check_hostile(args, b):
    """Markup in a machine, product, version, replacement, reason, run ID or input path shows
    as the text it is and runs nothing."""
    rep = fixture.fleet(12, seed=5, hostile=True)
    page = cdp.Page(b, url(make_page(args, "hostile", rep)))
    for key, s in fixture.HOSTILE.items():
        found = page.eval("[...document.querySelectorAll('td, li, code, small, span')].some(e => "
                          "e.textContent === %s || e.firstChild && e.firstChild.nodeType === 3 && "
                          "e.firstChild.data.trim() === %s)" % (json.dumps(s), json.dumps(s)))
        if key == "run_id":
            found = found or page.eval("[...document.querySelectorAll('td[title]')].some(e => "
                                       "e.title.split('\\n').includes(%s))" % json.dumps(s))
        check(found, "%s is not shown as text: %s" % (key, s))
    # Hover and click every cell, as an auditor reading the page would.
    page.cmd("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": 5, "y": 5})
    for sel in ("#machines tbody tr:nth-child(1) td:nth-child(1)",
                "#machines tbody td[title]", "#products td"):
        page.click(sel)
    check(page.eval("document.title") == TITLE, "the title changed: %s" % page.eval(
        "document.title"))
    check(page.eval("document.scripts.length") == 1, "more than the page's own script")
    bad = page.eval("document.querySelectorAll('img, iframe, object, embed, b, svg svg, "
                    "#machines tbody tr td tr').length")
    check(bad == 0, "%d element(s) made from a name" % bad)
    handlers = page.eval("[...document.querySelectorAll('*')].flatMap(e => [...e.attributes]"
                         ".filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + "
                         "a.name))")
    check(handlers == [], "event handler attributes: %s" % handlers)
    rows = page.eval("document.querySelectorAll('#machines tbody tr').length")
    check(rows == len(rep["machines"]), "%d rows for %d machines" % (rows, len(rep["machines"])))
    quiet(page)


def check_csp(args, b):
    """The second wall: markup that did reach the page (as if a name escaped its context) is
    refused by the page's Content-Security-Policy, while the page's own style and script run."""
    page_path = make_page(args, "csp", fixture.fleet(10, seed=7))
    with open(page_path, encoding="utf-8") as f:
        html = f.read()
    injected = ("<script>document.title='pwned'</script>"
                "<img src=x onerror=\"document.title='img'\">"
                "<p id=inj style=\"color: rgb(1, 2, 3)\">injected</p>"
                "<style>#inj { background: rgb(4, 5, 6) }</style>")
    check("</body>" in html, "no </body>")
    bad = os.path.join(args.out, "csp-injected.html")
    with open(bad, "w", encoding="utf-8") as f:
        f.write(html.replace("</body>", injected + "</body>"))
    page = cdp.Page(b, url(bad))
    time.sleep(0.5)
    check(page.eval("document.title") == TITLE, "injected script ran: title %r" % page.eval(
        "document.title"))
    css = page.eval("[getComputedStyle(document.getElementById('inj')).color, "
                    "getComputedStyle(document.getElementById('inj')).backgroundColor]")
    check(css[0] != "rgb(1, 2, 3)" and css[1] != "rgb(4, 5, 6)", "injected style applied: %s"
          % css)
    refused = [p["entry"]["text"] for m, p, s in b.events
               if m == "Log.entryAdded" and s == page.s and "Content Security Policy" in
               p["entry"].get("text", "")]
    check(len(refused) >= 3, "CSP refusals logged: %s" % refused)
    # The page's own script and style are allowed by their hashes.
    check(page.eval("document.getElementById('machines').dataset.sortable") == "yes",
          "the page's own script did not run (its hash is not in the CSP)")
    check(page.eval("getComputedStyle(document.querySelector('.totals')).display") == "grid",
          "the page's own style was not applied (its hash is not in the CSP)")
    # The injected image is asked for and refused by the policy before anything is read.
    failed = {p["requestId"]: p.get("blockedReason") for m, p, s in b.events
              if m == "Network.loadingFailed" and s == page.s}
    requests = [(p["request"]["url"], failed.get(p["requestId"])) for m, p, s in b.events
                if m == "Network.requestWillBeSent" and s == page.s]
    check(requests == [(url(bad), None), (url(os.path.join(args.out, "x")), "csp")],
          "requests: %s" % requests)


def column_keys(page, col):
    return page.eval("[...document.querySelectorAll('#machines tbody tr')].map(r => { const c = "
                     "r.cells[%d]; return c.hasAttribute('data-sort') ? c.dataset.sort : "
                     "c.textContent; })" % col)


def check_sort(args, b):
    """Clicking a column's header sorts the machines by it, and again the other way."""
    rep = fixture.fleet(300, seed=11)
    page = cdp.Page(b, url(make_page(args, "sort", rep)))
    names = [m["name"] for m in rep["machines"]]
    check(column_keys(page, 0) == names, "not in the report's order at first")
    heads = page.eval("[...document.querySelectorAll('#machines thead th')].map(t => t.innerText)")
    last = heads.index("Last event (UTC)")
    sel = "#machines thead th:nth-child(%d) button"
    page.click(sel % (last + 1))
    keys = [int(k) for k in column_keys(page, last)]
    check(keys == sorted(keys), "last event not ascending after one click")
    check(page.eval("document.querySelectorAll('#machines thead th')[%d].getAttribute("
                    "'aria-sort')" % last) == "ascending", "aria-sort")
    page.click(sel % (last + 1))
    keys = [int(k) for k in column_keys(page, last)]
    check(keys == sorted(keys, reverse=True), "last event not descending after two clicks")
    page.click(sel % 2)  # state: worst first
    first = page.eval("document.querySelector('#machines tbody tr').cells[1].innerText")
    check(first.startswith("failed"), "sorted by state, the first row is %r" % first)
    page.click(sel % 1)  # machine: ascending again, then descending
    check(column_keys(page, 0) == sorted(names), "machine not ascending")
    page.click(sel % 1)
    check(column_keys(page, 0) == sorted(names, reverse=True), "machine not descending")
    check(sorted(column_keys(page, 0)) == sorted(names), "rows lost or duplicated by sorting")
    # A fleet's page sorts whole: every row, in order, by one click. 2,000 rows by default
    # (AVS_REPORT_SORT_ROWS: 10,000 for the figure in docs/PERFORMANCE.md); the time is
    # printed, never asserted (a loaded machine is slower, not wrong).
    rows = int(os.environ.get("AVS_REPORT_SORT_ROWS", "2000"))
    big = fixture.fleet(rows, seed=13)
    page = cdp.Page(b, url(make_page(args, "sort-big", big)))
    t = time.monotonic()
    page.click(sel % (last + 1))
    n = page.eval("document.querySelectorAll('#machines tbody tr').length")
    elapsed = time.monotonic() - t
    keys = [int(k) for k in column_keys(page, last)]
    check(n == rows and keys == sorted(keys), "%d rows not sorted" % rows)
    print("    sorting %d rows by a click: %.2f s" % (rows, elapsed))
    quiet(page)


def check_noscript(args, b):
    """Without scripts the table is complete and readable, with no dead controls."""
    rep = fixture.fleet(60, seed=17)
    page = cdp.Page(b, url(make_page(args, "noscript", rep)), javascript=False)
    totals_shown(page, rep["totals"])
    check(page.eval("document.querySelectorAll('#machines tbody tr').length") ==
          len(rep["machines"]), "rows missing without scripts")
    check(page.eval("document.querySelectorAll('button').length") == 0,
          "buttons without the script that makes them work")
    check(page.eval("document.getElementById('machines').dataset.sortable") is None,
          "the script ran with scripts disabled")


def pdf_pages(pdf):
    """The text of each page (pdftotext separates pages with a form feed)."""
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def check_print(args, b):
    """Printed on A4 and on Letter: the totals on page one, the table's header on every page
    of it, and no machine's row cut across two pages."""
    rep = fixture.fleet(160, seed=19, nprod=4)
    page = cdp.Page(b, url(make_page(args, "print", rep)))
    for paper, w, h in (("a4", 8.27, 11.69), ("letter", 8.5, 11.0)):
        r = page.cmd("Page.printToPDF", {"paperWidth": w, "paperHeight": h,
                                         "printBackground": True, "preferCSSPageSize": True})
        pdf = os.path.join(args.out, "print-%s.pdf" % paper)
        with open(pdf, "wb") as f:
            f.write(base64.b64decode(r["data"]))
        pages = pdf_pages(pdf)
        check(len(pages) >= 4, "%s: only %d page(s)" % (paper, len(pages)))
        one = " ".join(pages[0].split())
        for label, k in (("Machines seen", "machines"), ("Remediated", "remediated"),
                         ("Remaining", "remaining"), ("Failed or blocked", "failed")):
            check(re.search(re.escape(label) + r".{0,80}?\b%d\b" % rep["totals"][k], one),
                  "%s: page 1 lacks %s %d" % (paper, label, rep["totals"][k]))
        cut = []
        for m in rep["machines"]:
            where = {i for i, t in enumerate(pages) if re.search(r"\b%s\b" % m["name"], t)}
            for p in m["products"]:
                for i, t in enumerate(pages):
                    if re.search(r"(?<![\d.])%s(?![\d.])" % re.escape(p["version_found"]), t):
                        where.add(i)
            if len(where) > 1:
                cut.append("%s on pages %s" % (m["name"], sorted(i + 1 for i in where)))
        check(not cut, "%s: rows cut across pages: %s" % (paper, cut[:5]))
        table_pages = [t for t in pages if re.search(r"\bWS-\d{5}\b", t)]
        for t in table_pages[1:]:
            check(re.search(r"Machine\s+State\s+Found", t), "%s: a page of the table without "
                  "its header" % paper)


CHECKS = {"text": check_text, "hostile": check_hostile, "csp": check_csp, "sort": check_sort,
          "noscript": check_noscript, "print": check_print}


def check_written(args, b):
    """A page `avswap report --html` wrote (t_160): totals as its JSON says, a quiet page, the
    CSP and the sorting in place."""
    with open(args.expect, encoding="utf-8") as f:
        want = json.load(f)
    page = cdp.Page(b, url(args.page))
    check(page.eval("document.title") == TITLE, "title")
    for k in ("machines", "with_prohibited", "remediated", "remaining", "failed"):
        shown = page.eval("document.getElementById('total-%s').innerText" % k)
        check(shown == str(want["totals"][k]), "total %s: page %r, JSON %s" % (k, shown,
                                                                               want["totals"][k]))
    rows = page.eval("[...document.querySelectorAll('#machines tbody tr')].map(r => "
                     "[r.cells[0].textContent, r.cells[1].innerText.split('\\n')[0]])")
    got = {n: s for n, s in rows}
    for m in want["machines"]:
        name = m.get("name") or m.get("machine")
        check(got.get(name) == m["state"], "row of %s: %r, JSON %r" % (name, got.get(name),
                                                                        m["state"]))
    check(page.eval("document.getElementById('machines').dataset.sortable") == "yes",
          "the page's script did not run")
    if args.text_out:
        with open(args.text_out, "w", encoding="utf-8") as f:
            f.write(page.eval("document.body.innerText"))
    shot = page.cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    with open(os.path.join(args.out, "written.png"), "wb") as f:
        f.write(base64.b64decode(shot["data"]))
    quiet(page)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", help="build/host/report_page")
    ap.add_argument("--out", help="folder for the pages, screenshots and PDFs (kept)")
    ap.add_argument("--page", help="a page avswap report --html wrote")
    ap.add_argument("--expect", help="with --page: avswap report --json of the same inputs")
    ap.add_argument("--text-out", help="with --page: write the rendered text here")
    ap.add_argument("names", nargs="*")
    args = ap.parse_args()
    args.out = args.out or tempfile.mkdtemp(prefix="avs-report-")
    os.makedirs(args.out, exist_ok=True)
    if args.page:
        todo = {"written": check_written}
    else:
        if not args.tool:
            ap.error("--tool or --page")
        todo = {n: CHECKS[n] for n in (args.names or CHECKS)}
    passed = failed = 0
    with cdp.Browser() as b:
        for name, fn in todo.items():
            t = time.monotonic()
            try:
                fn(args, b)
                print("PASS %s (%.1f s)" % (name, time.monotonic() - t))
                passed += 1
            except Exception as e:  # a failed check or a broken browser: both are failures
                print("FAIL %s: %s: %s" % (name, type(e).__name__, e))
                failed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
