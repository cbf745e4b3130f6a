"""Calling a callback over HTTP exactly as the Dash renderer does: one helper for every test.

The callback is found by one of its outputs (``"id"`` or ``"id.property"``) and, where several
callbacks write the same output, by the input that changed; its inputs and states are filled by
name from ``values`` (``"id.property" -> value``, None when absent), so a test keeps working when
a callback's signature moves an input to a state.
"""

from __future__ import annotations


def _parts(key: str) -> list[dict]:
    out = []
    for part in key.strip(".").split("..."):
        cid, prop = part.rsplit(".", 1)
        out.append({"id": cid.split("@")[0], "property": prop.split("@")[0]})  # allow_duplicate: "@hash"
    return out


def callback_key(app, output: str, changed: str | None = None) -> str:
    def writes(key: str) -> bool:
        names = [f"{p['id']}.{p['property']}" for p in _parts(key)]
        return output in names or any(n.startswith(output + ".") for n in names)

    def triggered_by(key: str) -> bool:
        return changed is None or any(f"{i['id']}.{i['property']}" == changed or i["id"] == changed
                                      for i in app.callback_map[key]["inputs"])

    return next(k for k in app.callback_map if writes(k) and triggered_by(k))


def payload(app, output: str, values: dict, changed: str | None = None) -> dict:
    key = callback_key(app, output, changed)
    spec = app.callback_map[key]

    def fill(deps: list[dict]) -> list:
        # an ALL pattern is a list of the components it matches (none here), as the renderer sends it
        return [[] if d["id"].startswith("{") and '["ALL"]' in d["id"] else
                {"id": d["id"], "property": d["property"], "value": values.get(f"{d['id']}.{d['property']}")}
                for d in deps]

    outputs = _parts(key)
    inputs = fill(spec["inputs"])
    first = next((f"{i['id']}.{i['property']}" for i in inputs if f"{i['id']}.{i['property']}" in values), None)
    return {"output": key, "outputs": outputs if key.startswith("..") else outputs[0], "inputs": inputs,
            "state": fill(spec["state"]), "changedPropIds": [changed if changed and "." in changed else first]}


def post(client, app, output: str, values: dict, changed: str | None = None):
    """POST the callback's update and return the response. An output no callback writes is a
    page's update (``callbacks.common.page_callback``): it comes with the shell's update for the
    URL in ``values`` (``shown``), answered as one response holding both."""
    try:
        callback_key(app, output, changed)
    except StopIteration:
        import json

        from flask import Response

        from app import ids

        search = values.get(f"{ids.URL}.search") or values.get(f"{ids.FILTER_STATE}.data") or ""
        merged = shown(client, app, values.get(f"{ids.URL}.pathname") or "/", search)
        return Response(json.dumps({"multi": True, "response": merged}), mimetype="application/json")
    return client.post("/_dash-update-component", json=payload(app, output, values, changed))


def values_of(*deps: dict) -> dict:
    """``{"id.property": value}`` from renderer-style ``{"id", "property", "value"}`` dicts."""
    return {f"{d['id']}.{d['property']}": d["value"] for d in deps}


def shown(client, app, pathname: str, search: str, lang: str | None = None, previous: str | None = None) -> dict:
    """The browser moving to ``pathname`` + ``search`` on the page already shown (back/forward, a
    link): POST the shell's update (``callbacks.filters.update_view``) as the renderer does, and
    return ``{id: {property: value}}`` of its outputs and of the page's (its ``sideUpdate``)."""
    from app import ids

    values = {f"{ids.URL_CHANGE}.data": {"search": search, "path": pathname, "path_changed": False},
              f"{ids.FILTER_STATE}.data": previous, f"{ids.VIEW}.data": {"path": pathname, "search": previous or ""},
              f"{ids.URL}.search": previous or "", f"{ids.URL}.pathname": pathname}
    body = payload(app, f"{ids.FILTER_STATE}.data", values, f"{ids.URL_CHANGE}.data")
    response = client.post("/_dash-update-component", json=body | ({"lang": lang} if lang else {}))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    data = response.get_json()
    out = {k: dict(v) for k, v in data["response"].items()}
    for k, v in (data.get("sideUpdate") or {}).items():
        out.setdefault(k, {}).update(v)
    return out


def layout_props(node, cid):
    """The props of the component ``cid`` in a layout's JSON."""
    if isinstance(node, dict):
        if node.get("props", {}).get("id") == cid:
            return node["props"]
        node = list(node.get("props", {}).values())
    for child in node if isinstance(node, list) else []:
        found = layout_props(child, cid)
        if found is not None:
            return found
    return None


def from_wire(node):
    """A node of ``layouts.common.wire``'s form (a dict as Dash sends a component) as the component
    it stands for, its children too; a ``layouts.static.Static`` as the tree it draws; anything
    else as it is. Tests that walk a layout tree of components use it, so a chart's table (built
    in the wire form, drawn by a ``Static``) is walked like the rest."""
    from layouts.static import NAMESPACE, Static

    if isinstance(node, (list, tuple)):
        return [from_wire(n) for n in node]
    if isinstance(node, Static):
        return from_wire(node.content)
    if not (isinstance(node, dict) and "namespace" in node and "type" in node):
        return node
    if node["namespace"] == NAMESPACE:
        return from_wire(node["props"].get("content"))
    import dash_bootstrap_components as dbc
    from dash import dcc, html

    module = {"dash_html_components": html, "dash_core_components": dcc, "dash_bootstrap_components": dbc}
    props = dict(node["props"])
    props["children"] = from_wire(props.get("children"))
    return getattr(module[node["namespace"]], node["type"])(**props)
