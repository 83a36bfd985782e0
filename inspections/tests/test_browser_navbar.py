"""The navigation bar in a real headless Chromium, from a tablet to a wide screen, as the
admin: the role with the most links (eight, in Vietnamese), so the one that needs the most
room. Below 1200 px the bar folds behind its menu button; at every width the page keeps
to the screen, the language menu shows its whole choice and the log-out button one line."""

import unicodedata

import pytest
from django.urls import reverse

from inspections.tests.test_accessibility import session_cookie

pytestmark = pytest.mark.django_db(transaction=True)

MEASURE = """() => {
  const lines = (element) => {
    const range = document.createRange();
    range.selectNodeContents(element);
    return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
  };
  const select = document.querySelector("#language");
  const style = getComputedStyle(select);
  const context = document.createElement("canvas").getContext("2d");
  context.font = style.font;
  const text = context.measureText(select.options[select.selectedIndex].text).width;
  const needed = text + parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
  return {
    fits: document.documentElement.scrollWidth <= document.documentElement.clientWidth,
    languageWhole: select.getBoundingClientRect().width >= needed,
    logOutLines: lines(document.querySelector(".logout-form button")),
  };
}"""


@pytest.mark.parametrize("width", [768, 1024, 1199, 1200, 1440])
def test_the_admins_bar_fits_and_shows_the_language_and_log_out_whole(
    live_server, browser, admin_user, width
):
    context = browser.new_context(viewport={"width": width, "height": 800})
    context.add_cookies([session_cookie(admin_user, live_server)])
    page = context.new_page()
    page.goto(live_server.url + reverse("national_report"))
    folded = page.locator(".navbar-toggler").is_visible()
    if folded:
        page.click(".navbar-toggler")
        page.wait_for_selector("#nav.show")
    links = page.locator("#nav .nav-link").count()
    language = page.locator("#language option:checked").inner_text()
    measured = page.evaluate(MEASURE)
    context.close()

    assert (links, unicodedata.normalize("NFC", language)) == (8, "Tiếng Việt")
    assert {"folded": folded, **measured} == {
        "folded": width < 1200,
        "fits": True,
        "languageWhole": True,
        "logOutLines": 1,
    }
