// Clientside callbacks (see callbacks/shell.py). Loaded locally from assets/, no CDN.
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  psad: Object.assign({}, (window.dash_clientside || {}).psad, {
    toggleFilters: function (nClicks, className) {
      var open = (className || "").split(" ").indexOf("open") === -1;
      return [open ? "filter-panel open" : "filter-panel", open ? "true" : "false"];
    },
  }),
});
