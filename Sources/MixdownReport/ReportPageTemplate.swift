/// The visual report's page: markup, style and the script that draws it. `%TITLE%`, `%REPORT%`
/// (the report JSON) and `%DATA%` (the curves) are filled in by `ReportPage`. The script draws
/// the lanes as SVG for the visible time range, downsampling every curve to the plot's pixel
/// columns (an hour is never a million nodes), and draws words only when zoomed in.
enum ReportPageTemplate {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>%TITLE% — Mixdown report</title>
<style>
:root { --bg: #fbfbfa; --ink: #1d2327; --muted: #6b7280; --line: #d9dcdf; --speech: #3b82c4; --break: #b8bec6;
        --media: #e08a2e; --effect: #8b5cc7; --music: #4f9d69; --tail: #9aa3ad; --target: #c2410c; --ceiling: #b91c1c; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); }
header { padding: 16px 24px 8px; }
h1 { font-size: 20px; margin: 0 0 4px; }
.summary { display: flex; flex-wrap: wrap; gap: 6px 22px; color: var(--muted); }
.summary b { color: var(--ink); font-weight: 600; }
.bar { display: flex; align-items: center; gap: 10px; padding: 6px 24px; flex-wrap: wrap; }
.bar button { font: inherit; padding: 3px 10px; border: 1px solid var(--line); background: #fff; border-radius: 4px; cursor: pointer; }
.bar audio { height: 32px; min-width: 320px; }
#readout { color: var(--muted); font-variant-numeric: tabular-nums; min-width: 360px; }
#plot { padding: 0 8px 0 0; user-select: none; }
#timeline { display: block; width: 100%; cursor: crosshair; }
#timeline text { font-size: 11px; fill: var(--ink); }
#timeline .lane-label { fill: var(--muted); font-size: 11px; }
#timeline .axis text { fill: var(--muted); }
.legend { display: flex; gap: 14px; flex-wrap: wrap; padding: 2px 24px 10px 96px; color: var(--muted); font-size: 12px; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: -1px; border-radius: 2px; }
section.notes { padding: 4px 24px 24px; max-width: 1100px; }
section.notes h2 { font-size: 15px; margin: 16px 0 6px; }
ul.warnings { margin: 0; padding-left: 18px; }
ul.warnings code { background: #f1f2f4; padding: 0 4px; border-radius: 3px; }
table.outputs { border-collapse: collapse; }
table.outputs td, table.outputs th { border-bottom: 1px solid var(--line); padding: 3px 12px 3px 0; text-align: left; font-variant-numeric: tabular-nums; }
</style>
</head>
<body>
<header>
<h1 id="title">%TITLE%</h1>
<div class="summary" id="summary"></div>
</header>
<div class="bar">
<button id="zoom-in" title="Zoom in (or the mouse wheel)">Zoom in</button>
<button id="zoom-out" title="Zoom out">Zoom out</button>
<button id="zoom-fit" title="Show the whole programme">Fit</button>
<span id="readout">Click the timeline to play from there; wheel to zoom, drag to move.</span>
</div>
<div class="bar" id="player-bar"></div>
<div id="plot"><svg id="timeline" role="img" aria-label="Timeline of the production"></svg></div>
<div class="legend" id="legend"></div>
<section class="notes">
<h2>Warnings</h2>
<ul class="warnings" id="warnings"></ul>
<div id="hybrid"></div>
<h2>Outputs</h2>
<table class="outputs" id="outputs"></table>
</section>
<script type="application/json" id="report-json">%REPORT%</script>
<script type="application/json" id="page-data">%DATA%</script>
<script>
"use strict";
(function () {
  var errors = [];
  window.addEventListener("error", function (e) { errors.push(String(e.message)); document.body.setAttribute("data-errors", errors.join(" | ")); });
  var started = performance.now();
  var report = JSON.parse(document.getElementById("report-json").textContent);
  var data = JSON.parse(document.getElementById("page-data").textContent);
  var svg = document.getElementById("timeline");
  var rate = data.timelineRate, total = data.totalSamples, duration = Math.max(total / rate, 0.001);
  var isRender = data.kind === "render";
  var LEFT = 96, RIGHT = 16;
  var view = { from: 0, to: duration };
  var cursorTime = 0;

  function esc(s) { return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;"); }
  function fixed(x, d) { return (Math.round(x * Math.pow(10, d)) / Math.pow(10, d)).toFixed(d); }
  function secs(samples) { return samples / rate; }
  function fmtTime(t) { return fixed(t, 3) + " s"; }
  function span(a, b) { return fmtTime(secs(a)) + " – " + fmtTime(secs(b)) + " (samples " + a + "–" + b + ")"; }

  // Lanes, top to bottom: [name, label, height]. The master page has no timeline of items.
  var lanes = isRender
    ? [["axis", "", 22], ["sections", "Sections", 30], ["items", "Items", 38], ["music", "Music", 22], ["duck", "Duck", 46],
       ["wave", "Waveform", 80], ["loudness", "Loudness", 150], ["peak", "True peak", 64]]
    : [["axis", "", 22], ["wave", "Waveform", 100], ["loudness", "Loudness", 170], ["peak", "True peak", 70]];
  var GAP = 6, laneTop = {}, height = 0;
  lanes.forEach(function (l) { laneTop[l[0]] = height; height += l[2] + GAP; });
  function laneHeight(name) { for (var i = 0; i < lanes.length; i++) if (lanes[i][0] === name) return lanes[i][2]; return 0; }

  var width = 0, plotWidth = 0;
  function x(t) { return LEFT + (t - view.from) / (view.to - view.from) * plotWidth; }
  function timeAt(px) { return view.from + (px - LEFT) / plotWidth * (view.to - view.from); }
  function visible(a, b) { return b >= view.from && a <= view.to; }
  function clampX(v) { return Math.max(LEFT, Math.min(LEFT + plotWidth, v)); }

  // A series' value at time t and the index range of values in [a, b).
  function seriesTime(s, i) { return (s.start + i * s.step) / s.rate; }
  function seriesRange(s, a, b) {
    var i0 = Math.max(0, Math.floor((a * s.rate - s.start) / s.step) - 1);
    var i1 = Math.min(s.values.length, Math.ceil((b * s.rate - s.start) / s.step) + 2);
    return [i0, i1];
  }

  // A line through a series, one point per value when they fit in the pixels, else the lowest
  // and highest of each pixel column. A gap (null) breaks the line.
  // upper: a curve where only the highest value counts (true peaks): one point per column.
  function linePath(s, y, step, upper) {
    if (!s) return "";
    var r = seriesRange(s, view.from, view.to), n = r[1] - r[0], out = [], pen = false;
    if (n <= plotWidth * 2) {
      for (var i = r[0]; i < r[1]; i++) {
        var v = s.values[i];
        if (v === null) { pen = false; continue; }
        var px = fixed(x(seriesTime(s, i)), 2), py = fixed(y(v), 2);
        if (step && pen) out.push("H" + px);
        out.push((pen ? "L" : "M") + px + " " + py);
        pen = true;
      }
      return out.join("");
    }
    var col = -1, lo = 0, hi = 0, have = false;
    function flush() {
      if (!have) return;
      var px = fixed(LEFT + col + 0.5, 2);
      out.push((pen ? "L" : "M") + px + " " + fixed(y(hi), 2) + (upper ? "" : "L" + px + " " + fixed(y(lo), 2)));
      pen = true;
    }
    for (var j = r[0]; j < r[1]; j++) {
      var c = Math.floor(x(seriesTime(s, j)) - LEFT);
      if (c !== col) { flush(); col = c; have = false; }
      var w = s.values[j];
      if (w === null) { if (have) { flush(); have = false; } pen = false; continue; }
      if (!have) { lo = w; hi = w; have = true; } else { lo = Math.min(lo, w); hi = Math.max(hi, w); }
    }
    flush();
    return out.join("");
  }

  // The waveform's envelope: per pixel column the lowest and highest sample, as one shape.
  function envelope(top, h) {
    var mn = data.waveformMin, mx = data.waveformMax;
    if (!mn) return "";
    var mid = top + h / 2, scale = h / 2 / 1000, r = seriesRange(mn, view.from, view.to);
    var cols = {}, order = [];
    for (var i = r[0]; i < r[1]; i++) {
      var c = Math.floor(x(seriesTime(mn, i)) - LEFT);
      if (c < 0 || c >= plotWidth) continue;
      if (!(c in cols)) { cols[c] = [mn.values[i], mx.values[i]]; order.push(c); }
      else { cols[c][0] = Math.min(cols[c][0], mn.values[i]); cols[c][1] = Math.max(cols[c][1], mx.values[i]); }
    }
    if (!order.length) return "";
    var upper = [], lower = [];
    order.forEach(function (c) { var px = fixed(LEFT + c + 0.5, 1); upper.push(px + " " + fixed(mid - cols[c][1] * scale, 1)); lower.push(px + " " + fixed(mid - cols[c][0] * scale, 1)); });
    return "M" + upper.join("L") + "L" + lower.reverse().join("L") + "Z";
  }

  function ticks() {
    var spanS = view.to - view.from, target = spanS / Math.max(1, plotWidth / 90);
    var steps = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
    var step = steps[steps.length - 1];
    for (var i = 0; i < steps.length; i++) if (steps[i] >= target) { step = steps[i]; break; }
    var out = [], t = Math.ceil(view.from / step) * step;
    for (; t <= view.to + 1e-9; t += step) out.push(t);
    return { step: step, at: out };
  }
  function tickLabel(t, step) {
    if (step >= 60) { var m = Math.floor(t / 60), s = Math.round(t - m * 60); return m + ":" + (s < 10 ? "0" : "") + s; }
    return fixed(t, step < 0.1 ? 2 : step < 1 ? 1 : 0) + " s";
  }

  // SVG attributes take no CSS variables: the palette again, for the drawing.
  var C = { speech: "#3b82c4", "break": "#b8bec6", media: "#e08a2e", effect: "#8b5cc7", music: "#4f9d69", tail: "#9aa3ad", target: "#c2410c", ceiling: "#b91c1c" };
  var colours = C;
  // Hybrid-voice boundaries (samples), marked on the items lane.
  var boundaries = [];

  function draw() {
    width = Math.max(480, svg.getBoundingClientRect().width || document.documentElement.clientWidth || 1200);
    plotWidth = width - LEFT - RIGHT;
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    svg.setAttribute("height", height);
    svg.setAttribute("data-plot-left", LEFT);
    svg.setAttribute("data-plot-width", plotWidth);
    svg.setAttribute("data-view-from", view.from);
    svg.setAttribute("data-view-to", view.to);
    svg.setAttribute("data-timeline-rate", rate);
    var o = [];
    o.push('<defs><clipPath id="plot-clip"><rect x="' + LEFT + '" y="0" width="' + plotWidth + '" height="' + height + '"/></clipPath>' +
           '<pattern id="cut" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="3" height="6" fill="#b91c1c" fill-opacity="0.35"/></pattern></defs>');
    lanes.forEach(function (l) {
      if (l[1]) o.push('<text class="lane-label" x="8" y="' + (laneTop[l[0]] + l[2] / 2 + 4) + '">' + l[1] + '</text>');
      if (l[0] !== "axis") o.push('<rect x="' + LEFT + '" y="' + laneTop[l[0]] + '" width="' + plotWidth + '" height="' + l[2] + '" fill="#fff" stroke="#d9dcdf"/>');
    });
    o.push('<g clip-path="url(#plot-clip)">');
    // Time axis.
    var tk = ticks();
    o.push('<g class="axis">');
    tk.at.forEach(function (t) {
      var px = fixed(x(t), 2);
      o.push('<line x1="' + px + '" x2="' + px + '" y1="16" y2="' + height + '" stroke="#eef0f2"/>');
      o.push('<text x="' + (+px + 3) + '" y="13">' + tickLabel(t, tk.step) + '</text>');
    });
    o.push('</g>');
    if (isRender) drawTimeline(o);
    drawCurves(o);
    o.push('<line id="cursor" x1="0" x2="0" y1="16" y2="' + height + '" stroke="#111" stroke-width="1.2" visibility="hidden"/>');
    o.push('</g>');
    svg.innerHTML = o.join("");
    moveCursor(cursorTime);
  }

  function drawTimeline(o) {
    var top = laneTop.sections, h = laneHeight("sections");
    (report.sections || []).forEach(function (s, k) {
      if (!visible(secs(s.startSample), secs(s.endSample))) return;
      var x0 = x(secs(s.startSample)), x1 = x(secs(s.endSample));
      o.push('<g class="section" data-name="' + esc(s.name) + '" data-start-sample="' + s.startSample + '" data-end-sample="' + s.endSample + '">' +
             '<title>' + esc(s.name) + (s.soundSegment ? " · segment " + esc(s.soundSegment) : "") + ": " + span(s.startSample, s.endSample) + '</title>' +
             '<rect class="section" x="' + fixed(x0, 2) + '" y="' + top + '" width="' + fixed(Math.max(0, x1 - x0), 2) + '" height="' + h + '" fill="' + (k % 2 ? "#e8eef6" : "#dbe6f3") + '" stroke="#9fb3c8"/>' +
             '<text class="section-name" x="' + fixed(clampX(x0) + 4, 2) + '" y="' + (top + 19) + '">' + esc(fitText(s.name, Math.min(x1, LEFT + plotWidth) - clampX(x0) - 8)) + '</text></g>');
      o.push('<line x1="' + fixed(x0, 2) + '" x2="' + fixed(x0, 2) + '" y1="' + top + '" y2="' + height + '" stroke="#9fb3c8" stroke-dasharray="2 3"/>');
    });
    top = laneTop.items; h = laneHeight("items");
    var words = view.to - view.from <= 90;
    (report.sections || []).forEach(function (s) {
      (s.items || []).forEach(function (it) {
        if (!visible(secs(it.startSample), secs(it.endSample))) return;
        var x0 = x(secs(it.startSample)), x1 = x(secs(it.endSample)), w = Math.max(1, x1 - x0);
        var label = it.kind === "speech" ? it.text : it.kind === "break" ? "break" : it.name;
        var notes = [];
        if (it.truncated) notes.push("truncated");
        if (it.stretch && Math.abs(it.stretch - 1) > 1e-6) notes.push("stretched ×" + fixed(it.stretch, 3));
        o.push('<g class="item" data-kind="' + it.kind + '" data-start-sample="' + it.startSample + '" data-end-sample="' + it.endSample + '">' +
               '<title>' + it.kind + (it.name ? " " + esc(it.name) : "") + (notes.length ? " (" + notes.join(", ") + ")" : "") + ": " + span(it.startSample, it.endSample) +
               (it.kind === "speech" ? "\n" + esc(it.text) : "") + '</title>' +
               '<rect x="' + fixed(x0, 2) + '" y="' + (top + 3) + '" width="' + fixed(w, 2) + '" height="' + (h - 6) + '" rx="2" fill="' + colours[it.kind] + '"' +
               (it.kind === "break" ? ' fill-opacity="0.5"' : ' fill-opacity="0.85"') +
               (notes.indexOf("truncated") >= 0 ? ' stroke="#b91c1c" stroke-width="2"' : notes.length ? ' stroke="#111" stroke-dasharray="3 2"' : '') + '/>');
        if (it.truncated) o.push('<rect x="' + fixed(Math.max(x0, x1 - 8), 2) + '" y="' + (top + 3) + '" width="' + fixed(Math.min(8, w), 2) + '" height="' + (h - 6) + '" fill="url(#cut)"/>');
        if (w > 40 && label) o.push('<text x="' + fixed(clampX(x0) + 3, 2) + '" y="' + (top + h / 2 + 4) + '" fill="#fff" clip-path="url(#plot-clip)">' + esc(fitText(label, Math.min(w, x1 - clampX(x0)) - 6)) + '</text>');
        if (words && it.words) it.words.forEach(function (wd) {
          var wx = x(secs(wd.startSample));
          o.push('<line x1="' + fixed(wx, 2) + '" x2="' + fixed(wx, 2) + '" y1="' + (top + h - 9) + '" y2="' + (top + h - 3) + '" stroke="#fff"><title>' + esc(wd.text) + ': ' + span(wd.startSample, wd.endSample) + '</title></line>');
        });
        o.push('</g>');
      });
    });
    boundaries.forEach(function (b) {
      if (!visible(secs(b), secs(b))) return;
      var bx = fixed(x(secs(b)), 2);
      o.push('<g class="hybrid-boundary"><title>hybrid-voice boundary: ' + fmtTime(secs(b)) + ' (sample ' + b + ')</title><path d="M' + bx + ' ' + (top - 1) + 'l-4 -5h8z" fill="#111"/></g>');
    });
    top = laneTop.music; h = laneHeight("music");
    (report.music || []).forEach(function (m) {
      if (!visible(secs(m.startSample), secs(m.endSample))) return;
      var x0 = x(secs(m.startSample)), x1 = x(secs(m.endSample));
      o.push('<g class="segment" data-name="' + esc(m.segment) + '"><title>segment ' + esc(m.segment) + ": " + span(m.startSample, m.endSample) +
             (m.fadeOutSamples ? " · fades out over " + fmtTime(secs(m.fadeOutSamples)) : "") + '</title>' +
             '<rect x="' + fixed(x0, 2) + '" y="' + (top + 3) + '" width="' + fixed(Math.max(1, x1 - x0), 2) + '" height="' + (h - 6) + '" fill="' + C.music + '" fill-opacity="0.75" rx="2"/>' +
             (x1 - x0 > 40 ? '<text x="' + fixed(clampX(x0) + 3, 2) + '" y="' + (top + 15) + '" fill="#fff">' + esc(m.segment) + '</text>' : '') + '</g>');
    });
    if (report.tail) {
      var t0 = x(secs(report.tail.startSample)), t1 = x(secs(report.tail.endSample));
      o.push('<g class="tail"><title>tail: ' + span(report.tail.startSample, report.tail.endSample) + '</title><rect x="' + fixed(t0, 2) + '" y="' + (laneTop.items + 3) + '" width="' + fixed(Math.max(1, t1 - t0), 2) + '" height="' + (laneHeight("items") - 6) + '" fill="' + C.tail + '" fill-opacity="0.35" stroke="' + C.tail + '" stroke-dasharray="4 3"/>' +
             '<text x="' + fixed(clampX(t0) + 3, 2) + '" y="' + (laneTop.items + 23) + '" fill="#4b5563">tail</text></g>');
    }
    if (data.duck) {
      top = laneTop.duck; h = laneHeight("duck");
      var depth = Math.max(6, (data.duckDepthDb || 12) + 2);
      var y = function (v) { return top + 4 + (-v / 10) / depth * (h - 8); };
      o.push('<g class="duck" data-db-top="0" data-db-bottom="' + (-depth) + '"><path d="' + linePath(data.duck, y, true) + '" fill="none" stroke="' + C.music + '" stroke-width="1.5"/>' +
             '<text x="' + (LEFT + 4) + '" y="' + (top + h - 4) + '" class="lane-label">bed gain, 0 to −' + fixed(depth, 0) + ' dB</text></g>');
    }
  }

  function drawCurves(o) {
    var top = laneTop.wave, h = laneHeight("wave");
    o.push('<line x1="' + LEFT + '" x2="' + (LEFT + plotWidth) + '" y1="' + (top + h / 2) + '" y2="' + (top + h / 2) + '" stroke="#e5e7eb"/>');
    o.push('<path class="waveform" d="' + envelope(top + 2, h - 4) + '" fill="#4b5563" fill-opacity="0.8"/>');
    // Loudness: 0 LUFS at the top, −50 at the bottom.
    top = laneTop.loudness; h = laneHeight("loudness");
    var LTOP = 0, LBOTTOM = -50;
    var ly = function (tenth) { var v = Math.max(LBOTTOM, Math.min(LTOP, tenth / 10)); return top + 4 + (LTOP - v) / (LTOP - LBOTTOM) * (h - 8); };
    o.push('<g class="loudness" data-lufs-top="' + LTOP + '" data-lufs-bottom="' + LBOTTOM + '" data-y-top="' + (top + 4) + '" data-y-bottom="' + (top + h - 4) + '">');
    [-10, -20, -30, -40].forEach(function (l) { var yy = fixed(ly(l * 10), 1); o.push('<line x1="' + LEFT + '" x2="' + (LEFT + plotWidth) + '" y1="' + yy + '" y2="' + yy + '" stroke="#f0f1f3"/><text x="' + (LEFT + plotWidth - 4) + '" y="' + (+yy - 2) + '" text-anchor="end" class="lane-label">' + l + '</text>'); });
    var ty = fixed(ly(data.target * 10), 2);
    o.push('<line class="target" x1="' + LEFT + '" x2="' + (LEFT + plotWidth) + '" y1="' + ty + '" y2="' + ty + '" stroke="' + C.target + '" stroke-dasharray="6 4"><title>target ' + fixed(data.target, 1) + ' LUFS</title></line>');
    o.push('<text x="' + (LEFT + 4) + '" y="' + (+ty - 3) + '" fill="' + C.target + '">target ' + fixed(data.target, 1) + ' LUFS</text>');
    o.push('<path class="momentary" d="' + linePath(data.momentary, ly, false) + '" fill="none" stroke="#93c5fd" stroke-width="1"/>');
    o.push('<path class="short-term" d="' + linePath(data.shortTerm, ly, false) + '" fill="none" stroke="#1d4ed8" stroke-width="2"/>');
    o.push('</g>');
    // True peak: +1 dBTP at the top, −20 at the bottom.
    top = laneTop.peak; h = laneHeight("peak");
    var PTOP = 1, PBOTTOM = -20;
    var py = function (tenth) { var v = Math.max(PBOTTOM, Math.min(PTOP, tenth / 10)); return top + 4 + (PTOP - v) / (PTOP - PBOTTOM) * (h - 8); };
    var cy = fixed(py(data.ceiling * 10), 2);
    o.push('<g class="true-peak" data-dbtp-top="' + PTOP + '" data-dbtp-bottom="' + PBOTTOM + '">');
    o.push('<path class="peaks" d="' + linePath(data.truePeak, py, true, true) + '" fill="none" stroke="#7c3aed" stroke-width="1.2"/>');
    o.push('<line class="ceiling" x1="' + LEFT + '" x2="' + (LEFT + plotWidth) + '" y1="' + cy + '" y2="' + cy + '" stroke="' + C.ceiling + '" stroke-dasharray="6 4"/>');
    var max = peakMax();
    o.push('<text x="' + (LEFT + 4) + '" y="' + (+cy - 3) + '" fill="' + C.ceiling + '">ceiling ' + fixed(data.ceiling, 1) + ' dBTP · maximum ' + (max === null ? "—" : fixed(max, 2) + " dBTP") + '</text>');
    o.push('</g>');
  }

  function peakMax() {
    var out = isRender ? report.mastering && report.mastering.output : report.output;
    return out && out.truePeakDbtp !== null && out.truePeakDbtp !== undefined ? out.truePeakDbtp : null;
  }

  var measure = document.createElement("canvas").getContext("2d");
  function fitText(s, w) {
    if (w <= 8) return "";
    measure.font = "11px system-ui, sans-serif";
    if (measure.measureText(s).width <= w) return s;
    var lo = 0, hi = s.length;
    while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (measure.measureText(s.slice(0, mid) + "…").width <= w) lo = mid; else hi = mid - 1; }
    return lo ? s.slice(0, lo) + "…" : "";
  }

  // Summary, warnings, outputs.
  function summary() {
    var out = isRender ? report.mastering.output : report.output, parts = [];
    parts.push("<span>Length <b>" + fmtTime(duration) + "</b> (" + total + " samples at " + rate + " Hz)</span>");
    if (out) {
      parts.push("<span>Integrated <b>" + (out.integratedLufs === null ? "—" : fixed(out.integratedLufs, 1) + " LUFS") + "</b> (target " + fixed(data.target, 1) + ")</span>");
      parts.push("<span>True peak <b>" + (out.truePeakDbtp === null ? "—" : fixed(out.truePeakDbtp, 2) + " dBTP") + "</b> (ceiling " + fixed(data.ceiling, 1) + ")</span>");
      if (out.loudnessRangeLu !== null && out.loudnessRangeLu !== undefined) parts.push("<span>Range <b>" + fixed(out.loudnessRangeLu, 1) + " LU</b></span>");
    }
    if (isRender) parts.push("<span><b>" + (report.sections || []).length + "</b> sections</span>");
    var warnings = report.warnings || [];
    parts.push("<span><b>" + warnings.length + "</b> warning" + (warnings.length === 1 ? "" : "s") + "</span>");
    document.getElementById("summary").innerHTML = parts.join("");
    var list = warnings.map(function (w) {
      if (typeof w === "string") return "<li>" + esc(w) + "</li>";
      return "<li><code>" + esc(w.code) + "</code>" + (w.section ? " in <b>" + esc(w.section) + "</b>" : "") + ": " + esc(w.message) + "</li>";
    });
    document.getElementById("warnings").innerHTML = list.length ? list.join("") : "<li>None.</li>";
    var rows = (report.outputs || []).map(function (f) {
      return "<tr><td>" + esc(f.endFormat) + "</td><td>" + esc(f.path) + "</td><td>" + f.samples + " samples at " + f.sampleRate + " Hz</td><td>" + f.channels + " ch</td><td>" + f.bytes + " bytes</td></tr>";
    });
    document.getElementById("outputs").innerHTML = "<tr><th>Format</th><th>File</th><th>Length</th><th></th><th>Size</th></tr>" + rows.join("");
    var hv = isRender ? report.hybridVoice : null;
    if (hv) {
      var d = function (v, unit) { return v === null || v === undefined ? "—" : fixed(v, 1) + " " + unit; };
      var rowsH = (hv.boundaries || []).map(function (b) {
        return "<tr><td>" + fmtTime(secs(b.sample)) + "</td><td>" + esc(b.from.kind) + " → " + esc(b.to.kind) + "</td><td>" +
          d(b.before.loudnessDifferenceLu, "LU") + " → " + d(b.after.loudnessDifferenceLu, "LU") + "</td><td>" +
          d(b.before.spectralDistanceDb, "dB") + " → " + d(b.after.spectralDistanceDb, "dB") + "</td><td>" +
          d(b.before.noiseFloorDifferenceDb, "dB") + " → " + d(b.after.noiseFloorDifferenceDb, "dB") + "</td></tr>";
      });
      var room = hv.syntheticRoom ? "a " + fixed(hv.syntheticRoom.decaySeconds, 2) + " s room at " + fixed(hv.syntheticRoom.directToReverberantDb, 0) + " dB direct-to-reverberant" : "no room added";
      document.getElementById("hybrid").innerHTML = "<h2>Hybrid voice</h2><p>Room noise floor " + d(hv.roomNoiseFloorDbfs, "dBFS") +
        "; reverberation " + (hv.recordingDecaySeconds === null ? "—" : fixed(hv.recordingDecaySeconds, 2) + " s") + " in the recordings, " +
        (hv.syntheticDecaySeconds === null ? "—" : fixed(hv.syntheticDecaySeconds, 2) + " s") + " on the synthetic side (" + room + ").</p>" +
        '<table class="outputs"><tr><th>Boundary</th><th></th><th>Loudness difference</th><th>Tone distance</th><th>Noise floor difference</th></tr>' + rowsH.join("") + "</table>";
      (hv.boundaries || []).forEach(function (b) { boundaries.push(b.sample); });
    }
    var legend = isRender ? [["speech", "Speech"], ["break", "Break"], ["media", "Media"], ["effect", "Effect"], ["music", "Music segment"], ["tail", "Tail"]] : [];
    legend = legend.map(function (l) { return '<span><i style="background: var(--' + l[0] + ')"></i>' + l[1] + "</span>"; });
    legend.push('<span><i style="background:#1d4ed8"></i>Short-term loudness</span><span><i style="background:#93c5fd"></i>Momentary</span><span><i style="background:#7c3aed"></i>True peak per block</span>');
    document.getElementById("legend").innerHTML = legend.join("");
  }

  // The player: the first output, linked relatively. Its cursor follows the timeline.
  var audio = null;
  if (data.player) {
    audio = document.createElement("audio");
    audio.controls = true;
    audio.preload = "none";
    audio.src = data.player;
    var bar = document.getElementById("player-bar");
    bar.appendChild(audio);
    var label = document.createElement("span");
    label.style.color = "var(--muted)";
    label.textContent = data.player.split("?")[0];
    bar.appendChild(label);
    var follow = function () { moveCursor(audio.currentTime); if (!audio.paused) requestAnimationFrame(follow); };
    audio.addEventListener("play", function () { requestAnimationFrame(follow); });
    audio.addEventListener("seeked", function () { moveCursor(audio.currentTime); });
    audio.addEventListener("timeupdate", function () { moveCursor(audio.currentTime); });
  }

  function moveCursor(t) {
    cursorTime = t;
    var c = document.getElementById("cursor");
    if (!c) return;
    var px = x(t);
    var shown = t > 0 && px >= LEFT && px <= LEFT + plotWidth;
    c.setAttribute("visibility", shown ? "visible" : "hidden");
    c.setAttribute("x1", fixed(px, 2)); c.setAttribute("x2", fixed(px, 2));
    svg.setAttribute("data-cursor-time", fixed(t, 3));
  }

  function pointer(e) { var r = svg.getBoundingClientRect(); return (e.clientX - r.left) * (width / r.width); }
  var drag = null;
  svg.addEventListener("mousedown", function (e) { drag = { px: pointer(e), from: view.from, to: view.to, moved: false }; });
  window.addEventListener("mouseup", function (e) {
    if (drag && !drag.moved) {
      var t = Math.max(0, Math.min(duration, timeAt(pointer(e))));
      moveCursor(t);
      if (audio) { audio.currentTime = t; audio.play().catch(function () {}); }
    }
    drag = null;
  });
  svg.addEventListener("mousemove", function (e) {
    var px = pointer(e), t = timeAt(px);
    if (drag) {
      var dt = (drag.px - px) / plotWidth * (drag.to - drag.from);
      if (Math.abs(drag.px - px) > 3) drag.moved = true;
      if (drag.moved) { setView(drag.from + dt, drag.to + dt); return; }
    }
    if (px < LEFT || px > LEFT + plotWidth) return;
    document.getElementById("readout").textContent = fixed(t, 3) + " s · sample " + Math.round(t * rate) + describe(t);
  });
  function describe(t) {
    var s = Math.round(t * rate), found = "";
    (report.sections || []).forEach(function (sec) {
      if (s >= sec.startSample && s < sec.endSample) {
        found = " · " + sec.name;
        (sec.items || []).forEach(function (it) { if (s >= it.startSample && s < it.endSample) found += " · " + it.kind + (it.name ? " " + it.name : ""); });
      }
    });
    return found;
  }
  svg.addEventListener("wheel", function (e) {
    e.preventDefault();
    var t = timeAt(pointer(e)), k = e.deltaY > 0 ? 1.25 : 0.8;
    if (e.shiftKey) { var d = (view.to - view.from) * (e.deltaY > 0 ? 0.15 : -0.15); setView(view.from + d, view.to + d); return; }
    setView(t - (t - view.from) * k, t + (view.to - t) * k);
  }, { passive: false });
  function setView(a, b, quiet) {
    var spanS = Math.max(0.05, Math.min(duration, b - a));
    a = Math.max(0, Math.min(duration - spanS, a));
    view.from = a; view.to = a + spanS;
    // The view is kept in the address (#view=FROM-TO, seconds), so a link opens it again.
    if (!quiet && history.replaceState) history.replaceState(null, "", "#view=" + fixed(view.from, 3) + "-" + fixed(view.to, 3));
    draw();
  }
  function zoom(k) { var mid = (view.from + view.to) / 2, h = (view.to - view.from) * k / 2; setView(mid - h, mid + h); }
  document.getElementById("zoom-in").addEventListener("click", function () { zoom(0.5); });
  document.getElementById("zoom-out").addEventListener("click", function () { zoom(2); });
  document.getElementById("zoom-fit").addEventListener("click", function () { setView(0, duration); });
  window.addEventListener("resize", draw);

  summary();
  var asked = /^#view=([0-9.]+)-([0-9.]+)$/.exec(location.hash);
  if (asked && +asked[2] > +asked[1]) setView(+asked[1], +asked[2], true); else draw();
  // Milliseconds from the start of navigation (reading and parsing the page included) and
  // of this script alone, to the first drawing.
  document.body.setAttribute("data-render-ms", fixed(performance.now(), 1));
  document.body.setAttribute("data-script-ms", fixed(performance.now() - started, 1));
  document.body.setAttribute("data-ready", "true");
})();
</script>
</body>
</html>
"""#
}
