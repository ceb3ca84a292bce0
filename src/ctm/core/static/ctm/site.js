/* CTM's only page script (with the vendored htmx), a progressive enhancement (every page works without it):
   - on a phone, the header's links fold behind a "Menu" button (ctm.css shows the button below 48rem);
   - each table cell carries its column's name, shown beside the value when tables become cards;
   - the case page's list of sections becomes tabs (WAI-ARIA tabs: arrow keys, Home, End; the
     address's #section opens its tab), and a section swapped in by htmx after an edit keeps its tab;
   - after htmx swaps content in, the focus goes to the form opened (its first field) or to the
     section updated, so a keyboard or screen-reader user is not lost. */
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
  var tabs = null;
  function setupTabs() {
    var nav = document.querySelector(".case-tabs");
    if (!nav) { return null; }
    var list = nav.querySelector("ul");
    var links = Array.prototype.slice.call(list.querySelectorAll("a[href^='#']"));
    list.setAttribute("role", "tablist");
    list.setAttribute("aria-label", nav.getAttribute("aria-label") || "");
    nav.removeAttribute("aria-label");
    nav.setAttribute("role", "presentation");
    Array.prototype.forEach.call(list.children, function (li) { li.setAttribute("role", "presentation"); });
    links.forEach(function (a) {
      var key = a.getAttribute("href").slice(1);
      a.id = "tab-" + key;
      a.setAttribute("role", "tab");
      a.setAttribute("aria-controls", key);
    });
    var state = { links: links, current: null };
    function panel(key) { return document.getElementById(key); }
    function show(key, focus) {
      if (!links.some(function (a) { return a.getAttribute("aria-controls") === key; })) { return; }
      state.current = key;
      links.forEach(function (a) {
        var k = a.getAttribute("aria-controls");
        var on = k === key;
        a.setAttribute("aria-selected", on ? "true" : "false");
        a.tabIndex = on ? 0 : -1;
        var p = panel(k);
        if (p) {
          p.setAttribute("role", "tabpanel");
          p.setAttribute("aria-labelledby", "tab-" + k);
          p.tabIndex = 0;
          p.hidden = !on;
        }
        if (on && focus) { a.focus(); }
      });
    }
    function fromHash() {
      var id = window.location.hash.slice(1);
      var target = id && document.getElementById(id);
      var section = target && target.closest(".case-section");
      return section ? section.id : null;
    }
    list.addEventListener("click", function (ev) {
      var a = ev.target.closest("[role=tab]");
      if (!a) { return; }
      ev.preventDefault();
      var key = a.getAttribute("aria-controls");
      show(key, false);
      if (window.history && window.history.replaceState) { window.history.replaceState(null, "", "#" + key); }
    });
    list.addEventListener("keydown", function (ev) {
      var i = links.indexOf(document.activeElement);
      if (i < 0) { return; }
      var next = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, Home: 0, End: links.length - 1 }[ev.key];
      if (next === undefined) { return; }
      ev.preventDefault();
      next = (next + links.length) % links.length;
      show(links[next].getAttribute("aria-controls"), true);
    });
    window.addEventListener("hashchange", function () { var k = fromHash(); if (k) { show(k, false); } });
    show(fromHash() || links[0].getAttribute("aria-controls"), false);
    state.refresh = function () { show(state.current, false); };
    return state;
  }
  function afterSwap(ev) {
    var el = ev.target;
    if (tabs) { tabs.refresh(); }
    cards();
    if (!el || !el.querySelector) { return; }
    var field = el.matches("form") ? el.querySelector("input:not([type=hidden]), select, textarea") : null;
    if (field) { field.focus(); return; }
    if (el.classList && el.classList.contains("case-section")) {
      var heading = el.querySelector("h2");
      if (heading) { heading.tabIndex = -1; heading.focus(); }
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    menu(); cards(); tabs = setupTabs();
    document.body.addEventListener("htmx:afterSettle", afterSwap);
  });
}());
