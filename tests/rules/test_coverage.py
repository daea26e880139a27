"""The coverage table of the seeds (rules/coverage.py, ``lawtrail rules --coverage``): every article
of every seed is in it, its rule ids are computed from the profiles and cannot drift, and
docs/rules-coverage.md is the command's output."""

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lawtrail.rules import coverage, profiles
from lawtrail.rules.profiles import PROFILES_DIR, SEEDS

ROOT = Path(__file__).resolve().parents[2]
SEED_DIR = Path(__file__).resolve().parent / "testdata" / "seeds"  # copies of ../shared/seeds
DOC = ROOT / "docs" / "rules-coverage.md"


def _run(*args) -> str:
    out = StringIO()
    call_command("rules", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_cn_int():
    assert [coverage.cn_int(a) for a in ("第一条", "第十条", "第十三条", "第二十条", "第三十一条", "第一百零二条")] == \
        [1, 10, 13, 20, 31, 102]


def test_headings_are_lines_that_begin_with_an_article():
    text = "第一章  总则\n第一条  目的。依照本办法第五条办理。\n第二十二条新区司法局负责\n  第三条 x\n见第四条\n"
    assert coverage.seed_articles(text) == ["第一条", "第二十二条", "第三条"]


def test_citations_name_articles_of_seeds_only():
    assert coverage.cited_seed_articles("004 第七条第三项、第十八条第三项；000 第十二条；行政处罚法 第四十四条") == \
        {("004", "第七条"), ("004", "第十八条"), ("000", "第十二条")}
    assert coverage.articles_in("第十三条第二款、第三款") == ["第十三条"]
    assert coverage.articles_in("第十三条至第十六条") == ["第十三条", "第十四条", "第十五条", "第十六条"]
    assert coverage.articles_in("第十九条至第二十一条") == ["第十九条", "第二十条", "第二十一条"]
    assert coverage.articles_in("第十六条第二项至第四项") == ["第十六条"]


def test_the_table_has_the_five_seeds():
    assert list(coverage.TABLE) == list(SEEDS)


@pytest.mark.parametrize("seed", list(SEEDS))
def test_every_article_of_the_seed_is_in_the_table_in_order(seed):
    articles = coverage.seed_articles((SEED_DIR / SEEDS[seed]).read_text(encoding="utf-8"))
    assert articles, seed
    missing = [a for a in articles if a not in coverage.TABLE[seed]]
    extra = [a for a in coverage.TABLE[seed] if a not in articles]
    assert not missing, f"{seed}: articles missing from rules/coverage.py TABLE: {missing}"
    assert not extra, f"{seed}: articles in TABLE that the seed does not have: {extra}"
    assert list(coverage.TABLE[seed]) == articles


def test_the_seeds_quirks_are_kept():
    assert "第二十七条" not in coverage.TABLE["001"] and "第三十条" in coverage.TABLE["001"]  # numbering jumps
    assert len(coverage.TABLE["000"]) == 30


def test_the_table_agrees_with_the_loaded_profiles():
    assert coverage.problems() == []


def test_every_entry_says_what_covers_it_or_why_not():
    for seed, entries in coverage.TABLE.items():
        for article, e in entries.items():
            assert e.topic, (seed, article)
            if e.status == "product":
                assert e.note and e.where, (seed, article)
            if e.status == "not_checkable":
                assert e.note, (seed, article)
            if e.status == "todo":
                assert e.todo, (seed, article)
            for m in e.where:
                assert (ROOT / m).exists(), (seed, article, m)


def test_rule_ids_come_from_the_profiles():
    built = {s["seed"]: {a["article"]: a for a in s["articles"]} for s in coverage.build()}
    assert {r["id"] for r in built["000"]["第二十条"]["rules"]} == {
        "service-receipt", "postal-service-carrier", "postal-service-voucher", "left-at-residence-receipt",
        "left-at-residence-av", "public-notice-receipt", "public-notice-av", "entrusted-service-reason"}
    assert {r["id"] for r in built["003"]["第七条"]["rules"]} == {"emergency-start-report", "start-approval-form"}
    assert {r["profile"] for r in built["003"]["第七条"]["rules"]} == {"003"}
    assert [r["id"] for r in built["002"]["第十一条"]["rules"]] == ["party-signs-forms"]
    # every seed-cited rule of every profile appears under its article
    shown = {(s["seed"], r["id"]) for s in coverage.build() for a in s["articles"] for r in a["rules"]}
    by_file = {f: code for code, f in SEEDS.items()}
    for profile in profiles.load_all(PROFILES_DIR).values():
        for rule in profile.rules:
            if rule.cite["file"] in by_file:
                assert (by_file[rule.cite["file"]], rule.id) in shown


@pytest.fixture
def profile_dir(tmp_path):
    d = tmp_path / "profiles"
    shutil.copytree(PROFILES_DIR, d)
    return d


def test_a_new_rule_on_an_article_declared_otherwise_is_reported(profile_dir):
    p = profile_dir / "000.yaml"
    p.write_text(p.read_text(encoding="utf-8") + """
  - id: site-inspection-record
    kind: required_document
    cite: {file: 000_7020ab165d466204.txt, article: 第十五条}
    text: 执法机构采取证据保全措施的，应记录以下事项
    step: preserve_evidence
    document: provisional_registration_notice
""", encoding="utf-8")
    found = coverage.problems(profiles.load_all(profile_dir))
    assert any("000 第十五条" in f and "site-inspection-record" in f and "请改为 rules" in f for f in found), found


def test_a_removed_rule_is_reported(profile_dir):
    p = profile_dir / "002.yaml"
    p.write_text('profile: "002"\ntitle: 盘锦市兴隆台区发改局\nextends: national\nrules: []\n', encoding="utf-8")
    found = coverage.problems(profiles.load_all(profile_dir))
    articles = ("第十一条", "第十五条", "第十六条", "第十九条", "第二十条", "第二十二条")
    assert found == [f"002 {a}：标为“规则”，但没有规则引用该条" for a in articles]


def test_a_rule_citing_an_article_the_seed_does_not_have_is_reported(profile_dir):
    p = profile_dir / "001.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("article: 第七条第一款", "article: 第二十七条"), encoding="utf-8")
    found = coverage.problems(profiles.load_all(profile_dir))
    assert any(f.startswith("001 第二十七条：规则 emergency-start-report") for f in found), found


def test_summary_counts_every_article_once():
    for s in coverage.build():
        n = s["summary"]
        assert n["rules"] + n["product"] + n["not_checkable"] + n["todo"] == n["articles"] == len(coverage.TABLE[s["seed"]])


def test_command_prints_every_article_and_a_summary_per_seed():
    out = _run("--coverage")
    for seed, entries in coverage.TABLE.items():
        assert f"== {seed} " in out
        section = out.split(f"== {seed} ")[1].split("\n== ")[0]
        for article in entries:
            assert f"\n{article}  [" in section, (seed, article)
        assert "合计：条数" in section
    assert "emergency-start-report（003.yaml 第七条）" in out


def test_command_json():
    data = json.loads(_run("--coverage", "--json"))
    assert [s["seed"] for s in data["seeds"]] == list(SEEDS)
    a = next(a for a in data["seeds"][0]["articles"] if a["article"] == "第二十条")
    assert a["status"] == "rules" and {"service-receipt", "postal-service-carrier"} <= {r["id"] for r in a["rules"]}
    assert set(data["statuses"]) == {"rules", "product", "not_checkable", "todo"}


def test_command_needs_coverage():
    with pytest.raises(CommandError):
        _run()


def test_docs_rules_coverage_is_the_command_output():
    """Regenerate with: lawtrail rules --coverage --markdown > docs/rules-coverage.md"""
    out = _run("--coverage", "--markdown")
    assert out.startswith("<!-- Generated by `lawtrail rules --coverage --markdown > docs/rules-coverage.md`")
    assert DOC.read_text(encoding="utf-8") == out, \
        "docs/rules-coverage.md is stale: lawtrail rules --coverage --markdown > docs/rules-coverage.md"
