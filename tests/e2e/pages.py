"""Page objects: what a person sees and does on a council's site."""

from dataclasses import dataclass

from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible

FOOTER_LINKS = {
    "Accessibility statement": "Accessibility statement",
    "Privacy notice": "Privacy notice",
    "Cookies": "Cookies",
    "Contact": "Contact",
}


def hex_to_rgb(colour: str) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


@dataclass
class CouncilSite:
    page: Page

    @property
    def header(self):
        return self.page.locator(".app-council-header")

    def expect_branded_as(self, *, name: str, colour: str) -> None:
        expect(self.header.locator(".app-council-header__name")).to_have_text(name)
        expect(self.header).to_have_css("background-color", hex_to_rgb(colour))
        logo = self.header.locator("img.app-council-header__logo")
        expect(logo).to_be_visible()
        assert self.page.evaluate("img => img.naturalWidth > 0", logo.element_handle())

    def start_button(self):
        return self.page.get_by_role("button", name="Education, Health and Care Needs Assessment")

    def follow_footer_link(self, label: str) -> None:
        self.page.locator(".govuk-footer").get_by_role("link", name=label).click()
        self.page.wait_for_load_state()
        assert_accessible(self.page)

    def heading(self):
        return self.page.get_by_role("heading", level=1)


@dataclass
class Accounts:
    """The sign-in and registration journeys, as a person clicks through them."""

    page: Page

    def _submit(self, name: str) -> None:
        self.page.get_by_role("button", name=name, exact=True).click()
        self.page.wait_for_load_state()
        assert_accessible(self.page)

    def sign_in(self, email: str, password: str) -> None:
        expect(self.page.get_by_text("Secure login - step 1")).to_be_visible()
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password", exact=True).fill(password)
        self._submit("Submit")

    def enter_code(self, code: str) -> None:
        expect(self.page.get_by_text("Secure login - step 2")).to_be_visible()
        self.page.get_by_label("Code").fill(code)
        self._submit("Finish")

    def new_code(self) -> None:
        self._submit("Please send me a new code")

    def register_step_1(self, **fields) -> None:
        for label, value in fields.items():
            self.page.get_by_label(label, exact=True).fill(value)
        self._submit("Next")

    def register_step_2(self, email: str, password: str, confirm: str | None = None) -> None:
        self.page.get_by_label("Email address").fill(email)
        self.page.get_by_label("Password", exact=True).fill(password)
        self.page.get_by_label("Confirm password").fill(password if confirm is None else confirm)
        self._submit("Next")

    def error_summary(self):
        return self.page.locator(".govuk-error-summary")
