// The API as the studio calls it: the key held for this tab only (sessionStorage), sent as a
// bearer token on every request to this origin; errors carry the API's own error object.

const KEY = "mixdown.studio.key";

export const session = {
  get key() { return sessionStorage.getItem(KEY); },
  set key(value) { if (value) sessionStorage.setItem(KEY, value); else sessionStorage.removeItem(KEY); },
};

export class ApiError extends Error {
  constructor(status, body) {
    const error = body && body.error;
    super(error && error.message ? error.message : `the server answered ${status}`);
    this.status = status;
    this.body = body;
    this.code = error && error.code;
    this.path = error && error.path;
  }
}

/** `fetch` with the key; JSON in and out unless `raw`. Throws ApiError for any answer but 2xx. */
export async function api(path, { method = "GET", json, body, headers = {}, raw = false, signal } = {}) {
  const sent = { ...headers, Authorization: `Bearer ${session.key}` };
  if (json !== undefined) {
    sent["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  }
  const response = await fetch(path, { method, headers: sent, body, signal, cache: "no-store" });
  if (raw && response.ok) return response;
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/** A file the API serves, as a blob URL an audio element or a download link can use (they
 *  cannot send the key themselves). */
export async function objectURL(path) {
  const response = await api(path, { raw: true });
  const blob = await response.blob();
  return { url: URL.createObjectURL(blob), type: blob.type, size: blob.size };
}

const extensions = {
  "audio/mpeg": "mp3", "audio/wav": "wav", "audio/x-wav": "wav", "audio/flac": "flac", "audio/ogg": "ogg",
  "audio/opus": "opus", "audio/mp4": "m4a", "audio/x-m4b": "m4b", "audio/aac": "m4a",
};

/** Downloads a file the API serves, named `stem.ext` (the extension from its type). */
export async function download(path, stem, extension) {
  const file = await objectURL(path);
  const ext = extension || extensions[file.type.split(";")[0].trim()] || "bin";
  const link = document.createElement("a");
  link.href = file.url;
  link.download = `${stem}.${ext}`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(file.url), 60_000);
}

/** Polls a job until it ends, calling `onProgress(status)` on the way. */
export async function waitForJob(id, onProgress, { interval = 400 } = {}) {
  for (;;) {
    const status = await api(`/v1/productions/${encodeURIComponent(id)}`);
    onProgress(status);
    if (["succeeded", "failed", "cancelled", "deleted"].includes(status.status)) return status;
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
