// Clientside callbacks (see callbacks/shell.py). Loaded locally from assets/, no CDN.
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  psad: Object.assign({}, (window.dash_clientside || {}).psad, {
    toggleFilters: function (nClicks, className) {
      var open = (className || "").split(" ").indexOf("open") === -1;
      return [open ? "filter-panel open" : "filter-panel", open ? "true" : "false"];
    },
    // The Present control: the deck of the page shown, same query string, and where Escape returns.
    presentHref: function (pathname, search) {
      var path = pathname || "/";
      if (path === "/present") { return "/present" + (search || ""); }
      var params = new URLSearchParams(search || "");
      params.delete("from");
      var name = path === "/" ? "summary" : path.replace(/^\//, "");
      if (name !== "summary") { params.set("from", name); }
      var q = params.toString();
      return "/present" + (q ? "?" + q : "");
    },
    // Each nav link: its page's path followed by the current query string (the filters).
    navHrefs: function (search) {
      var hrefs = Array.prototype.slice.call(arguments, 1);
      return hrefs.map(function (href) {
        return String(href || "/").split("?")[0] + (search || "");
      });
    },
  }),
});
