/* CTM's only page script, a progressive enhancement (every page works without it):
   - on a phone, the header's links fold behind a "Menu" button (ctm.css shows the button below 48rem);
   - each table cell carries its column's name, shown beside the value when tables become cards. */
(function () {
  "use strict";
  function menu() {
    var header = document.querySelector(".site-header");
    var button = header && header.querySelector(".menu-toggle");
    if (!button) { return; }
    header.classList.add("has-menu");
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = header.classList.toggle("menu-open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  function cards() {
    document.querySelectorAll("main table").forEach(function (table) {
      var names = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, i) {
          if (names[i] && !cell.hasAttribute("data-label")) { cell.setAttribute("data-label", names[i]); }
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { menu(); cards(); });
}());
