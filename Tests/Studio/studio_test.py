#!/usr/bin/env python3
"""Mixdown Studio used as a producer would, in a real headless Chromium driven over WebDriver
(Debian's chromium-driver, selenium pinned in scripts/requirements-test.txt), against a real
`mixdown serve` that the Swift test suite started (Tests/MixdownCLITests/StudioTests.swift).

Every step waits for what the user would see, then checks it. At the end it prints one JSON
object: what the Swift side checks with independent tools (the downloaded MP3 decoded by
ffmpeg), the screenshots taken, and the console and network records. Any failed check exits 1
with the step and what was seen.
"""
import argparse
import json
import math
import os
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, NoSuchElementException, StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

parser = argparse.ArgumentParser()
parser.add_argument("--base", required=True)
parser.add_argument("--key", required=True)
parser.add_argument("--out", required=True)
parser.add_argument("--mix", required=True, help="a WAV to master")
parser.add_argument("--csv", required=True, help="a 5-row audience")
args = parser.parse_args()

result = {"screenshots": [], "steps": []}
step = "start"


def fail(message):
    result["failed"] = f"{step}: {message}"
    print(json.dumps(result))
    try:
        driver.save_screenshot(os.path.join(args.out, "failure.png"))
    except Exception:
        pass
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def begin(name):
    global step
    step = name
    result["steps"].append(name)


def api(path):
    request = urllib.request.Request(args.base + path, headers={"Authorization": f"Bearer {args.key}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def wait(condition, seconds=30, what="the page"):
    try:
        # The page redraws tables as answers come in: an element found a moment ago may be
        # gone (stale) or not there yet; both mean "not yet".
        return WebDriverWait(driver, seconds, poll_frequency=0.2,
                             ignored_exceptions=(StaleElementReferenceException, NoSuchElementException)).until(lambda d: condition())
    except TimeoutException:
        fail(f"waited {seconds} s for {what}")


def js(script, *arguments):
    return driver.execute_script(script, *arguments)


def by_id(name):
    return driver.find_element(By.ID, name)


def shot(name):
    path = os.path.join(args.out, f"{len(result['screenshots']) + 1:02d}-{name}.png")
    driver.save_screenshot(path)
    result["screenshots"].append(path)


def no_alert():
    try:
        text = driver.switch_to.alert.text
        fail(f"an alert opened: {text!r} (user text ran as script)")
    except NoAlertPresentException:
        pass


def type_script(text):
    area = by_id("script")
    area.click()
    area.send_keys(Keys.CONTROL, "a")
    area.send_keys(Keys.DELETE)
    area.send_keys(text)


options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,800",
                 "--autoplay-policy=no-user-gesture-required", "--mute-audio", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-default-apps", "--no-first-run"]:
    options.add_argument(argument)
options.add_experimental_option("prefs", {"download.default_directory": args.out, "download.prompt_for_download": False})
options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": args.out})
# The page as a 1280x800 screen shows it (the window's own frame takes no part of it).
driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": False})
driver.set_script_timeout(60)

try:
    # ---- Sign in
    begin("sign in")
    driver.get(args.base + "/")
    check(driver.current_url == args.base + "/studio/", f"/ went to {driver.current_url}")
    wait(lambda: by_id("signin-key").is_displayed(), what="the sign-in form")
    shot("sign-in")
    by_id("signin-key").send_keys(args.key)
    by_id("signin-key").send_keys(Keys.ENTER)
    wait(lambda: by_id("tabs").is_displayed() and by_id("screen-write").is_displayed(), what="the write screen")
    check(js("return sessionStorage.length") == 1 and js("return localStorage.length") == 0, "the key is kept for the tab only")
    wait(lambda: len(Select(by_id("template")).options) > 1 and len(Select(by_id("voice")).options) > 1, what="templates and voices")

    # ---- A misspelt tag: the error at its line; then fixed
    begin("misspelt tag")
    type_script("<<sectionName::intro>> Spring is here, {{name|friend}}.\n<<sectionNme::offer>> Everything is twenty percent off.")
    wait(lambda: "Line 2" in by_id("script-errors").text, what="the error at line 2")
    errors = by_id("script-errors").text
    check("column 1" in errors and "sectionNme" in errors, f"the error says where and what: {errors!r}")
    marked = js("return [...document.querySelectorAll('#script-highlight .tok-error')].map(e => e.textContent).join('')")
    check("sectionNme" in marked, f"the misspelt tag is underlined in the editor: {marked!r}")
    shot("write-error")

    begin("fixed")
    type_script("<<sectionName::intro>> Spring is here, {{name|friend}}.\n<<sectionName::offer>> Everything in store is twenty percent off, until Sunday.")
    wait(lambda: by_id("script-status").text == "The script is valid.", what="the script to be valid")
    check(by_id("script-errors").text == "", "no errors left")
    sections = js("return [...document.querySelectorAll('#sections-table tbody tr')].map(r => r.dataset.section)")
    check(sections == ["intro", "offer"], f"the sections table follows the script: {sections}")
    variables = js("return [...document.querySelectorAll('#variables input')].map(i => i.dataset.key)")
    check(variables == ["name"], f"a field for each {{key}}: {variables}")

    # ---- Template and voice, with previews
    begin("previews")
    Select(by_id("template")).select_by_value("corporate")
    by_id("template-preview").click()
    wait(lambda: js("const a = document.getElementById('template-audio'); return !a.hidden && a.duration > 0 && isFinite(a.duration)"), 120,
         "the template preview to load")
    result["templatePreviewSeconds"] = js("return document.getElementById('template-audio').duration")
    voices = js("return [...document.getElementById('voice').options].map(o => o.value).filter(v => v)")
    voice = next((v for v in voices if v.startswith("en")), voices[0])
    Select(by_id("voice")).select_by_value(voice)
    by_id("voice-preview").click()
    wait(lambda: js("const a = document.getElementById('voice-audio'); return !a.hidden && a.duration > 0 && isFinite(a.duration)"), 120,
         "the voice preview to load")
    result["voicePreviewSeconds"] = js("return document.getElementById('voice-audio').duration")
    result["voice"] = voice
    # Filters narrow the lists.
    mood = Select(by_id("template-mood"))
    if len(mood.options) > 1:
        mood.select_by_index(1)
        chosen = mood.first_selected_option.get_attribute("value")
        names = js("return [...document.getElementById('template').options].map(o => o.value).filter(v => v)")
        listed = {t["name"]: t for t in api("/v1/templates")}
        check(all(chosen in listed[n].get("mood", []) for n in names), f"the mood filter shows {names} for {chosen}")
        mood.select_by_index(0)
        Select(by_id("template")).select_by_value("corporate")
    by_id("variable-0").send_keys("Sam")
    shot("write-previews")

    # ---- Plan: an overflowing section is marked
    begin("plan")
    end_at = driver.find_element(By.CSS_SELECTOR, "#sections-table tr[data-section=intro] input[data-key=endAt]")
    end_at.send_keys("0.5")
    by_id("plan-button").click()
    wait(lambda: len(driver.find_elements(By.CSS_SELECTOR, "#plan-table tbody tr")) == 2, 120, "the plan")
    overflowing = js("return [...document.querySelectorAll('#plan-table tbody tr.overflow th')].map(e => e.textContent)")
    check(overflowing == ["intro"], f"the overflowing section is highlighted: {overflowing}")
    check("overflows by" in by_id("plan-table").text, "the overflow is said")
    shot("plan")
    end_at.send_keys(Keys.CONTROL, "a")
    end_at.send_keys(Keys.DELETE)

    # ---- Render: progress, report, player, download
    begin("render")
    driver.find_element(By.CSS_SELECTOR, "#formats input[value=wav]").click()
    by_id("render-button").click()
    wait(lambda: by_id("render-outputs").is_displayed(), 300, "the render to finish")
    status_text = by_id("render-status").text
    check(status_text.startswith("Done:"), f"render status: {status_text!r}")
    formats = js("return [...document.querySelectorAll('#render-outputs tbody th')].map(e => e.textContent)")
    check(formats == ["mp3_medium", "wav"], f"one row per format: {formats}")
    wait(lambda: by_id("render-report").is_displayed(), what="the visual report")
    driver.switch_to.frame(by_id("render-report"))
    wait(lambda: len(driver.find_elements(By.CSS_SELECTOR, "svg#timeline *")) > 10, 30, "the report page's timeline")
    driver.switch_to.default_content()
    driver.find_element(By.CSS_SELECTOR, "[aria-label='Play mp3_medium']").click()
    wait(lambda: js("const a = document.getElementById('render-audio'); return a.duration > 0 && isFinite(a.duration)"), 60, "the player")
    result["playerSeconds"] = js("return document.getElementById('render-audio').duration")
    driver.find_element(By.CSS_SELECTOR, "[aria-label='Download mp3_medium']").click()
    jobs = api("/v1/productions?limit=1")["jobs"]
    render_id = jobs[0]["id"]
    mp3 = os.path.join(args.out, f"{render_id}-mp3_medium.mp3")
    wait(lambda: os.path.exists(mp3) and not os.path.exists(mp3 + ".crdownload"), 60, "the MP3 download")
    status = api(f"/v1/productions/{render_id}")
    result["render"] = {"id": render_id, "mp3": mp3, "totalSamples": status["report"]["totalSamples"],
                        "sampleRate": status["report"]["sampleRate"], "bytes": os.path.getsize(mp3)}
    driver.execute_script("window.scrollTo(0, document.getElementById('render-view').offsetTop)")
    shot("render")

    # ---- XSS probe: user text is text
    begin("xss")
    type_script("<<sectionName::intro>> Hello <img src=x onerror=alert(1)> and {{who|<img src=y onerror=alert(2)>}}.")
    time.sleep(1.5)
    no_alert()
    check(js("return document.querySelectorAll('img').length") == 0, "no img element was made from user text")
    check("<img src=x onerror=alert(1)>" in by_id("script-highlight").text, "the probe shows as text")
    type_script("<<sectionName::intro>> Spring is here, {{name|friend}}.\n<<sectionName::offer>> Everything in store is twenty percent off, until Sunday.")
    wait(lambda: by_id("script-status").text == "The script is valid.", what="the script to be valid again")

    # ---- Master: upload, A/B level-matched
    begin("master")
    by_id("tab-master").click()
    wait(lambda: by_id("screen-master").is_displayed(), what="the master screen")
    by_id("master-file").send_keys(args.mix)
    Select(by_id("master-format")).select_by_value("wav")
    driver.find_element(By.CSS_SELECTOR, "#master-form button[type=submit]").click()
    wait(lambda: by_id("master-result").is_displayed(), 300, "the master")
    wait(lambda: js("return document.getElementById('master-b').duration > 0 && document.getElementById('master-a').duration > 0"), 30, "A and B to load")
    by_id("ab-play").click()
    wait(lambda: js("return !document.getElementById('master-a').paused"), 10, "playing")
    check(js("return document.getElementById('master-b').muted && !document.getElementById('master-a').muted"), "A is heard first")
    time.sleep(0.5)
    by_id("ab-switch").click()
    check(by_id("ab-switch").get_attribute("aria-pressed") == "true", "the switch is pressed")
    check(js("return document.getElementById('master-a').muted && !document.getElementById('master-b').muted"), "B is heard after the switch")
    drift = js("return Math.abs(document.getElementById('master-a').currentTime - document.getElementById('master-b').currentTime)")
    check(drift < 0.25, f"B continues where A was (drift {drift:.3f} s)")
    masters = api("/v1/productions?limit=1")["jobs"]
    master_status = api(f"/v1/productions/{masters[0]['id']}")
    la, lb = master_status["report"]["input"]["integratedLufs"], master_status["report"]["output"]["integratedLufs"]
    volumes = js("return [document.getElementById('master-a').volume, document.getElementById('master-b').volume]")
    expected = [math.pow(10, (lb - la) / 20), 1] if la > lb else [1, math.pow(10, (la - lb) / 20)]
    check(all(abs(v - e) < 1e-3 for v, e in zip(volumes, expected)), f"level-matched: volumes {volumes}, expected {expected} ({la:.1f} / {lb:.1f} LUFS)")
    result["master"] = {"input": la, "output": lb, "volumes": volumes}
    by_id("ab-play").click()
    shot("master")

    # ---- Batch: 5 rows
    begin("batch")
    by_id("tab-batch").click()
    by_id("batch-file").send_keys(args.csv)
    wait(lambda: by_id("batch-preview").is_displayed(), what="the CSV preview")
    cells = js("return [...document.querySelectorAll('#batch-preview tbody tr')].length")
    check(cells == 5, f"the first rows are shown: {cells}")
    check('Column "citty" is used nowhere' in by_id("batch-columns").text, f"the unused column is named: {by_id('batch-columns').text!r}")
    no_alert()
    check(js("return document.querySelectorAll('img').length") == 0, "a CSV value is text")
    by_id("batch-run").click()
    wait(lambda: by_id("batch-jobs").is_displayed(), 600, "the batch to finish")
    statuses = js("return [...document.querySelectorAll('#batch-jobs tbody tr td:nth-child(2)')].map(e => e.textContent)")
    check(statuses == ["succeeded"] * 5, f"five rows rendered: {statuses}")
    warnings = by_id("batch-jobs").text
    check("unusedVariable" in warnings, "the rows' warnings are visible")
    shot("batch")

    # ---- Jobs: history, delete
    begin("jobs")
    by_id("tab-jobs").click()
    wait(lambda: len(driver.find_elements(By.CSS_SELECTOR, "#jobs-table tbody tr")) >= 7, 30, "the job list")
    rows = len(driver.find_elements(By.CSS_SELECTOR, "#jobs-table tbody tr"))
    driver.find_element(By.CSS_SELECTOR, f"[aria-label='Delete job {render_id}']").click()
    driver.switch_to.alert.accept()
    wait(lambda: driver.find_element(By.CSS_SELECTOR, f"#jobs-table tr[data-job='{render_id}'] td:nth-child(3)").text == "deleted", 30,
         "the job to show deleted")
    deleted = api(f"/v1/productions/{render_id}")
    check(deleted["status"] == "deleted" and deleted["outputs"] == [], f"the API agrees: {deleted['status']}, {deleted['outputs']}")
    result["jobsListed"] = rows
    check(driver.find_elements(By.CSS_SELECTOR, f"[aria-label='Delete job {render_id}']") == [], "a deleted job has no Delete")
    downloads = driver.find_elements(By.CSS_SELECTOR, "#jobs-table [aria-label^='Download']")
    check(len(downloads) >= 6 and all(b.text in ("mp3_medium", "wav") for b in downloads), f"each finished job's files: {[b.text for b in downloads][:8]}")
    shot("jobs")

    # ---- Keyboard and labels
    begin("keyboard")
    by_id("tab-jobs").send_keys(Keys.ARROW_LEFT)
    check(by_id("tab-batch").get_attribute("aria-selected") == "true" and by_id("screen-batch").is_displayed(), "arrow keys move between tabs")
    by_id("tab-batch").send_keys(Keys.HOME)
    check(by_id("tab-write").get_attribute("aria-selected") == "true", "Home goes to the first tab")
    unlabelled = js("""
        return [...document.querySelectorAll('input, select, textarea, button')].filter(e => {
          const name = (e.labels && e.labels.length) || e.getAttribute('aria-label') || e.textContent.trim() || e.title;
          return !name && e.type !== 'hidden';
        }).map(e => e.outerHTML.slice(0, 80));""")
    check(unlabelled == [], f"every control has a name: {unlabelled}")
    for screen in ["tab-write", "tab-master", "tab-batch", "tab-jobs"]:
        by_id(screen).click()
        width = js("return document.documentElement.scrollWidth")
        check(width <= 1280, f"{screen}: readable at 1280x800 without scrolling sideways ({width} px)")

    # ---- The console and the network
    begin("console and network")
    # Chromium logs every 4xx of a fetch as a console error: the misspelt script typed above
    # must not be one (the studio asks /v1/validate for its verdict in a 200).
    console = driver.get_log("browser")
    errors = [e for e in console if e["level"] == "SEVERE"]
    result["console"] = {"errors": [e["message"] for e in errors], "entries": len(console)}
    check(errors == [], f"console errors: {[e['message'] for e in errors]}")
    requests = set()
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            requests.add(message["params"]["request"]["url"])
    foreign = sorted(u for u in requests if not (u.startswith(args.base + "/") or u.startswith("blob:" + args.base) or u.startswith("data:")))
    result["requests"] = len(requests)
    check(foreign == [], f"requests to another origin: {foreign}")
    result["ok"] = True
finally:
    try:
        driver.quit()
    except Exception:
        pass

print(json.dumps(result))
