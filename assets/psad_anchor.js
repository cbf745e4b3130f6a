// A link to a part of a page (the Summary's "How a change is judged against chance" opens
// /about#chance) loads the page before Dash has drawn that part, so the browser finds nothing to
// scroll to. Once the part appears, scroll to it: once, and only if the reader has not scrolled
// meanwhile.
(function () {
  var id = "";
  try { id = decodeURIComponent((window.location.hash || "").slice(1)); } catch (e) { return; }
  if (!id) { return; }
  var start = Date.now();
  var timer = setInterval(function () {
    var el = document.getElementById(id);
    if (el) {
      clearInterval(timer);
      if ((window.scrollY || 0) < 40) { el.scrollIntoView(); }
    } else if (Date.now() - start > 10000) {
      clearInterval(timer);
    }
  }, 100);
})();
