"""Screenshots of ``fastnet demo``'s two views for docs/demo.md.

Starts the demo in this process (the course's [784, 30, 10], trained on
MNIST from the page itself), drives the system's headless Chromium with
Selenium (the browser test's setup, tests/demo_browser.py), and writes
docs/images/demo-dessiner.png and docs/images/demo-apprendre.png, each
quantized to a small palette to stay under 100 KB.

    FASTNET_DATA=../shared/data/mnist python tools/demo_screenshots.py
"""

import argparse
import io
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from demo_browser import draw, start_chrome  # noqa: E402 (tests/ is put on the path above)

from fastnet.demo.server import make_server  # noqa: E402
from fastnet.demo.training import Trainer  # noqa: E402

# a "3" drawn as a person would: two bumps (fractions of the canvas)
THREE = [
    [
        (0.30, 0.22),
        (0.40, 0.15),
        (0.55, 0.14),
        (0.66, 0.20),
        (0.68, 0.30),
        (0.62, 0.40),
        (0.50, 0.46),
        (0.44, 0.47),
        (0.52, 0.48),
        (0.64, 0.54),
        (0.70, 0.64),
        (0.68, 0.76),
        (0.58, 0.84),
        (0.44, 0.86),
        (0.32, 0.80),
    ]
]
MAX_BYTES = 100_000


def save_small(png, path):
    """``png`` (bytes) written to ``path``, quantized to 64 colours if the
    full-colour file is over MAX_BYTES (Pillow comes with matplotlib)."""
    if len(png) > MAX_BYTES:
        from PIL import Image

        image = Image.open(io.BytesIO(png)).convert("RGB").quantize(64)
        buf = io.BytesIO()
        image.save(buf, format="PNG", optimize=True)
        png = buf.getvalue()
    path.write_bytes(png)
    print(f"{path.relative_to(REPO)}: {len(png) // 1000} KB")
    if len(png) > MAX_BYTES:
        raise SystemExit(f"{path}: still over {MAX_BYTES} bytes")


def wait(driver, script, timeout=300):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if driver.execute_script(script):
            return
        time.sleep(0.2)
    raise SystemExit(f"timed out waiting for: {script}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="MNIST folder (default: $FASTNET_DATA)")
    parser.add_argument("--out", default=str(REPO / "docs" / "images"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    def load():
        from fastnet.mnist import load_arrays

        train, _validation, test = load_arrays(path=args.data)
        return train, test

    trainer = Trainer(load)
    server = make_server(trainer, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    driver = start_chrome(1280, 800)
    try:
        driver.get(server.url)
        driver.find_element("id", "onglet-apprendre").click()
        driver.find_element("id", "entrainer").click()  # the course's settings
        wait(
            driver,
            "return etat && etat.etat === 'pret' && etat.epoque === 30 && "
            "document.querySelectorAll('#grille canvas').length === 30",
        )
        time.sleep(1)
        save_small(driver.get_screenshot_as_png(), out / "demo-apprendre.png")
        driver.find_element("id", "onglet-dessiner").click()
        draw(driver, driver.find_element("id", "dessin"), THREE)
        wait(driver, "return document.body.dataset.chiffre")
        time.sleep(1)
        print("the page reads:", driver.find_element("id", "chiffre").text)
        save_small(driver.get_screenshot_as_png(), out / "demo-dessiner.png")
    finally:
        driver.quit()
        trainer.stop(wait=True)
        server.shutdown()


if __name__ == "__main__":
    main()
