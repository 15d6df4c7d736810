// Sentem layout helpers, loaded on every page (no inline script: the CSP forbids it).
// 1. The phone header's menu button: the menu is open without script; with it, the
//    button folds the menu away on narrow screens and opens it again.
// 2. Data tables become stacked cards on narrow screens: each cell gets its column's
//    name (data-label) so a card still says what each value is. Without script the
//    tables keep their scroll containers.
(function () {
  "use strict";
  var header = document.querySelector(".site-header");
  var toggle = document.querySelector(".menu-toggle");
  if (header && toggle) {
    toggle.hidden = false;
    header.classList.add("menu-folds");
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      header.classList.toggle("menu-open", open);
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("table"), function (table) {
    if (table.classList.contains("no-stack") || !table.tHead) { return; }
    var names = Array.prototype.map.call(table.tHead.rows[0].cells, function (th) {
      return th.textContent.replace(/\s+/g, " ").trim();
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var col = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (!cell.hasAttribute("data-label") && names[col]) { cell.setAttribute("data-label", names[col]); }
          col += cell.colSpan || 1;
        });
      });
    });
    // Explicit roles keep the table's meaning for screen readers once CSS shows it as blocks.
    table.setAttribute("role", "table");
    Array.prototype.forEach.call(table.querySelectorAll("thead, tbody, tfoot"), function (g) { g.setAttribute("role", "rowgroup"); });
    Array.prototype.forEach.call(table.rows, function (row) {
      row.setAttribute("role", "row");
      Array.prototype.forEach.call(row.cells, function (cell) {
        var inHead = cell.parentNode.parentNode === table.tHead;
        cell.setAttribute("role", cell.tagName === "TH" ? (inHead ? "columnheader" : "rowheader") : "cell");
      });
    });
    table.classList.add("stack");
  });
}());
