"""Feedback while something takes time: a sending form's button is disabled with a
spinner, and an evidence upload shows how far it has got."""

import pytest
from django.urls import reverse

from inspections.models import Evidence
from inspections.services import inspection_submit
from inspections.tests.factories import JPEG_BYTES, answer_all, answer_of
from inspections.tests.test_browser import log_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("staff_a")]

# Every text the photo's state line showed, in order (it changes faster than a poll).
RECORD_PHOTO_STATES = """
window.photoStates = [];
new MutationObserver(() => {
  document.querySelectorAll(".photo-state").forEach((state) => {
    const last = window.photoStates[window.photoStates.length - 1];
    if (state.textContent !== last) window.photoStates.push(state.textContent);
  });
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


def test_evidence_upload_shows_its_progress(live_server, laptop, inspection, media):
    laptop.add_init_script(RECORD_PHOTO_STATES)
    page = laptop.new_page()
    log_in(page, live_server, "inspector-a")
    page.goto(live_server.url + reverse("inspection_detail", args=[inspection.pk]))
    answer = answer_of(inspection, "CS01")
    page.set_input_files(
        f"#file-{answer.pk}",
        files=[{"name": "niem-yet.jpg", "mimeType": "image/jpeg", "buffer": JPEG_BYTES}],
    )
    page.click(f"#criterion-{answer.pk} .evidence-form button")
    page.wait_for_function("window.photoStates.some((s) => s.endsWith('đã gửi'))")

    states = page.evaluate("window.photoStates")
    assert "niem-yet.jpg: đang tải lên… 100%" in states
    assert states.index("niem-yet.jpg: đang tải lên… 100%") < states.index("niem-yet.jpg: đã gửi")
    assert Evidence.objects.filter(answer=answer).count() == 1


def test_a_sending_form_disables_its_button_with_a_spinner_until_the_answer(
    live_server, laptop, staff_a, inspector_a, inspection
):
    answer_all(inspection, inspector_a)
    inspection_submit(inspection=inspection, user=inspector_a)
    page = laptop.new_page()
    log_in(page, live_server, "staff-a")
    page.goto(live_server.url + reverse("inspection_detail", args=[inspection.pk]))
    held = []
    # The server's answer is held back, as on a slow network.
    page.route("**/return/", lambda route: held.append(route))

    page.fill("#id_reason", "Thiếu ảnh minh chứng")
    # Clicked and looked at in one go: the button as it is while the answer is held back.
    state = page.evaluate(
        """async () => {
          const button = [...document.querySelectorAll("button")]
            .find((b) => b.textContent.includes("Trả lại để sửa"));
          button.click();
          await new Promise((resolve) => setTimeout(resolve, 200));
          return [button.disabled, button.getAttribute("aria-busy"),
                  button.querySelector(".busy-spinner") !== null];
        }"""
    )

    assert state == [True, "true", True]
    assert len(held) == 1
    held[0].continue_()
    page.wait_for_selector("text=Đã trả lại")
