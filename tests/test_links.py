"""What a customer pastes as the Telegram target: each link shape, valid and invalid."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy_engine import LinkCheck, check_link


@pytest.mark.parametrize(("text", "kind", "normalized"), [
    ("@durov", "username", "https://t.me/durov"),
    ("@Durov_Channel", "username", "https://t.me/durov_channel"),
    ("https://t.me/durov", "channel_or_group", "https://t.me/durov"),
    ("http://t.me/durov/", "channel_or_group", "https://t.me/durov"),
    ("t.me/durov", "channel_or_group", "https://t.me/durov"),
    ("www.t.me/durov", "channel_or_group", "https://t.me/durov"),
    ("HTTPS://WWW.TELEGRAM.ME/Durov", "channel_or_group", "https://t.me/durov"),
    ("telegram.me/durov?start=x", "channel_or_group", "https://t.me/durov"),
    ("durov.t.me", "channel_or_group", "https://t.me/durov"),
    ("  https://t.me/durov \n", "channel_or_group", "https://t.me/durov"),
    ("https://t.me/durov/123", "post", "https://t.me/durov/123"),
    ("t.me/durov/123?single", "post", "https://t.me/durov/123"),
    ("https://t.me/s/durov/123", "post", "https://t.me/durov/123"),
    ("https://t.me/s/durov", "channel_or_group", "https://t.me/durov"),
    ("https://t.me/some_group/5/42", "post", "https://t.me/some_group/5/42"),
    ("@ExampleBot", "bot", "https://t.me/examplebot"),
    ("https://t.me/example_bot", "bot", "https://t.me/example_bot"),
    ("tg://resolve?domain=durov", "channel_or_group", "https://t.me/durov"),
    ("tg://resolve?domain=durov&post=7", "post", "https://t.me/durov/7"),
    ("tg://resolve?domain=helper_bot&start=abc", "bot", "https://t.me/helper_bot"),
])
def test_public_targets_are_valid_and_normalized(text, kind, normalized):
    check = check_link(text)
    assert check == LinkCheck(True, kind, True, normalized, ())


@pytest.mark.parametrize(("text", "kind", "normalized"), [
    ("https://t.me/+AbCdEf12345_-x", "private_invite", "https://t.me/+AbCdEf12345_-x"),
    ("t.me/joinchat/AbCdEf12345", "private_invite", "https://t.me/+AbCdEf12345"),
    ("tg://join?invite=AbCdEf12345", "private_invite", "https://t.me/+AbCdEf12345"),
    ("https://t.me/c/1234567890/55", "private_post", "https://t.me/c/1234567890/55"),
    ("https://t.me/c/1234567890/3/55", "private_post", "https://t.me/c/1234567890/55"),
    ("tg://privatepost?channel=1234567890&post=55", "private_post", "https://t.me/c/1234567890/55"),
])
def test_private_targets_are_telegram_links_that_delivery_cannot_reach(text, kind, normalized):
    check = check_link(text)
    assert (check.valid, check.kind, check.public, check.normalized) == (True, kind, False, normalized)
    assert len(check.problems) == 1
    assert "Delivery cannot reach a private target" in check.problems[0]
    assert "public" in check.problems[0]


def test_invite_hashes_keep_their_case():
    assert check_link("t.me/+AbCdEfGhIjK").normalized.endswith("+AbCdEfGhIjK")


def test_a_phone_number_link_is_not_a_delivery_target():
    check = check_link("https://t.me/+14155552671")
    assert (check.valid, check.kind, check.public) == (True, "phone_number", False)
    assert "phone number" in check.problems[0]


@pytest.mark.parametrize(("name", "why"), [
    ("abc", "too short"),
    ("a" * 33, "longer than 32"),
    ("1abcde", "start with a letter"),
    ("_abcde", "start with a letter"),
    ("abcde_", "ends with an underscore"),
    ("abc__de", "two underscores"),
    ("abc-def", "other than letters"),
    ("дуров_канал", "other than letters"),
    ("", "missing"),
])
def test_a_malformed_username_is_explained_with_the_rule(name, why):
    for text in (f"@{name}", f"https://t.me/{name}"):
        check = check_link(text)
        if not name and text.startswith("https"):
            continue  # a bare t.me/ has its own message
        assert not check.valid and check.normalized is None
        assert why in check.problems[0]
        assert "5 to 32 letters, digits or underscores" in check.problems[0]


@pytest.mark.parametrize("name", ["abcde", "a" * 32, "a_b_c_d", "Channel2024"])
def test_usernames_at_the_edges_of_the_rule_are_valid(name):
    assert check_link(f"@{name}").valid


@pytest.mark.parametrize(("text", "expected"), [
    ("https://t.me/", "no channel, group or username"),
    ("https://t.me/durov/ab", "not a post number"),
    ("https://t.me/durov/0", "not a post number"),
    ("https://t.me/durov/1/2/3", "too many parts"),
    ("https://t.me/joinchat/", "incomplete"),
    ("https://t.me/+ab", "not a complete invite link"),
    ("https://t.me/c/123", "incomplete"),
    ("https://t.me/c/abc/5", "incomplete"),
    ("tg://settings", "does not point to a channel"),
    ("tg://resolve?domain=ab", "too short"),
])
def test_broken_telegram_links_say_what_is_wrong(text, expected):
    check = check_link(text)
    assert not check.valid and not check.public and check.normalized is None
    assert expected in check.problems[0]


@pytest.mark.parametrize("text", [
    "https://example.com/durov",
    "https://t.me.evil.example/durov",
    "https://evil.example@t.me/durov",
    "https://evil.example/?u=https://t.me/durov",
    "ftp://t.me/durov",
    "javascript:alert(1)//t.me/durov",
    "<script>alert(1)</script>",
    "durov",
    "tme/durov",
])
def test_other_text_is_not_a_telegram_link(text):
    check = check_link(text)
    assert (check.valid, check.kind, check.public, check.normalized) == (False, "not_telegram", False, None)
    assert check.problems == ("This is not a Telegram link. Paste a link like https://t.me/yourchannel "
                              "or a username like @yourchannel.",)


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_an_empty_link_asks_for_one(text):
    check = check_link(text)
    assert (check.valid, check.kind) == (False, "empty")
    assert check.problems[0].startswith("Please enter the Telegram link")


def test_an_absurdly_long_text_is_a_problem_not_a_crash():
    check = check_link("https://t.me/" + "a" * 100_000)
    assert not check.valid
    assert "too long" in check.problems[0]


@pytest.mark.parametrize("value", [None, 42, b"t.me/durov", ["@durov"]])
def test_a_link_must_be_text(value):
    assert check_link(value).problems == ("A link must be text.",)


def test_the_json_contract_of_a_link_check():
    assert check_link("@durov").to_dict() == {
        "valid": True, "kind": "username", "public": True, "normalized": "https://t.me/durov", "problems": [],
    }
    assert list(check_link("nope").to_dict()) == ["valid", "kind", "public", "normalized", "problems"]


link_like = st.builds(
    lambda scheme, host, path: f"{scheme}{host}/{path}",
    st.sampled_from(["", "http://", "https://", "tg://", "HTTPS://www."]),
    st.sampled_from(["t.me", "telegram.me", "T.ME", "t.me:443", "example.com"]),
    st.text(alphabet=st.sampled_from("abcXYZ019_-+/?#=&.@ c"), max_size=40),
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), link_like, st.text().map(lambda s: "@" + s)))
def test_any_text_gives_a_consistent_check_and_never_raises(text):
    check = check_link(text)
    assert isinstance(check, LinkCheck)
    assert check.valid == (check.normalized is not None)
    if check.public:
        assert check.valid and all("collectible" in problem for problem in check.problems)
        assert check.normalized.startswith("https://t.me/")
        assert check.normalized == check.normalized.lower()
        assert check_link(check.normalized).normalized == check.normalized  # normalizing is stable
    else:
        assert check.problems and all(p.strip() and "\n" not in p for p in check.problems)
