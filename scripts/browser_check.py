"""Opens attn's lessons in headless Chromium, as students see them.

Run by scripts/test-browser with the python of scripts/python-tools
(Notebook 7 and Selenium installed there), Chromium and chromedriver from
Debian's packages:

    python scripts/browser_check.py notebook LESSON.ipynb SVG_COUNT ARTIFACTS
    python scripts/browser_check.py page LESSON.html SVG_COUNT ARTIFACTS

`notebook` starts a Jupyter server on 127.0.0.1 (a random port and token),
opens the notebook, clears its outputs and runs every cell through the attn
kernel (Run → Run All Cells), then checks the rendered page: every code cell
ran, outputs are there, each SVG picture rendered (decoded, with a size),
small matrices as tables, no error output. `page` opens an HTML lesson
export from a file and checks that its inline SVG pictures are drawn and the
page's Content Security Policy blocked nothing. Each keeps a screenshot in
ARTIFACTS.
"""
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By


def fail(message):
    sys.exit("browser: " + message)


def chromium():
    options = Options()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1800"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)


def wait_for(what, condition, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    fail("timed out waiting for " + what)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_menu_command(driver, menu, command):
    """Clicks a menu of the menu bar, then the first of its items whose
    command id is one of `command` (JupyterLab's ids, then Notebook's)."""
    labels = driver.find_elements(By.CSS_SELECTOR, ".lm-MenuBar-itemLabel")
    label = next((element for element in labels if element.text.strip() == menu), None)
    if label is None:
        fail("no '%s' menu; the menu bar has %s" % (menu, [element.text for element in labels]))
    label.click()
    def item():
        items = driver.find_elements(By.CSS_SELECTOR, ".lm-Menu-item[data-command]")
        return [element for element in items if element.get_attribute("data-command") in command]
    found = wait_for("the menu item " + command[0], item, timeout=10)
    found[0].click()


def check_notebook(path, svg_count, artifacts):
    directory, name = os.path.split(os.path.abspath(path))
    with open(path, encoding="utf-8") as handle:
        code_cells = sum(cell["cell_type"] == "code" for cell in json.load(handle)["cells"])
    # Every cell in the page, not only those in view (JupyterLab's windowing
    # takes cells out of the page as they scroll away).
    settings = os.path.join(artifacts, "lab-settings")
    os.makedirs(os.path.join(settings, "@jupyterlab", "notebook-extension"), exist_ok=True)
    with open(os.path.join(settings, "@jupyterlab", "notebook-extension", "tracker.jupyterlab-settings"), "w") as handle:
        json.dump({"windowingMode": "none"}, handle)
    port, token = free_port(), secrets.token_hex(16)
    log = open(os.path.join(artifacts, "jupyter-server.log"), "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "notebook", "--no-browser", "--ip=127.0.0.1", "--port=%d" % port,
         "--IdentityProvider.token=" + token, "--ServerApp.root_dir=" + directory, "--allow-root"],
        stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, JUPYTERLAB_SETTINGS_DIR=settings))
    driver = None
    try:
        def up():
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/api/status?token=%s" % (port, token), timeout=2):
                    return True
            except OSError:
                return False
        wait_for("the Jupyter server", up, timeout=60)
        driver = chromium()
        driver.get("http://127.0.0.1:%d/notebooks/%s?token=%s" % (port, name, token))
        wait_for("the notebook's cells",
                 lambda: len(driver.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-CodeCell")) == code_cells)
        wait_for("the attn kernel", lambda: "attn" in driver.find_element(By.TAG_NAME, "body").text)
        wait_for("the kernel to be idle", lambda: driver.find_elements(By.CSS_SELECTOR, "[data-status='idle']")
                 or "Idle" in driver.find_element(By.TAG_NAME, "body").text, timeout=60)
        run_menu_command(driver, "Edit", ["editmenu:clear-all", "notebook:clear-all-cell-outputs"])
        wait_for("outputs to clear", lambda: not driver.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output"))
        run_menu_command(driver, "Run", ["runmenu:run-all", "notebook:run-all-cells"])

        def finished():
            prompts = [element.text.strip() for element in
                       driver.find_elements(By.CSS_SELECTOR, ".jp-CodeCell .jp-InputPrompt")]
            numbered = [prompt for prompt in prompts if prompt.startswith("[") and prompt[1:2].isdigit()]
            return len(prompts) == code_cells and len(numbered) == code_cells
        wait_for("every cell to run", finished, timeout=300)
        time.sleep(1)
        outputs = driver.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output")
        if not outputs:
            fail("no outputs after running the notebook")
        errors = driver.find_elements(By.CSS_SELECTOR, '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
        if errors:
            fail("error outputs: %s" % [element.text[:200] for element in errors])
        pictures = driver.find_elements(By.CSS_SELECTOR, ".jp-RenderedSVG img")
        if len(pictures) < svg_count:
            fail("%d SVG pictures rendered, expected %d" % (len(pictures), svg_count))
        for picture in pictures:
            decoded = driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth", picture)
            if not decoded or not picture.get_attribute("src").startswith("data:image/svg+xml"):
                fail("an SVG picture did not render")
        tables = driver.find_elements(By.CSS_SELECTOR, ".jp-RenderedHTMLCommon table")
        if not tables:
            fail("no matrix rendered as a table")
        text = driver.find_element(By.CSS_SELECTOR, ".jp-Notebook").text
        if "not yet" not in text:
            fail("the exercises' check cells did not answer")
        driver.execute_script("arguments[0].scrollIntoView()", pictures[0])
        driver.save_screenshot(os.path.join(artifacts, "notebook.png"))
        print("browser: %s: %d cells ran in Chromium through the attn kernel; %d outputs, %d SVG pictures, "
              "%d tables, no errors" % (name, code_cells, len(outputs), len(pictures), len(tables)))
    finally:
        if driver is not None:
            driver.quit()
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def check_page(path, svg_count, artifacts):
    driver = chromium()
    try:
        driver.get("file://" + os.path.abspath(path))
        wait_for("the page", lambda: driver.find_elements(By.TAG_NAME, "h1"), timeout=30)
        pictures = driver.find_elements(By.CSS_SELECTOR, "svg")
        if len(pictures) < svg_count:
            fail("%d SVG pictures in the page, expected %d" % (len(pictures), svg_count))
        for picture in pictures:
            size = picture.size
            if size["width"] <= 0 or size["height"] <= 0:
                fail("an SVG picture has no size: %s" % size)
        blocked = [entry["message"] for entry in driver.get_log("browser")
                   if "Content Security Policy" in entry["message"] or entry["level"] == "SEVERE"]
        if blocked:
            fail("the page's console reports: %s" % blocked)
        policy = driver.find_elements(By.CSS_SELECTOR, 'meta[http-equiv="Content-Security-Policy"]')
        if not policy:
            fail("the page has no Content Security Policy")
        driver.execute_script("arguments[0].scrollIntoView()", pictures[0])
        driver.save_screenshot(os.path.join(artifacts, "page.png"))
        print("browser: %s: %d SVG pictures drawn in Chromium, nothing blocked by the page's CSP"
              % (os.path.basename(path), len(pictures)))
    finally:
        driver.quit()


if __name__ == "__main__":
    kind, path, count, artifacts = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    os.makedirs(artifacts, exist_ok=True)
    (check_notebook if kind == "notebook" else check_page)(path, count, artifacts)
