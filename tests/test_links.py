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


# --- Telegram's own vectors ----------------------------------------------------------------------
# Each expectation cites where Telegram states it: tdlib's test/link.cpp (tdlib/td at 022d602, the
# parser's own vectors, quoted as `link.cpp: <what tdlib opens>`) or a section of the deep-link page
# core.telegram.org/api/links (quoted as `api/links#<section>`). A `stricter:` comment marks where this
# module answers differently from Telegram on purpose, and why.

def answer(text: str) -> tuple:
    check = check_link(text)
    return check.valid, check.kind, check.public, check.normalized


@pytest.mark.parametrize("text", [
    "t.me/levlam/1",  # link.cpp: message levlam/1
    "telegram.me/levlam/1",  # link.cpp: message levlam/1
    "telegram.dog/levlam/1",  # link.cpp: message levlam/1
    "www.t.me/levlam/1",  # link.cpp: message levlam/1
    "www%2etelegram.me/levlam/1",  # link.cpp: message levlam/1
    "www%2Etelegram.dog/levlam/1",  # link.cpp: message levlam/1
    "http://t.me/levlam/1",  # link.cpp: message levlam/1
    "https://t.me/levlam/1",  # link.cpp: message levlam/1
    "hTtp://www.t.me:443/levlam/1",  # link.cpp: message levlam/1
    "httPs://t.me:80/levlam/1",  # link.cpp: message levlam/1
    "t.me/levlam/1#fragment",  # api/links (introduction): the #fragment part is always ignored
])
def test_every_telegram_host_and_spelling_opens_the_same_post(text):
    assert check_link(text) == LinkCheck(True, "post", True, "https://t.me/levlam/1", ())


@pytest.mark.parametrize("text", [
    "www%252Etelegram.dog/levlam/1",  # link.cpp: nullptr (decoded once only)
    "https://t.me:200/levlam/1",  # link.cpp: nullptr (only ports 80 and 443)
    "http:t.me/levlam/1",  # link.cpp: nullptr
    "t.dog/levlam/1",  # link.cpp: nullptr
    "t.m/levlam/1",  # link.cpp: nullptr
    "t.men/levlam/1",  # link.cpp: nullptr
    "TG://test@resolve?domain=username",  # link.cpp: nullptr (no user in a tg: link)
    "tg:resolve:80?domain=username",  # link.cpp: nullptr (no port in a tg: link)
    "tg:http://resolve?domain=username",  # link.cpp: nullptr
    "tg:https://resolve?domain=username",  # link.cpp: nullptr
])
def test_look_alike_addresses_are_not_telegram_links(text):
    assert answer(text) == (False, "not_telegram", False, None)


@pytest.mark.parametrize(("text", "normalized"), [
    ("t.me/username/12345?single", "https://t.me/username/12345"),  # link.cpp: message username/12345
    ("t.me/username/12345/", "https://t.me/username/12345"),  # link.cpp: message username/12345
    ("t.me/username/12345#asdasd", "https://t.me/username/12345"),  # link.cpp: message username/12345
    ("t.me/username/12345//?voicechat=&single", "https://t.me/username/12345"),  # link.cpp: message
    ("tg:resolve?domain=username&post=12345&single", "https://t.me/username/12345"),  # link.cpp: message
    ("TG://resolve?domain=username&post=12345&single&voicechat=aasd", "https://t.me/username/12345"),  # link.cpp
    ("tg:resolve?domain=user%31name&post=%312345&single&comment=456&t=789", "https://t.me/user1name/12345"),  # link.cpp
    ("https://t.me/username/5/42", "https://t.me/username/5/42"),  # api/links#message-links: <thread_id>/<id>
    ("www.t.me/s/levlam/1", "https://t.me/levlam/1"),  # link.cpp: /s/ is stripped (www.t.me/s/s/s/s/s/joinchat/a)
    ("t.me/s/%73/levlam/1", "https://t.me/levlam/1"),  # link.cpp: /%73/ too (www.t.me/s/%73/%73/s/%73/joinchat/a)
])
def test_message_links_name_a_public_post(text, normalized):
    assert answer(text) == (True, "post", True, normalized)


@pytest.mark.parametrize(("text", "normalized"), [
    ("t.me/c/12345/123", "https://t.me/c/12345/123"),  # link.cpp: message privatepost channel=12345 post=123
    ("t.me/c/12345/123?single", "https://t.me/c/12345/123"),  # link.cpp: message privatepost
    ("t.me/c/%312345/%3123?comment=456&t=789&single", "https://t.me/c/12345/123"),  # link.cpp: message privatepost
    ("t.me/c/12345/7/123", "https://t.me/c/12345/123"),  # api/links#message-links: c/<channel>/<thread_id>/<id>
    ("tg://privatepost?channel=12345&post=123", "https://t.me/c/12345/123"),  # api/links#message-links
])
def test_private_message_links_are_valid_but_never_public(text, normalized):
    assert answer(text) == (True, "private_post", False, normalized)


@pytest.mark.parametrize("text", [
    "t.me/c/12345?single",  # link.cpp: nullptr
    "t.me/c/1/c?single",  # link.cpp: nullptr
    "t.me/c/c/1?single",  # link.cpp: nullptr
    "t.me/c//1?single",  # link.cpp: nullptr
])
def test_broken_private_message_links_are_incomplete(text):
    assert answer(text) == (False, "private_post", False, None)
    assert "incomplete" in check_link(text).problems[0]


@pytest.mark.parametrize(("text", "kind", "normalized"), [
    ("username.t.me", "channel_or_group", "https://t.me/username"),  # link.cpp: public_chat username
    ("username.t.me?start=as", "channel_or_group", "https://t.me/username"),  # link.cpp: bot_start username
    ("telegram.t.me/195", "post", "https://t.me/telegram/195"),  # link.cpp: message telegram/195
    ("shares.t.me", "channel_or_group", "https://t.me/shares"),  # link.cpp: public_chat shares
    ("https://durov_bot.t.me", "bot", "https://t.me/durov_bot"),  # api/links (introduction): <username>.t.me
])
def test_a_username_subdomain_is_the_same_as_a_t_me_link(text, kind, normalized):
    assert answer(text) == (True, kind, True, normalized)


@pytest.mark.parametrize("name", [
    "addemoji", "addlist", "addstickers", "addstyle", "addtheme", "auction", "auth", "boost", "call",
    "confirmphone", "contact", "giftcode", "invoice", "joinchat", "login", "m", "nft", "proxy",
    "setlanguage", "share", "socks", "web", "a", "k", "z",
])  # link.cpp: nullptr for each <name>.t.me; api/links (introduction) lists the same names
def test_reserved_subdomains_are_never_a_chat(name):
    check = check_link(f"https://{name}.t.me")
    assert (check.valid, check.kind, check.public) == (False, "other_telegram_link", False)
    assert f"{name}.t.me" in check.problems[0]


@pytest.mark.parametrize("text", [
    "aaa.t.me/12345?single",  # link.cpp: nullptr (too short)
    "aaa_.t.me/12345?single",  # link.cpp: nullptr
    "0aaa.t.me/12345?single",  # link.cpp: nullptr
    "_aaa.t.me/12345?single",  # link.cpp: nullptr
    "b.t.me",  # link.cpp: nullptr
    "c.t.me/12345?single",  # link.cpp: nullptr
])
def test_a_subdomain_that_is_not_a_username_is_explained(text):
    check = check_link(text)
    assert (check.valid, check.public) == (False, False)
    assert "not a valid Telegram username" in check.problems[0]


@pytest.mark.parametrize(("text", "what"), [
    ("https://t.me/share/url?url=google.com&text=text", "share a message"),  # link.cpp: message_draft
    ("https://t.me/share?url=google.com&text=text", "share a message"),  # link.cpp: nullptr
    ("https://t.me/msg/url?url=google.com&text=text", "share a message"),  # link.cpp: message_draft
    ("t.me/proxy?server=1.2.3.4&port=80&secret=1234567890abcdef1234567890ABCDEF", "proxy"),  # link.cpp: proxy
    ("t.me/socks?server=1.2.3.4&port=80", "proxy"),  # link.cpp: proxy_socks
    ("t.me/login/abacaba", "login code"),  # link.cpp: authentication_code
    ("t.me/login", "login code"),  # link.cpp: nullptr
    ("t.me/addstickers/abacaba", "sticker pack"),  # link.cpp: sticker_set
    ("t.me/addstickers", "sticker pack"),  # link.cpp: nullptr
    ("t.me/addemoji/abacaba", "emoji pack"),  # link.cpp: sticker_set (custom emoji)
    ("t.me/addtheme/abacaba", "chat theme"),  # link.cpp: theme
    ("t.me/setlanguage/abacaba", "app language"),  # link.cpp: language_pack
    ("t.me/confirmphone?hash=abc%30ef&phone=123456789", "confirm a phone number"),  # link.cpp: phone confirmation
    ("t.me/bg/111111", "chat background"),  # link.cpp: background (written %54.me/bg/111111#asdasd there)
    ("t.me/bg/abacaba", "chat background"),  # link.cpp: background
    ("t.me/m/abacaba", "business chat"),  # link.cpp: business_chat
    ("t.me/invoice/abacaba", "payment"),  # link.cpp: invoice
    ("t.me/$abacaba", "payment"),  # link.cpp: invoice
    ("t.me/giftcode/abacaba", "gift code"),  # link.cpp: premium_gift_code
    ("t.me/nft/startattach", "collectible gift"),  # link.cpp: upgraded_gift
    ("t.me/contact/startattach", "contact card"),  # link.cpp: user_token
    ("t.me/call/abacaba", "group call"),  # link.cpp: group_call
    ("t.me/auction/abacaba", "gift auction"),  # link.cpp: gift_auction
    ("t.me/iv", "Instant View"),  # link.cpp: nullptr
    ("t.me/username/c/12345", "gift collection"),  # link.cpp: gift_collection (t.me/boost/c/12345)
])
def test_links_to_telegram_features_are_never_a_chat(text, what):
    check = check_link(text)
    assert (check.valid, check.kind, check.public, check.normalized) == (False, "other_telegram_link", False, None)
    assert what in check.problems[0] and "not a link to a channel, group, post or bot" in check.problems[0]


@pytest.mark.parametrize("text", ["t.me/Share", "t.me/PROXY?server=1.2.3.4&port=80", "t.me/JoinChat/AbCdEf12345"])
def test_telegram_link_words_are_reserved_in_any_letter_case(text):
    # stricter: tdlib matches these words exactly (link.cpp: t.me/Bg/abacaba is a Mini App of "Bg"), but
    # Telegram usernames ignore case, so "Share" can never be a customer's channel.
    check = check_link(text)
    assert not check.public and check.kind != "channel_or_group"


@pytest.mark.parametrize(("text", "normalized"), [
    ("t.me/joinchat/abacaba", "https://t.me/+abacaba"),  # link.cpp: chat_invite abacaba
    ("t.me/joinchat/aba%30aba", "https://t.me/+aba0aba"),  # link.cpp: chat_invite aba0aba
    ("t.me/joinchat/123456a", "https://t.me/+123456a"),  # link.cpp: chat_invite 123456a
    ("t.me/joinchat/12345678901a", "https://t.me/+12345678901a"),  # link.cpp: chat_invite 12345678901a
    ("t.me/+123456a", "https://t.me/+123456a"),  # link.cpp: chat_invite 123456a
    ("t.me/+aba%30aba", "https://t.me/+aba0aba"),  # link.cpp: chat_invite aba0aba
    ("t.me/ abacaba", "https://t.me/+abacaba"),  # link.cpp: chat_invite abacaba (a "+" read as a space)
    ("tg:join?invite=abcdef", "https://t.me/+abcdef"),  # link.cpp: chat_invite abcdef
    ("tg://join?invite=abc%30def", "https://t.me/+abc0def"),  # link.cpp: chat_invite abc0def
    ("www.t.me/s/s/s/s/s/joinchat/abacaba", "https://t.me/+abacaba"),  # link.cpp: chat_invite (…/joinchat/a)
])
def test_invite_links_are_valid_but_private(text, normalized):
    check = check_link(text)
    assert (check.valid, check.kind, check.public, check.normalized) == (True, "private_invite", False, normalized)
    assert "Delivery cannot reach a private target" in check.problems[0]


@pytest.mark.parametrize("text", [
    "t.me/joinchat/123456",  # link.cpp: nullptr
    "t.me/joinchat/12345678901",  # link.cpp: nullptr
    "www.t.me/s/s/s/s/s/joinchat/1",  # link.cpp: nullptr
    "tg:join?invite=12345",  # LinkManager.cpp, parse_tg_link_query: an all-digit hash is no invite
])
def test_an_all_digit_joinchat_code_is_not_an_invite(text):
    check = check_link(text)
    assert (check.valid, check.kind, check.public, check.normalized) == (False, "private_invite", False, None)
    assert "never only digits" in check.problems[0]
    assert "phone" not in check.problems[0]


@pytest.mark.parametrize("text", [
    "t.me/joinchat",  # link.cpp: nullptr
    "t.me/joinchat/",  # link.cpp: nullptr
    "t.me/joinchat?invite=abcdef",  # link.cpp: nullptr
    "t.me/joinchat//abcdef",  # link.cpp: nullptr
    "t.me/joinchat/#abcdef",  # link.cpp: nullptr
    "t.me/+",  # link.cpp: nullptr
    "tg:join?invite=",  # link.cpp: unknown_deep_link
])
def test_joinchat_without_a_code_is_an_incomplete_invite_not_a_channel(text):
    check = check_link(text)
    assert (check.valid, check.kind, check.public) == (False, "private_invite", False)
    assert "incomplete" in check.problems[0]


@pytest.mark.parametrize("text", [
    "t.me/joinchat/aba%20aba",  # link.cpp: nullptr
    "t.me/+aba%20aba",  # link.cpp: nullptr
    "tg:join?invite=abc%20def",  # link.cpp: unknown_deep_link
])
def test_an_invite_code_with_other_characters_is_not_an_invite(text):
    assert answer(text) == (False, "private_invite", False, None)


@pytest.mark.parametrize(("text", "normalized"), [
    ("t.me/+123456", "https://t.me/+123456"),  # link.cpp: user_phone_number 123456
    ("t.me/%2012345678901", "https://t.me/+12345678901"),  # link.cpp: user_phone_number 12345678901
    ("tg:resolve?phone=+123", "https://t.me/+123"),  # link.cpp: user_phone_number 123
    ("tg:resolve?phone=123456&startattach", "https://t.me/+123456"),  # link.cpp: user_phone_number 123456
])
def test_phone_number_links_are_valid_but_not_a_public_target(text, normalized):
    check = check_link(text)
    assert (check.valid, check.kind, check.public, check.normalized) == (True, "phone_number", False, normalized)


@pytest.mark.parametrize(("text", "normalized"), [
    ("t.me/abcdefghijklmnopqrstuvwxyz123456", "https://t.me/abcdefghijklmnopqrstuvwxyz123456"),  # link.cpp: public_chat
    ("t.me/Aasdf", "https://t.me/aasdf"),  # link.cpp: public_chat Aasdf
    ("t.me/asdf0", "https://t.me/asdf0"),  # link.cpp: public_chat asdf0
    ("https://telegram.dog/tele%63ram", "https://t.me/telecram"),  # link.cpp: public_chat telecram
    ("https://telegram.dog/telegram/?single", "https://t.me/telegram"),  # link.cpp: public_chat telegram
    ("t.me/levlam?boos", "https://t.me/levlam"),  # link.cpp: public_chat levlam
    ("telegram.me/levlam?booster", "https://t.me/levlam"),  # link.cpp: public_chat levlam
    ("t.me/username?appname=asd", "https://t.me/username"),  # link.cpp: public_chat username
    ("t.me/username?startapp=*", "https://t.me/username"),  # link.cpp: public_chat username
    ("t.me/username/s/", "https://t.me/username"),  # link.cpp: public_chat username
    ("t.me/username/a/", "https://t.me/username"),  # link.cpp: public_chat username
    ("t.me/username?story=123", "https://t.me/username"),  # link.cpp: public_chat username
    ("tg:resolve?&&&&&&&domain=telegram", "https://t.me/telegram"),  # link.cpp: public_chat telegram
    ("tg:resolve?domain=telegram&post=&single", "https://t.me/telegram"),  # link.cpp: public_chat telegram
    ("tg:resolve?domain=username&Game=asd", "https://t.me/username"),  # link.cpp: public_chat username
    ("tg:resolve?domain=telegram&&&&&&&story=%30", "https://t.me/telegram"),  # link.cpp: public_chat telegram
    ("tg:resolve?domain=telegram&&&&&&&story=2222222222", "https://t.me/telegram"),  # link.cpp: public_chat
    ("TG://resolve?domain=username&appname=&startapp=123asd", "https://t.me/username"),  # link.cpp: public_chat
    ("tg:resolve?domain=username&startchannel", "https://t.me/username"),  # link.cpp: public_chat username
])
def test_links_that_telegram_opens_as_the_chat_are_public_chats(text, normalized):
    assert answer(text) == (True, "channel_or_group", True, normalized)


@pytest.mark.parametrize(("text", "normalized"), [
    ("t.me/username?start=abc", "https://t.me/username"),  # link.cpp: bot_start (t.me/username?start=…)
    ("t.me/username?start=x&startapp", "https://t.me/username"),  # LinkManager.cpp: arguments are read in order
    ("t.me/username?startattach", "https://t.me/username"),  # link.cpp: attachment_menu_bot of username
    ("t.me/username?videochat", "https://t.me/username"),  # api/links#video-chat-livestream-links
])
def test_arguments_about_the_same_chat_or_bot_keep_it_the_target(text, normalized):
    assert answer(text) == (True, "channel_or_group", True, normalized)


@pytest.mark.parametrize("text", [
    "t.me/abcdefghijklmnopqrstuvwxyz1234567",  # link.cpp: nullptr (33 characters)
    "t.me/abcdefghijklmnop-qrstuvwxyz",  # link.cpp: nullptr
    "t.me/abcdefghijklmnop~qrstuvwxyz",  # link.cpp: nullptr
    "t.me/_asdf",  # link.cpp: nullptr
    "t.me/0asdf",  # link.cpp: nullptr
    "t.me/9asdf",  # link.cpp: nullptr
    "t.me/asdf_",  # link.cpp: nullptr
    "t.me/asd__fg",  # link.cpp: nullptr
    "t.me//username",  # link.cpp: nullptr
    "tg:resolve?domain=",  # link.cpp: unknown_deep_link
    "tg:resolve?domain=123456&post=&single",  # link.cpp: unknown_deep_link
])
def test_names_telegram_does_not_read_as_usernames_are_invalid(text):
    check = check_link(text)
    assert (check.valid, check.public, check.normalized) == (False, False, None)
    assert "Paste" in check.problems[0] or "username" in check.problems[0]


@pytest.mark.parametrize(("text", "kind", "normalized"), [
    ("aAAb.t.me/12345?single", "post", "https://t.me/aaab/12345"),  # link.cpp: message aaab/12345
    ("@abcd", "username", "https://t.me/abcd"),  # api/links#public-username-links (a collectible username)
    ("https://t.me/AbCd", "channel_or_group", "https://t.me/abcd"),  # api/links#public-username-links
])
def test_a_four_character_collectible_username_is_valid_with_a_note(text, kind, normalized):
    check = check_link(text)
    assert (check.valid, check.kind, check.public, check.normalized) == (True, kind, True, normalized)
    assert len(check.problems) == 1 and "collectible" in check.problems[0]


@pytest.mark.parametrize("text", [
    "t.me/username/s/1234",  # link.cpp: story username 1234
    "t.me/username/s/3?qwe=12312#12312",  # link.cpp: story username 3
    "https://telegram.dog/tele%63ram/s/%31%39",  # link.cpp: story telecram 19
    "t.me/username/s/live",  # link.cpp: live_story username
    "t.me/username/a/12345",  # link.cpp: story_album (t.me/boost/a/12345)
    "tg:resolve?domain=username&story=123",  # link.cpp: story username 123
    "tg:resolve?domain=telegram&&&&&&&story=%31%39",  # link.cpp: story telegram 19
    "tg:resolve?domain=telegram&&&&&&&story=live",  # link.cpp: live_story telegram
])
def test_a_story_link_is_named_and_asks_for_the_channel_or_post(text):
    check = check_link(text)
    assert (check.valid, check.kind, check.public, check.normalized) == (False, "story", False, None)
    assert "story" in check.problems[0] and "channel's link" in check.problems[0]


def test_a_story_link_suggests_the_channel_it_came_from():
    # api/links#story-links: t.me/<username>/s/<story_id>
    assert check_link("https://t.me/durov/s/12").problems == (
        "This is a story link. Send the channel's link, like https://t.me/durov, "
        "or a post's link, like https://t.me/durov/123.",
    )


@pytest.mark.parametrize("text", [
    "telegram.dog/levlam?boost",  # link.cpp: chat_boost domain=levlam
    "www.t.me/levlam?boost",  # link.cpp: chat_boost domain=levlam
    "t.me/boost/levlam",  # api/links#boost-links: t.me/boost/<username>
    "t.me/boost/s",  # link.cpp: chat_boost domain=s
    "t.me/bOoSt?c=12telegram",  # link.cpp: chat_boost channel=12
    "t.me/c/12345?boost",  # link.cpp: chat_boost channel=12345
    "t.me/c/123456789012?boost=12312&domain=123",  # link.cpp: chat_boost channel=123456789012
    "t.me/boost?c=123456",  # api/links#boost-links: t.me/boost?c=<id>
    "tg:boost?channel=12345",  # link.cpp: chat_boost channel=12345
    "tg:boost?domain=username&channel=12345",  # link.cpp: chat_boost domain=username
])
def test_a_boost_link_is_named_and_asks_for_the_channel(text):
    check = check_link(text)
    assert (check.valid, check.kind, check.public, check.normalized) == (False, "boost", False, None)
    assert "boost link" in check.problems[0]


def test_a_boost_link_suggests_the_channel_it_boosts():
    # api/links#boost-links: t.me/<username>?boost
    assert "like https://t.me/levlam." in check_link("https://t.me/levlam?boost").problems[0]


@pytest.mark.parametrize("text", [
    "t.me/addlist/abacaba",  # link.cpp: chat_folder_invite abacaba
    "t.me/addlist/123456",  # link.cpp: chat_folder_invite 123456
    "t.me/addlist/aba%30aba",  # link.cpp: chat_folder_invite aba0aba
    "tg:addlist?slug=abcdef",  # link.cpp: chat_folder_invite abcdef
    "t.me/addlist",  # link.cpp: nullptr (a folder link without its slug)
])
def test_a_folder_link_is_named_and_asks_for_one_chat(text):
    check = check_link(text)
    assert (check.valid, check.kind, check.public, check.normalized) == (False, "folder", False, None)
    assert "folder" in check.problems[0] and "one channel or group" in check.problems[0]


@pytest.mark.parametrize("text", [
    "t.me/username/asd",  # link.cpp: web_app username asd
    "t.me/username/asdasd?startapp=0",  # link.cpp: web_app username asdasd
    "https://telegram.dog/tele%63ram/t%63st",  # link.cpp: web_app telecram tcst
    "t.me/username?startapp=qwe",  # link.cpp: main_web_app username
    "t.me/username?startapp",  # api/links#main-mini-app-links: t.me/<bot_username>?startapp
    "https://telegram.dog/tele%63ram?startapp=t%63st",  # link.cpp: main_web_app telecram
    "tg:resolve?domain=username&startapp=aasdasd",  # link.cpp: main_web_app username
    "tg:resolve?domain=username&appname=aasdasd&startapp=123asd",  # link.cpp: web_app username aasdasd
])
def test_a_mini_app_link_is_named_and_asks_for_the_target_itself(text):
    check = check_link(text)
    assert (check.valid, check.kind, check.public, check.normalized) == (False, "mini_app", False, None)
    assert "Mini App" in check.problems[0]


def test_a_mini_app_link_suggests_its_bot():
    # api/links#direct-mini-app-links: t.me/<bot_username>/<short_name>
    assert "like https://t.me/shop_bot." in check_link("https://t.me/shop_bot/store").problems[0]


@pytest.mark.parametrize("text", [
    "t.me/username/0",  # link.cpp: public_chat username (the 0 is dropped)
    "t.me/username/-12345",  # link.cpp: public_chat username
    "t.me/username/1asdasdas/asdasd//asd/asd/asd/?single",  # link.cpp: message username/1
    "t.me/username/12345/asdasd//asd/asd/asd/?single",  # link.cpp: message username/12345
])
def test_a_post_number_telegram_would_silently_fix_is_refused(text):
    # stricter: the customer meant a post; guessing which one (or the whole channel) could deliver to
    # the wrong target, so the answer asks for the exact link instead.
    check = check_link(text)
    assert (check.valid, check.public, check.normalized) == (False, False, None)
    assert "post" in check.problems[0]


@pytest.mark.parametrize("text", [
    "t.me/a",  # link.cpp: public_chat a
    "t.me/h/hh",  # link.cpp: public_chat h
    "t.me/boost?c=-1",  # link.cpp: public_chat boost
    "t.me/boost/12",  # link.cpp: message boost/12
])
def test_names_no_one_can_own_are_never_a_public_target(text):
    # stricter: usernames have at least 5 characters (4 for collectible ones), and "boost" is one of
    # Telegram's own link words (api/links#boost-links), so none of these can be a customer's channel.
    check = check_link(text)
    assert (check.valid, check.public) == (False, False)


@pytest.mark.parametrize("text", [
    "https://t.me/share/url?url=x", "https://t.me/durov/s/5", "tg://settings", "https://t.me/addlist/abc",
    "https://t.me/bot_name/app", "https://t.me/boost/durov", "joinchat.t.me", "https://t.me/joinchat/123456",
])
def test_messages_speak_to_customers_without_internal_names(text):
    problem = check_link(text).problems[0]
    for internal in ("other_telegram_link", "mini_app", "private_invite", "tdlib", "LinkManager", "kind"):
        assert internal not in problem
    assert problem.endswith(".") and "http" in problem  # it says what to send instead, with an example


# --- Never raises, whatever is pasted ------------------------------------------------------------

CONTROL = st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Zl", "Zp"])
pasted_text = st.one_of(
    st.text(),
    st.text(alphabet=CONTROL),
    st.text(alphabet=st.one_of(CONTROL, st.sampled_from("t.me/+@?#=&%_-sc0aZ:"))),
    st.builds(  # a link followed by a long tail, around the length limit and far beyond it
        lambda start, tail, times: start + tail * times,
        st.sampled_from(["", "@", "https://t.me/", "tg://resolve?domain=", "t.me/joinchat/", "x.t.me/"]),
        st.text(min_size=1, max_size=8),
        st.integers(min_value=200, max_value=3000),
    ),
)


@settings(max_examples=300, deadline=None)
@given(pasted_text)
def test_any_pasted_text_gets_an_answer_with_the_five_keys_and_their_types(text):
    answer = check_link(text).to_dict()
    assert list(answer) == ["valid", "kind", "public", "normalized", "problems"]
    assert isinstance(answer["valid"], bool) and isinstance(answer["public"], bool)
    assert isinstance(answer["kind"], str) and answer["kind"]
    assert answer["normalized"] is None or isinstance(answer["normalized"], str)
    assert isinstance(answer["problems"], list) and all(isinstance(p, str) and p for p in answer["problems"])
    assert all(p.isprintable() for p in answer["problems"])  # no control character reaches a message
    assert not answer["public"] or answer["valid"]  # a public target is always a valid one
    if answer["kind"] in ("private_invite", "private_post", "phone_number"):
        assert not answer["public"]  # a private link is never called public
