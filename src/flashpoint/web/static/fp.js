/* flashpoint dashboard charts: hand-written SVG, no libraries, no network beyond this server.
 * Untrusted text (actor names, article text) only ever goes into textContent or attribute
 * values set with setAttribute -- never parsed as HTML. */
(function () {
  "use strict";
  var SVGNS = "http://www.w3.org/2000/svg";

  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVGNS, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function html(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function readData(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  /* Goldstein -10 (red) .. 0 (grey) .. +10 (green). */
  function goldColour(g) {
    if (g === null || g === undefined || isNaN(g)) { return "#8c959f"; }
    var t = Math.max(-1, Math.min(1, g / 10));
    if (t < 0) { return "rgb(" + Math.round(140 + 38 * -t) + "," + Math.round(140 - 116 * -t) + "," + Math.round(140 - 97 * -t) + ")"; }
    return "rgb(" + Math.round(140 - 94 * t) + "," + Math.round(140 - 15 * t) + "," + Math.round(140 - 90 * t) + ")";
  }

  /* Dyad timeline: stacked quad-class bars (counts, left axis) + mean Goldstein line (right axis). */
  function timeline(host, series) {
    var pts = series.points || [];
    var W = 960, H = 340, m = { l: 48, r: 52, t: 16, b: 56 };
    var root = svg("svg", { viewBox: "0 0 " + W + " " + H, class: "chart timeline", role: "img",
      "aria-label": "Events per " + series.by + " for " + series.a + "-" + series.b + " by quad class, with mean Goldstein score" });
    host.appendChild(root);
    if (!pts.length) { root.appendChild(svg("text", { x: W / 2, y: H / 2, "text-anchor": "middle" }, "No dated events for this dyad.")); return; }
    var iw = W - m.l - m.r, ih = H - m.t - m.b;
    var maxN = Math.max.apply(null, pts.map(function (p) { return p.events; })) || 1;
    var step = iw / pts.length, bw = Math.max(1, Math.min(40, step * 0.8));
    var y = function (v) { return m.t + ih - (v / maxN) * ih; };
    var yg = function (g) { return m.t + ih / 2 - (g / 10) * (ih / 2); };
    var axis = svg("g", { class: "axis" });
    root.appendChild(axis);
    for (var i = 0; i <= 4; i++) {
      var v = Math.round((maxN * i) / 4 * 10) / 10, yy = y(v);
      root.appendChild(svg("line", { x1: m.l, x2: W - m.r, y1: yy, y2: yy, class: "grid" }));
      axis.appendChild(svg("text", { x: m.l - 6, y: yy + 4, "text-anchor": "end" }, v));
    }
    [-10, -5, 0, 5, 10].forEach(function (g) {
      axis.appendChild(svg("text", { x: W - m.r + 6, y: yg(g) + 4 }, (g > 0 ? "+" : "") + g));
    });
    root.appendChild(svg("line", { x1: m.l, x2: W - m.r, y1: yg(0), y2: yg(0), class: "zero" }));
    axis.appendChild(svg("text", { x: 12, y: m.t + ih / 2, transform: "rotate(-90 12 " + (m.t + ih / 2) + ")", "text-anchor": "middle" }, "events"));
    axis.appendChild(svg("text", { x: W - 10, y: m.t + ih / 2, transform: "rotate(90 " + (W - 10) + " " + (m.t + ih / 2) + ")", "text-anchor": "middle" }, "mean Goldstein"));
    var labelEvery = Math.max(1, Math.ceil(pts.length / 12));
    var line = [];
    pts.forEach(function (p, k) {
      var x0 = m.l + k * step + (step - bw) / 2, base = 0;
      var g = svg("a", { class: "bar", href: p.events_url || "#" });
      [1, 2, 3, 4].forEach(function (q) {
        var c = p["quad" + q] || 0;
        if (!c) { return; }
        g.appendChild(svg("rect", { x: x0, y: y(base + c), width: bw, height: y(base) - y(base + c), class: "q" + q }));
        base += c;
      });
      g.appendChild(svg("title", {}, p.period + ": " + p.events + " events (Q1 " + p.quad1 + ", Q2 " + p.quad2 +
        ", Q3 " + p.quad3 + ", Q4 " + p.quad4 + "), mean Goldstein " + (p.goldstein_mean === null ? "n/a" : p.goldstein_mean.toFixed(2))));
      root.appendChild(g);
      if (k % labelEvery === 0) {
        axis.appendChild(svg("text", { x: x0 + bw / 2, y: H - m.b + 14, "text-anchor": "end",
          transform: "rotate(-35 " + (x0 + bw / 2) + " " + (H - m.b + 14) + ")" }, p.period));
      }
      if (p.goldstein_mean !== null && p.goldstein_mean !== undefined) { line.push([x0 + bw / 2, yg(p.goldstein_mean)]); }
    });
    if (line.length) {
      root.appendChild(svg("path", { class: "gline", d: "M" + line.map(function (xy) { return xy[0].toFixed(1) + "," + xy[1].toFixed(1); }).join("L") }));
      line.forEach(function (xy) { root.appendChild(svg("circle", { cx: xy[0], cy: xy[1], r: 3, fill: "#000" })); });
    }
  }

  /* Actor network: circular layout (deterministic), most active actor first, edges coloured by mean Goldstein. */
  function network(host, net) {
    var nodes = net.nodes || [], edges = net.edges || [];
    var W = 820, H = 620, cx = W / 2, cy = H / 2, R = Math.min(W, H) / 2 - 90;
    var root = svg("svg", { viewBox: "0 0 " + W + " " + H, class: "chart net", role: "group", "aria-label": "Actor network: " + nodes.length + " actors, " + edges.length + " links" });
    host.appendChild(root);
    if (!nodes.length) { root.appendChild(svg("text", { x: cx, y: cy, "text-anchor": "middle" }, "No actor links match.")); return; }
    var pos = {}, maxE = 1, maxN = 1;
    nodes.forEach(function (n, i) {
      var a = (2 * Math.PI * i) / nodes.length - Math.PI / 2;
      pos[n.id] = [cx + R * Math.cos(a), cy + R * Math.sin(a), a];
      maxN = Math.max(maxN, n.count || 1);
    });
    edges.forEach(function (e) { maxE = Math.max(maxE, e.count || 1); });
    var eg = svg("g", {});
    root.appendChild(eg);
    edges.forEach(function (e) {
      var s = pos[e.source], t = pos[e.target];
      if (!s || !t) { return; }
      var ln = svg("path", { class: "edge", fill: "none", stroke: goldColour(e.goldstein_mean), "stroke-width": 1 + 7 * Math.sqrt((e.count || 1) / maxE),
        d: "M" + s[0] + "," + s[1] + " Q" + (cx + (s[0] + t[0] - 2 * cx) * 0.25) + "," + (cy + (s[1] + t[1] - 2 * cy) * 0.25) + " " + t[0] + "," + t[1] });
      ln.appendChild(svg("title", {}, e.source + " - " + e.target + ": " + e.count + " events, mean Goldstein " + e.goldstein_mean));
      eg.appendChild(ln);
    });
    nodes.forEach(function (n) {
      var p = pos[n.id], r = 5 + 14 * Math.sqrt((n.count || 1) / maxN);
      var a = svg("a", { href: "/events?actor=" + encodeURIComponent(n.id), class: "node" });
      a.appendChild(svg("title", {}, n.id + ": " + n.count + " events"));
      a.appendChild(svg("circle", { cx: p[0], cy: p[1], r: r }));
      var lx = cx + (R + r + 8) * Math.cos(p[2]), ly = cy + (R + r + 8) * Math.sin(p[2]);
      a.appendChild(svg("text", { x: lx, y: ly + 4, "text-anchor": Math.cos(p[2]) < -0.2 ? "end" : (Math.cos(p[2]) > 0.2 ? "start" : "middle") }, n.id));
      root.appendChild(a);
    });
  }

  /* World map: equirectangular projection of the shipped coarse outline, one dot per place. */
  function worldMap(host, data) {
    var W = 1000, H = 480, top = 84, bottom = -58;
    var x = function (lon) { return ((lon + 180) / 360) * W; };
    var y = function (lat) { return ((top - lat) / (top - bottom)) * H; };
    var root = svg("svg", { viewBox: "0 0 " + W + " " + H, class: "chart map", role: "group", "aria-label": "Map of " + data.places.length + " places with located events" });
    host.appendChild(root);
    root.appendChild(svg("rect", { x: 0, y: 0, width: W, height: H, class: "ocean" }));
    var landLayer = svg("g", {}), dots = svg("g", {});
    root.appendChild(landLayer);
    var grat = "";
    for (var lon = -180; lon <= 180; lon += 30) { grat += "M" + x(lon) + ",0V" + H; }
    for (var lat = -60; lat <= 80; lat += 30) { grat += "M0," + y(lat) + "H" + W; }
    root.appendChild(svg("path", { d: grat, class: "graticule" }));
    root.appendChild(dots);
    fetch(host.getAttribute("data-outline")).then(function (r) { return r.json(); }).then(function (geo) {
      geo.features.forEach(function (f) {
        f.geometry.coordinates.forEach(function (ring) {
          var d = ring.map(function (c, i) { return (i ? "L" : "M") + x(c[0]).toFixed(1) + "," + y(c[1]).toFixed(1); }).join("") + "Z";
          landLayer.appendChild(svg("path", { d: d, class: f.properties.kind === "lake" ? "lake" : "land" }));
        });
      });
      host.setAttribute("data-ready", "1");
    }).catch(function () { host.setAttribute("data-ready", "outline-missing"); });
    var maxN = 1;
    data.places.forEach(function (p) { maxN = Math.max(maxN, p.n); });
    data.places.forEach(function (p) {
      var href = "/events?" + (p.country ? "country=" + encodeURIComponent(p.country) : "");
      var a = svg("a", { href: href, class: "place" });
      a.appendChild(svg("title", {}, (p.name || "?") + (p.country ? " (" + p.country + ")" : "") + ": " + p.n + " events, mean Goldstein " + p.goldstein_mean));
      a.appendChild(svg("circle", { cx: x(p.lon), cy: y(p.lat), r: 3 + 12 * Math.sqrt(p.n / maxN), class: "dot", fill: goldColour(p.goldstein_mean) }));
      dots.appendChild(a);
    });
  }

  /* "Paste an article": POST the text, then draw the returned runs and events with the DOM. */
  function pasteForm(form) {
    var out = document.getElementById("code-result"), status = document.getElementById("code-status");
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var body = { text: form.elements.text.value };
      if (form.elements.published.value) { body.published = form.elements.published.value; }
      var headers = { "Content-Type": "application/json" };
      if (form.elements.token.value) { headers.Authorization = "Bearer " + form.elements.token.value; }
      status.textContent = "Coding...";
      out.replaceChildren();
      fetch("/api/code", { method: "POST", headers: headers, body: JSON.stringify(body) })
        .then(function (r) { return r.json().then(function (j) { return [r.status, j]; }); })
        .then(function (res) {
          if (res[0] !== 200) { status.textContent = "Error " + res[0] + ": " + res[1].error + (res[1].detail ? " (" + JSON.stringify(res[1].detail) + ")" : ""); return; }
          status.textContent = res[1].skipped
            ? "Not coded: the text looks " + res[1].skipped + " (" + res[1].language + "); flashpoint codes English news."
            : res[1].events.length + " events found.";
          renderCoded(out, res[1]);
          out.focus();
        })
        .catch(function (e) { status.textContent = "Request failed: " + e; });
    });
  }

  function renderCoded(out, data) {
    out.appendChild(html("h2", {}, "Events"));
    var table = html("table", { class: "data", id: "coded-events" });
    var head = html("tr", {});
    ["#", "source", "event", "target", "quad", "date", "speaker"].forEach(function (h) { head.appendChild(html("th", { scope: "col" }, h)); });
    table.appendChild(html("thead", {})).appendChild(head);
    var tbody = html("tbody", {});
    data.events.forEach(function (e, i) {
      var tr = html("tr", {});
      [i + 1, (e.source.code || "") + " " + (e.source.text || ""), e.cameo + " " + e.cameo_name, (e.target.code || "") + " " + (e.target.text || ""),
        e.quad_class, e.date || "", (e.quote && e.quote.speaker) || ""].forEach(function (v) { tr.appendChild(html("td", {}, v)); });
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    out.appendChild(table);
    out.appendChild(html("h2", {}, "Text with evidence"));
    var div = html("div", { class: "article-text", id: "coded-text" });
    data.segments.forEach(function (s) {
      if (!s.roles.length) { div.appendChild(document.createTextNode(s.text)); return; }
      var m = html("mark", { class: s.roles.map(function (r) { return "hl-" + r; }).join(" "), title: s.title }, s.text);
      div.appendChild(m);
    });
    out.appendChild(div);
  }

  function init() {
    document.querySelectorAll("[data-chart]").forEach(function (host) {
      var data = readData(host.getAttribute("data-source"));
      var kind = host.getAttribute("data-chart");
      if (!data) { return; }
      if (kind === "timeline") { timeline(host, data); }
      else if (kind === "network") { network(host, data); }
      else if (kind === "map") { worldMap(host, data); }
      if (kind !== "map") { host.setAttribute("data-ready", "1"); }
    });
    var form = document.getElementById("code-form");
    if (form) { pasteForm(form); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
  window.flashpoint = { timeline: timeline, network: network, worldMap: worldMap, goldColour: goldColour };
}());
