// The Jobs screen: this key's jobs, newest first (GET /v1/productions), each to open, download
// or delete (DELETE /v1/productions/{id}).

import { api, download } from "./api.js";
import { h, $, fill } from "./dom.js";
import { showJob } from "./write.js";

export async function refresh() {
  $("jobs-status").textContent = "Loading…";
  try {
    const list = await api("/v1/productions?limit=100");
    const jobs = list.jobs || [];
    fill($("jobs-table").querySelector("tbody"), jobs.map((job) => h("tr", { dataset: { job: job.id } },
      h("td", {}, new Date(job.created * 1000).toLocaleString()),
      h("td", {}, job.kind + (job.batch ? " (batch)" : "")),
      h("td", { className: job.status === "succeeded" ? "ok" : job.status === "failed" ? "error" : "" }, job.status),
      h("td", {}, h("code", {}, job.id)),
      h("td", {}, job.status === "succeeded" ? [
        job.kind === "production" ? h("button", { type: "button", "aria-label": `Open job ${job.id}`, onclick: () => open(job.id) }, "Open") : null,
        (job.outputs || []).map((o) => h("button", { type: "button", "aria-label": `Download ${o.endFormat} of job ${job.id}`,
          onclick: () => download(o.url, `${job.id}-${o.endFormat}`, o.file && o.file.split(".").pop()) }, o.endFormat)),
      ] : null),
      h("td", {}, job.status === "deleted" ? null
        : h("button", { type: "button", className: "danger", "aria-label": `Delete job ${job.id}`, onclick: () => remove(job.id) }, "Delete")))));
    $("jobs-status").textContent = jobs.length ? `${jobs.length} jobs.` : "No jobs yet.";
  } catch (error) {
    $("jobs-status").textContent = `Cannot list the jobs: ${error.message}`;
  }
}

async function open(id) {
  const status = await api(`/v1/productions/${encodeURIComponent(id)}`);
  document.getElementById("tab-write").click();
  await showJob(status);
  $("render-view").scrollIntoView();
}

async function remove(id) {
  if (!window.confirm(`Delete job ${id} and its files?`)) return;
  try {
    await api(`/v1/productions/${encodeURIComponent(id)}`, { method: "DELETE" });
    $("jobs-status").textContent = `Deleted ${id}.`;
  } catch (error) {
    $("jobs-status").textContent = `Cannot delete ${id}: ${error.message}`;
  }
  await refresh();
}

export function setUp() {
  $("jobs-refresh").addEventListener("click", refresh);
}
