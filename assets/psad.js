// The filter panel's state (see toggleFilters): which width folds it by default, its class tokens,
// and a wide screen's fold kept for this tab.
var psadFilters = {
  PHONE: "(max-width: 768px)",
  KEY: "psad.filtersFolded",
  isPhone: function () { return !!(window.matchMedia && window.matchMedia(psadFilters.PHONE).matches); },
  has: function (cls, token) { return (cls || "").split(" ").indexOf(token) !== -1; },
  withToken: function (cls, token, on) {
    var parts = (cls || "").split(" ").filter(function (t) { return t && t !== token; });
    if (on) { parts.push(token); }
    return parts.join(" ");
  },
  // Shown at the current width: what the button's aria-expanded says.
  expanded: function (cls) {
    return psadFilters.isPhone() ? psadFilters.has(cls, "open") : !psadFilters.has(cls, "folded");
  },
  stored: function () {
    try { return window.sessionStorage.getItem(psadFilters.KEY) === "1"; } catch (e) { return false; }
  },
  store: function (folded) {
    try { window.sessionStorage.setItem(psadFilters.KEY, folded ? "1" : "0"); } catch (e) { /* private mode */ }
  },
};

// Clientside callbacks (see callbacks/shell.py). Loaded locally from assets/, no CDN.
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  psad: Object.assign({}, (window.dash_clientside || {}).psad, {
    // The filter panel folds behind its button: on phones it starts folded ("open" shows it), on
    // wide screens it starts open ("folded" hides it: a projector at 1280x720 needs the room). The
    // two are independent, so turning a phone sideways or narrowing a window keeps each width's
    // own state. First call: a wide screen's fold chosen earlier in this tab (kept across pages and
    // reloads in sessionStorage). On a phone, a filter chosen inside the open panel (a new filter
    // state) closes it and gives the focus back to the button, which says which filters are on, so
    // the results are in view.
    toggleFilters: function (nClicks, filterState, className) {
      var nu = window.dash_clientside.no_update;
      var ctx = window.dash_clientside.callback_context;
      var trigger = ((ctx && ctx.triggered && ctx.triggered[0]) || {}).prop_id || "";
      var cls = className || "filter-panel";
      var phone = psadFilters.isPhone();
      if (trigger === "" || trigger === ".") {
        cls = psadFilters.withToken(cls, "folded", psadFilters.stored());
      } else if (trigger.indexOf("filter-state") === 0) {
        if (!phone || !psadFilters.has(cls, "open")) { return nu; }
        var toggle = document.getElementById("filter-toggle");
        if (toggle) { setTimeout(function () { toggle.focus(); }, 0); }
        cls = psadFilters.withToken(cls, "open", false);
      } else if (phone) {
        cls = psadFilters.withToken(cls, "open", !psadFilters.has(cls, "open"));
      } else {
        var fold = !psadFilters.has(cls, "folded");
        cls = psadFilters.withToken(cls, "folded", fold);
        psadFilters.store(fold);
      }
      return [cls, psadFilters.expanded(cls) ? "true" : "false"];
    },
    // The language switch: the same path and query string, with lang set to the other language.
    langHref: function (pathname, search, other) {
      var params = new URLSearchParams(search || "");
      params.set("lang", other || "en");
      return (pathname || "/") + "?" + params.toString();
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
    // A page's callback writing the shell (callbacks.common.shell_write): the URL's query string,
    // and filter controls, copied from the page's relay store. With keep_view the page has already
    // updated itself for the new query string, so the view store follows and no server update is cued.
    relay: function (d, view, n) {
      var nu = window.dash_clientside.no_update;
      var out = [];
      for (var i = 0; i < n; i++) { out.push(nu); }
      if (!d || !d.values) { return out; }
      d.values.forEach(function (v, i) { if (v !== d.no_change) { out[i] = v; } });
      if (d.keep_view && out[0] !== nu) {
        out[1] = {path: window.location.pathname, search: out[0]};
      }
      return out;
    },
    // The URL moved away from the view the page shows (back/forward, a page's link): cue the
    // server (callbacks.filters.update_view). Our own writes arrive with the view already matching.
    // A new path is shown by show_page: the view follows it here, and the cue says so.
    urlChange: function (search, pathname, view) {
      var nu = window.dash_clientside.no_update;
      search = search || "";
      var samePath = !!view && view.path === pathname;
      if (samePath && view.search === search) { return [nu, nu]; }
      var next = {path: pathname, search: search};
      var cue = samePath || !view || view.search !== search
        ? {search: search, path: pathname, path_changed: !samePath, t: Date.now()} : nu;
      return [cue, samePath ? nu : next];
    },
    // On load: the server rendered the view its layout request's Referer named. When that was not
    // this page's address (a privacy extension strips or trims the Referer), take the real one,
    // which updates the page and the filters as back/forward does.
    checkLocation: function (view) {
      var nu = window.dash_clientside.no_update;
      var first = !window.psadLocationChecked;
      window.psadLocationChecked = true;  // later views follow the URL, not the other way round
      if (!first || !view) { return [nu, nu]; }
      var loc = window.location;
      return [view.path === loc.pathname ? nu : loc.pathname, view.search === loc.search ? nu : loc.search];
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

// Accessibility repairs of markup the component libraries render (axe-core, WCAG 2.1 AA). Their
// React code re-renders these nodes, so a MutationObserver re-applies the repairs as they appear.
(function () {
  function repair(root) {
    // dcc.DatePickerRange: its wrapper <div> (no role) carries aria-expanded/aria-haspopup, which a
    // generic element may not have (axe aria-allowed-attr, critical). The inputs inside it are the
    // controls, each with its own label; the calendar opens from them.
    root.querySelectorAll(".dash-datepicker-input-wrapper[aria-expanded], .dash-datepicker-input-wrapper[aria-haspopup]")
      .forEach(function (el) { el.removeAttribute("aria-expanded"); el.removeAttribute("aria-haspopup"); });
    // dcc.Dropdown: a hidden (aria-hidden) <input> is the Tab stop that forwards focus to the real
    // <button> (for Safari's default Tab order); a focusable node hidden from screen readers is an
    // axe aria-hidden-focus violation. The button, which has the name and the state, takes the Tab.
    root.querySelectorAll(".dash-dropdown-focus-target").forEach(function (el) {
      if (el.getAttribute("tabindex") !== "-1") { el.setAttribute("tabindex", "-1"); }
      var button = el.nextElementSibling;
      if (button && button.tagName === "BUTTON" && !button.disabled && button.getAttribute("tabindex") !== "0") {
        button.setAttribute("tabindex", "0");
      }
    });
  }
  // dcc.Dropdown: its button shows words ("Homicide Non-fatal shooting 2 selected") its accessible
  // name must contain in the same order (WCAG 2.5.3, axe label-content-name-mismatch; speech-input
  // users say what they see), and the name should say what the control is: "Offense: <shown>".
  function nameDropdowns(root) {
    root.querySelectorAll("button.dash-dropdown[id]").forEach(function (button) {
      var label = document.querySelector('label[for="' + button.id + '"]');
      if (!label) { return; }
      var words = [];
      var walker = document.createTreeWalker(button, NodeFilter.SHOW_TEXT);
      for (var n = walker.nextNode(); n; n = walker.nextNode()) {
        var t = n.nodeValue.replace(/\s+/g, " ").trim();
        if (t && t !== "×" && n.parentElement.getClientRects().length) { words.push(t); }  // shown text only
      }
      var name = label.textContent.trim() + (words.length ? ": " + words.join(" ") : "");
      if (button.getAttribute("aria-label") !== name) { button.setAttribute("aria-label", name); }
      // Dash 4.4 names it by aria-labelledby="<id>-value-count <id>-value", which reads the count before
      // the chosen values (the reverse of what is shown) and drops the label: aria-label above instead.
      if (button.hasAttribute("aria-labelledby")) { button.removeAttribute("aria-labelledby"); }
    });
  }
  // "Copy link" (layouts.shell.filter_tools): the address of the view shown, which carries the
  // filters (with range= when the dates roll forward), copied in the browser, and a confirmation
  // that a screen reader announces (the status is aria-live). Where the browser refuses the
  // clipboard, the address is shown to copy by hand.
  var copyTimer = null;
  function copyLink(button) {
    var url = window.location.href.split("#")[0];
    var status = document.getElementById("copy-link-status");
    function say(text, keep) {
      if (!status) { return; }
      status.textContent = "";  // the same words twice are announced twice
      clearTimeout(copyTimer);
      setTimeout(function () { status.textContent = text; }, 60);
      if (!keep) { copyTimer = setTimeout(function () { status.textContent = ""; }, 8000); }
    }
    function byHand() {
      var area = document.createElement("textarea");
      area.value = url;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.top = "0";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      button.focus();
      return ok;
    }
    function done(ok) {
      if (ok) { say(button.getAttribute("data-copied")); } else { say(button.getAttribute("data-failed") + " " + url, true); }
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(function () { done(true); }, function () { done(byHand()); });
    } else {
      done(byHand());
    }
  }
  // Across the phone breakpoint the panel's state at the new width is the other token's: the
  // button's aria-expanded follows.
  function syncExpanded() {
    var panel = document.getElementById("filter-panel");
    var toggle = document.getElementById("filter-toggle");
    if (!panel || !toggle) { return; }
    var value = psadFilters.expanded(panel.className) ? "true" : "false";
    if (toggle.getAttribute("aria-expanded") === value) { return; }
    var dc = window.dash_clientside;
    if (dc && dc.set_props) { dc.set_props("filter-toggle", {"aria-expanded": value}); } else { toggle.setAttribute("aria-expanded", value); }
  }
  function showTab(link) {
    var row = link.closest && link.closest(".nav");
    if (!row || row.scrollWidth <= row.clientWidth) { return; }
    var r = row.getBoundingClientRect(), l = link.getBoundingClientRect();
    row.scrollLeft += (l.left + l.width / 2) - (r.left + r.width / 2);
  }
  function start() {
    if (window.matchMedia) {
      var query = window.matchMedia(psadFilters.PHONE);
      if (query.addEventListener) { query.addEventListener("change", syncExpanded); } else if (query.addListener) { query.addListener(syncExpanded); }
    }
    document.addEventListener("click", function (e) {
      var button = e.target.closest && e.target.closest("#copy-link");
      if (button) { copyLink(button); }
    });
    repair(document);
    nameDropdowns(document);
    new MutationObserver(function () { repair(document); nameDropdowns(document); }).observe(document.body, {
      subtree: true, childList: true, characterData: true, attributes: true,
      attributeFilter: ["tabindex", "aria-expanded", "aria-labelledby"]});
    // On a phone the nav is one row that scrolls sideways (twelve pages): the page shown is
    // scrolled to the middle of it, so the reader sees where they are (a link to /ipv opens
    // with its tab in view, not off the right edge).
    new MutationObserver(function (records) {
      for (var i = 0; i < records.length; i++) {
        var link = records[i].target;
        if (link.classList && link.classList.contains("nav-link") && link.classList.contains("active")) {
          showTab(link);
          return;
        }
      }
    }).observe(document.body, {subtree: true, attributes: true, attributeFilter: ["class"]});
    // The skip link: focus <main> (tabindex -1) and show it, without "#page-content" in the URL.
    document.addEventListener("click", function (e) {
      var link = e.target.closest && e.target.closest("a.skip-link");
      if (!link) { return; }
      var main = document.getElementById(link.getAttribute("href").slice(1));
      if (!main) { return; }
      e.preventDefault();
      main.focus();
      main.scrollIntoView();
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
