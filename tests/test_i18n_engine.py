"""One engine, two catalogs: Russian answers, plural forms, language errors, and a build that refuses gaps."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import policy_engine as engine
from buildlib import catalogs
from buildlib.options import BuildError
from policy_engine import i18n
from policy_engine.errors import UnknownLanguageError
from policy_engine.snapshots import link_answer
from policy_engine.triage import OrderAnswer, summary

ROOT = Path(__file__).resolve().parent.parent


def _ids(value):
    """Everything of an answer that is not words: keys, ids, outlooks, anchors, versions."""
    if isinstance(value, dict):
        return {key: _ids(item) for key, item in value.items()
                if key not in ("headline", "word", "label", "summary", "title", "text", "next_step")}
    if isinstance(value, list):
        return [_ids(item) for item in value]
    return value


def test_ids_keys_and_anchors_are_the_same_in_every_language_for_every_case():
    english = [d.to_dict() for d in engine.decision_table(lang="en")]
    russian = [d.to_dict() for d in engine.decision_table(lang="ru")]
    assert len(english) == len(russian)
    for en, ru in zip(english, russian, strict=True):
        assert _ids(en) == _ids(ru)
        assert [r["link"] for r in en["reasons"]] == [r["link"] for r in ru["reasons"]]


def test_russian_answers_leave_no_english_sentence_behind():
    for en, ru in zip(engine.decision_table(lang="en"), engine.decision_table(lang="ru"), strict=True):
        a, b = en.to_dict(), ru.to_dict()
        assert b["headline"] != a["headline"]
        assert b["next_step"] != a["next_step"]
        assert b["cancellation"]["summary"] != a["cancellation"]["summary"]
        for ra, rb in zip(a["reasons"], b["reasons"], strict=True):
            assert rb["title"] != ra["title"] and rb["text"] != ra["text"]
        if a["would_change"]:
            assert b["would_change"]["text"] != a["would_change"]["text"]
        assert not re.search(r"\b(the|and|order|support|ticket)\b", b["headline"] + b["next_step"])


def test_a_decision_speaks_the_language_it_was_decided_in_wherever_it_is_read():
    decision = engine.decide("processing", ["wrong_link"], lang="ru")
    with i18n.language("en"):
        assert decision.to_dict()["cancellation"]["label"] == "Отмену могут рассмотреть"
    assert engine.decide("processing").to_dict()["cancellation"]["label"] == "Cancellation is limited"


def test_the_context_language_is_the_default_so_templates_speak_it():
    with i18n.language("ru"):
        assert engine.Status.PENDING.label == "В ожидании"
        assert engine.decide("pending").lang == "ru"
        assert engine.RULES[0].statement != engine.RULES[0].source_statement
        assert engine.REVISIONS[0].title != engine.REVISIONS[0].source_title
    assert engine.Status.PENDING.label == "Pending"


def test_english_is_the_default():
    assert engine.decide("completed").headline == "This order cannot be cancelled. A refund is usually not available."


@pytest.mark.parametrize("lang", ["de", "", "xx-YY", 5])
def test_an_unknown_language_is_a_clear_error_that_lists_the_valid_ones(lang):
    with pytest.raises(UnknownLanguageError, match="Valid languages: en, ru"):
        engine.decide("pending", lang=lang)
    with pytest.raises(UnknownLanguageError, match="Valid languages: en, ru"):
        engine.check_link("@durov", lang=lang)


@pytest.mark.parametrize("command", [
    ["decide", "--status", "pending"], ["check-link", "@someone"], ["triage", "-"], ["table"]])
def test_the_cli_refuses_an_unknown_language_with_exit_code_2_and_no_traceback(command):
    run = subprocess.run([sys.executable, "-m", "policy_engine", *command, "--lang", "fr"],
                         cwd=ROOT, capture_output=True, text=True, input="{}")
    assert run.returncode == 2
    assert run.stderr.strip() == "error: Unknown language 'fr'. Valid languages: en, ru."


def test_the_cli_answers_in_russian_with_the_same_json_keys():
    def run(lang):
        out = subprocess.run([sys.executable, "-m", "policy_engine", "decide", "--status", "In progress",
                              "--fact", "wrong_link", "--json", "--lang", lang], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout
        import json
        return json.loads(out)

    en, ru = run("en"), run("ru")
    assert _ids(en) == _ids(ru) and en["headline"] != ru["headline"]


def test_cli_errors_are_translated():
    run = subprocess.run([sys.executable, "-m", "policy_engine", "decide", "--status", "in progres", "--lang", "ru"],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 2 and run.stderr.startswith("error: Неизвестный статус заказа 'in progres'")
    assert "'in_progress'" in run.stderr


RUSSIAN_ORDERS = {1: "1 заказ", 2: "2 заказа", 5: "5 заказов", 11: "11 заказов", 21: "21 заказ", 22: "22 заказа"}
RUSSIAN_CHARACTERS = {1: "символ)", 2: "символа)", 5: "символов)", 11: "символов)", 21: "символ)", 22: "символа)"}


@pytest.mark.parametrize("n", sorted(RUSSIAN_ORDERS))
def test_russian_plurals_in_the_triage_summary(n):
    rows = [OrderAnswer(str(i), "Pending") for i in range(n)]
    with i18n.language("ru"):
        assert summary(rows).startswith(RUSSIAN_ORDERS[n] + ":")
    assert summary(rows).startswith(f"{n} order{'s' if n != 1 else ''}:")


@pytest.mark.parametrize("n", sorted(RUSSIAN_CHARACTERS))
def test_russian_plurals_in_a_field_length_message(n):
    with i18n.language("ru"):
        text = i18n.ngettext("The {field} is too long ({count} character): keep it under {limit}.",
                             "The {field} is too long ({count} characters): keep it under {limit}.", n)
    assert f"{{count}} {RUSSIAN_CHARACTERS[n]}" in text


def test_russian_plural_of_a_too_long_link():
    problem = engine.check_link("https://t.me/" + "a" * 3000, lang="ru").problems[0]
    assert "(3013 символов)" in problem


def test_the_real_catalog_compiles_with_every_string_translated():
    assert catalogs.problems("ru")[0] == []
    assert catalogs.compile_all()[0].name == "policy_engine.mo"


def test_the_glossary_drives_the_status_labels():
    glossary = tomllib.loads((ROOT / "policy_engine/locale/ru/glossary.toml").read_text(encoding="utf-8"))
    for status in engine.Status:
        assert engine.decide(status, lang="ru").status.value == status.value
        with i18n.language("ru"):
            assert status.label == glossary["statuses"][status.value]


def _copy(tmp_path: Path) -> Path:
    locale = tmp_path / "locale"
    shutil.copytree(catalogs.LOCALE, locale, ignore=shutil.ignore_patterns("*.mo"))
    return locale


def _edit(locale: Path, old: str, new: str) -> None:
    po = catalogs.po_path("ru", locale)
    text = po.read_text(encoding="utf-8")
    assert old in text
    po.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_build_refuses_a_missing_translation_and_names_it(tmp_path):
    locale = _copy(tmp_path)
    _edit(locale, 'msgstr "Тикет готов."', 'msgstr ""')
    with pytest.raises(BuildError, match=r"untranslated: 'The ticket is ready.'"):
        catalogs.compile_language("ru", locale, locale / "policy_engine.pot")


def test_the_build_refuses_a_fuzzy_translation_and_names_it(tmp_path):
    locale = _copy(tmp_path)
    _edit(locale, 'msgid "The ticket is ready."', '#, fuzzy\nmsgid "The ticket is ready."')
    with pytest.raises(BuildError, match=r"fuzzy .*'The ticket is ready.'"):
        catalogs.compile_language("ru", locale, locale / "policy_engine.pot")


@pytest.mark.parametrize("old, new", [
    ("Статус: {status}", "Статус: {state}"),
    ("если «%(circumstance)s»", "если «%(fact)s»"),
])
def test_the_build_refuses_a_placeholder_that_differs_and_names_it(tmp_path, old, new):
    locale = _copy(tmp_path)
    _edit(locale, old, new)
    with pytest.raises(BuildError, match="placeholders differ"):
        catalogs.compile_language("ru", locale, locale / "policy_engine.pot")


def test_the_build_refuses_a_status_label_that_differs_from_the_glossary(tmp_path):
    locale = _copy(tmp_path)
    _edit(locale, 'msgstr "Выполнен"', 'msgstr "Завершён"')
    with pytest.raises(BuildError, match="differs from the glossary"):
        catalogs.compile_language("ru", locale, locale / "policy_engine.pot")


def test_the_build_refuses_a_glossary_without_every_status(tmp_path):
    locale = _copy(tmp_path)
    glossary = catalogs.glossary_path("ru", locale)
    glossary.write_text(glossary.read_text(encoding="utf-8").replace('partial = "Частично"\n', ""), encoding="utf-8")
    with pytest.raises(BuildError, match="partial"):
        catalogs.compile_language("ru", locale, locale / "policy_engine.pot")


def test_the_worker_can_hand_a_catalog_over_as_bytes():
    data = catalogs.po_path("ru").with_suffix(".mo").read_bytes()
    i18n.install("ru", data)
    assert engine.decide("canceled", lang="ru").to_dict()["cancellation"]["word"] == "Уже отменён"


def test_old_answer_links_speak_russian_too():
    answer = link_answer("2026-11-26", "pending", [], lang="ru")
    assert answer["notice"].startswith("Эта ссылка создана по правилам от 2026-11-26.")
    assert answer["current"]["status"] == "pending"
