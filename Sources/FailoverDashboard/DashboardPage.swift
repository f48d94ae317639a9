import Failover
import Foundation
import OrderedJSON

/// The dashboard's page: HTML, CSS and a script, with the words of a language and the status when
/// it was served. No node data is ever markup: the status is JSON inside the script (with `<`, `>`
/// and `&` escaped), and the script puts every value into the page with `textContent`; the page's
/// `Content-Security-Policy` runs only the script that carries the response's nonce.
enum DashboardPage {
    /// The words the script needs, by the name it uses.
    static let words: [(String, Message)] = [
        ("title", .dashboardTitle), ("events", .dashboardEvents), ("index", .dashboardColumnIndex),
        ("url", .dashboardColumnURL), ("role", .dashboardColumnRole), ("state", .dashboardColumnState),
        ("badge", .dashboardColumnBadge), ("uptime", .dashboardColumnUptime), ("errorRate", .dashboardColumnErrorRate),
        ("latency", .dashboardColumnLatency), ("failures", .dashboardColumnFailures), ("lastCheck", .dashboardColumnLastCheck),
        ("priority", .dashboardColumnPriority), ("actions", .dashboardColumnActions), ("enable", .dashboardEnable),
        ("disable", .dashboardDisable), ("check", .dashboardCheck), ("setPriority", .dashboardSetPriority),
        ("priorityPrompt", .dashboardPriorityPrompt), ("checkAll", .dashboardCheckAll), ("token", .dashboardToken),
        ("live", .dashboardLive), ("reconnecting", .dashboardReconnecting), ("current", .dashboardCurrent),
        ("never", .dashboardNever), ("secondsAgo", .dashboardSecondsAgo), ("unauthorized", .dashboardUnauthorized),
        ("policy", .dashboardPolicy), ("noEvents", .replEventsNone),
    ]

    /// The page in `language`, with the status at the time it is served (the script shows it at
    /// once, then follows `events`).
    ///
    /// - Parameters:
    ///   - language: The language of the words.
    ///   - status: The JSON of the status, as the `status` events carry it.
    ///   - nonce: The nonce of the page's script and style, named by its `Content-Security-Policy`.
    static func html(language: Language, status: JSONValue, nonce: String) -> String {
        var table: [(String, JSONValue)] = []
        for (name, key) in words { table.append((name, .string(localized(key, language: language)))) }
        let other: Language = language == .french ? .english : .french
        return template
            .replacingOccurrences(of: "{{LANG}}", with: language.rawValue)
            .replacingOccurrences(of: "{{TITLE}}", with: escape(localized(.dashboardTitle, language: language)))
            .replacingOccurrences(of: "{{OTHER_LANG}}", with: other.rawValue)
            .replacingOccurrences(of: "{{OTHER_LANG_NAME}}", with: escape(localized(.dashboardOtherLanguage, language: language)))
            .replacingOccurrences(of: "{{NONCE}}", with: nonce)
            .replacingOccurrences(of: "{{WORDS}}", with: scriptJSON(.object(table)))
            .replacingOccurrences(of: "{{STATUS}}", with: scriptJSON(status))
    }

    /// Text made safe for HTML.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// JSON safe inside a `<script>` element: `<`, `>` and `&` written as `\u` escapes, so no
    /// string in it can close the element or open a comment.
    static func scriptJSON(_ value: JSONValue) -> String {
        value.serialized()
            .replacingOccurrences(of: "<", with: "\\u003c").replacingOccurrences(of: ">", with: "\\u003e")
            .replacingOccurrences(of: "&", with: "\\u0026")
    }

    static let template = #"""
    <!doctype html>
    <html lang="{{LANG}}">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{TITLE}}</title>
    <style nonce="{{NONCE}}">
    body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #1d2330; background: #f6f7f9; }
    h1 { font-size: 20px; margin: 0 0 .2em; }
    h2 { font-size: 16px; }
    header { display: flex; justify-content: space-between; align-items: baseline; flex-wrap: wrap; gap: 1em; }
    #live { font-size: 12px; padding: 2px 8px; border-radius: 9px; background: #e4e6eb; }
    #live.on { background: #d6f5dc; color: #17642a; }
    #policy { color: #5a6275; }
    table { border-collapse: collapse; width: 100%; background: white; box-shadow: 0 1px 2px #0002; }
    th, td { padding: 6px 8px; border-bottom: 1px solid #eceef2; text-align: left; white-space: nowrap; }
    th { font-size: 12px; color: #5a6275; font-weight: 600; white-space: normal; }
    td.actions { white-space: normal; }
    td.url { font-family: ui-monospace, monospace; }
    td.number { text-align: right; font-variant-numeric: tabular-nums; }
    tr.current { background: #f2f6ff; }
    .mark { color: #c58b00; }
    .badge { font-size: 11px; font-weight: 600; padding: 2px 6px; border-radius: 4px; }
    .EXCELLENT, .HEALTHY { background: #d6f5dc; color: #17642a; }
    .WARNING, .EJECTED { background: #fff1c2; color: #7a5a00; }
    .CRITICAL { background: #fbd5d5; color: #8a1c1c; }
    .DISABLED, .UNKNOWN { background: #e4e6eb; color: #4a5060; }
    .state-down, .state-disabled { color: #8a1c1c; font-weight: 600; }
    .state-suspect, .state-probing, .ejected { color: #7a5a00; font-weight: 600; }
    svg.chart { vertical-align: middle; margin-left: 4px; }
    section { margin-top: 1.5em; }
    #events { list-style: none; padding: 0; margin: 0; background: white; box-shadow: 0 1px 2px #0002; max-height: 18em; overflow: auto; }
    #events li { padding: 4px 8px; border-bottom: 1px solid #eceef2; font-family: ui-monospace, monospace; font-size: 12px; }
    button { font-size: 12px; margin-right: 3px; }
    #message { margin-left: 1em; }
    #message.error { color: #8a1c1c; }
    </style>
    </head>
    <body>
    <header>
      <div><h1>{{TITLE}}</h1><span id="policy"></span></div>
      <div><span id="live"></span> · <a id="language" href="?lang={{OTHER_LANG}}">{{OTHER_LANG_NAME}}</a></div>
    </header>
    <section>
      <table>
        <thead><tr id="head"></tr></thead>
        <tbody id="nodes"></tbody>
      </table>
      <p><label><span id="tokenLabel"></span> <input id="token" type="password" size="28" autocomplete="off"></label>
         <button id="checkAll"></button><span id="message"></span></p>
    </section>
    <section>
      <h2 id="eventsTitle"></h2>
      <ul id="events"></ul>
    </section>
    <script nonce="{{NONCE}}">
    "use strict";
    const W = {{WORDS}};
    const INITIAL = {{STATUS}};
    const lang = document.documentElement.lang;
    // The page may be mounted under a prefix (/admin/): every request is relative to it.
    const base = location.pathname.endsWith("/") ? location.pathname : location.pathname + "/";
    const $ = (id) => document.getElementById(id);
    function text(element, value) { element.textContent = value; return element; }
    function cell(row, value, className) {
      const td = document.createElement("td"); text(td, value); if (className) td.className = className; row.appendChild(td); return td;
    }
    const decimal = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    function percent(value) { return value == null ? "-" : decimal.format(value * 100) + "\u00a0%"; }
    function ago(iso) {
      if (!iso) return W.never;
      return W.secondsAgo.replace("%d", String(Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000))));
    }
    function chart(values) {
      const ns = "http://www.w3.org/2000/svg", svg = document.createElementNS(ns, "svg");
      svg.setAttribute("class", "chart"); svg.setAttribute("width", "90"); svg.setAttribute("height", "22");
      const known = values.filter(v => v != null), max = Math.max(1, ...known);
      // Oldest sample at the left, latest at the right (up to a minute of samples).
      const step = 90 / Math.max(1, values.length - 1);
      const points = values.flatMap((v, i) => v == null ? [] : [(i * step).toFixed(1) + "," + (21 - v / max * 20).toFixed(1)]);
      const line = document.createElementNS(ns, "polyline");
      line.setAttribute("points", points.join(" ")); line.setAttribute("fill", "none");
      line.setAttribute("stroke", "#3b6fd8"); line.setAttribute("stroke-width", "1.5");
      svg.appendChild(line); return svg;
    }
    function say(message, isError) { const m = $("message"); text(m, message); m.className = isError ? "error" : ""; }
    function act(path, body) {
      fetch(base + path + "?lang=" + lang, { method: "POST", body: body ?? "", headers: { "Authorization": "Bearer " + $("token").value } })
        .then(r => r.json().then(j => say(j.message || "", !r.ok)))
        .catch(e => say(String(e), true));
    }
    function button(label, handler) { const b = document.createElement("button"); text(b, label); b.onclick = handler; return b; }
    function render(status) {
      text($("policy"), W.policy + " " + status.loadBalancing);
      const body = $("nodes"), rows = [];
      for (const node of status.nodes) {
        const row = document.createElement("tr");
        row.id = "node-" + node.index; row.dataset.state = node.state; row.dataset.current = String(node.current);
        if (node.current) row.className = "current";
        const index = cell(row, String(node.index), "number");
        if (node.current) { const mark = document.createElement("span"); mark.className = "mark"; mark.title = W.current; text(mark, " ★"); index.appendChild(mark); }
        cell(row, node.url, "url"); cell(row, node.roleText);
        const state = cell(row, node.stateText, node.ejection ? "ejected" : "state-" + node.state);
        if (node.ejection) state.title = node.ejection.message;
        const badge = document.createElement("span"); badge.className = "badge " + node.badge; text(badge, node.badgeText);
        cell(row, "").appendChild(badge);
        cell(row, percent(node.uptime), "number"); cell(row, percent(node.errorRate), "number");
        const latency = cell(row, node.latencyMs == null ? "-" : decimal.format(node.latencyMs) + "\u00a0ms");
        latency.appendChild(chart(node.latencyHistory || []));
        cell(row, String(node.consecutiveFailures), "number"); cell(row, ago(node.lastCheck)); cell(row, String(node.priority), "number");
        const actions = cell(row, "", "actions");
        const path = "nodes/" + node.index + "/";
        actions.appendChild(button(W.enable, () => act(path + "enable")));
        actions.appendChild(button(W.disable, () => act(path + "disable")));
        actions.appendChild(button(W.check, () => act(path + "check")));
        actions.appendChild(button(W.setPriority, () => {
          const value = prompt(W.priorityPrompt.replace("%d", String(node.index)), String(node.priority));
          if (value != null) act(path + "priority", value);
        }));
        rows.push(row);
      }
      body.replaceChildren(...rows);
    }
    function addEvent(event) {
      const list = $("events"), item = document.createElement("li");
      item.dataset.kind = event.kind;
      text(item, new Date(event.time || Date.now()).toLocaleTimeString(lang) + "  " + event.message);
      if (list.dataset.empty) { list.replaceChildren(); delete list.dataset.empty; }
      list.prepend(item);
      while (list.children.length > 100) list.lastChild.remove();
    }
    for (const [id, key] of [["eventsTitle", "events"], ["tokenLabel", "token"], ["checkAll", "checkAll"]]) text($(id), W[key]);
    const head = $("head");
    for (const key of ["index", "url", "role", "state", "badge", "uptime", "errorRate", "latency", "failures", "lastCheck", "priority", "actions"]) {
      const th = document.createElement("th"); text(th, W[key]); head.appendChild(th);
    }
    { const empty = document.createElement("li"); text(empty, W.noEvents); $("events").appendChild(empty); $("events").dataset.empty = "1"; }
    // A token in the address (#token=...), as the REPL prints it, is kept for this tab and taken out of the address.
    const fromLink = new URLSearchParams(location.hash.slice(1)).get("token");
    if (fromLink) { sessionStorage.setItem("failoverToken", fromLink); history.replaceState(null, "", location.pathname + location.search); }
    $("token").value = sessionStorage.getItem("failoverToken") || "";
    $("token").onchange = () => sessionStorage.setItem("failoverToken", $("token").value);
    $("checkAll").onclick = () => act("check");
    text($("live"), W.reconnecting);
    render(INITIAL);
    const source = new EventSource(base + "events?lang=" + lang);
    source.addEventListener("status", (e) => {
      render(JSON.parse(e.data));
      $("live").className = "on"; text($("live"), W.live);
    });
    source.addEventListener("event", (e) => addEvent(JSON.parse(e.data)));
    source.onerror = () => { $("live").className = ""; text($("live"), W.reconnecting); };
    </script>
    </body>
    </html>
    """#
}
