"""The demo in a real browser: headless Chromium (the system's, driven by
Selenium) opens the page, draws on the canvas with the mouse, and sees the
network's answer. Screenshots go to ``test-artifacts/`` (not in git).

Skipped only where no browser is installed; with ``CI`` set, a missing
browser or Selenium fails the test instead (``.ci/run`` installs both).
"""

import json
import os
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from demo_browser import draw, find_browser, start_chrome

from fastnet import Reseau
from fastnet.demo.preprocess import mnist_like
from fastnet.demo.server import make_server
from fastnet.demo.training import Trainer

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("FASTNET_DATA") or REPO.parent / "shared/data/mnist")
ARTIFACTS = REPO / "test-artifacts"
ONE = [[(0.5, 0.15), (0.5, 0.5), (0.5, 0.85)]]  # a vertical stroke
SEVEN = [[(0.25, 0.2), (0.75, 0.2), (0.45, 0.85)]]


def _missing():
    """Why the browser test cannot run here, or None."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[dev]')"
    if find_browser() is None:
        return "no chromium and chromedriver (apt-get install chromium chromium-driver)"
    return None


@pytest.fixture(scope="module")
def browser():
    why = _missing()
    if why is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI: the browser test must run, but {why}")
        pytest.skip(why)
    driver = start_chrome()
    yield driver
    driver.quit()


class Served:
    def __init__(self, trainer):
        self.trainer = trainer
        self.server = make_server(trainer, "127.0.0.1", 0)
        self.url = self.server.url
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def close(self):
        self.trainer.stop(wait=True)
        self.server.shutdown()
        self.server.server_close()


def wait(driver, condition, timeout=60, what="condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = driver.execute_script(condition)
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def screenshot(driver, name):
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    driver.save_screenshot(str(path))
    print(f"screenshot: {path}")
    return path


INK_CENTRE = """
const c = document.getElementById('apercu').getContext('2d').getImageData(0, 0, 28, 28).data;
let m = 0, sy = 0, sx = 0;
for (let i = 0; i < 784; i++) {
  const g = c[4 * i]; m += g; sy += g * Math.floor(i / 28); sx += g * (i % 28);
}
return m ? [m / 255, sy / m, sx / m] : null;
"""


RECORD = """
window.ENVOIS = [];
const envoyer = window.fetch;
window.fetch = (url, options) => envoyer(url, options).then((r) => {
  if (url === '/api/dessin') r.clone().json().then((doc) => ENVOIS.push([options.body, doc]));
  return r;
});
"""


def check_answer(browser, net):
    """The page shows the answer of ``net`` for the drawing it sent: the
    last drawing posted, preprocessed here and run through ``net``, gives
    the outputs received and the digit shown."""
    wait(browser, "return !enCours && !aRefaire && ENVOIS.length > 0", what="the last answer")
    sent, received = browser.execute_script("return ENVOIS[ENVOIS.length - 1]")
    sent = json.loads(sent)
    image = np.array(sent["pixels"]).reshape(sent["hauteur"], sent["largeur"])
    x = mnist_like(image)
    assert x.any()
    outputs = net.forward(x.reshape(784, 1))[:, 0]
    assert received["sorties"] == outputs.tolist()
    digit = str(int(np.argmax(outputs)))
    assert browser.find_element("id", "chiffre").text == digit
    return digit


def test_draw_a_stroke_and_see_a_prediction(browser):
    np.random.seed(0)
    net = Reseau([784, 30, 10])
    demo = Served(Trainer(lambda: None, net=net))
    try:
        browser.get(demo.url)
        wait(
            browser,
            "return document.getElementById('statut').textContent.includes('prêt')",
            what="the status line",
        )
        assert browser.find_element("id", "chiffre").text == "?"
        browser.execute_script(RECORD)
        draw(browser, browser.find_element("id", "dessin"), SEVEN)
        digit = wait(browser, "return document.body.dataset.chiffre", what="a prediction")
        assert digit in list("0123456789")
        assert check_answer(browser, net) == digit
        # the bar of that digit is the highlighted one, and it has a length
        bars = browser.find_elements("css selector", "#barres li")
        assert [li.get_attribute("class") for li in bars].count("max") == 1
        assert "max" in bars[int(digit)].get_attribute("class")
        bar = bars[int(digit)].find_element("css selector", ".barre")
        assert bar.size["width"] > 0
        # the preprocessed image has ink, centred by mass near pixel (14, 14)
        ink, cy, cx = browser.execute_script(INK_CENTRE)
        assert ink > 5 and abs(cy - 14) < 1 and abs(cx - 14) < 1
        screenshot(browser, "demo-dessiner.png")
        # clearing the drawing clears the answer
        browser.find_element("id", "effacer").click()
        assert browser.find_element("id", "chiffre").text == "?"
        assert browser.get_log("browser") == [] if hasattr(browser, "get_log") else True
    finally:
        demo.close()


@pytest.mark.skipif(not DATA.exists(), reason=f"no MNIST data at {DATA}")
def test_learn_view_trains_live_then_reads_a_one(browser):
    def load():
        from fastnet.mnist import load_arrays

        (X, y), _, (Xt, yt) = load_arrays(str(DATA))
        return (X[:5000], y[:5000]), (Xt[:2000], yt[:2000])

    demo = Served(Trainer(load))
    try:
        browser.get(demo.url)
        browser.find_element("id", "onglet-apprendre").click()
        for field, value in (("cachees", "20"), ("epoques", "4")):
            box = browser.find_element("id", field)
            box.clear()
            box.send_keys(value)
        browser.find_element("id", "entrainer").click()
        wait(
            browser,
            "return document.getElementById('progression-texte').textContent"
            " === 'Époque 4 sur 4' && etat.etat === 'pret'",
            timeout=120,
            what="the end of training",
        )
        # the curves are drawn (red points) and the 20 neurons' weights shown
        wait(
            browser,
            "return document.querySelectorAll('#grille canvas').length === 20",
            what="the weights",
        )
        for chart in ("courbe-precision", "courbe-cout"):
            red = browser.execute_script(
                f"const d = document.getElementById('{chart}').getContext('2d')"
                ".getImageData(0, 0, 400, 190).data; let n = 0;"
                "for (let i = 0; i < d.length; i += 4) if (d[i] > 150 && d[i + 1] < 90) n++;"
                "return n;"
            )
            assert red > 50, chart
        status = browser.find_element("id", "statut").text
        assert "[784, 20, 10]" in status and "précision" in status
        assert browser.execute_script("return etat.historique.precision[3]") > 0.5
        screenshot(browser, "demo-apprendre.png")
        browser.find_element("id", "onglet-dessiner").click()
        browser.execute_script(RECORD)
        draw(browser, browser.find_element("id", "dessin"), ONE)
        wait(browser, "return document.body.dataset.chiffre", what="a prediction")
        check_answer(browser, demo.trainer.net)  # the trained network answers
    finally:
        demo.close()
