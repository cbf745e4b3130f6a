/* psad.Gate (layouts/static.py): its children drawn only once the gate is on screen, then kept.
   Closed, it is an empty marker (data-psad-gate="closed") in its container. Once the browser has
   laid the page out, an IntersectionObserver says whether the marker has a box: where the
   container is shown (the filter panel on a wide screen) the gate opens then; where it is hidden
   (the panel folded on a phone) the marker says "hidden", and the gate opens when the container
   is shown, which a ResizeObserver sees. The children stay in Dash's layout meanwhile, so
   callbacks read and write them as usual. assets/psad_first.js waits for a gate that is still
   "closed", not for what a "hidden" one holds. `load_ahead`: files of dash_core_components' folder
   the children load when drawn (Dash's lazily loaded chunks), run once the page has loaded. */
(function () {
  var React = window.React;
  if (!React) { return; }
  var h = React.createElement;

  // whether an observer's entry has a box: a hidden element (display: none) has none, a shown one
  // its width. Read from the observers' entries, never from the element: asking the element would
  // make the browser lay the page out there and then, inside Dash's drawing.
  function boxed(entry) {
    var r = entry.contentRect || entry.boundingClientRect;
    return !!(r && (r.width > 0 || r.height > 0));
  }

  // dash_core_components' folder, from its script's address (Dash's lazily loaded parts live there)
  function dccFolder() {
    var s = document.querySelector('script[src*="/dash/dcc/dash_core_components."]');
    return s ? s.getAttribute("src").replace(/[^/]*$/, "") : null;
  }

  // Run ahead the lazily loaded parts the children will ask for: a chunk's script only registers
  // its modules with dash_core_components (webpack marks the chunk as loaded), so when the gate
  // opens, Dash's import of it answers at once instead of fetching it then.
  function loadAhead(names) {
    var folder = dccFolder();
    if (!folder || !names || !names.length) { return; }
    names.forEach(function (name) {
      var src = folder + name;
      if (document.querySelector('script[src="' + src + '"]')) { return; }
      var script = document.createElement("script");
      script.src = src;
      script.async = true;
      document.head.appendChild(script);
    });
  }

  function Gate(props) {
    var state = React.useState(false), open = state[0], setOpen = state[1];
    var marker = React.useRef(null);
    React.useEffect(function () {
      if (open) { return undefined; }
      var el = marker.current;
      if (!el || !window.ResizeObserver || !window.IntersectionObserver) { setOpen(true); return undefined; }
      function seen(entries) {
        if (entries.some(boxed)) { setOpen(true); } else { el.setAttribute("data-psad-gate", "hidden"); }
      }
      // the first answer, once the browser has laid the page out (an IntersectionObserver always
      // gives one), then every change of box (a ResizeObserver: the folded panel opening)
      var first = new IntersectionObserver(function (entries) { first.disconnect(); seen(entries); });
      var later = new ResizeObserver(function (entries) { if (entries.some(boxed)) { setOpen(true); } });
      first.observe(el);
      later.observe(el);
      var runAhead = function () { loadAhead(props.load_ahead); }, timer = null;
      if (document.readyState === "complete") { timer = setTimeout(runAhead, 0); }
      else { window.addEventListener("load", runAhead, {once: true}); }
      return function () {
        first.disconnect(); later.disconnect(); clearTimeout(timer);
        window.removeEventListener("load", runAhead);
      };
    }, [open]);
    if (!open) { return h("div", {"data-psad-gate": "closed", ref: marker}); }
    return h(React.Fragment, null, window.psad.currentChildren(props.children));  // psad_defer.js
  }

  window.psad = window.psad || {};
  window.psad.Gate = Gate;
})();
