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
    // A GeoJSON layer's features (the Map's 272 areas, its 1,300 density circles) are added a
    // task after dash-leaflet asks for them, not inside React's commit of the page: on a slow
    // phone the commit that drew the page, made the map and added both layers was one 0.3-0.7 s
    // task, which no tap could interrupt; each now runs in a task of its own. Clearing the layer
    // (new data) forgets what was still to be added. A layer with dash-leaflet's zoomToBounds
    // would find no bounds yet when it asks, right after: none of the site's layers has it
    // (they zoom to the filters' bounds, computed by the server).
    if (L.GeoJSON) {
      var G = L.GeoJSON.prototype, addData = G.addData, clearLayers = G.clearLayers;
      G.addData = function (geojson) {
        if (!geojson || geojson.type !== "FeatureCollection" || !geojson.features || geojson.features.length < 100) {
          return addData.call(this, geojson);
        }
        var layer = this, token = {};
        layer._psadPending = token;
        setTimeout(function () {
          if (layer._psadPending !== token) { return; }
          layer._psadPending = null;
          addData.call(layer, geojson);
        }, 0);
        return this;
      };
      G.clearLayers = function () {
        this._psadPending = null;
        return clearLayers.apply(this, arguments);
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
  // On a page that loads the library only when a map is first drawn (app/bundles.py writes
  // <meta name="psad-leaflet">), its loader calls window.psad.patchLeaflet once it has arrived.
  window.psad.patchLeaflet = patchLeaflet;
  (function wait(n) {
    if (document.querySelector('meta[name="psad-leaflet"]')) { return; }
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

  // The hatching of an area outside the chosen filters (not a zero: layouts/map.py NO_DATA). One
  // pattern for the document; a path's fill="url(#psad-outside)" finds it in any SVG of the page.
  function hatch() {
    if (document.getElementById("psad-outside")) { return; }
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", "0");
    svg.setAttribute("height", "0");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.style.position = "absolute";
    svg.innerHTML = '<defs><pattern id="psad-outside" patternUnits="userSpaceOnUse" width="7" height="7" ' +
      'patternTransform="rotate(45)"><rect width="7" height="7" fill="#ffffff" fill-opacity="0.6"/>' +
      '<line x1="0" y1="0" x2="0" y2="7" stroke="#8a929c" stroke-width="2"/></pattern></defs>';
    (document.body || document.documentElement).appendChild(svg);
  }

  // The density grid's circles (a citywide year is some 1,300 of them) are painted on one canvas per
  // map instead of one SVG element each: on a phone's first view of the Map, Leaflet making those
  // elements was the largest part of the blocking script time. The canvas lies in a pane of its own
  // above the areas (so the circles read as before) that lets every click and tap through to the
  // area under it.
  var DENSITY_PANE = "psadDensity";
  function densityRenderer(map) {
    if (!map._psadDensity) {
      var pane = map.getPane(DENSITY_PANE) || map.createPane(DENSITY_PANE);
      pane.style.zIndex = 450;  // the areas' overlay pane is 400, markers 600
      pane.style.pointerEvents = "none";
      map._psadDensity = L.canvas({pane: DENSITY_PANE, padding: 0.5});
    }
    return map._psadDensity;
  }
  var DensityCircle = null;
  function densityCircle(latlng, options) {
    // made on first use: Leaflet arrives with the Map's bundle, after this script (app/bundles.py)
    if (!DensityCircle || DensityCircle.psadBase !== L.CircleMarker) {
      var base = L.CircleMarker;
      DensityCircle = base.extend({
        beforeAdd: function (map) {
          this.options.renderer = densityRenderer(map);
          return base.prototype.beforeAdd.call(this, map);
        }
      });
      DensityCircle.psadBase = base;
    }
    return new DensityCircle(latlng, options);
  }

  function nu() { return window.dash_clientside.no_update; }
  function triggered() {
    var ctx = window.dash_clientside.callback_context;
    return ((ctx && ctx.triggered) || [])[0] || null;
  }
  function sameSet(a, b) {
    a = (a || []).slice().sort();
    b = (b || []).slice().sort();
    return a.length === b.length && a.every(function (x, i) { return x === b[i]; });
  }
  // The query string's pairs as the server reads them (app.urlstate.clean_pairs): blank keys dropped.
  function pairs(search) {
    var out = [];
    new URLSearchParams(search || "").forEach(function (value, key) { if (key) { out.push([key, value]); } });
    return out;
  }
  // The Map page's view in a query string, as app.pageparams.parse_map reads it.
  function parseMap(search, conf) {
    var view = Object.assign({}, conf.defaults), seen = {};
    pairs(search).forEach(function (p) {
      var key = p[0], value = p[1].trim().toLowerCase();
      if (conf.names.indexOf(key) < 0 || seen[key]) { return; }
      seen[key] = true;
      if (key === "layer") { if (conf.layers.indexOf(value) >= 0) { view.layer = value; } }
      else if (key === "measure") { if (value === "count" || value === "rate") { view.measure = value; } }
      else if (value === "on" || value === "off") { view[key] = value === "on"; }
    });
    return view;
  }
  // The CVI page's program types in a query string, as app.pageparams.parse_cvi reads them.
  function parsePrograms(search, codes) {
    var known = {}, out = [];
    codes.forEach(function (c) { known[c.toLowerCase()] = c; });
    pairs(search).forEach(function (p) {
      var code = p[0] === "program" ? known[p[1].trim().toLowerCase()] : undefined;
      if (code && out.indexOf(code) < 0) { out.push(code); }
    });
    return out.sort();
  }
  function el(type, props) {
    return {type: type, namespace: "dash_html_components", props: props};
  }

  window.psad.map = {
    reducedMotion: reducedMotion,
    parseMap: parseMap,
    parsePrograms: parsePrograms,
    areaStyle: function (feature, context) {
      var h = (context && context.hideout) || {};
      var code = feature.properties.code;
      var fill = (h.fill || {})[code];
      var chosen = (h.sel || []).indexOf(code) >= 0;
      var flagged = (h.flag || []).indexOf(code) >= 0;
      if (fill === "none") {  // outside the chosen filters: hatched, never the 0 class
        hatch();
        return {weight: chosen ? 3.5 : 0.6, color: chosen ? "#111" : "#8a929c", opacity: 1,
                fillColor: "url(#psad-outside)", fillOpacity: 1};
      }
      var style = {weight: chosen ? 3.5 : 0.8, color: chosen ? "#111" : "#58606b", opacity: 1,
                   fillColor: fill || "#ffffff", fillOpacity: fill ? 0.78 : 0.1};
      if (flagged) { style.dashArray = "3 3"; }
      return style;
    },
    areaEach: function (feature, layer, context) {
      // A tooltip follows a mouse; on a touch screen a tap shows the same numbers under the map's
      // corner (with "Filter by this area"), and a tooltip left open would hide part of the map.
      if (window.matchMedia && window.matchMedia("(hover: none)").matches) { return; }
      var h = (context && context.hideout) || {};
      var lines = (h.info || {})[feature.properties.code] || [feature.properties.name];
      var tip = "<strong>" + esc(lines[0]) + "</strong>" + lines.slice(1).map(function (t) {
        return "<br>" + esc(t);
      }).join("");
      layer.bindTooltip(tip, {sticky: true, direction: "top", className: "area-tip"});
    },
    // The area a click or tap landed on ({layer, code}); a close button or another layer: none.
    pick: function (click, closes, layer) {
      var t = triggered();
      if (!t) { return nu(); }
      if (t.prop_id.indexOf("map-areas.") === 0) {
        var code = click && click.properties ? click.properties.code : null;
        return typeof code === "string" && typeof layer === "string" ? {layer: layer, code: code} : nu();
      }
      if (t.prop_id.charAt(0) === "{") { return (closes || []).some(Boolean) ? null : nu(); }
      return null;
    },
    // The numbers of the area picked, from the map's hideout (the same lines as its tooltip), and
    // the button that makes it the filter. Its words: data attributes of the element that holds it.
    details: function (picked, h) {
      if (!picked || !h || !h.info || picked.layer !== h.layer) { return null; }
      var lines = h.info[picked.code];
      if (!lines) { return null; }
      var holder = document.getElementById("map-area-details");
      var w = holder ? holder.dataset : {};
      var chosen = (h.sel || []).indexOf(picked.code) >= 0;
      return el("Div", {className: "area-details-box", role: "group",
                        "aria-label": (w.numbers || "{area}").replace("{area}", lines[0]), children: [
        el("Div", {className: "area-details-head", children: [
          el("H2", {className: "h6 area-details-name", children: lines[0]}),
          el("Button", {id: {type: "map-area-close", i: 0}, n_clicks: 0, className: "btn-close",
                        "aria-label": w.close || "Close"})]}),
        el("Ul", {className: "area-details-numbers", children: lines.slice(1).map(function (t) {
          return el("Li", {children: t});
        })}),
        el("Button", {id: {type: "map-area-filter", code: picked.code, where: "panel"}, n_clicks: 0, type: "button",
                      className: "btn btn-sm " + (chosen ? "btn-outline-secondary" : "btn-primary") + " area-filter",
                      children: chosen ? w.remove : w.filter})]});
    },
    // "Filter by this area" (a table row's or the numbers') and "Clear chosen area": the filter
    // control's new value, through the page's relay (callbacks.common.shell_write); the filter
    // change is then the one request. A redrawn table's buttons (n_clicks 0) press nothing.
    areaFilter: function (conf, args) {
      var t = triggered();
      if (!t || !t.value) { return nu(); }
      var layer = args[3], members = args[4] || {}, current = args.slice(5);
      var field = conf.fields[layer];
      if (!field) { return nu(); }
      var now = current[conf.geo.indexOf(field)] || [];
      var raw = t.prop_id.slice(0, t.prop_id.lastIndexOf("."));
      var codes;
      if (raw === conf.clear) {
        if (!now.length) { return nu(); }
        codes = [];
      } else {
        var id;
        if (raw === conf.pressed) {
          id = t.value.id;  // a button of the areas' table (layouts/static.py)
        } else {
          try { id = JSON.parse(raw); } catch (e) { return nu(); }
        }
        if (!id || typeof id.code !== "string") { return nu(); }
        codes = layer === "csa" ? members[id.code] : [id.code];
        if (!codes || !codes.length) { return nu(); }
        codes = sameSet(now, codes) ? [] : codes.slice();
      }
      var values = [];
      for (var i = 0; i < conf.n; i++) { values.push(conf.noChange); }
      values[conf.index[field]] = codes;
      return {values: values, keep_view: false, no_change: conf.noChange, n: Date.now()};
    },
    // A control changed: ask the server only when it differs from the URL (a person's change);
    // back/forward set the controls from the URL in the filter update's own request.
    ask: function (conf, args) {
      var search = args[conf.names.length], view = parseMap(search, conf), asked = {}, differs = false;
      conf.names.forEach(function (name, i) {
        var value = args[i];
        if (typeof view[name] === "boolean") { value = !!value; }
        asked[name] = value;
        if (value !== view[name]) { differs = true; }
      });
      return differs ? asked : nu();
    },
    askPrograms: function (codes, program, search) {
      var chosen = (Array.isArray(program) ? program : []).filter(function (p) { return typeof p === "string"; });
      return sameSet(chosen, parsePrograms(search, codes)) ? nu() : {program: chosen.slice().sort()};
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
      return densityCircle(latlng, {radius: p.r, weight: 0.5, color: "#1f4e79", fillColor: "#1f4e79",
                                    fillOpacity: 0.35, interactive: false, bubblingMouseEvents: true});
    },
    siteToLayer: function (feature, latlng, context) {
      var p = feature.properties;
      var w = words(context);
      var m = L.marker(latlng, {icon: siteIcon(p.t), title: p.name, keyboard: false, riseOnHover: true});
      var nearWords = (p.near === 1 ? w.near1 : w.near) || "{n} shooting victims nearby (context, not effect)";
      var near = p.near == null ? "" : "<br>" + esc(nearWords.replace("{n}", p.nearText || p.near));
      m.bindPopup("<strong>" + esc(p.name) + "</strong><br>" + esc(p.type) + "<br>" + esc(p.address) + near);
      return m;
    }
  };
})();
