"""Headless Chromium for the demo's browser test and screenshots: the
system's browser and driver (Debian's ``chromium`` and ``chromium-driver``),
driven by Selenium; nothing is downloaded."""

import itertools
import shutil

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_browser():
    """``(browser, driver)`` paths, or None where either is missing."""
    browser = next((p for p in map(shutil.which, BROWSERS) if p), None)
    driver = shutil.which("chromedriver")
    return (browser, driver) if browser and driver else None


def start_chrome(width=1280, height=760):
    """A headless Chromium WebDriver on the system's browser and driver."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    found = find_browser()
    if found is None:
        raise RuntimeError(
            "no chromium and chromedriver on PATH (apt-get install chromium chromium-driver)"
        )
    browser, driver = found
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        f"--window-size={width},{height}",
        "--force-device-scale-factor=1",
        "--hide-scrollbars",
    ):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(executable_path=driver), options=options)


def draw(driver, canvas, strokes):
    """Draw ``strokes`` (lists of (x, y) points, in fractions of the canvas)
    with the mouse, as a person would (pointer events)."""
    from selenium.webdriver.common.action_chains import ActionChains

    w, h = canvas.size["width"], canvas.size["height"]
    for stroke in strokes:
        # offsets are from the element's centre
        pts = [(round((x - 0.5) * w), round((y - 0.5) * h)) for x, y in stroke]
        chain = ActionChains(driver, duration=10)
        chain.move_to_element_with_offset(canvas, *pts[0]).click_and_hold()
        for (x0, y0), (x1, y1) in itertools.pairwise(pts):
            chain.move_by_offset(x1 - x0, y1 - y0)
        chain.release().perform()
