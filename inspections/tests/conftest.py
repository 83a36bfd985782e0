import os
import shutil

import pytest
from django.db import connections

from agencies.tests.factories import make_agency
from inspections.tests.factories import make_round

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path():
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.path.exists(candidate):
            return candidate
    raise RuntimeError(
        "Browser tests need Debian's Chromium: apt-get install chromium chromium-driver "
        "(or set CHROMIUM to its path)."
    )


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; Django's ORM, used by the
    # tests between browser steps, would otherwise refuse to run beside it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
        # While Playwright's loop runs, Django keeps this thread's database connections
        # apart from the ones it keeps outside it (asgiref's Local follows the running
        # loop): close them while the loop still runs, or the one the browser tests used
        # stays open and PostgreSQL refuses to drop the test database at the end.
        connections.close_all()


@pytest.fixture
def phone(browser):
    """A browser context the size of a small phone (360 px wide)."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    yield context
    context.close()


@pytest.fixture
def phone_routed(browser):
    """A small phone whose requests `page.route` is sure to see: with the checklist's service
    worker in control, a request it lets through can reach the server without passing the
    test's route, so the worker is blocked (none of these tests is about it)."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        service_workers="block",
    )
    yield context
    context.close()


@pytest.fixture
def laptop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield context
    context.close()


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded files go to a fresh directory, returned as a Path."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def round_a(province_a, inspector_a):
    """Round 1 of province A: one agency, Sở Nội vụ, with inspector_a assigned."""
    agency = make_agency(province_a, code="33-SNV", name="Sở Nội vụ tỉnh Hưng Yên")
    return make_round(province_a, [agency], inspectors=[inspector_a], number=1)


@pytest.fixture
def inspection(round_a):
    """The draft inspection of round_a's one agency."""
    return round_a.inspections.get()
