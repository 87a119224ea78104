// Mixdown Studio: signs in with an API key (kept for this tab only), then the four screens.
// Everything comes from this server; no user text is ever parsed as HTML (see dom.js).

import { api, session } from "./api.js";
import { $ } from "./dom.js";
import * as write from "./write.js";
import * as master from "./master.js";
import * as batch from "./batch.js";
import * as jobs from "./jobs.js";

const tabs = () => [...document.querySelectorAll("#tabs [role=tab]")];

function select(tab) {
  for (const t of tabs()) {
    const on = t === tab;
    t.setAttribute("aria-selected", String(on));
    t.tabIndex = on ? 0 : -1;
    $(t.getAttribute("aria-controls")).hidden = !on;
  }
  if (tab.id === "tab-jobs") jobs.refresh();
}

function setUpTabs() {
  for (const tab of tabs()) {
    tab.addEventListener("click", () => select(tab));
    // Arrow keys move between tabs, as the ARIA tabs pattern has it.
    tab.addEventListener("keydown", (event) => {
      const list = tabs(), i = list.indexOf(tab);
      const next = event.key === "ArrowRight" ? list[(i + 1) % list.length] : event.key === "ArrowLeft" ? list[(i - 1 + list.length) % list.length]
        : event.key === "Home" ? list[0] : event.key === "End" ? list[list.length - 1] : null;
      if (next) { event.preventDefault(); next.focus(); select(next); }
    });
  }
}

async function signIn(key) {
  session.key = key;
  try {
    await api("/v1/voices");
  } catch (error) {
    session.key = null;
    throw error;
  }
  $("screen-signin").hidden = true;
  $("tabs").hidden = false;
  $("who").hidden = false;
  $("who-name").textContent = "Signed in";
  select($("tab-write"));
  await write.start();
}

function signOut() {
  session.key = null;
  location.reload();
}

document.addEventListener("DOMContentLoaded", async () => {
  setUpTabs();
  write.setUp();
  master.setUp();
  batch.setUp();
  jobs.setUp();
  $("sign-out").addEventListener("click", signOut);
  $("signin-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("signin-error").textContent = "";
    try {
      await signIn($("signin-key").value.trim());
      $("signin-key").value = "";
    } catch (error) {
      $("signin-error").textContent = error.status === 401 ? "This key is not known to the server (or was revoked)." : `Cannot sign in: ${error.message}`;
    }
  });
  if (session.key) {
    try { await signIn(session.key); } catch { $("screen-signin").hidden = false; }
  } else {
    $("signin-key").focus();
  }
});
