import time

import pytest
from django.core.cache import cache

from core.accounts import codes


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_codes_are_digits_of_the_councils_length_and_stored_only_as_a_hash():
    state = {}
    code = codes.code_issue(state=state, length=8)
    assert len(code) == 8
    assert code.isdigit()
    assert code not in str(state)
    assert len(state["digest"]) == 64


def test_a_code_works_once():
    state = {}
    code = codes.code_issue(state=state, length=6)
    assert codes.code_check(state=state, entered=code, user_id=1).ok
    again = codes.code_check(state=state, entered=code, user_id=1)
    assert not again.ok
    assert again.dead


def test_a_new_code_replaces_the_old_one_and_is_bound_to_its_sign_in():
    state, other_sign_in = {}, {}
    old = codes.code_issue(state=state, length=6)
    new = codes.code_issue(state=state, length=6)
    codes.code_issue(state=other_sign_in, length=6)
    assert not codes.code_check(state=other_sign_in, entered=new, user_id=2).ok
    if old != new:
        assert not codes.code_check(state=state, entered=old, user_id=1).ok
    assert codes.code_check(state=state, entered=new, user_id=1).ok


def test_a_code_expires_after_ten_minutes():
    state = {}
    code = codes.code_issue(state=state, length=6)
    outcome = codes.code_check(state=state, entered=code, user_id=1, now=time.time() + 10 * 60 + 1)
    assert (outcome.ok, outcome.dead) == (False, True)
    assert "expired" in outcome.error


def test_five_wrong_tries_kill_a_code():
    state = {}
    code = codes.code_issue(state=state, length=6)
    wrong = "000000" if code != "000000" else "111111"
    outcomes = [codes.code_check(state=state, entered=wrong, user_id=1) for _ in range(5)]
    assert [o.error for o in outcomes[:4]] == [
        "The code is not correct. You have 4 more tries.",
        "The code is not correct. You have 3 more tries.",
        "The code is not correct. You have 2 more tries.",
        "The code is not correct. You have 1 more try.",
    ]
    assert outcomes[4].dead
    assert not codes.code_check(state=state, entered=code, user_id=1).ok  # even the right one now


def test_an_account_sees_at_most_ten_failed_codes_in_five_minutes():
    for _ in range(2):
        state = {}
        codes.code_issue(state=state, length=6)
        for _ in range(5):
            codes.code_check(state=state, entered="not-it", user_id=7)
    assert codes.account_locked(7)
    state = {}
    code = codes.code_issue(state=state, length=6)
    outcome = codes.code_check(state=state, entered=code, user_id=7)
    assert not outcome.ok
    assert "Wait 5 minutes" in outcome.error
    assert not codes.account_locked(8)
