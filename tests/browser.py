"""Debian's chromium driven by Playwright (nothing downloaded): `with chromium_page(...) as page:`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


@contextmanager
def chromium_page(**options: Any) -> Iterator[Any]:
    """A new page (Playwright's `new_page` options, French locale by default) in a headless
    chromium that is closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser.new_page(**{"locale": "fr-BE", **options})
        finally:
            browser.close()
