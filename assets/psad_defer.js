/* psad.Defer (layouts/static.py): its children drawn just after the rest of the page, in a React
   transition. Dash draws a layout in one piece of work that nothing interrupts: on a phone a few
   hundred milliseconds in which a tap or a key waits (Lighthouse's total blocking time). A
   transition is drawn in slices of a few milliseconds, the browser answering the reader between
   them. While it waits a Defer is an empty, hidden marker (data-psad-deferred):
   assets/psad_first.js keeps the server's copy of the page on screen until no marker is left, so
   the reader never sees the gap.
   What must not be inside one: a dcc.Store holding data. It calls setProps while it is being
   drawn (componentWillMount), and in a transition, which React may draw again and again before
   showing it, each try changed Dash's store and started the transition over (the Map: 7 s of
   script). layouts/shell.page_frame keeps a page's stores outside. Without React.startTransition
   (an older React) the children are drawn in the next task. */
(function () {
  var React = window.React;
  if (!React) { return; }
  var h = React.createElement;
  var sliced = typeof React.startTransition === "function";

  // The children as Dash's layout holds them now. Dash made these elements when the Defer (or a
  // psad.Gate) was drawn, each marked as a new drawing (_newRender), and a component newly drawn
  // shows the props it was made with: a value a callback wrote meanwhile (a link's filter read
  // from the address, with no Referer) would not show until it changed again. Unmarked, each
  // reads its props from Dash's store as it is drawn.
  function current(children) {
    return React.Children.map(children, function (child) {
      var marked = React.isValidElement(child) && child.props._newRender;
      return marked ? React.cloneElement(child, {_newRender: 0}) : child;
    });
  }

  function Defer(props) {
    var state = React.useState(false), shown = state[0], show = state[1];
    React.useEffect(function () {  // once, after the first drawing (shown is false then)
      var timer = setTimeout(function () {
        if (sliced) { React.startTransition(function () { show(true); }); } else { show(true); }
      }, 0);
      return function () { clearTimeout(timer); };
    }, []);
    if (!shown) { return h("div", {"data-psad-deferred": "", hidden: true}); }
    return h(React.Fragment, null, current(props.children));
  }

  window.psad = window.psad || {};
  window.psad.Defer = Defer;
  window.psad.currentChildren = current;  // psad_gate.js too
})();
