/* The first view drawn by the server (app/first_view.py) stays on screen until Dash has drawn the
   same page in the hidden #react-entry-point (.psad-pending), every psad.Defer in it included
   (assets/psad_defer.js: no [data-psad-deferred] marker left), then the two are swapped in one
   step: the server's copy is removed and Dash's shown. Swapped only once Dash's page is whole
   (its lazily loaded dropdowns and date pickers there too, or 4 s after the page appeared), so
   nothing on screen changes but the charts. What a closed psad.Gate holds (assets/psad_gate.js) is
   not waited for once the gate has found itself hidden (the filter panel folded on a phone): Dash
   draws it when it is opened; a gate on screen opens at once and is waited for. What the reader
   did meanwhile goes across: the focused link or button (by its id) and the "Show as table"
   disclosures opened.
   Without scripts, or if Dash fails, the server's copy stays: numbers, tables and links still work. */
(function () {
  var first = document.getElementById("psad-first");
  var root = document.getElementById("react-entry-point");
  if (!first || !root || !window.MutationObserver) { return; }
  var LAZY = [".dash-dropdown", ".dash-datepicker"];
  var appeared = 0, observer = null, done = false;

  function whole() {
    if (!root.querySelector("#page-content") || root.querySelector("[data-psad-deferred]")) { return false; }
    if (!appeared) { appeared = Date.now(); setTimeout(check, 4000); }
    if (Date.now() - appeared >= 4000) { return true; }
    var hidden = [];
    var gates = root.querySelectorAll("[data-psad-gate]");
    for (var g = 0; g < gates.length; g++) {
      if (gates[g].getAttribute("data-psad-gate") !== "hidden") { return false; }  // opens, or is being seen
      var holder = gates[g].parentElement;
      var theirs = holder && holder.id ? first.querySelector('[data-ssr-id="' + holder.id + '"]') : null;
      if (theirs) { hidden.push(theirs); }
    }
    for (var i = 0; i < LAZY.length; i++) {
      var want = first.querySelectorAll(LAZY[i]).length;
      hidden.forEach(function (el) { want -= el.querySelectorAll(LAZY[i]).length; });
      if (root.querySelectorAll(LAZY[i]).length < want) { return false; }
    }
    return true;
  }

  function swap() {
    done = true;
    if (observer) { observer.disconnect(); }
    var active = document.activeElement;
    var focusId = active && first.contains(active) ? active.getAttribute("data-ssr-id") : null;
    var opened = [];
    var theirs = first.querySelectorAll("details");
    for (var i = 0; i < theirs.length; i++) { if (theirs[i].open) { opened.push(i); } }
    first.parentNode.removeChild(first);
    root.classList.remove("psad-pending");
    var ours = root.querySelectorAll("details");
    opened.forEach(function (i) { if (ours[i]) { ours[i].open = true; } });
    if (focusId) {
      var target = document.getElementById(focusId);
      if (target) { target.focus(); }
    }
  }

  function check() {
    if (!done && whole()) { swap(); }
  }

  observer = new MutationObserver(check);
  observer.observe(root, {childList: true, subtree: true, attributes: true, attributeFilter: ["data-psad-gate"]});
})();
