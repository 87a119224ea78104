// The Batch screen: a CSV's header and first rows against the script's {{keys}}, then one job
// per row (POST /v1/batches), its progress, and each row's result, warnings and files.

import { api, download } from "./api.js";
import { h, $, fill, warningItem } from "./dom.js";
import { parseCSV, closest } from "./csv.js";
import { production, scriptVariables } from "./write.js";

let table = null;

async function read() {
  const file = $("batch-file").files[0];
  table = null;
  $("batch-run").disabled = true;
  $("batch-preview").hidden = true;
  if (!file) return;
  try {
    table = parseCSV(await file.text());
  } catch (error) {
    fill($("batch-columns"), h("span", { className: "error" }, `${file.name}: ${error.message}`));
    return;
  }
  const keys = scriptVariables();
  const unused = table.header.filter((c) => !keys.includes(c));
  const missing = keys.filter((k) => !table.header.includes(k));
  fill($("batch-columns"),
    `${table.rows.length} rows. `,
    keys.length ? `The script uses ${keys.map((k) => `{{${k}}}`).join(", ")}. ` : "The script uses no {{key}}. ",
    unused.map((c) => {
      const near = closest(c, keys);
      return h("span", { className: "warn-text error" }, `Column "${c}" is used nowhere${near ? ` (did you mean "${near}"?)` : ""}. `);
    }),
    missing.length ? h("span", { className: "error" }, `No column for ${missing.map((k) => `{{${k}}}`).join(", ")}: rows take the fallback or fail. `) : "");
  const preview = table.rows.slice(0, 5);
  fill($("batch-preview").querySelector("thead"), h("tr", {}, h("th", { scope: "col" }, "Row"),
    table.header.map((c) => h("th", { scope: "col", className: keys.includes(c) ? "" : "error" }, c))));
  fill($("batch-preview").querySelector("tbody"), preview.map((row, i) => h("tr", {}, h("th", { scope: "row" }, String(i + 1)),
    row.map((value) => h("td", {}, value)))));
  $("batch-preview").hidden = false;
  $("batch-run").disabled = table.rows.length === 0;
}

async function run() {
  if (!table) return;
  $("batch-run").disabled = true;
  $("batch-progress").hidden = false;
  $("batch-progress").value = 0;
  $("batch-jobs").hidden = true;
  $("batch-status").textContent = "Queueing…";
  try {
    const rows = table.rows.map((row) => Object.fromEntries(table.header.map((c, i) => [c, row[i]])));
    const batch = await api("/v1/batches", { method: "POST", json: { production: production({ withAudience: false }), rows } });
    let summary;
    for (;;) {
      summary = await api(`/v1/batches/${encodeURIComponent(batch.id)}`);
      $("batch-progress").value = summary.progress || 0;
      $("batch-status").textContent = `${summary.status}: ` + Object.entries(summary.counts || {}).filter(([, v]) => v > 0).map(([k, v]) => `${v} ${k}`).join(", ");
      if (["succeeded", "failed", "cancelled"].includes(summary.status)) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await showJobs(batch.jobs);
  } catch (error) {
    $("batch-status").textContent = `Cannot run the batch: ${error.path ? error.path + ": " : ""}${error.message}`;
  } finally {
    $("batch-run").disabled = false;
  }
}

/** Each row's job: its status, its report's warnings, and its files (the first 200 rows). */
async function showJobs(ids) {
  const shown = ids.slice(0, 200);
  const statuses = [];
  for (let i = 0; i < shown.length; i += 8) {
    statuses.push(...await Promise.all(shown.slice(i, i + 8).map((id) => api(`/v1/productions/${encodeURIComponent(id)}`))));
  }
  fill($("batch-jobs").querySelector("tbody"), statuses.map((s, i) => h("tr", {},
    h("th", { scope: "row" }, String(i + 1)),
    h("td", { className: s.status === "succeeded" ? "ok" : "error" }, s.status, s.error ? `: ${s.error.message}` : ""),
    h("td", {}, h("ul", { className: "warnings" }, ((s.report && s.report.warnings) || []).map(warningItem))),
    h("td", {}, (s.outputs || []).map((o) => h("button", { type: "button", "aria-label": `Download row ${i + 1} ${o.endFormat}`,
      onclick: () => download(o.url, `row${i + 1}-${o.endFormat}`, o.file && o.file.split(".").pop()) }, o.endFormat))))));
  $("batch-jobs").hidden = false;
}

export function setUp() {
  $("batch-file").addEventListener("change", read);
  $("batch-run").addEventListener("click", run);
}
