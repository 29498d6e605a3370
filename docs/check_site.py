"""Open the built site in headless Chromium, as a reader would, and fail on what is broken.

Run after the build::

    python -m sphinx -W --keep-going -b html docs docs/_build/html
    python docs/check_site.py docs/_build/html

The site is served from 127.0.0.1 (as a user's web server would) and every
page (user guide, API reference, gallery, benchmarks, changelog; not the
highlighted sources under ``_modules``) is loaded in Chromium through
Selenium. A page fails when the browser logs a console error (a script or
style that did not load, a JavaScript exception), when an image did not load,
or when it has math that MathJax did not typeset. The user guide's page on
the modes, the API reference of ``L1MLPClassifier`` and each gallery page
must be among the pages checked, with their math and figures.

Needs Debian's ``chromium`` and ``chromium-driver`` (or any Chromium and its
driver on the PATH) and the ``docs`` extra (selenium). Exit code 0 when every
page passes, 1 otherwise, with one line per problem.
"""

import argparse
import functools
import http.server
import shutil
import sys
import threading
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

#: Pages that must be there and must have what the check looks for.
REQUIRED = {
    "user_guide/l1_modes.html": "math",
    "generated/sklearn_l1mlp.L1MLPClassifier.html": None,
    "api.html": None,
    "auto_examples/plot_l1_modes.html": "image",
    "auto_examples/plot_cv_path.html": "image",
    "benchmarks/index.html": None,
    "changelog.html": None,
}
SKIPPED_FOLDERS = ("_modules", "_sources", "_static", "_images", "_downloads")

# Every image loaded (lazy ones made eager first), and MathJax done if the page has math.
_SETTLE = """
const done = arguments[arguments.length - 1];
const images = Array.from(document.images);
images.forEach(img => { img.loading = "eager"; });
const loaded = images.map(img => img.complete ? Promise.resolve() :
    new Promise(ok => { img.addEventListener("load", ok); img.addEventListener("error", ok); }));
const typeset = (window.MathJax && MathJax.startup && MathJax.startup.promise)
    ? MathJax.startup.promise : Promise.resolve();
Promise.all([...loaded, typeset]).then(() => done({
    broken: images.filter(img => img.naturalWidth === 0).map(img => img.getAttribute("src")),
    images: images.length,
    math: document.querySelectorAll(".math").length,
    typeset: document.querySelectorAll("mjx-container").length,
    math_errors: document.querySelectorAll("mjx-merror").length,
    mathjax: Boolean(window.MathJax && MathJax.version),
}));
"""


def pages_of(site):
    """The site's HTML pages, as paths relative to ``site``."""
    return sorted(
        path.relative_to(site).as_posix()
        for path in site.rglob("*.html")
        if path.relative_to(site).parts[0] not in SKIPPED_FOLDERS
    )


def serve(site):
    """A web server for ``site`` on a free port of 127.0.0.1, in a thread; returns it."""
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def browser():
    """Headless Chromium through its driver, keeping the console's messages."""
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium:
        options.binary_location = chromium
    driver_path = shutil.which("chromedriver")
    if driver_path is None:
        raise SystemExit(
            "check_site: no chromedriver on the PATH; install Debian's chromium and chromium-driver"
        )
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_script_timeout(60)
    driver.set_page_load_timeout(60)
    return driver


def check_page(driver, url):
    """The problems of one page: a list of strings (empty when it is fine)."""
    driver.get_log("browser")  # drop what an earlier page left
    driver.get(url)
    state = driver.execute_async_script(_SETTLE)
    problems = [
        f"console {entry['level']}: {entry['message']}"
        for entry in driver.get_log("browser")
        if entry["level"] == "SEVERE"
    ]
    problems += [f"image did not load: {src}" for src in state["broken"]]
    if state["math"]:
        if not state["mathjax"]:
            problems.append(f"{state['math']} math elements but MathJax did not load")
        elif state["typeset"] == 0:
            problems.append(f"{state['math']} math elements, none typeset by MathJax")
        if state["math_errors"]:
            problems.append(f"{state['math_errors']} formulas MathJax could not render")
    return problems, state


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="the built site (docs/_build/html)")
    args = parser.parse_args(argv)
    site = args.site.resolve()
    pages = pages_of(site)
    failures = [f"{page}: missing" for page in REQUIRED if page not in pages]
    server = serve(site)
    driver = browser()
    try:
        root = f"http://127.0.0.1:{server.server_address[1]}/"
        for page in pages:
            problems, state = check_page(driver, root + page)
            wanted = REQUIRED.get(page)
            if wanted == "math" and state["typeset"] == 0:
                problems.append("no typeset math on a page that must show the update rules")
            if wanted == "image" and state["images"] == 0:
                problems.append("no image on a gallery page that must show its figure")
            failures += [f"{page}: {problem}" for problem in problems]
            print(
                f"{page}: {'ok' if not problems else 'FAILED'} "
                f"({state['images']} images, {state['typeset']} formulas)"
            )
    finally:
        driver.quit()
        server.shutdown()
    print(f"\n{len(pages)} pages checked in Chromium, {len(failures)} problems")
    for failure in failures:
        print(f"  {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
