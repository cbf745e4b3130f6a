/* psad.Static (layouts/static.py): a tree of plain html.* components, in Dash's wire form
   ({type, namespace, props}), drawn as plain React elements, one component for the whole tree.
   Dash draws each of its components through a wrapper with its own store subscriptions; a
   chart's table is hundreds of cells no callback touches, so here they cost only the elements.
   The Python side lets through only html.* components with no id (or, with static(named=True), a
   plain id no callback names, kept as the element's id), so the props are the element's
   own attributes under React's names (className, colSpan, style, aria-*, data-*), as Dash's html
   components pass them on. With `press` (a dcc.Store's id), buttons with a pattern-matching id
   are drawn with that id (as Dash writes it) and a press writes {id, t} into the store; when the
   table is drawn again (the filter it chose has changed the page), focus goes back to the button
   pressed. */
(function () {
  var React = window.React;
  if (!React) { return; }
  var h = React.createElement;
  var DASH_ONLY = {children: 1, id: 1, n_clicks: 1, n_clicks_timestamp: 1, disable_n_clicks: 1,
                   loading_state: 1, setProps: 1, key: 1};
  // html.* type names whose element is not the lower-cased name
  var TAGS = {MapEl: "map", ObjectEl: "object"};

  // a pattern-matching id as Dash writes it into the page: keys sorted, values as JSON
  function stringifyId(id) {
    return "{" + Object.keys(id).sort().map(function (k) {
      return JSON.stringify(k) + ":" + JSON.stringify(id[k]);
    }).join(",") + "}";
  }

  function pressed(press, id) {
    return function () {
      window.psadStaticFocus = {press: press, key: stringifyId(id)};
      var dc = window.dash_clientside;
      if (dc && dc.set_props) { dc.set_props(press, {data: {id: id, t: Date.now()}}); }
    };
  }

  function draw(node, key, press) {
    if (node === null || node === undefined || typeof node === "boolean") { return null; }
    if (typeof node === "string" || typeof node === "number") { return node; }
    if (Array.isArray(node)) {
      return node.map(function (child, i) { return draw(child, i, press); });
    }
    if (node.namespace !== "dash_html_components" || typeof node.type !== "string") { return null; }
    var props = node.props || {}, attrs = {key: key};
    for (var name in props) {
      if (Object.prototype.hasOwnProperty.call(props, name) && !DASH_ONLY[name] &&
          props[name] !== null && props[name] !== undefined) {
        attrs[name] = props[name];
      }
    }
    if (typeof props.id === "string") { attrs.id = props.id; }  // static(named=True): no callback's
    if (press && props.id && typeof props.id === "object") {
      attrs.id = stringifyId(props.id);
      attrs.onClick = pressed(press, props.id);
    }
    var children = draw(props.children, undefined, press);
    var tag = TAGS[node.type] || node.type.toLowerCase();
    return children === null ? h(tag, attrs) : h(tag, attrs, children);
  }

  function Static(props) {
    var press = props.press;
    React.useEffect(function () {
      var want = window.psadStaticFocus;
      if (!press || !want || want.press !== press) { return; }
      var button = document.getElementById(want.key);
      if (!button) { return; }
      window.psadStaticFocus = null;
      var active = document.activeElement;
      if (!active || active === document.body || (active !== button && active.tagName === "BUTTON" &&
                                                 active.closest && active.closest("table"))) {
        button.focus();
      }
    }, [props.content, press]);
    return draw(props.content, undefined, press);
  }

  window.psad = window.psad || {};
  window.psad.Static = React.memo ? React.memo(Static) : Static;
})();
