// "Download CSV" beside a chart or table (layouts.common.csv_link): the link names its API path
// and the query parameters it takes; when it is followed (clicked, tapped, opened by the keyboard
// or its context menu) its address gets the page's current filters from the address bar, the
// page's language and format=csv. The page's callbacks need not rewrite any link.
(function () {
  "use strict";
  function csvHref(link) {
    var names = (link.getAttribute("data-psad-params") || "").split(",");
    var here = new URLSearchParams(window.location.search);
    var out = new URLSearchParams();
    here.forEach(function (value, key) {
      if (names.indexOf(key) !== -1) { out.append(key, value); }
    });
    var root = document.documentElement;
    out.set("lang", root.getAttribute("data-psad-lang") || root.lang || "en");
    out.set("format", "csv");
    return link.getAttribute("data-psad-csv") + "?" + out.toString();
  }
  function refresh(event) {
    var link = event.target && event.target.closest ? event.target.closest("a[data-psad-csv]") : null;
    if (link) { link.setAttribute("href", csvHref(link)); }
  }
  ["click", "auxclick", "contextmenu", "focusin", "mouseover", "touchstart"].forEach(function (name) {
    document.addEventListener(name, refresh, {capture: true, passive: true});
  });
  window.psadCsvHref = csvHref;  // the browser tests read a link's address as a click would make it
})();
