/* psad.Gate (layouts/static.py): its children drawn only once the gate is on screen, then kept.
   Closed, it is an empty marker (data-psad-gate) in its container: where the container is shown
   (the filter panel on a wide screen) it opens at once, in the task after the page is drawn;
   where it is hidden (the panel folded on a phone) it opens when the container is shown, which a
   ResizeObserver sees (a hidden element has no box; a shown one gets its width). The children stay
   in Dash's layout meanwhile, so callbacks read and write them as usual. assets/psad_first.js
   does not wait for what a hidden gate holds. `prefetch`: files of dash_core_components' folder
   the children load when drawn, fetched ahead (link rel=prefetch) once the page has loaded. */
(function () {
  var React = window.React;
  if (!React) { return; }
  var h = React.createElement;

  function onScreen(el) { return !!(el && el.getClientRects().length); }

  // dash_core_components' folder, from its script's address (Dash's lazily loaded parts live there)
  function dccFolder() {
    var s = document.querySelector('script[src*="/dash/dcc/dash_core_components."]');
    return s ? s.getAttribute("src").replace(/[^/]*$/, "") : null;
  }

  function prefetch(names) {
    var folder = dccFolder();
    if (!folder || !names || !names.length) { return; }
    names.forEach(function (name) {
      var href = folder + name;
      if (document.querySelector('link[rel="prefetch"][href="' + href + '"]')) { return; }
      var link = document.createElement("link");
      link.rel = "prefetch";
      link.as = "script";
      link.href = href;
      document.head.appendChild(link);
    });
  }

  function Gate(props) {
    var state = React.useState(false), open = state[0], setOpen = state[1];
    var marker = React.useRef(null);
    React.useEffect(function () {
      if (open) { return undefined; }
      var el = marker.current;
      if (!window.ResizeObserver || onScreen(el)) { setOpen(true); return undefined; }
      var observer = new ResizeObserver(function () { if (onScreen(el)) { setOpen(true); } });
      observer.observe(el);
      var fetchAhead = function () { prefetch(props.prefetch); };
      if (document.readyState === "complete") { setTimeout(fetchAhead, 0); }
      else { window.addEventListener("load", fetchAhead, {once: true}); }
      return function () { observer.disconnect(); window.removeEventListener("load", fetchAhead); };
    }, [open]);
    if (!open) { return h("div", {"data-psad-gate": "closed", ref: marker}); }
    return h(React.Fragment, null, props.children);
  }

  window.psad = window.psad || {};
  window.psad.Gate = Gate;
})();
