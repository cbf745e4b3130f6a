// The presentation deck (/present): keys, clicker, full screen, timed advance and fitting the
// 1280 x 720 slide canvas to the screen. Everything here runs in the browser: moving between slides
// makes no request, so the deck keeps working if the network drops after it loaded.
// Words: none here. What the script says or writes (the pause button's two states, what the live
// region announces) comes from the deck's data-* attributes, rendered in the page's language.
(function () {
  "use strict";
  var W = 1280, H = 720;
  var state = { key: null, n: 1, count: 1, timer: null, paused: false };

  function deck() { return document.querySelector(".deck"); }

  function fit() {
    var d = deck();
    if (!d) { return; }
    var stage = d.querySelector(".deck-stage");
    var s = Math.min(window.innerWidth / W, window.innerHeight / H);
    var x = (window.innerWidth - W * s) / 2, y = (window.innerHeight - H * s) / 2;
    stage.style.transform = "translate(" + x + "px," + y + "px) scale(" + s + ")";
  }

  function slideFromUrl() {
    var raw = new URLSearchParams(window.location.search).get("slide");
    var n = parseInt(raw, 10);
    return isNaN(n) ? null : n;
  }

  function writeUrl(n) {
    var params = new URLSearchParams(window.location.search);
    if (params.get("slide") === String(n)) { return; }
    params.set("slide", String(n));
    // replaceState: moving through the deck is not history; Dash's router is not told either,
    // so no callback runs.
    window.history.replaceState(window.history.state, "", window.location.pathname + "?" + params.toString());
  }

  function announce(n) {
    var live = document.getElementById("present-live");
    var slide = document.getElementById("slide-" + n);
    if (live && slide) { live.textContent = slide.getAttribute("aria-label") || ""; }
  }

  function show(n) {
    var d = deck();
    if (!d) { return; }
    n = Math.max(1, Math.min(state.count, n));
    var slides = d.querySelectorAll(".slide");
    for (var i = 0; i < slides.length; i++) {
      var on = slides[i].getAttribute("data-n") === String(n);
      slides[i].classList.toggle("current", on);
      slides[i].setAttribute("aria-hidden", on ? "false" : "true");
    }
    var changed = n !== state.n;
    state.n = n;
    writeUrl(n);
    if (changed) { announce(n); }
    restartTimer();
  }

  function restartTimer() {
    var d = deck();
    if (state.timer) { window.clearInterval(state.timer); state.timer = null; }
    var secs = d ? parseInt(d.getAttribute("data-advance"), 10) : 0;
    if (secs > 0 && state.count > 1 && !state.paused) {
      state.timer = window.setInterval(function () { show(state.n >= state.count ? 1 : state.n + 1); }, secs * 1000);
    }
  }

  function exit() {
    var d = deck();
    if (!d) { return; }
    if (state.timer) { window.clearInterval(state.timer); state.timer = null; }
    if (document.fullscreenElement && document.exitFullscreen) { document.exitFullscreen().catch(function () {}); }
    // The same route a dcc.Link takes: Dash's router shows the page without reloading the app.
    window.history.pushState({}, "", d.getAttribute("data-exit") || "/");
    window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
  }

  function fullscreen() {
    if (document.fullscreenElement) {
      if (document.exitFullscreen) { document.exitFullscreen().catch(function () {}); }
    } else if (document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen().catch(function () {});
    }
  }

  // The lobby loop's pause (WCAG 2.2.2): P or the Pause button stops the timed advance and starts it
  // again; the button's words for each state are on the button (data-text-*, data-label-*).
  function pause(on) {
    var d = deck();
    if (!d || !(parseInt(d.getAttribute("data-advance"), 10) > 0)) { return; }
    state.paused = on;
    d.classList.toggle("paused", on);
    var b = d.querySelector("[data-deck-action='pause']");
    if (b) {
      var which = on ? "play" : "pause";
      b.textContent = b.getAttribute("data-text-" + which) || b.textContent;
      b.setAttribute("aria-label", b.getAttribute("data-label-" + which) || "");
      b.setAttribute("title", b.getAttribute("data-label-" + which) || "");
      b.setAttribute("aria-pressed", on ? "true" : "false");
    }
    var live = document.getElementById("present-live");
    if (live) { live.textContent = d.getAttribute(on ? "data-text-paused" : "data-text-resumed") || ""; }
    restartTimer();
  }

  // The keys' help (a dialog the layout rendered, hidden): focus goes to its Close button, and back
  // to where it was when it closes.
  var helpReturn = null;
  function helpBox() { var d = deck(); return d ? d.querySelector(".deck-help") : null; }
  function helpOpen() { var h = helpBox(); return !!h && !h.hidden; }
  function help(open) {
    var h = helpBox();
    if (!h) { return; }
    if (open) {
      helpReturn = document.activeElement;
      h.hidden = false;
      var close = h.querySelector("button");
      if (close) { close.focus(); }
    } else {
      h.hidden = true;
      if (helpReturn && helpReturn.focus && document.contains(helpReturn)) { helpReturn.focus(); }
      helpReturn = null;
    }
  }

  function act(action) {
    if (action === "next") { show(state.n + 1); }
    else if (action === "prev") { show(state.n - 1); }
    else if (action === "first") { show(1); }
    else if (action === "last") { show(state.count); }
    else if (action === "fullscreen") { fullscreen(); }
    else if (action === "exit") { exit(); }
    else if (action === "pause") { pause(!state.paused); }
    else if (action === "help") { help(!helpOpen()); }
  }

  var KEYS = {
    ArrowRight: "next", ArrowDown: "next", PageDown: "next", " ": "next", Spacebar: "next",
    ArrowLeft: "prev", ArrowUp: "prev", PageUp: "prev", Home: "first", End: "last",
    f: "fullscreen", F: "fullscreen", Escape: "exit", Esc: "exit", p: "pause", P: "pause", "?": "help",
  };

  document.addEventListener("keydown", function (ev) {
    if (!deck() || ev.ctrlKey || ev.altKey || ev.metaKey) { return; }
    var t = ev.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) {
      return;
    }
    var action = KEYS[ev.key];
    if (helpOpen()) {  // the help is open: Escape or ? closes it; Tab stays on its Close button
      if (action === "exit" || action === "help") { ev.preventDefault(); help(false); }
      else if (ev.key === "Tab") { ev.preventDefault(); }
      return;
    }
    if (/^[0-9]$/.test(ev.key)) {
      var n = ev.key === "0" ? 10 : parseInt(ev.key, 10);
      if (n <= state.count) { ev.preventDefault(); show(n); }
      return;
    }
    if (!action) { return; }
    // Space and Enter on a focused control button press it; everything else is the deck's.
    if ((ev.key === " " || ev.key === "Enter") && t && t.tagName === "BUTTON") { return; }
    ev.preventDefault();
    act(action);
  });

  // The controls show while the pointer moves, and hide 3 s after it stops.
  var idle = null;
  document.addEventListener("mousemove", function () {
    var d = deck();
    if (!d) { return; }
    d.classList.add("show-controls");
    if (idle) { window.clearTimeout(idle); }
    idle = window.setTimeout(function () { var x = deck(); if (x) { x.classList.remove("show-controls"); } }, 3000);
  });

  document.addEventListener("click", function (ev) {
    var b = ev.target.closest ? ev.target.closest("[data-deck-action]") : null;
    if (b && deck()) { ev.preventDefault(); act(b.getAttribute("data-deck-action")); }
  });

  function init() {
    var d = deck();
    if (!d) {
      if (state.timer) { window.clearInterval(state.timer); state.timer = null; }
      state.key = null;
      return;
    }
    if (d.getAttribute("data-key") === state.key && d.getAttribute("data-ready") === "1") { return; }
    state.key = d.getAttribute("data-key");
    state.count = parseInt(d.getAttribute("data-count"), 10) || 1;
    state.n = 0;
    state.paused = false;
    helpReturn = null;
    d.setAttribute("data-ready", "1");
    fit();
    show(slideFromUrl() || parseInt(d.getAttribute("data-start"), 10) || 1);
  }

  new MutationObserver(init).observe(document.documentElement, { childList: true, subtree: true });
  window.addEventListener("resize", fit);
  window.addEventListener("beforeprint", function () {
    var d = deck();
    if (d) { d.querySelector(".deck-stage").style.transform = "none"; }
  });
  window.addEventListener("afterprint", fit);
  window.psadDeck = { show: show, state: state };
})();
