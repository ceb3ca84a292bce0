/* CTM's only page script (with the vendored htmx), a progressive enhancement (every page works without it):
   - on a phone, the header's links fold behind a "Menu" button (ctm.css shows the button below 48rem);
   - each table cell carries its column's name, shown beside the value when tables become cards;
   - the case page's list of sections becomes tabs (WAI-ARIA tabs: arrow keys, Home, End; the
     address's #section opens its tab; "All" shows every section, the default on a wide screen),
     and a section swapped in by htmx after an edit keeps its tab and names itself in the address;
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
  var ALL = "case-sections";  // the first tab shows every section (the default on a wide screen)
  function setupTabs() {
    var nav = document.querySelector(".case-tabs");
    if (!nav) { return null; }
    var list = nav.querySelector("ul");
    var links = Array.prototype.slice.call(list.querySelectorAll("a[href^='#']"));
    var keys = links.map(function (a) { return a.getAttribute("href").slice(1); });
    var sections = keys.filter(function (k) { return k !== ALL; });
    list.setAttribute("role", "tablist");
    list.setAttribute("aria-label", nav.getAttribute("aria-label") || "");
    nav.removeAttribute("aria-label");
    Array.prototype.forEach.call(list.children, function (li) { li.setAttribute("role", "presentation"); });
    links.forEach(function (a, i) {
      a.id = "tab-" + keys[i];
      a.setAttribute("role", "tab");
      a.setAttribute("aria-controls", keys[i] === ALL ? sections.join(" ") : keys[i]);
    });
    var state = { current: null };
    var home = window.location.pathname + window.location.search;  // the case page's address
    function show(key, focus) {
      if (keys.indexOf(key) < 0) { return; }
      state.current = key;
      links.forEach(function (a, i) {
        var on = keys[i] === key;
        a.setAttribute("aria-selected", on ? "true" : "false");
        a.tabIndex = on ? 0 : -1;
        if (on && focus) { a.focus(); }
      });
      sections.forEach(function (k) {
        var p = document.getElementById(k);
        if (!p) { return; }
        p.setAttribute("role", "tabpanel");
        p.setAttribute("aria-labelledby", "tab-" + k);
        p.hidden = key !== ALL && key !== k;
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
      var key = keys[links.indexOf(a)];
      show(key, false);
      if (window.history && window.history.replaceState) { window.history.replaceState(null, "", home + "#" + key); }
    });
    list.addEventListener("keydown", function (ev) {
      var i = links.indexOf(document.activeElement);
      if (i < 0) { return; }
      var next = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, Home: 0, End: links.length - 1 }[ev.key];
      if (next === undefined) { return; }
      ev.preventDefault();
      next = (next + links.length) % links.length;
      show(keys[next], true);
    });
    window.addEventListener("hashchange", function () { var k = fromHash(); if (k) { show(k, false); } });
    var wide = window.matchMedia && window.matchMedia("(min-width: 48rem)").matches;
    show(fromHash() || (wide ? ALL : sections[0]), false);
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
    if (el.matches("section[id]") && el.id !== "case-summary") {
      // the section saved (or the form cancelled): the address is the page's and names the section,
      // as without JavaScript (a form opened in place had put the form's own address there)
      var page = ev.detail && ev.detail.xhr && ev.detail.xhr.responseURL;
      if (page && window.history && window.history.replaceState) {
        window.history.replaceState(null, "", page.split("#")[0] + "#" + el.id);
      }
      var heading = el.querySelector("h2");
      if (heading) { heading.tabIndex = -1; heading.focus(); }
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    menu(); cards(); tabs = setupTabs();
    document.body.addEventListener("htmx:afterSettle", afterSwap);
  });
}());
