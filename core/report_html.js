/* The sortable machine table of `avswap report --html` (core/report_html.c). The table is
   complete without this script (it only reorders rows); it reads no data but the cells, and
   each cell's data-sort key when it has one. Inline, allowed by the page's CSP through its
   SHA-256; it adds buttons to the headers, so a page without scripts shows no dead controls. */
(function () {
  "use strict";
  var table = document.getElementById("machines");
  if (!table || !table.tHead || !table.tBodies.length) return;
  var body = table.tBodies[0];
  var heads = table.tHead.rows[0].cells;
  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

  function key(row, col) {
    var cell = row.cells[col];
    var k = cell.getAttribute("data-sort");
    return k !== null ? k : cell.textContent;
  }

  function sortBy(col) {
    var th = heads[col];
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var numeric = th.classList.contains("num") || th.hasAttribute("data-numeric");
    var rows = Array.prototype.slice.call(body.rows);
    var keyed = rows.map(function (row, i) { return { row: row, key: key(row, col), i: i }; });
    keyed.sort(function (a, b) {
      var d = numeric ? Number(a.key) - Number(b.key) : collator.compare(a.key, b.key);
      if (!ascending) d = -d;
      return d !== 0 ? d : a.i - b.i;
    });
    var frag = document.createDocumentFragment();
    keyed.forEach(function (k) { frag.appendChild(k.row); });
    body.appendChild(frag);
    for (var i = 0; i < heads.length; i++) heads[i].setAttribute("aria-sort", "none");
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  Array.prototype.forEach.call(heads, function (th, col) {
    // The header's words stay in the cell for print (Chromium prints a <button> in a header
    // repeated on a new page as blank); the button carries the same words on screen.
    var label = document.createElement("span");
    label.className = "print-label";
    while (th.firstChild) label.appendChild(th.firstChild);
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = label.textContent;
    th.appendChild(label);
    th.appendChild(button);
    if (!th.hasAttribute("aria-sort")) th.setAttribute("aria-sort", "none");
    button.addEventListener("click", function () { sortBy(col); });
  });
  table.setAttribute("data-sortable", "yes");
})();
