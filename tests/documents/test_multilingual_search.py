"""Issue 17: Russian and Chinese reports are tokenised and searchable (Snowball stems, jieba words)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from dyad.documents.pipeline import search_terms

RU = ("Российско-китайские отношения\n\n"
      "Сотрудничество России и Китая в области энергетики развивается быстро.\n\n"
      "Торговля между странами выросла в 2019 году.\n")
ZH = ("中俄关系报告\n\n"
      "中俄两国在能源领域的合作不断深化。\n\n"
      "两国贸易额在二〇一九年继续增长。\n")


def _run(*args):
    from dyad.cli import cli

    return CliRunner().invoke(cli, list(args))


def test_tokens():
    assert search_terms("России") == search_terms("Россия") == search_terms("Россией")
    assert "и" not in search_terms("России и Китая")
    words = search_terms("中俄两国在能源领域的合作不断深化")
    assert "能源" in words and "合作" in words and "的" not in words
    assert search_terms("G20 and the Belt") == ["g20", "belt"]


def test_search_russian_and_chinese_documents(tmp_path):
    db = str(tmp_path / "s.duckdb")
    for name, text in (("ru.txt", RU), ("zh.txt", ZH)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert _run("--store", db, "doc", "add", str(tmp_path / name)).exit_code == 0
    found = json.loads(_run("--store", db, "doc", "search", "Россия энергетика", "--format", "json").stdout)
    assert [f["text"] for f in found] == ["Сотрудничество России и Китая в области энергетики развивается быстро."]
    found = json.loads(_run("--store", db, "doc", "search", "能源合作", "--format", "json").stdout)
    assert [f["text"] for f in found] == ["中俄两国在能源领域的合作不断深化。"]
    assert json.loads(_run("--store", db, "doc", "search", "贸易", "--format", "json").stdout)[0]["text"].startswith("两国贸易额")
