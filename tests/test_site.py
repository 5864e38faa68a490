"""The rendered website, tested the way a reader uses it: in a real browser.

Builds the site from the committed notebooks *without executing them*
(`execute_notebooks: off`, warnings are errors), so it renders exactly the outputs
that nbval verifies and executes no chapter a second time; serves it on 127.0.0.1 and drives headless Chromium (Debian's `chromium`, through
Playwright) over every page of the table of contents, at desktop and phone widths.
Each page must: answer 200; log no console errors; request nothing from outside
127.0.0.1 (the site is self-contained); finish MathJax with every formula typeset,
no MathJax error node and no math element still holding raw TeX; load every image;
link only to internal pages that answer 200 and anchors that exist; carry the table
of contents, previous/next links, launch buttons (Binder, Colab) and download buttons
pointing where they should (the repository named in _config.yml); and not overflow a
phone-width screen.  What a reader sees whole: at desktop width no display equation is
wider than its box, and at any width no code or output block is (they wrap); on a
phone a wide equation scrolls in its own box, reachable by keyboard, with its number
beside it, not over it; no Markdown table is left as text; every figure has alt text
that describes it (not a file path); no formula takes a tab stop unless it scrolls.
axe-core finds no serious or critical violation in light or dark mode, and the mode
follows the reader's system setting.  An exercise's solution is hidden until its title
or its toggle is clicked; the toggle is named for what it opens.  At desktop width
there is one search entry, and the header's download menu links the book's PDF.
Screenshots go to _build/screenshots/.

Set HANDPROP_SITE=path/to/html to test an existing build instead of building.
Without Chromium the test is skipped, saying how to install it.
"""

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from functools import partial
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
REPOSITORY = urlparse(CONFIG["repository"]["url"]).path.strip("/")
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = pytest.mark.site

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements.txt)")
if not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's `chromium` (apt-get install chromium) "
                f"or set CHROMIUM=/path/to/chrome", allow_module_level=True)


def toc_pages():
    """Every page of _toc.yml, in reading order, as paths relative to the site root."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"]]
    for part in toc.get("parts", []):
        pages += [chapter["file"] for chapter in part["chapters"]]
    return [p + ".html" for p in pages]


PAGES = toc_pages()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site():
    if os.environ.get("HANDPROP_SITE"):
        html = Path(os.environ["HANDPROP_SITE"])
    else:
        out = ROOT / "_build" / "site-test"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        config = dict(CONFIG, execute=dict(CONFIG.get("execute", {}), execute_notebooks="off"))
        # paths of local extensions are read relative to the configuration file
        extensions = config["sphinx"].get("local_extensions", {})
        config["sphinx"] = dict(config["sphinx"], local_extensions={
            k: str(ROOT / v) for k, v in extensions.items()})
        (out / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
        jb = Path(sys.executable).parent / "jupyter-book"
        proc = subprocess.run([str(jb), "build", ".", "--all", "-W", "-n", "--keep-going",
                               "--config", str(out / "_config.yml"), "--path-output", str(out)],
                              cwd=ROOT, capture_output=True, text=True)
        assert proc.returncode == 0, ("the book build failed:\n" + proc.stdout[-6000:]
                                      + proc.stderr[-3000:])
        html = out / "_build" / "html"
    assert (html / "index.html").is_file(), f"no built site at {html}"
    handler = partial(QuietHandler, directory=str(html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield html, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@functools.lru_cache(maxsize=None)
def fetch(url):
    """(status, body) of an internal URL, cached across pages."""
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, ""


MATH_STATE = """() => {
  const raw = [...document.querySelectorAll('.math, .MathJax_Preview')]
      .filter(el => !el.querySelector('mjx-container') && /\\\\\\(|\\\\\\[|\\$\\$/.test(el.textContent))
      .map(el => el.textContent.slice(0, 80));
  const bodyRaw = [...document.querySelectorAll('article p, article li, article td')]
      .filter(el => !el.closest('pre, code, .highlight') && (/\\\\\\(|\\\\\\[/.test(el.textContent)
                    || /\\$[^$]*\\\\[a-zA-Z]+[^$]*\\$/.test(el.textContent)))
      .map(el => el.textContent.slice(0, 80));
  return {typeset: document.querySelectorAll('mjx-container').length,
          errors: document.querySelectorAll('mjx-merror, [data-mjx-error]').length,
          raw: raw.concat(bodyRaw)};
}"""


LAYOUT = """() => {
  const article = document.querySelector('article') || document.body;
  const text = el => el.textContent.replace(/\\s+/g, ' ').trim().slice(0, 60);
  const overlaps = (a, b) => !(a.right <= b.left || b.right <= a.left
                               || a.bottom <= b.top || b.bottom <= a.top);
  const wide_equations = [...article.querySelectorAll('mjx-container[display="true"]')]
    .filter(m => m.scrollWidth > m.clientWidth + 1)
    .map(m => {
      const box = m.closest('div.math');
      const number = box && box.querySelector('.eqno');
      return {id: box ? box.id : '', text: text(m),
              scrolls: ['auto', 'scroll'].includes(getComputedStyle(m).overflowX),
              focusable: m.getAttribute('tabindex') === '0',
              number_overlaps: !!number && overlaps(number.getBoundingClientRect(),
                                                    m.getBoundingClientRect())};
    });
  const wide_code = [...article.querySelectorAll('pre')]
    .filter(p => p.offsetParent !== null && p.scrollWidth > p.clientWidth + 1)
    .map(p => text(p));
  const tables_as_text = [...article.querySelectorAll('p')]
    .filter(p => /\\|\\s*:?-{3,}:?\\s*\\|/.test(p.textContent)).map(text);
  const bad_alt = [...article.querySelectorAll('img')]
    .map(i => i.getAttribute('alt') || '')
    .filter(a => a.trim().length < 10 || /\\.(png|jpe?g|svg|gif)\\b|_images\\/|^\\.{0,2}\\//i.test(a));
  const idle_tab_stops = [...document.querySelectorAll('mjx-container[tabindex]')]
    .filter(m => m.getAttribute('tabindex') !== '-1' && m.scrollWidth <= m.clientWidth + 1)
    .map(text);
  // a figure drawn wider than the column is shrunk, and its text with it
  const shrunk_figures = [...article.querySelectorAll('.cell_output img, figure img')]
    .filter(i => i.naturalWidth && i.clientWidth)
    .map(i => ({alt: (i.getAttribute('alt') || '').slice(0, 40),
                scale: i.clientWidth / (parseFloat(i.style.width) || i.naturalWidth)}))
    .filter(f => f.scale < 0.9);
  return {wide_equations, wide_code, tables_as_text, bad_alt, idle_tab_stops,
          shrunk_figures};
}"""


def open_page(browser, url, viewport, color_scheme="light"):
    page = browser.new_page(viewport=viewport, color_scheme=color_scheme)
    problems = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))

    def only_local(route):
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", "localhost") or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            problems.append(f"external request: {route.request.url}")
            route.abort()

    page.route("**/*", only_local)
    response = page.goto(url, wait_until="load")
    return page, response, problems


def wait_for_mathjax(page):
    page.wait_for_function("() => !window.MathJax || (window.MathJax.startup && window.MathJax.startup.promise)")
    page.evaluate("() => window.MathJax ? window.MathJax.startup.promise : null")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("path", PAGES)
def test_page(site, browser, path, viewport):
    html, base = site
    url = urljoin(base, path)
    page, response, problems = open_page(browser, url, VIEWPORTS[viewport])
    try:
        assert response.status == 200, f"{path}: HTTP {response.status}"
        wait_for_mathjax(page)
        shots = ROOT / "_build" / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / f"{path.replace('/', '__')[:-5]}-{viewport}.png"), full_page=True)

        math = page.evaluate(MATH_STATE)
        assert math["errors"] == 0, f"{path}: {math['errors']} MathJax error nodes"
        assert not math["raw"], f"{path}: math left as raw TeX: {math['raw'][:3]}"
        has_math_source = "class=\"math" in fetch(url)[1]
        assert not has_math_source or math["typeset"] > 0, f"{path}: math on the page but none typeset"

        broken = page.evaluate("() => [...document.images].filter(i => !i.complete || i.naturalWidth === 0)"
                               ".map(i => i.getAttribute('src'))")
        assert not broken, f"{path}: images that did not load: {broken}"
        squashed = page.evaluate(
            "() => [...document.querySelectorAll('.cell_output img')]"
            ".filter(i => i.naturalWidth && i.clientHeight)"
            ".filter(i => Math.abs(i.clientWidth / i.clientHeight"
            " / (i.naturalWidth / i.naturalHeight) - 1) > 0.02)"
            ".map(i => i.getAttribute('src'))")
        assert not squashed, f"{path}: figures drawn out of proportion: {squashed}"

        links = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
        for link in sorted(set(links)):
            target, anchor = urldefrag(link)
            if not target.startswith(base):
                continue
            status, body = fetch(target)
            if target.endswith(".pdf") and not (html / Path(urlparse(target).path).name).exists():
                continue  # the PDF edition is copied in by `make book` only after `make pdf`
            assert status == 200, f"{path}: internal link {link} answers {status}"
            if anchor and target.endswith(".html"):
                assert re.search(rf'id="{re.escape(anchor)}"', body), f"{path}: anchor #{anchor} missing in {target}"

        nav = page.evaluate("() => [...document.querySelectorAll('nav.bd-docs-nav a.reference')]"
                            ".map(a => a.getAttribute('href'))")
        assert len(nav) >= len(PAGES) - 1, f"{path}: the table of contents lists only {len(nav)} pages"
        prev_next = page.evaluate("() => [...document.querySelectorAll('.prev-next-area a')].length")
        assert prev_next >= 1, f"{path}: no previous/next links"

        source = path[:-5] + (".ipynb" if path.startswith("notebooks/") else ".md")
        assert any(l.endswith("_sources/" + source) for l in links), f"{path}: no download link to {source}"
        if path.startswith("notebooks/"):
            binder = f"https://mybinder.org/v2/gh/{REPOSITORY}/main?urlpath=lab/tree/{source}"
            colab = f"https://colab.research.google.com/github/{REPOSITORY}/blob/main/{source}"
            assert binder in links, f"{path}: no Binder launch button pointing to {binder}"
            assert colab in links, f"{path}: no Colab launch button pointing to {colab}"

        if viewport == "phone":
            overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{path}: the page is {overflow}px wider than a phone screen"
        layout = page.evaluate(LAYOUT)
        if viewport == "desktop":
            assert not layout["shrunk_figures"], (
                f"{path}: figures wider than the column, so their text shrinks: "
                f"{layout['shrunk_figures'][:3]}")
            assert not layout["wide_equations"], (
                f"{path}: display equations wider than their box at 1280 px: "
                f"{layout['wide_equations'][:3]}")
        for eq in layout["wide_equations"]:
            assert eq["scrolls"], f"{path}: a wide equation is cut, not scrollable: {eq}"
            assert eq["focusable"], f"{path}: a scrolling equation takes no tab stop: {eq}"
            assert not eq["number_overlaps"], f"{path}: an equation's number covers it: {eq}"
        assert not layout["wide_code"], (
            f"{path} ({viewport}): code or output wider than its box (cut, not wrapped): "
            f"{layout['wide_code'][:3]}")
        assert not layout["tables_as_text"], (
            f"{path}: a Markdown table rendered as text: {layout['tables_as_text'][:2]}")
        assert not layout["bad_alt"], f"{path}: images without a description: {layout['bad_alt'][:3]}"
        assert not layout["idle_tab_stops"], (
            f"{path}: formulas that take a tab stop without scrolling: {layout['idle_tab_stops'][:3]}")
        assert not problems, f"{path}: " + "; ".join(problems[:5])
    finally:
        page.close()


SYMPY_PAGES = ["notebooks/02_cross_entropy.html", "notebooks/03_softmax_jacobian.html",
               "notebooks/04_output_layer.html", "notebooks/05_hidden_layer.html"]


@pytest.mark.parametrize("path", SYMPY_PAGES)
def test_sympy_output_is_typeset_math(site, browser, path):
    """SymPy results appear as MathJax, not as images and not as raw LaTeX."""
    html, base = site
    page, response, problems = open_page(browser, urljoin(base, path), VIEWPORTS["desktop"])
    try:
        wait_for_mathjax(page)
        outputs = page.evaluate("""() => [...document.querySelectorAll('.cell_output')].map(o => ({
            mjx: [...o.querySelectorAll('mjx-container')].filter(m => !m.closest('figcaption')).length,
            imgs: o.querySelectorAll('img').length,
            raw: /\\$\\\\displaystyle|\\\\left\\[|\\\\frac\\{/.test(o.innerText)}))""")
        typeset = [o for o in outputs if o["mjx"] > 0]
        assert typeset, f"{path}: no cell output holds typeset math"
        assert all(o["imgs"] == 0 for o in typeset), f"{path}: a SymPy output is an image"
        assert not any(o["raw"] for o in outputs), f"{path}: raw LaTeX in a cell output"
        assert not problems, problems
    finally:
        page.close()


def test_search_page_finds_a_chapter(site, browser):
    html, base = site
    page, response, problems = open_page(browser, urljoin(base, "search.html?q=Jacobian"), VIEWPORTS["desktop"])
    try:
        assert response.status == 200
        page.wait_for_selector("#search-results li", timeout=15000)
        hits = page.evaluate("() => [...document.querySelectorAll('#search-results li a')].map(a => a.href)")
        assert any("03_softmax_jacobian" in h for h in hits), hits
        assert not problems, problems
    finally:
        page.close()


def test_notation_comes_before_chapter_one(site):
    """In the sidebar of a chapter, the notation page is listed before chapter 1."""
    html, base = site
    status, body = fetch(urljoin(base, "notebooks/05_hidden_layer.html"))
    links = re.findall(r'<a class="reference internal" href="([^"#]*)"', body)
    names = [Path(link).stem for link in links]
    assert "notation" in names and "01_task_and_network" in names, names
    assert names.index("notation") < names.index("01_task_and_network"), names


def test_index_redirects_to_the_introduction(site):
    html, base = site
    status, body = fetch(base + "index.html")
    assert status == 200 and "book/intro.html" in body


def test_solution_dropdown_opens(site, browser):
    """An exercise's solution is hidden until the reader opens it, by its toggle or by
    its title (which once jumped back to the exercise instead)."""
    html, base = site
    pages = [p for p in PAGES if 'class="solution dropdown' in fetch(urljoin(base, p))[1]]
    assert pages, "no page has a solution dropdown"
    page, response, problems = open_page(browser, urljoin(base, pages[0]), VIEWPORTS["desktop"])
    try:
        solutions = page.locator(".solution.dropdown")
        first, second = solutions.nth(0), solutions.nth(1)
        body = first.locator("#solution-content").first
        assert not body.is_visible(), f"{pages[0]}: a solution is visible before it is opened"
        button = first.locator("button.toggle-button").first
        name = button.get_attribute("aria-label")
        assert name != "Toggle hidden content" and "Solution to" in name, name
        button.click()
        body.wait_for(state="visible", timeout=5000)
        assert body.is_visible(), f"{pages[0]}: the solution did not open when clicked"
        url = page.url
        title = second.locator(".admonition-title").first
        title.click(position={"x": 40, "y": 10})
        second.locator("#solution-content").first.wait_for(state="visible", timeout=5000)
        assert page.url == url, f"{pages[0]}: clicking a solution's title left the page"
        assert not problems, problems
    finally:
        page.close()


# Dark mode's colours come from the theme and _static/book.css, the same on every
# page, so dark mode is checked on pages that between them hold every kind of
# element (prose, tables, SymPy output, figures, code and outputs, exercises and
# their solutions, the appendix's lists); light mode on every page.  axe takes 5 to
# 20 s on a long page, and checking all pages twice took most of `make test`.
DARK_PAGES = ["book/intro.html", "book/notation.html", "notebooks/04_output_layer.html",
              "notebooks/08_experiments.html", "notebooks/12_convolution_gradients.html",
              "notebooks/appendix_errata.html"]
assert set(DARK_PAGES) <= set(PAGES), "a page of DARK_PAGES is not in _toc.yml"


@pytest.mark.parametrize("path, scheme", [(p, "light") for p in PAGES]
                         + [(p, "dark") for p in DARK_PAGES])
def test_accessibility(site, browser, path, scheme):
    """axe-core (axe-playwright-python bundles it): no serious or critical violation,
    in the reader's colour scheme, which the site follows."""
    from axe_playwright_python.sync_playwright import Axe

    html, base = site
    page, response, problems = open_page(browser, urljoin(base, path), VIEWPORTS["desktop"],
                                         color_scheme=scheme)
    try:
        wait_for_mathjax(page)
        theme = page.evaluate("() => document.documentElement.dataset.theme")
        assert theme == scheme, f"{path}: the system asks for {scheme}, the page shows {theme}"
        # resultTypes: axe still runs every rule, but gathers the details of
        # violations only, not of every passing node: half the time on a long page
        result = Axe().run(page, options={"resultTypes": ["violations"]})
        violations = [v for v in result.response["violations"]
                      if v["impact"] in ("serious", "critical")]
        report = [f"{v['impact']} {v['id']} ({len(v['nodes'])}x): {v['nodes'][0]['target']}"
                  for v in violations]
        assert not violations, f"{path} ({scheme}): " + "; ".join(report)
    finally:
        page.close()


def test_one_search_entry_and_the_book_pdf_in_the_header(site, browser):
    html, base = site
    page, response, problems = open_page(browser, urljoin(base, PAGES[1]), VIEWPORTS["desktop"])
    try:
        searches = page.evaluate(
            "() => [...document.querySelectorAll('.search-button__button, form.bd-search')]"
            ".filter(e => e.offsetParent !== null && !e.closest('.search-button__wrapper'))"
            ".length")
        assert searches == 1, f"{searches} search entries visible at desktop width"
        downloads = page.evaluate(
            "() => [...document.querySelectorAll('.dropdown-download-buttons .dropdown-item')]"
            ".map(e => e.getAttribute('href') || e.getAttribute('onclick'))")
        assert "../backprop-by-hand.pdf" in downloads, downloads
        assert "window.print()" not in downloads, downloads
    finally:
        page.close()
