"""The pictures of the report and the workbook in docs/index.md (``make screenshots``).

Runs ``scenarios/ltp-footprint.yaml`` with 100 draws into a report and a workbook, then:

- the report's parts, photographed in headless Chromium (tools/browser.py): the summary, the
  standards, the money chart and the tornado; and, from ``scenarios/devon-schemes.yaml``'s
  report, the schemes' frontier and waterfall;
- the workbook's Finance and Standards sheets, as LibreOffice prints them (``soffice`` turns
  the workbook into a PDF, ``pdftoppm`` a page into a PNG).

Needs Chromium (``apt-get install chromium-headless-shell``) and, for the workbook,
LibreOffice and poppler (``apt-get install libreoffice-calc-nogui poppler-utils``); a picture
whose tool is missing is left as it is, saying so. Writes docs/images/*.png.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"
SCENARIO = ROOT / "scenarios" / "ltp-footprint.yaml"
SCHEMES = ROOT / "scenarios" / "devon-schemes.yaml"
DRAWS = "100"
STPMODEL = [sys.executable, "-m", "stpmodel"]


def main() -> int:
    sys.path.insert(0, str(ROOT))
    IMAGES.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "COLUMNS": "100"}  # 2026-01-01
    with tempfile.TemporaryDirectory(prefix="stpmodel-shots-") as folder:
        work = Path(folder)
        html, xlsx = work / "plan.html", work / "plan.xlsx"
        subprocess.run([*STPMODEL, "report", str(SCENARIO.relative_to(ROOT)), "--draws", DRAWS,
                        "-o", str(html)], check=True, cwd=ROOT, env=env)
        subprocess.run([*STPMODEL, "run", str(SCENARIO.relative_to(ROOT)), "--draws", DRAWS,
                        "-o", str(xlsx)], check=True, cwd=ROOT, env=env,
                       stderr=subprocess.DEVNULL)
        report_pictures(html)
        schemes = work / "schemes.html"
        subprocess.run([*STPMODEL, "report", str(SCHEMES.relative_to(ROOT)), "--draws", DRAWS,
                        "-o", str(schemes)], check=True, cwd=ROOT, env=env)
        schemes_pictures(schemes)
        workbook_pictures(xlsx, work)
    return 0


def pictures(html: Path, what: str, take) -> None:
    """Open ``html`` in headless Chromium and let ``take(browser)`` photograph it; without
    Chromium, say so and leave ``what`` as they are."""
    from tools.browser import Browser, find_chromium

    binary = find_chromium()
    if binary is None:
        print(f"no Chromium (apt-get install chromium-headless-shell): {what} left as they are",
              file=sys.stderr)
        return
    with Browser(binary, width=1000, height=900) as browser:
        page = browser.open(html.as_uri())
        if page.errors:
            raise SystemExit(f"the report has console errors: {page.errors}")
        take(browser)


def report_pictures(html: Path) -> None:
    def take(browser) -> None:
        bottom = browser.evaluate("document.querySelector('.cards').getBoundingClientRect()"
                                  ".bottom + window.scrollY + 12")
        shot(browser, "report-summary.png", clip=(0, 0, 1000, bottom))
        shot(browser, "report-standards.png", selector="#standards-table")
        shot(browser, "report-money.png", selector='figure[data-chart="money"]')
        shot(browser, "report-beds.png", selector='figure[data-chart="beds"]')
        shot(browser, "report-tornado.png", selector='figure[data-chart="tornado"]')
    pictures(html, "report pictures", take)


def schemes_pictures(html: Path) -> None:
    def take(browser) -> None:
        shot(browser, "report-frontier.png", selector='figure[data-chart="frontier"]')
        shot(browser, "report-waterfall.png", selector='figure[data-chart="waterfall"]')
    pictures(html, "the schemes' pictures", take)


def shot(browser, name: str, selector: str | None = None,
         clip: tuple[float, float, float, float] | None = None) -> None:
    path = IMAGES / name
    if clip is not None:
        data = browser.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                            clip={"x": clip[0], "y": clip[1], "width": clip[2],
                                  "height": clip[3], "scale": 1})["data"]
        import base64

        path.write_bytes(base64.b64decode(data))
    else:
        browser.screenshot(path, selector=selector)
    print(f"wrote {path.relative_to(ROOT)}")


def workbook_pictures(xlsx: Path, work: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdftoppm") is None:
        print("no LibreOffice or pdftoppm (apt-get install libreoffice-calc-nogui "
              "poppler-utils): workbook pictures left as they are", file=sys.stderr)
        return
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(work),
                    str(xlsx)], check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "HOME": str(work)})
    pdf = work / "plan.pdf"
    pages = _pages(pdf)
    for name, marker in (("workbook-finance.png", "Finance: "),
                         ("workbook-standards.png", "National standards by period")):
        number = next((i for i, text in enumerate(pages, start=1) if marker in text), None)
        if number is None:
            print(f"no page of the workbook shows {marker!r}", file=sys.stderr)
            continue
        stem = work / f"page-{number}"
        subprocess.run(["pdftoppm", "-f", str(number), "-l", str(number), "-r", "110",
                        "-png", "-singlefile", str(pdf), str(stem)], check=True)
        _trim(Path(f"{stem}.png"), IMAGES / name)
        print(f"wrote {(IMAGES / name).relative_to(ROOT)}")


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text.split("\f")


def _trim(source: Path, target: Path, margin: int = 16) -> None:
    """The page without its white margins."""
    import matplotlib.image as image

    pixels = image.imread(source)
    ink = np.argwhere(pixels[..., :3].min(axis=2) < 0.97)
    if ink.size == 0:
        shutil.copy(source, target)
        return
    (top, left), (bottom, right) = ink.min(axis=0), ink.max(axis=0)
    top, left = max(0, top - margin), max(0, left - margin)
    bottom, right = bottom + margin, right + margin
    image.imsave(target, pixels[top:bottom, left:right])


if __name__ == "__main__":
    raise SystemExit(main())
