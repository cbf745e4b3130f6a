// A link to a part of a page (the Summary's "How a change is judged against chance" opens
// /about#chance) loads the page before Dash has drawn that part, so the browser finds nothing to
// scroll to. Once the part appears, scroll to it, and keep it at the top while the parts above it
// are still being filled in (three seconds), unless the reader scrolls, taps or types meanwhile.
(function () {
  var id = "";
  try { id = decodeURIComponent((window.location.hash || "").slice(1)); } catch (e) { return; }
  if (!id) { return; }
  var start = Date.now();
  var found = 0;
  var timer = null;
  var stop = function () {
    if (timer) { clearInterval(timer); timer = null; }
    ["wheel", "touchstart", "keydown", "mousedown"].forEach(function (name) {
      window.removeEventListener(name, stop, true);
    });
  };
  ["wheel", "touchstart", "keydown", "mousedown"].forEach(function (name) {
    window.addEventListener(name, stop, true);
  });
  timer = setInterval(function () {
    var el = document.getElementById(id);
    var now = Date.now();
    if (!el) {
      if (now - start > 10000) { stop(); }
      return;
    }
    if (!found) { found = now; }
    if (Math.abs(el.getBoundingClientRect().top) > 2) { el.scrollIntoView(); }
    if (now - found > 3000) { stop(); }
  }, 100);
})();
