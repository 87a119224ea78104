// The Write screen: the script with its tags highlighted and checked as you type
// (POST /v1/validate), the template and voice pickers with previews, the programme's settings,
// the sections' properties, the plan (POST /v1/plan) and the render with its report.

import { api, objectURL, download, waitForJob, ApiError } from "./api.js";
import { h, $, fill, seconds, bytes, debounce, warningItem } from "./dom.js";
import { draw, outline, offsetOf, markAt } from "./highlight.js";

export const presets = ["mp3_medium", "mp3_high", "mp3_low", "mp3_very_low", "mp3_very_high", "mp3_alexa", "mp3", "wav", "wav_24",
  "flac", "ogg", "opus", "m4a", "m4a_low", "m4b"];
const justify = ["", "flex-start", "centre", "flex-end"];
const example = `<<sectionName::intro>><<soundSegment::intro>>
Spring is here, {{name|friend}}.
<<sectionName::offer>><<soundSegment::main>>
Everything in store is twenty percent off until Sunday. <break time="500ms"/>
<<sectionName::close>><<soundSegment::outro>>
Visit us today.`;

let marks = [];
let validated = 0;
const previews = new Map();   // path → blob URL: each preview is fetched once per tab

/** The production the screen describes, as POST /v1/productions takes it. `withAudience`: the
 *  personalisation values typed in (a batch brings its own). */
export function production({ withAudience = true } = {}) {
  const p = { scriptText: $("script").value };
  if ($("template").value) p.soundTemplate = $("template").value;
  if ($("voice").value) p.voice = $("voice").value;
  const force = parseFloat($("force-length").value);
  if (Number.isFinite(force) && force > 0) p.forceLength = force;
  p.loudnessPreset = $("loudness-preset").value;
  p.masteringPreset = $("mastering-preset").value;
  const formats = [...document.querySelectorAll("#formats input:checked")].map((box) => box.value);
  p.endFormat = formats.length ? formats : ["mp3_medium"];
  const properties = {};
  for (const row of document.querySelectorAll("#sections-table tbody tr")) {
    const entry = {};
    for (const input of row.querySelectorAll("input, select")) {
      if (input.value === "") continue;
      entry[input.dataset.key] = input.dataset.key === "justify" ? input.value : Number(input.value);
    }
    if (Object.keys(entry).length) properties[row.dataset.section] = entry;
  }
  if (Object.keys(properties).length) p.sectionProperties = properties;
  if (withAudience) {
    const audience = {};
    for (const input of document.querySelectorAll("#variables input")) if (input.value !== "") audience[input.dataset.key] = input.value;
    if (Object.keys(audience).length) p.audience = audience;
  }
  return p;
}

/** The script's personalisation keys (for the batch screen). */
export function scriptVariables() { return outline($("script").value).variables; }

function redraw() { draw($("script-highlight"), $("script").value, marks); syncScroll(); }
function syncScroll() { $("script-highlight").scrollTop = $("script").scrollTop; $("script-highlight").scrollLeft = $("script").scrollLeft; }

/** The sections table and the personalisation fields follow the script, keeping what was typed. */
function followOutline() {
  const { sections, variables } = outline($("script").value);
  const body = $("sections-table").querySelector("tbody");
  const kept = new Map([...body.querySelectorAll("tr")].map((row) => [row.dataset.section, row]));
  fill(body, sections.map((name) => kept.get(name) || sectionRow(name)));
  const box = $("variables");
  const values = new Map([...box.querySelectorAll("input")].map((input) => [input.dataset.key, input.value]));
  fill(box, variables.map((key, i) => h("div", { className: "row" },
    h("label", { htmlFor: `variable-${i}` }, key),
    h("input", { id: `variable-${i}`, type: "text", value: values.get(key) || "", dataset: { key }, oninput: validateSoon }))));
  if (!variables.length) fill(box, h("p", { className: "muted small" }, "The script has no {{key}}."));
}

function sectionRow(name) {
  const number = (key, label) => h("td", {}, h("input", { type: "number", step: "0.001", min: "0", dataset: { key },
    "aria-label": `${label} of section ${name}`, oninput: validateSoon }));
  return h("tr", { dataset: { section: name } },
    h("th", { scope: "row" }, name),
    number("endAt", "endAt"),
    h("td", {}, h("select", { dataset: { key: "justify" }, "aria-label": `justify of section ${name}`, onchange: validateSoon },
      justify.map((j) => h("option", { value: j }, j || "—")))),
    number("paddingStart", "paddingStart"),
    number("paddingEnd", "paddingEnd"));
}

/** Asks the server whether the production is valid, and shows its errors where they are. */
async function validate() {
  const ticket = ++validated;
  const text = $("script").value;
  if (!text.trim()) {
    marks = [];
    redraw();
    fill($("script-errors"));
    $("script-status").textContent = "Write a script: plain text, with tags such as <<sectionName::intro>>.";
    return;
  }
  let result, errors = [];
  try {
    // The verdict in the body: a mistake being typed is no failed request (a browser would log
    // a 422 as a console error).
    result = await api("/v1/validate?verdict=body", { method: "POST", json: production() });
    if (!result.valid) errors = result.errors || [result.error];
  } catch (error) {
    if (!(error instanceof ApiError)) { $("script-status").textContent = "The server cannot be reached."; return; }
    errors = error.body && error.body.errors ? error.body.errors : [{ message: error.message, path: error.path }];
  }
  if (ticket !== validated) return;   // a later edit is being checked
  marks = errors.filter((e) => e.line).map((e) => markAt(text, offsetOf(text, e.line, e.column || 1)));
  redraw();
  fill($("script-errors"), errors.map((e) => h("li", {},
    e.line ? h("button", { type: "button", onclick: () => goTo(e.line, e.column || 1) }, `Line ${e.line}, column ${e.column || 1}`) : (e.path || "production"),
    ": ", e.message)));
  fill($("script-warnings"), (result && result.valid && result.warnings || []).map(warningItem));
  $("script-status").textContent = errors.length ? `${errors.length === 1 ? "1 error" : errors.length + " errors"}` : "The script is valid.";
  $("script-status").className = errors.length ? "status error" : "status ok";
}
const validateSoon = debounce(validate, 350);

function goTo(line, column) {
  const area = $("script");
  const offset = offsetOf(area.value, line, column);
  area.focus();
  area.setSelectionRange(offset, offset);
}

/** A preview's audio: fetched once (with the key), then played from memory. */
async function preview(path, audio, button) {
  button.disabled = true;
  try {
    if (!previews.has(path)) previews.set(path, (await objectURL(path)).url);
    audio.src = previews.get(path);
    audio.hidden = false;
    await audio.play().catch(() => {});   // autoplay rules may refuse; the controls remain
  } catch (error) {
    audio.hidden = true;
    button.title = error.message;
    $("script-status").textContent = `No preview: ${error.message}`;
  } finally {
    button.disabled = false;
  }
}

let templates = [], voices = [];

function options(select, values, keep) {
  const first = select.options[0];
  fill(select, first, values.map((v) => h("option", { value: v.value ?? v }, v.label ?? v)));
  if ([...select.options].some((o) => o.value === keep)) select.value = keep;
}

function showTemplates() {
  const mood = $("template-mood").value, genre = $("template-genre").value;
  const shown = templates.filter((t) => (!mood || (t.mood || []).includes(mood)) && (!genre || (t.genre || []).includes(genre)));
  options($("template"), shown.map((t) => ({ value: t.name, label: t.name })), $("template").value);
  describeTemplate();
}

function describeTemplate() {
  const t = templates.find((x) => x.name === $("template").value);
  $("template-about").textContent = t ? [t.description, (t.mood || []).join(", "), t.tempo ? `${t.tempo} bpm` : null].filter(Boolean).join(" · ") : "";
  $("template-preview").disabled = !t;
}

function showVoices() {
  const language = $("voice-language").value, gender = $("voice-gender").value;
  const shown = voices.filter((v) => (!language || (v.languages || []).includes(language)) && (!gender || v.gender === gender));
  options($("voice"), shown.map((v) => ({ value: v.id, label: `${v.name} (${v.engine}, ${(v.languages || []).join("/")}${v.gender ? ", " + v.gender : ""})` })), $("voice").value);
  $("voice-preview").disabled = !$("voice").value;
}

async function loadCatalogue() {
  [templates, voices] = await Promise.all([api("/v1/templates"), api("/v1/voices")]);
  const tags = (kind) => [...new Set(templates.flatMap((t) => t[kind] || []))].sort();
  options($("template-mood"), tags("mood"), "");
  options($("template-genre"), tags("genre"), "");
  showTemplates();
  options($("voice-language"), [...new Set(voices.flatMap((v) => v.languages || []))].sort(), "");
  options($("voice-gender"), [...new Set(voices.map((v) => v.gender).filter(Boolean))].sort(), "");
  showVoices();
}

async function plan() {
  const view = $("plan-view");
  view.hidden = false;
  $("plan-summary").textContent = "Planning (speech not yet cached is spoken now, so the plan is the render's)…";
  fill($("plan-table").querySelector("tbody"));
  fill($("plan-warnings"));
  try {
    const p = await api("/v1/plan", { method: "POST", json: production() });
    const rate = p.sampleRate;
    $("plan-summary").textContent = `${seconds(p.totalSamples, rate)} in all (${p.totalSamples.toLocaleString("en")} samples at ${rate} Hz)` +
      (p.estimated ? ", estimated" : "");
    fill($("plan-table").querySelector("tbody"), p.sections.map((s) => h("tr", { className: s.slackSamples < 0 ? "overflow" : "" },
      h("th", { scope: "row" }, s.name),
      h("td", {}, seconds(s.startSample, rate)),
      h("td", {}, seconds(s.contentSamples, rate)),
      h("td", {}, seconds(s.spanSamples, rate)),
      h("td", {}, s.slackSamples < 0 ? `overflows by ${seconds(-s.slackSamples, rate)}` : seconds(s.slackSamples, rate)))));
    fill($("plan-warnings"), (p.warnings || []).map(warningItem));
    view.scrollIntoView({ block: "start" });
  } catch (error) {
    $("plan-summary").textContent = `Cannot plan: ${error.path ? error.path + ": " : ""}${error.message}`;
  }
}

async function render() {
  const button = $("render-button");
  button.disabled = true;
  $("render-view").hidden = false;
  $("render-outputs").hidden = true;
  $("render-report").hidden = true;
  $("render-audio").hidden = true;
  fill($("render-warnings"));
  $("render-progress").value = 0;
  $("render-status").textContent = "Queued…";
  $("render-view").scrollIntoView({ block: "start" });
  try {
    const accepted = await api("/v1/productions", { method: "POST", json: production() });
    const status = await waitForJob(accepted.id, (s) => {
      $("render-progress").value = s.progress || 0;
      $("render-status").textContent = `${s.status}… ${Math.round((s.progress || 0) * 100)} %`;
    });
    await showJob(status);
  } catch (error) {
    $("render-status").textContent = `Cannot render: ${error.path ? error.path + ": " : ""}${error.message}`;
  } finally {
    button.disabled = false;
  }
}

/** A finished job on the render card: its warnings, its files to play and download, its report. */
export async function showJob(status) {
  $("render-view").hidden = false;
  $("render-progress").value = status.status === "succeeded" ? 1 : $("render-progress").value;
  if (status.status !== "succeeded") {
    const e = status.error || {};
    $("render-status").textContent = `The job ${status.status}${e.message ? ": " + (e.path ? e.path + ": " : "") + e.message : "."}`;
    return;
  }
  const report = status.report || {};
  $("render-status").textContent = report.durationMs !== undefined
    ? `Done: ${(report.durationMs / 1000).toFixed(3)} s, ${report.totalSamples.toLocaleString("en")} samples at ${report.sampleRate} Hz.` : "Done.";
  fill($("render-warnings"), (report.warnings || []).map(warningItem));
  const audio = $("render-audio");
  fill($("render-outputs").querySelector("tbody"), status.outputs.map((o) => h("tr", {},
    h("th", { scope: "row" }, o.endFormat),
    h("td", {}, bytes(o.bytes)),
    h("td", {}, h("button", { type: "button", "aria-label": `Play ${o.endFormat}`, onclick: async () => {
      audio.src = (await objectURL(o.url)).url;
      audio.hidden = false;
      await audio.play().catch(() => {});
    } }, "▶ Play")),
    h("td", {}, h("button", { type: "button", "aria-label": `Download ${o.endFormat}`, onclick: () => download(o.url, `${status.id}-${o.endFormat}`, o.file && o.file.split(".").pop()) }, "Download")))));
  $("render-outputs").hidden = false;
  if (status.reportPage) {
    $("render-report").src = status.reportPage;
    $("render-report").hidden = false;
  }
}

export function setUp() {
  const area = $("script");
  if (!area.value) area.value = example;
  area.addEventListener("input", () => { marks = []; redraw(); followOutline(); validateSoon(); });
  area.addEventListener("scroll", syncScroll);
  fill($("formats"), h("legend", {}, "Formats"), presets.map((name, i) => h("label", {},
    h("input", { type: "checkbox", value: name, checked: i === 0, onchange: validateSoon }), " ", name)));
  for (const id of ["force-length", "loudness-preset", "mastering-preset", "template", "voice"]) $(id).addEventListener("change", validateSoon);
  $("template-mood").addEventListener("change", showTemplates);
  $("template-genre").addEventListener("change", showTemplates);
  $("template").addEventListener("change", describeTemplate);
  $("voice-language").addEventListener("change", showVoices);
  $("voice-gender").addEventListener("change", showVoices);
  $("voice").addEventListener("change", () => { $("voice-preview").disabled = !$("voice").value; });
  $("template-preview").addEventListener("click", () =>
    preview(`/v1/templates/${encodeURIComponent($("template").value)}/preview`, $("template-audio"), $("template-preview")));
  $("voice-preview").addEventListener("click", () =>
    preview(`/v1/voices/${encodeURIComponent($("voice").value)}/preview`, $("voice-audio"), $("voice-preview")));
  $("plan-button").addEventListener("click", plan);
  $("render-button").addEventListener("click", render);
  redraw();
  followOutline();
}

export async function start() {
  await loadCatalogue();
  await validate();
}
