/* Which plotly.js dcc.Graph loads (issue 12; app/bundles.py writes the <meta> this reads).

   Dash's dcc.Graph loads plotly.js itself, from window._dashPlotlyJSURL (the renderer sets it to
   the full 4.8 MB plotly.min.js when it mounts), unless window.Plotly is already there. Here:
   * _dashPlotlyJSURL always answers the vendored partial bundle (the renderer's write is ignored),
     so a chart reached later (another tab) loads the small bundle too;
   * on a page whose first view has a chart (data-load="now"), the bundle starts downloading now,
     beside Dash's own scripts, instead of after the layout and the graph's chunk have arrived.
     Until it has run, window.Plotly is the promise of it: dcc.Graph waits on it
     (Promise.resolve(window.Plotly || load())) rather than adding a second copy; the bundle's
     last line sets window.Plotly to the real library. */
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
  if (meta.getAttribute("data-load") !== "now" || window.Plotly) { return; }
  var pending = new Promise(function (resolve, reject) {
    var script = document.createElement("script");
    script.src = url;
    script.async = true;
    script.onload = function () { resolve(window.Plotly); };
    script.onerror = function (err) {
      if (window.Plotly === pending) { window.Plotly = undefined; }  // dcc.Graph may try again itself
      reject(err);
    };
    document.head.appendChild(script);
  });
  pending.catch(function () {});  // a failed load is reported by the graph that waited on it
  window.Plotly = pending;
})();
