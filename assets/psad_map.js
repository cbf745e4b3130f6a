/* Map functions for dash-leaflet, referenced from Python as {"variable": "psad.map.<name>"}.
   dash-leaflet calls them with the GeoJSON component's props (hideout included) as last argument.
   Everything here is local: no tiles, icons or fonts come from another server.

   Also, for every Leaflet map of the site (issue 11, WCAG 2.1 AA):
   * the shapes and markers are out of the Tab order (each would be a Tab stop: 275 area outlines,
     thousands of incident markers); what they show is in the page's table and lists, whose buttons
     do what a click on the map does. The map itself stays one Tab stop (arrow keys pan, +/- zoom).
   * prefers-reduced-motion: reduce: no fly-to, pan or zoom animation; the map jumps instead.
   * leaving a page while the map flies no longer throws "_leaflet_pos" of undefined. */
window.psad = window.psad || {};
(function () {
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  function words(context) {
    return ((context && context.hideout) || {}).words || {};
  }
  // One inline SVG per program type (shape and colour both differ, so the icons survive
  // colour-vision deficiencies and greyscale printing).
  var ICONS = {
    safe_streets: ["#1f4e79", '<path d="M12 3l8 4v5c0 5-3.5 8-8 9-4.5-1-8-4-8-9V7z"/>'],
    hospital_vip: ["#b23b3b", '<path d="M9 3h6v6h6v6h-6v6H9v-6H3V9h6z"/>'],
    school_vip: ["#2e7d32", '<path d="M12 4l10 5-10 5L2 9zM6 12v4c2 2 10 2 12 0v-4l-6 3z"/>'],
    victim_services: ["#7b3fa0", '<path d="M12 21s-8-5-8-11a4.5 4.5 0 0 1 8-2.8A4.5 4.5 0 0 1 20 10c0 6-8 11-8 11z"/>'],
    reentry: ["#a0620f", '<path d="M4 11h11l-4-4 1.5-1.5L19 12l-6.5 6.5L11 17l4-4H4z"/>'],
    mediation: ["#00796b", '<circle cx="8" cy="10" r="4"/><circle cx="16" cy="14" r="4"/>']
  };
  var OTHER = ["#5f6b7a", '<circle cx="12" cy="12" r="7"/>'];

  function siteIcon(type) {
    var spec = ICONS[type] || OTHER;
    var svg = '<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" fill="#fff">' + spec[1] + '</svg>';
    return L.divIcon({className: "cvi-icon cvi-" + esc(type), iconSize: [30, 30], iconAnchor: [15, 15],
                      popupAnchor: [0, -14],
                      html: '<span class="cvi-pin" style="background:' + spec[0] + '">' + svg + '</span>'});
  }

  function reducedMotion() {
    return !!(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
  }

  // A shape or marker: no Tab stop, and hidden from screen readers (the table says it in words).
  function quiet(el) {
    if (!el || !el.setAttribute) { return; }
    el.setAttribute("tabindex", "-1");
    el.removeAttribute("role");
    el.setAttribute("aria-hidden", "true");
  }

  // The zoom buttons' names in the page's language: from data-zoom-in/-out on an element around
  // the map (layouts/map.py map_words), else Spanish or English by <html lang>.
  var ZOOM = {es: ["Acercar", "Alejar"], en: ["Zoom in", "Zoom out"]};
  function nameZoomButtons(map) {
    var zoom = map.zoomControl;
    if (!zoom || !zoom._zoomInButton || !map._container) { return; }
    var holder = map._container.closest ? map._container.closest("[data-zoom-in]") : null;
    var lang = (document.documentElement.lang || "en").slice(0, 2);
    var fallback = ZOOM[lang] || ZOOM.en;
    var words = holder ? [holder.getAttribute("data-zoom-in"), holder.getAttribute("data-zoom-out")] : fallback;
    [[zoom._zoomInButton, words[0]], [zoom._zoomOutButton, words[1]]].forEach(function (pair) {
      pair[0].title = pair[1];
      pair[0].setAttribute("aria-label", pair[1]);
    });
  }

  function patchLeaflet() {
    if (!window.L || !L.Map || L.Map.prototype._psadPatched) { return !!(window.L && L.Map); }
    var M = L.Map.prototype;
    M._psadPatched = true;
    var flyTo = M.flyTo, setView = M.setView, panBy = M.panBy, panePos = M._getMapPanePos;
    var still = function (options) { return L.extend({}, options, {animate: false}); };
    M.flyTo = function (latlng, zoom, options) {
      if (reducedMotion()) { return this.setView(latlng, zoom, still(options)); }
      return flyTo.apply(this, arguments);
    };
    M.setView = function (center, zoom, options) {
      if (reducedMotion() && options !== true) { options = still(options); }
      return setView.call(this, center, zoom, options);
    };
    M.panBy = function (offset, options) {
      if (reducedMotion()) { options = still(options); }
      return panBy.call(this, offset, options);
    };
    // A frame of an animation that outlives the map (the page changed mid-flight) finds no pane.
    M._getMapPanePos = function () {
      return this._mapPane ? panePos.call(this) : new L.Point(0, 0);
    };
    L.Map.addInitHook(function () {
      if (reducedMotion()) { this._zoomAnimated = false; }
      var map = this;
      nameZoomButtons(map);
      (window.psad.maps = window.psad.maps || []).push(map);
      map.on("unload", function () {
        if (map._flyToFrame) { L.Util.cancelAnimFrame(map._flyToFrame); }
        window.psad.maps = (window.psad.maps || []).filter(function (m) { return m !== map; });
      });
    });
    if (L.SVG) {
      var initPath = L.SVG.prototype._initPath;
      L.SVG.prototype._initPath = function (layer) {
        initPath.call(this, layer);
        quiet(layer._path);
      };
    }
    var initIcon = L.Marker.prototype._initIcon;
    L.Marker.prototype._initIcon = function () {
      initIcon.call(this);
      quiet(this._icon);
    };
    return true;
  }
  // window.L is set by dash-leaflet's bundle; the maps are created later, when the page renders.
  (function wait(n) {
    if (!patchLeaflet() && n < 400) { setTimeout(function () { wait(n + 1); }, 25); }
  })(0);

  // An area's "Filter" button is drawn anew when the filter changes (its words change), and the
  // keyboard focus would fall back to the page's top: put it back on the same area's button.
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest ? event.target.closest("button.area-filter") : null;
    if (!button) { return; }
    var wanted;
    try { wanted = JSON.parse(button.id); } catch (e) { return; }
    var tries = 0;
    var again = function () {
      var lost = !document.activeElement || document.activeElement === document.body;
      if (!lost && document.activeElement !== button) { return; }  // the person moved on
      var found = Array.prototype.find.call(document.querySelectorAll("button.area-filter"), function (b) {
        try { var id = JSON.parse(b.id); return id.code === wanted.code && id.where === wanted.where; }
        catch (e) { return false; }
      });
      if (lost && found) { found.focus(); return; }
      if (tries++ < 40) { setTimeout(again, 100); }
    };
    setTimeout(again, 100);
  }, true);

  window.psad.map = {
    reducedMotion: reducedMotion,
    areaStyle: function (feature, context) {
      var h = (context && context.hideout) || {};
      var code = feature.properties.code;
      var fill = (h.fill || {})[code];
      var chosen = (h.sel || []).indexOf(code) >= 0;
      var flagged = (h.flag || []).indexOf(code) >= 0;
      var style = {weight: chosen ? 3.5 : 0.8, color: chosen ? "#111" : "#58606b", opacity: 1,
                   fillColor: fill && fill !== "none" ? fill : "#ffffff",
                   fillOpacity: fill === "none" ? 0.15 : (fill ? 0.78 : 0.1)};
      if (flagged) { style.dashArray = "3 3"; }
      return style;
    },
    areaEach: function (feature, layer, context) {
      // A tooltip follows a mouse; on a touch screen a tap shows the same numbers under the map's
      // corner (with "Filter by this area"), and a tooltip left open would hide part of the map.
      if (window.matchMedia && window.matchMedia("(hover: none)").matches) { return; }
      var h = (context && context.hideout) || {};
      var tip = (h.tip || {})[feature.properties.code] || esc(feature.properties.name);
      layer.bindTooltip(tip, {sticky: true, direction: "top", className: "area-tip"});
    },
    pointToLayer: function (feature, latlng, context) {
      var p = feature.properties;
      var w = words(context);
      var m = L.circleMarker(latlng, {radius: 5, weight: 1, color: "#fff", fillColor: "#1f4e79", fillOpacity: 0.9});
      m.bindPopup("<strong>" + esc(p.o) + "</strong><br>" + esc(p.d) + "<br>" + esc(p.b) +
                  "<br>" + esc(w.weapon || "Weapon") + ": " + esc(p.w));
      return m;
    },
    densityToLayer: function (feature, latlng) {
      // Not interactive: a click or tap goes through to the area under the circle.
      var p = feature.properties;
      return L.circleMarker(latlng, {radius: p.r, weight: 0.5, color: "#1f4e79", fillColor: "#1f4e79",
                                     fillOpacity: 0.35, interactive: false, bubblingMouseEvents: true});
    },
    siteToLayer: function (feature, latlng, context) {
      var p = feature.properties;
      var w = words(context);
      var m = L.marker(latlng, {icon: siteIcon(p.t), title: p.name, keyboard: false, riseOnHover: true});
      var near = p.near == null ? "" : "<br>" + esc((w.near || "{n} shooting victims nearby (context, not effect)")
                                                     .replace("{n}", p.nearText || p.near));
      m.bindPopup("<strong>" + esc(p.name) + "</strong><br>" + esc(p.type) + "<br>" + esc(p.address) + near);
      return m;
    }
  };
})();
