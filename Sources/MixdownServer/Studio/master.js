// The Master screen: upload a mix to POST /v1/master, then hear input (A) and master (B)
// level-matched from the same position with one switch, and download the master.

import { api, objectURL, download, waitForJob } from "./api.js";
import { $, fill, warningItem } from "./dom.js";
import { presets } from "./write.js";

let job = null, inputURL = null;

async function master(event) {
  event.preventDefault();
  const file = $("master-file").files[0];
  if (!file) return;
  const query = new URLSearchParams({ preset: $("master-preset").value, endFormat: $("master-format").value });
  const target = parseFloat($("master-target").value);
  if (Number.isFinite(target)) query.set("targetLufs", String(target)); else query.set("loudnessPreset", $("master-loudness").value);
  query.set("name", file.name.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 100) || "mix");
  $("master-result").hidden = true;
  $("master-progress").hidden = false;
  $("master-progress").value = 0;
  $("master-status").textContent = "Uploading…";
  try {
    const accepted = await api(`/v1/master?${query}`, { method: "POST", body: file, headers: { "Content-Type": file.type || "application/octet-stream" } });
    const status = await waitForJob(accepted.id, (s) => {
      $("master-progress").value = s.progress || 0;
      $("master-status").textContent = `${s.status}… ${Math.round((s.progress || 0) * 100)} %`;
    });
    if (status.status !== "succeeded") {
      $("master-status").textContent = `The job ${status.status}: ${status.error ? status.error.message : ""}`;
      return;
    }
    job = status;
    await showResult(file, status);
  } catch (error) {
    $("master-status").textContent = `Cannot master: ${error.path ? error.path + ": " : ""}${error.message}`;
  }
}

/** Loudness as the report measured it: the master's output and its input. */
function loudness(analysis) { return analysis && typeof analysis.integratedLufs === "number" ? analysis.integratedLufs : null; }

async function showResult(file, status) {
  const report = status.report || {};
  const a = $("master-a"), b = $("master-b");
  if (inputURL) URL.revokeObjectURL(inputURL);
  inputURL = URL.createObjectURL(file);
  a.src = inputURL;
  b.src = (await objectURL(status.outputs[0].url)).url;
  // Level-matched: the louder of the two is turned down to the quieter's loudness.
  const la = loudness(report.input), lb = loudness(report.output);
  a.volume = 1;
  b.volume = 1;
  if (la !== null && lb !== null) {
    if (la > lb) a.volume = Math.pow(10, (lb - la) / 20); else b.volume = Math.pow(10, (la - lb) / 20);
  }
  a.muted = false;
  b.muted = true;
  $("ab-switch").setAttribute("aria-pressed", "false");
  $("ab-switch").textContent = "Hearing: A (input)";
  const f = (x) => (x === null ? "—" : x.toFixed(1) + " LUFS");
  $("master-figures").textContent = `Input ${f(la)}, master ${f(lb)}` +
    (report.output && typeof report.output.truePeakDbtp === "number" ? `, ${report.output.truePeakDbtp.toFixed(1)} dBTP` : "") +
    (la !== null && lb !== null ? `; the louder is played ${Math.abs(la - lb).toFixed(1)} dB down.` : ".");
  fill($("master-warnings"), (report.warnings || []).map((w) => warningItem(typeof w === "string" ? { message: w } : w)));
  $("master-status").textContent = "Done.";
  $("master-progress").value = 1;
  $("master-result").hidden = false;
}

/** Plays or pauses both, in step; only one is heard. */
async function playPause() {
  const a = $("master-a"), b = $("master-b");
  if (a.paused) {
    b.currentTime = a.currentTime;
    await Promise.all([a.play(), b.play()]).catch(() => {});
    $("ab-play").textContent = "❚❚ Pause";
  } else {
    a.pause();
    b.pause();
    $("ab-play").textContent = "▶ Play";
  }
}

/** A ↔ B at the same position. */
function toggle() {
  const a = $("master-a"), b = $("master-b");
  const hearingB = $("ab-switch").getAttribute("aria-pressed") === "true";
  b.currentTime = a.currentTime;
  a.muted = !hearingB;
  b.muted = hearingB;
  $("ab-switch").setAttribute("aria-pressed", String(!hearingB));
  $("ab-switch").textContent = hearingB ? "Hearing: A (input)" : "Hearing: B (master)";
}

export function setUp() {
  fill($("master-format"), presets.map((name) => {
    const option = document.createElement("option");
    option.value = option.textContent = name;
    return option;
  }));
  $("master-format").value = "wav";
  $("master-form").addEventListener("submit", master);
  $("ab-play").addEventListener("click", playPause);
  $("ab-switch").addEventListener("click", toggle);
  $("master-a").addEventListener("ended", () => { $("ab-play").textContent = "▶ Play"; });
  $("master-download").addEventListener("click", () => job && download(job.outputs[0].url, `${job.id}-master`));
}
