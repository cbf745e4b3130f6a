/* Which plotly.js dcc.Graph loads, when, and how the charts are drawn (issue 12; app/bundles.py
   writes the <meta> this reads).

   Dash's dcc.Graph loads plotly.js itself, from window._dashPlotlyJSURL (the renderer sets it to
   the full 4.8 MB plotly.min.js when it mounts), unless window.Plotly is already there. Here:
   * _dashPlotlyJSURL always answers the vendored partial bundle (the renderer's write is ignored),
     so a chart reached later (another tab) loads the small bundle too;
   * on a page whose first view has a chart (data-load="now") and a screen wide enough that a
     chart is in its first screenful (above 768 px, app.css's phone layout), the bundle starts
     downloading now, beside Dash's own scripts, instead of after the layout and the graph's chunk
     have arrived. Until it has run, window.Plotly is the promise of it: dcc.Graph waits on it
     (Promise.resolve(window.Plotly || load())) rather than adding a second copy; the bundle's
     last line sets window.Plotly to the real library. On a phone the first screenful is the
     headline cards: the 445 KB download would only share the phone's bandwidth with what draws
     them, so it starts only when a chart comes into view or the reader does
     anything (a tap, a key: a filter change's charts must be ready before Dash asks for them),
     then once the browser is idle, after what the tap itself set off (the filter panel's controls).
     Until then no plotly.js is downloaded, parsed or drawn: the phone's first screenful is
     drawn by Dash's scripts alone;
   * the charts are drawn one per task, nearest the screen first: every dcc.Graph waits on the
     same promise, so the four Summary charts were drawn in one task of about half a second on a
     fast laptop (a phone's CPU is several times slower); drawn one at a time, the browser can
     paint, and answer a tap, between them, and the chart in view comes first. */
(function () {
  var meta = document.querySelector('meta[name="psad-plotly"]');
  if (!meta) { return; }
  var url = meta.getAttribute("content");
  try {
    Object.defineProperty(window, "_dashPlotlyJSURL", {
      configurable: true,
      get: function () { return url; },
      set: function () {}
    });
  } catch (e) {
    window._dashPlotlyJSURL = url;
  }

  // Plotly.react, one call per task, the graph nearest the viewport first.
  var queue = [], busy = false;
  function distance(gd) {
    var r = gd.getBoundingClientRect(), h = window.innerHeight || 0;
    return r.bottom < 0 ? -r.bottom : (r.top > h ? r.top - h : 0);
  }
  function drawNext(react, lib) {
    if (!queue.length) { busy = false; return; }
    var best = 0, near = Infinity;
    for (var i = 0; i < queue.length; i++) {
      var d = queue[i].gd && queue[i].gd.isConnected ? distance(queue[i].gd) : -1;
      if (d < near) { near = d; best = i; }
    }
    var job = queue.splice(best, 1)[0], drawn;
    try {
      drawn = job.gd && job.gd.isConnected ? Promise.resolve(react.apply(lib, job.args)) : Promise.resolve(job.gd);
    } catch (err) {
      drawn = Promise.reject(err);
    }
    job.resolve(drawn);
    drawn.then(null, function () {}).then(function () { setTimeout(function () { drawNext(react, lib); }, 0); });
  }
  function queued(lib) {
    if (!lib || typeof lib.react !== "function" || lib._psadQueued) { return lib; }
    var react = lib.react;
    lib.react = function (gd) {
      var args = arguments;
      return new Promise(function (resolve) {
        queue.push({gd: gd, args: args, resolve: resolve});
        if (!busy) { busy = true; setTimeout(function () { drawNext(react, lib); }, 0); }
      });
    };
    lib._psadQueued = true;
    return lib;
  }
  var current = window.Plotly;
  try {
    Object.defineProperty(window, "Plotly", {
      configurable: true,
      get: function () { return current; },
      set: function (value) { current = queued(value); }
    });
  } catch (e) { /* another script owns window.Plotly: draw as Dash does */ }

  if (window.Plotly) { return; }
  var started = false, start;
  var pending = new Promise(function (resolve, reject) {
    start = function () {
      if (started) { return; }
      started = true;
      var script = document.createElement("script");
      script.src = url;
      script.async = true;
      script.onload = function () { resolve(window.Plotly); };
      script.onerror = function (err) {
        if (window.Plotly === pending) { window.Plotly = undefined; }  // dcc.Graph may try again itself
        reject(err);
      };
      document.head.appendChild(script);
    };
  });
  pending.catch(function () {});  // a failed load is reported by the graph that waited on it
  window.Plotly = pending;
  window.psad = window.psad || {};
  window.psad.loadPlotly = function () { start(); return pending; };

  var wide = !window.matchMedia || window.matchMedia("(min-width: 769px)").matches;
  if ((meta.getAttribute("data-load") === "now" && wide) || !("IntersectionObserver" in window) ||
      !("MutationObserver" in window)) {
    start();
    return;
  }
  // Otherwise plotly.js waits until it is needed: a chart comes into view,
  // or the reader does anything at all (a tap, a key, a wheel turn, back/forward), since a filter
  // change's answer may hold charts and Dash waits for them to be ready before it asks.
  var seen = new IntersectionObserver(function (entries) {
    for (var i = 0; i < entries.length; i++) {
      if (entries[i].isIntersecting) { stopWatching(); start(); return; }
    }
  });
  function watch(root) {
    var graphs = root.querySelectorAll ? root.querySelectorAll(".dash-graph") : [];
    for (var i = 0; i < graphs.length; i++) { seen.observe(graphs[i]); }
    if (root.classList && root.classList.contains("dash-graph")) { seen.observe(root); }
  }
  var added = new MutationObserver(function (records) {
    for (var i = 0; i < records.length; i++) {
      for (var j = 0; j < records[i].addedNodes.length; j++) { watch(records[i].addedNodes[j]); }
    }
  });
  var cues = ["pointerdown", "keydown", "touchstart", "wheel", "popstate"];
  function stopWatching() {
    seen.disconnect();
    added.disconnect();
    cues.forEach(function (c) { window.removeEventListener(c, acted, true); });
  }
  // A tap or a key is answered first (the filter panel it opens draws its controls then: on a slow
  // phone plotly.js's start-up is 0.5-2 s of script), and plotly.js starts once the browser is idle.
  function acted() {
    stopWatching();
    if (window.requestIdleCallback) { window.requestIdleCallback(start, {timeout: 1000}); }
    else { setTimeout(start, 200); }
  }
  cues.forEach(function (c) { window.addEventListener(c, acted, {capture: true, passive: true}); });
  added.observe(document.documentElement, {childList: true, subtree: true});
  watch(document);
})();

/* dash-leaflet loaded when a map is first drawn (issue 12; app/bundles.py writes the <meta>).

   Dash puts every component library's script on every page, so dash_leaflet.js (Leaflet, its CSS
   and react-leaflet: 300 KB, 90 KB compressed, evaluated before the first paint) was on the
   Summary too. On a page whose first view has no map, app/bundles.py leaves its tag out and
   writes <meta name="psad-leaflet">; here window.dash_leaflet is a stand-in whose components load
   the library the first time one of them is drawn (the reader moving to the Map or the CVI page),
   draw an empty box of the same id and class until then, and then draw the real component with
   the same props. Dash's renderer waits for them before a callback that reads or writes one
   (_dashprivate_isLazyComponentReady, as for its own lazily loaded components). The library's own
   assignment of window.dash_leaflet is kept behind the stand-in, so a component is never swapped
   for another type (React would make the map again from scratch).

   The map functions (psad_map.js) stay on every page, but patch Leaflet (keyboard, screen
   readers, reduced motion) only if window.L is there within a few seconds of their start: once
   the library has arrived, window.psad.patchLeaflet() is called where psad_map.js offers it, else
   psad_map.js (data-then, from the browser's cache) is run again, before any map is made. */
(function () {
  var meta = document.querySelector('meta[name="psad-leaflet"]');
  if (!meta || window.dash_leaflet) { return; }
  var library = meta.getAttribute("content"), functions = meta.getAttribute("data-then");
  var real = null, loading = null, done = false, stand = {};

  function script(url) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = url;
      s.async = false;
      s.onload = resolve;
      s.onerror = function () { s.remove(); reject(new Error("could not load " + url)); };
      document.head.appendChild(s);
    });
  }
  function patch() {
    var p = window.psad || {};
    if (typeof p.patchLeaflet === "function") { p.patchLeaflet(); return null; }
    if (window.L && window.L.Map && window.L.Map.prototype._psadPatched) { return null; }
    return functions ? script(functions) : null;
  }
  function load() {
    if (!loading) {
      loading = script(library).then(patch).then(function () { done = !!real; return real; });
      loading.catch(function () { loading = null; });  // a later map may try again
    }
    return loading;
  }
  function standIn(type) {
    if (stand[type]) { return stand[type]; }
    var React = window.React;
    var Lazy = function (props) {
      var state = React.useState(done), ready = state[0], setReady = state[1];
      React.useEffect(function () {
        var live = true;
        if (!ready) { load().then(function () { if (live) { setReady(true); } }, function () {}); }
        return function () { live = false; };
      }, []);
      if (ready && real[type]) { return React.createElement(real[type], props); }
      return React.createElement("div", {id: props.id, className: props.className, style: props.style,
                                         "data-psad-loading": "dash_leaflet"});
    };
    Lazy.displayName = "LazyLeaflet(" + type + ")";
    Object.defineProperty(Lazy, "_dashprivate_isLazyComponentReady", {
      get: function () { return done ? true : load(); }
    });
    stand[type] = Lazy;
    return Lazy;
  }
  var namespace = new Proxy({}, {
    get: function (target, key) {
      if (typeof key !== "string" || !/^[A-Z]/.test(key)) { return real ? real[key] : undefined; }
      return standIn(key);
    },
    has: function (target, key) { return typeof key === "string" && /^[A-Z]/.test(key); }
  });
  Object.defineProperty(window, "dash_leaflet", {
    configurable: true,
    get: function () { return namespace; },
    set: function (value) { real = value; }
  });
  window.psad = window.psad || {};
  window.psad.loadLeaflet = load;
})();
