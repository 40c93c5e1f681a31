#!/usr/bin/python3
"""Real-browser test of the web console (run by .ci/run after `swift test`).

Starts `rostersync serve --http` on loopback with a temporary store and the demo job of
rostersync.example.yaml, then drives Debian's Chromium through chromedriver (no downloads:
SE_OFFLINE=true, fixed binary paths): sign in, import examples/users.csv and see the result
dialog, import a file with bad rows and download its failed rows, run the demo job and watch it
finish, open its run page. A screenshot of every page goes to test-output/browser/ (git-ignored).
Usage: scripts/console-browser-test.py [PATH-TO-rostersync]
"""
import os
import pathlib
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = pathlib.Path(__file__).resolve().parent.parent
BINARY = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / ".build/debug/rostersync").resolve()
OUTPUT = ROOT / "test-output" / "browser"
TOKEN = "browser-test-" + os.urandom(12).hex()
BAD_ROWS = """First Name,Last Name,License,Extension,Email Address,Role,Data Center
Ann,Lee,Enterprise,1100,ann@company.com,Agent,US
Bo,Kim,Platinum,1101,bo@company.com,Agent,US
Cy,Day,Enterprise,1102,not-an-email,Agent,US
"""

passed = 0
failed = 0


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
        print(f"ok: {name}")
    else:
        failed += 1
        print(f"FAILED: {name} {detail}")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SlowExport(BaseHTTPRequestHandler):
    """The demo's CRM export over HTTP, answered after a few seconds: a run long enough to watch its progress."""

    def do_GET(self):
        time.sleep(4)
        body = (ROOT / "examples" / "crm-nightly.csv").read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *arguments):
        pass


def demo_config(folder, slow_url):
    """The demo config with its paths made absolute, the repository an allowed folder, a job whose
    source answers slowly, and a write token from the environment."""
    text = (ROOT / "rostersync.example.yaml").read_text()
    text = text.replace("connector: connectors/", f"connector: {ROOT}/connectors/")
    text = text.replace("mapping: mappings/", f"mapping: {ROOT}/mappings/")
    text = text.replace("file:examples/", f"file:{ROOT}/examples/")
    text += f"""  - name: crm-slow
    connector: {ROOT}/connectors/csv-url.yaml
    settings:
      url: {slow_url}
    mapping: {ROOT}/mappings/custom-columns-csv.yaml
"""
    text += f"allowed_folders:\n  - {ROOT}\n"
    text += "api_tokens:\n  - { name: browser, token: env:ROSTERSYNC_BROWSER_TOKEN, scope: write }\n"
    path = folder / "rostersync.yaml"
    path.write_text(text)
    return path


def wait_for_health(base, server):
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit(f"rostersync serve exited early with {server.returncode}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("rostersync serve did not answer /healthz in 30 s")


def main():
    OUTPUT.mkdir(parents=True, exist_ok=True)
    work = pathlib.Path(tempfile.mkdtemp(prefix="rostersync-browser-"))
    downloads = work / "downloads"
    downloads.mkdir()
    bad_file = work / "bad-rows.csv"
    bad_file.write_text(BAD_ROWS)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    environment = dict(os.environ, ROSTERSYNC_BROWSER_TOKEN=TOKEN)
    export = ThreadingHTTPServer(("127.0.0.1", 0), SlowExport)
    threading.Thread(target=export.serve_forever, daemon=True).start()
    slow_url = f"http://127.0.0.1:{export.server_address[1]}/export.csv"
    server = subprocess.Popen(
        [str(BINARY), "serve", "--http", f"127.0.0.1:{port}", "--config", str(demo_config(work, slow_url)), "--db", str(work / "store.sqlite")],
        cwd=work, env=environment)
    browser = None
    try:
        wait_for_health(base, server)
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,900"]:
            options.add_argument(argument)
        options.add_experimental_option("prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False})
        browser = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        wait = WebDriverWait(browser, 30)

        def shot(name):
            browser.save_screenshot(str(OUTPUT / f"{name}.png"))

        browser.get(base + "/users")
        check("an unsigned visitor lands on the sign-in page", browser.current_url.endswith("/login"))
        shot("01-sign-in")
        browser.find_element(By.ID, "token").send_keys(TOKEN)
        browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        wait.until(ready.url_contains("/users"))
        check("signing in opens the users page", "Users" in browser.find_element(By.TAG_NAME, "h1").text)
        shot("02-users-empty")

        browser.get(base + "/import")
        shot("03-import")
        browser.find_element(By.ID, "file").send_keys(str(ROOT / "examples" / "users.csv"))
        wait.until(lambda page: page.find_element(By.ID, "result").get_attribute("open") is not None)
        title = browser.find_element(By.ID, "result-title").text
        check("importing users.csv shows the result dialog", title == "3 users imported, 0 failed", title)
        shot("04-import-result")
        browser.find_element(By.ID, "result-close").click()

        browser.find_element(By.ID, "file").send_keys(str(bad_file))
        wait.until(lambda page: "failed" in page.find_element(By.ID, "result-title").text and page.find_element(By.ID, "result").get_attribute("open") is not None)
        wait.until(lambda page: page.find_elements(By.CSS_SELECTOR, "#result-failures td.reason"))
        title = browser.find_element(By.ID, "result-title").text
        check("a file with bad rows shows them failed", title == "1 user imported, 2 failed", title)
        reasons = [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "#result-failures td.reason")]
        check("the dialog lists the failed rows with their reasons", len(reasons) == 2 and any("Platinum" in reason for reason in reasons), str(reasons))
        shot("05-import-failed-rows")
        browser.find_element(By.ID, "result-download").click()
        deadline = time.time() + 15
        report = []
        while time.time() < deadline and not report:
            report = [path for path in downloads.glob("*.csv")]
            time.sleep(0.2)
        check("Download failed rows saves the error report", bool(report) and "Errors" in report[0].read_text(), str(report))
        browser.find_element(By.ID, "result-close").click()

        browser.get(base + "/users")
        check("the users page lists the imported users", "barb@company.com" in browser.page_source)
        shot("06-users")

        browser.get(base + "/jobs")
        shot("07-jobs")
        browser.find_element(By.XPATH, "//button[normalize-space()='Run now']").click()
        wait.until(ready.url_matches(r"/runs/\d+$"))
        WebDriverWait(browser, 60).until(lambda page: "This run is going" not in page.page_source)
        status = browser.find_element(By.CSS_SELECTOR, "main .badge").text
        check("Run now runs the demo job to the end", status == "succeeded", status)
        shot("08-run")

        browser.get(base + "/runs")
        check("the runs page lists the three runs", len(browser.find_elements(By.CSS_SELECTOR, "tbody tr")) == 3)
        shot("09-runs")

        browser.get(base + "/users")
        Select(browser.find_element(By.ID, "job")).select_by_value("crm-nightly")
        browser.find_element(By.XPATH, "//button[normalize-space()='Search']").click()
        wait.until(ready.url_contains("job=crm-nightly"))
        headers = [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "thead th")]
        sources = {row.find_elements(By.TAG_NAME, "td")[-1].text for row in browser.find_elements(By.CSS_SELECTOR, "tbody tr")}
        check("the users page filters by source job and shows it", "Source job" in headers and sources == {"crm-nightly"}, f"{headers} {sources}")
        check("users imported from files are not in the job's list", "barb@company.com" not in browser.page_source)
        shot("10-users-by-job")

        browser.get(base + "/runs/999999")
        alert = browser.find_elements(By.CSS_SELECTOR, "main .alert")
        check("an unknown run is a styled page with the menu, not JSON",
              bool(alert) and "999999" in alert[0].text and bool(browser.find_elements(By.CSS_SELECTOR, "nav a[href='/users']")),
              browser.page_source[:200])
        shot("10b-unknown-run")

        browser.get(base + "/jobs")
        browser.find_element(By.XPATH, "//tr[td[1][normalize-space()='crm-slow']]//button[normalize-space()='Run now']").click()
        wait.until(ready.url_matches(r"/runs/\d+$"))
        wait.until(lambda page: "Pulling from the source" in page.find_element(By.ID, "live-text").text)
        check("a going run shows a live progress bar fed by its events", bool(browser.find_elements(By.CSS_SELECTOR, "#live progress")))
        shot("11-run-live-progress")
        WebDriverWait(browser, 60).until(lambda page: not page.find_elements(By.ID, "live"))
        status = browser.find_element(By.CSS_SELECTOR, "main .badge").text
        check("the run page shows the final status when the run ends, without a manual reload", status == "succeeded", status)
        shot("12-run-finished")
    finally:
        if browser is not None:
            browser.quit()
        export.shutdown()
        server.send_signal(signal.SIGTERM)
        try:
            code = server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            code = None
        check("SIGTERM stops the server with exit code 0", code == 0, f"exit {code}")
    print(f"screenshots: {OUTPUT}")
    print(f"browser: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
