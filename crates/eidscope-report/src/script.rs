//! The page's only script, inline: it filters the triage table (and the case sections with it)
//! by code, severity, country, document type and status, sorts it by a clicked column, and
//! keeps the filters and the order in the address's fragment
//! (`#code=velocity&status=accepted&sort=-findings`: `sort` names a column's `data-key`, `-`
//! for descending), so that a filtered or sorted view can be bookmarked or passed on. Each
//! case section's "previous case" and "next case" links follow the shown cases in the
//! table's current order, so that an analyst works through a filtered list case by case. It reads nothing but the page, fetches
//! nothing and writes nothing but the page's own elements and fragment. Without script the
//! page is whole: every case is shown.

/// The script of the page.
pub(crate) const SCRIPT: &str = r##"(function () {
  "use strict";
  var table = document.getElementById("cases");
  var form = document.getElementById("filters");
  if (!table || !form) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  var shown = document.getElementById("shown");

  function wanted() {
    var filters = {};
    selects.forEach(function (s) { if (s.value !== "") { filters[s.dataset.filter] = s.value; } });
    return filters;
  }

  function matches(row, filters) {
    return Object.keys(filters).every(function (key) {
      var value = filters[key];
      if (key === "code") { return row.dataset.code.indexOf(" " + value + " ") >= 0; }
      if (key === "severity") { return Number(row.dataset.severity) >= Number(value); }
      return row.dataset[key] === value;
    });
  }

  function apply() {
    var filters = wanted();
    var count = 0;
    rows.forEach(function (row) {
      var ok = matches(row, filters);
      row.hidden = !ok;
      if (ok) { count += 1; }
      var section = sectionOf(row);
      if (section) { section.hidden = !ok; }
    });
    shown.textContent = count + " of " + rows.length + " shown";
    chain();
    writeFragment(filters);
  }

  function sectionOf(row) {
    var link = row.querySelector("a[href^='#case-']");
    return link && document.getElementById(link.getAttribute("href").slice(1));
  }

  // Each shown case's "previous case" and "next case" lead to the shown cases before and
  // after it in the table's current order.
  function chain() {
    var sections = Array.prototype.slice.call(body.rows)
      .filter(function (row) { return !row.hidden; })
      .map(sectionOf)
      .filter(function (section) { return section; });
    sections.forEach(function (section, k) {
      point(section.querySelector("a.prev"), sections[k - 1]);
      point(section.querySelector("a.next"), sections[k + 1]);
    });
  }

  function point(link, section) {
    if (!link) { return; }
    link.hidden = !section;
    if (section) { link.setAttribute("href", "#" + section.id); } else { link.removeAttribute("href"); }
  }

  var sorted = "";

  function writeFragment(filters) {
    var pairs = Object.keys(filters).map(function (key) {
      return encodeURIComponent(key) + "=" + encodeURIComponent(filters[key]);
    });
    if (sorted !== "") { pairs.push("sort=" + encodeURIComponent(sorted)); }
    var fragment = pairs.join("&");
    if (fragment !== "" || location.hash.indexOf("=") >= 0) {
      history.replaceState(null, "", fragment === "" ? location.pathname : "#" + fragment);
    }
  }

  function fromFragment() {
    var hash = location.hash.slice(1);
    if (hash.indexOf("=") < 0) { return; }
    hash.split("&").forEach(function (pair) {
      var parts = pair.split("=");
      var key = decodeURIComponent(parts[0]);
      var value = decodeURIComponent(parts.slice(1).join("="));
      if (key === "sort") {
        var descending = value.charAt(0) === "-";
        var name = descending ? value.slice(1) : value;
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
          if (th.dataset.key === name && th.dataset.sort) { sortBy(th, descending); }
        });
        return;
      }
      selects.forEach(function (s) {
        if (s.dataset.filter === key) {
          s.value = value;
          if (s.value !== value) { s.value = ""; }
        }
      });
    });
  }

  function sortBy(th, descending) {
    var column = th.cellIndex;
    var numeric = th.dataset.sort === "num";
    sorted = (descending ? "-" : "") + th.dataset.key;
    Array.prototype.forEach.call(th.parentNode.cells, function (c) { c.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", descending ? "descending" : "ascending");
    var keyed = rows.map(function (row, index) {
      var cell = row.cells[column];
      var key = cell.dataset.value !== undefined ? cell.dataset.value : cell.textContent;
      return { row: row, key: numeric ? Number(key) : key.toLowerCase(), index: index };
    });
    keyed.sort(function (a, b) {
      var order = a.key < b.key ? -1 : (a.key > b.key ? 1 : 0);
      return (descending ? -order : order) || a.index - b.index;
    });
    keyed.forEach(function (k) { body.appendChild(k.row); });
  }

  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
    if (th.dataset.sort) {
      th.tabIndex = 0;
      var toggle = function () {
        sortBy(th, th.getAttribute("aria-sort") !== "descending");
        chain();
        writeFragment(wanted());
      };
      th.addEventListener("click", toggle);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") { toggle(); } });
    }
  });
  selects.forEach(function (s) { s.addEventListener("change", apply); });
  form.addEventListener("reset", function () { setTimeout(apply, 0); });
  window.addEventListener("hashchange", function () {
    if (location.hash.indexOf("=") >= 0) { fromFragment(); apply(); }
  });
  fromFragment();
  apply();
  document.documentElement.dataset.ready = "true";
})();"##;
