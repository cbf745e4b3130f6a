/* Dash's scripts, loaded once the browser has painted the first view the page's HTML carries
   (app/first_view.py; app/bundles.py marks their tags type="text/psad-later", which no browser runs):
   on a slow phone the HTML and the style sheets then have the connection to themselves. The
   scripts run in their order (async = false, as the tags did), and Dash's renderer starts when the
   last has run (window.psadStartRenderer, Dash's own start, wrapped by app/bundles.py). */
(function () {
  var tags = document.querySelectorAll('script[type="text/psad-later"]');
  if (!tags.length) { return; }
  var sources = Array.prototype.map.call(tags, function (t) { return t.getAttribute("src"); });
  var started = false;
  function start() {
    if (started) { return; }
    started = true;
    if (window.psadStartRenderer) { window.psadStartRenderer(); }
  }
  var loading = false;
  function load() {
    if (loading) { return; }
    loading = true;
    var last = null;
    sources.forEach(function (src) {
      var s = document.createElement("script");
      s.src = src;
      s.async = false;
      document.body.appendChild(s);
      last = s;
    });
    if (!last) { start(); return; }
    last.addEventListener("load", start);
    last.addEventListener("error", start);
  }
  // the frame after this one is painted; a hidden tab (no frames) starts them after 200 ms
  if (window.requestAnimationFrame) {
    window.requestAnimationFrame(function () { setTimeout(load, 0); });
  }
  setTimeout(load, 200);
})();
