"""Suggested tags: `sahifa tags suggest` on the demo corpus and on seeds written here,
and `auto_tags` at build time."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from stop_words import get_stop_words

from generator.tags import Doc, Suggester, fold, stem, stop_words

from .conftest import CONFIG, REPO

DEMO_SEED = "seeds/000_adbd9c52f3022f65.txt"
PUNCTUATION = re.compile(r"[\s.,;:!?؟،؛«»“”\"'’()\[\]…]")


def sahifa(*args, cwd):
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def parse(stdout: str) -> dict[str, list[str]]:
    out = {}
    for line in stdout.splitlines():
        name, _, tags = line.partition(": ")
        out[name] = tags.split(", ") if tags else []
    return out


def maintained_stop_words(lang: str) -> set[str]:
    if lang == "zgh":  # no maintained list: Sahifa's own (stop_words below)
        return set()
    return {fold(w, lang) for w in get_stop_words(lang)}


def assert_clean(tags: list[str], lang: str, text: str) -> None:
    """At most five; no stop word; no punctuation on a word; each as the text spells
    it (a word or a run of words of the text, never a normalised form)."""
    assert 0 < len(tags) <= 5, tags
    stops = maintained_stop_words(lang) | stop_words(lang)
    for tag in tags:
        for word in tag.split(" "):
            assert not PUNCTUATION.search(word), tag
            assert fold(word, lang) not in stops, (tag, "is a stop word")
        assert tag in text, (tag, "is not spelt as in the article")
    assert len({fold(t, lang) for t in tags}) == len(tags), tags


# ----------------------------------------------------------------- the demo corpus

def test_demo_seed_suggestions_include_tamesna_and_a_form_of_terrorism():
    result = sahifa("tags", "suggest", DEMO_SEED, cwd=REPO)
    assert result.returncode == 0, result.stderr
    tags = parse(result.stdout)[DEMO_SEED]
    text = (REPO / DEMO_SEED).read_text(encoding="utf-8")
    assert "تامسنا" in tags
    assert any("إرهاب" in tag for tag in tags), tags
    assert_clean(tags, "ar", text)
    # the place name comes first: names of places and organisations are preferred
    assert tags[0] == "تامسنا"


def test_without_arguments_every_seed_without_tags_gets_a_line():
    result = sahifa("tags", "suggest", cwd=REPO)
    assert result.returncode == 0, result.stderr
    found = parse(result.stdout)
    assert DEMO_SEED in found
    # seeds that have tags are left alone
    assert not any("festival-ahidous" in name for name in found)
    for name, tags in found.items():
        text = (REPO / name).read_text(encoding="utf-8")
        lang = "ar" if re.search(r"[\u0600-\u06ff]", text) else "fr"
        assert_clean(tags, lang, text)


# ----------------------------------------------------------------- seeds written here

SEEDS = {
    "ar": ("مجلس جهة سوس ماسة يصادق على مشروع الماء في تارودانت",
           "صادق مجلس جهة سوس ماسة، يوم الإثنين، على مشروع كبير لتزويد مدينة تارودانت "
           "بالماء الصالح للشرب. وقال رئيس المجلس إن المشروع سيستفيد منه أكثر من مئة ألف "
           "نسمة في تارودانت والجماعات المجاورة.\n\n"
           "وأكد المجلس أن المكتب الوطني للكهرباء والماء الصالح للشرب سيتولى إنجاز المشروع، "
           "الذي تبلغ كلفته ثلاثمئة مليون درهم. وأضاف أن الأشغال ستنطلق في مدينة تارودانت "
           "خلال الصيف، وأن المياه ستصل إلى الأحياء الجديدة قبل نهاية السنة.\n\n"
           "ويأتي المشروع في إطار برنامج وطني للماء، بعد سنوات من الجفاف التي عرفتها "
           "الجهة، حيث تراجعت حقينة السدود بشكل كبير."),
    "fr": ("La Banque Populaire ouvre une agence à Ouarzazate",
           "La Banque Populaire a inauguré mardi une nouvelle agence à Ouarzazate, la "
           "troisième dans la province. Selon la direction régionale, l'agence de "
           "Ouarzazate vise les artisans et les coopératives de la vallée du Drâa.\n\n"
           "« Nous voulons être plus près des coopératives », a déclaré le directeur. "
           "Les coopératives du Drâa, qui vendent des dattes et des tapis, demandaient "
           "depuis longtemps des services bancaires sur place. La Banque Populaire "
           "prévoit d'ouvrir deux autres agences dans la région d'ici l'année prochaine."),
    "en": ("Royal Air Maroc adds a route from Casablanca to Toronto",
           "Royal Air Maroc will fly three times a week between Casablanca and Toronto "
           "from June, the airline said on Tuesday. The route is the airline's second "
           "to Canada after Montreal.\n\n"
           "The flights will use the airline's Boeing 787 aircraft. Officials in "
           "Casablanca said they expect the new route to bring more tourists and "
           "students, and that the airline plans to add more routes to North America "
           "by the end of the year. Tickets for Toronto are already on sale."),
    "zgh": ("ⵜⴰⵎⴷⵉⵏⵜ ⵏ ⵜⵉⵣⵏⵉⵜ ⵜⵙⵙⵏⵜⵉ ⴰⵏⵎⵓⴳⴳⴰⵔ ⵏ ⵓⵣⴰⵡⴰⵏ",
            "ⵜⵙⵙⵏⵜⵉ ⵜⵎⴷⵉⵏⵜ ⵏ ⵜⵉⵣⵏⵉⵜ ⴰⵏⵎⵓⴳⴳⴰⵔ ⵏ ⵓⵣⴰⵡⴰⵏ ⴰⵎⴰⵣⵉⵖ ⴳ ⵡⴰⵎⵎⴰⵙ ⵏ ⵜⵎⴷⵉⵏⵜ. "
            "ⵍⵍⴰⵏ ⴷⵉⴳⵙ ⵉⵎⴷⵢⴰⵣⵏ ⵙⴳ ⵜⵉⵣⵏⵉⵜ ⴷ ⵜⴰⵟⴰ ⴷ ⴰⴳⴰⴷⵉⵔ.\n\n"
            "ⵉⵏⵏⴰ ⵓⵏⴱⴷⵓ ⵏ ⵜⵉⵣⵏⵉⵜ ⵉⵙ ⴰⵣⴰⵡⴰⵏ ⵉⴳⴰ ⵜⴰⵢⵙⵉ ⵏ ⵢⵉⵎⵣⴷⴰⵖ ⵏ ⵜⵎⵏⴰⴹⵜ. "
            "ⴰⵔ ⵜⵜⴰⵙⵉⵏ ⵉⵎⴷⵢⴰⵣⵏ ⴰⵣⴰⵡⴰⵏ ⵙ ⵜⵉⴼⵉⵏⴰⵖ ⴷ ⵜⵓⵜⵍⴰⵢⵜ ⵏ ⵉⵎⴰⵣⵉⵖⵏ."),
}
OTHERS = {  # a small corpus beside them, so that common words are recognised
    "ar": ("أخبار الرياضة في الرباط",
           "فاز فريق الرباط يوم الأحد في مباراة كرة القدم. وقال المدرب إن الفريق سيواصل "
           "العمل خلال الموسم. وأضاف أن الجمهور كان كبيرا في الملعب."),
    "fr": ("Le marché de Fès",
           "Le marché de Fès a accueilli des milliers de visiteurs pendant la semaine. "
           "Les commerçants ont vendu des tapis et des épices dans la médina."),
    "en": ("A new school in Rabat",
           "A new school opened in Rabat on Monday. The school will teach more than "
           "five hundred students from the city and the nearby towns."),
    "zgh": ("ⴰⵙⴳⴳⵯⴰⵙ ⴰⵎⴰⵢⵏⵓ ⴳ ⴰⴳⴰⴷⵉⵔ",
            "ⵉⵙⵎⵖⵔ ⴰⴳⴰⴷⵉⵔ ⵢⵏⵏⴰⵢⵔ ⴷ ⵉⵎⴷⵢⴰⵣⵏ ⴳ ⵡⴰⵎⵎⴰⵙ ⵏ ⵜⵎⴷⵉⵏⵜ."),
}
EXPECTED = {  # names of places and organisations each seed must bring up
    "ar": ("تارودانت", "سوس ماسة"),
    "fr": ("Ouarzazate", "Banque Populaire"),
    "en": ("Toronto", "Royal Air Maroc"),
    "zgh": ("ⵜⵉⵣⵏⵉⵜ", "ⴰⵣⴰⵡⴰⵏ"),
}


def write_raw(site, name: str, title: str, body: str) -> str:
    site.write(name, f"{title}\n\n{body}\n", dedent=False)
    return f"{title}\n{body}"


@pytest.mark.parametrize("lang", ["ar", "fr", "en", "zgh"])
def test_suggestions_for_a_raw_seed_in_each_language(site, lang):
    for code, (title, body) in OTHERS.items():
        write_raw(site, f"other-{code}.txt", title, body)
    text = write_raw(site, f"new-{lang}.txt", *SEEDS[lang])
    result = sahifa("tags", "suggest", f"seeds/new-{lang}.txt", cwd=site.root)
    assert result.returncode == 0, result.stderr
    tags = parse(result.stdout)[f"seeds/new-{lang}.txt"]
    assert_clean(tags, lang, text)
    expected = EXPECTED[lang]
    assert expected[0] in tags, tags
    assert any(e in tag or tag in e for e in expected[1:] for tag in tags), tags


def test_arabic_normalisation_groups_hamza_taa_marbuta_and_diacritics():
    assert fold("إرهابيّة", "ar") == fold("ارهابيه", "ar") == "ارهابيه"
    assert fold("مُؤَسَّسَة", "ar") == "موسسه"
    assert fold("فريقًا", "ar") == fold("فريق", "ar")
    for form in ("الإرهاب", "للإرهاب", "والإرهاب", "بالإرهاب", "إرهابي", "الإرهابية",
                 "إرهابيًا", "الإرهابيين"):
        assert stem(fold(form, "ar"), "ar") == "ارهاب", form
    assert stem(fold("Coopératives", "fr"), "fr") == stem(fold("coopérative", "fr"), "fr")


def test_a_suggestion_keeps_the_articles_spelling():
    doc = Doc(ident="a", lang="ar", title="تفكيك خلية في مدينة أصيلة",
              body="أعلنت السلطات تفكيك خلية في مدينة أصيلة. وقالت إن أصيلة شهدت العملية "
                   "بعد أيام من عملية مماثلة. وأكدت أن مدينة أصيلة آمنة.")
    other = Doc(ident="b", lang="ar", title="خبر آخر", body="السلطات تعلن خبرا آخر عن الطقس.")
    tags = Suggester([doc, other]).suggest(doc)
    assert tags[0] == "أصيلة"  # not the normalised اصيله
    assert "في" not in tags and "السلطات" not in tags


def test_bad_seed_and_missing_source_are_one_line_each(site):
    write_raw(site, "a.txt", *OTHERS["fr"])
    result = sahifa("tags", "suggest", "seeds/missing.txt", cwd=site.root)
    assert result.returncode == 1
    assert result.stderr == "seeds/missing.txt: cannot read: No such file or directory\n"
    # without arguments, a seed that cannot be read is reported with its line
    site.write("b.md", "---\ntitle: [unclosed\n---\nTexte.\n")
    result = sahifa("tags", "suggest", cwd=site.root)
    assert result.returncode == 1
    assert list(parse(result.stdout)) == ["seeds/a.txt"]
    assert re.fullmatch(r"seeds/b\.md:\d+: invalid YAML front matter: .+\n", result.stderr)
    result = sahifa("tags", "suggest", "--source", "nowhere", cwd=site.root)
    assert result.returncode == 2
    assert result.stderr == "nowhere: source folder not found\n"


# ----------------------------------------------------------------- auto_tags at build time

def test_auto_tags_gives_untagged_seeds_suggested_tags_marked_in_the_page(site):
    site.set_config(CONFIG.replace("paginate = 3\n", "paginate = 3\nauto_tags = true\n"))
    for code, (title, body) in OTHERS.items():
        write_raw(site, f"other-{code}.txt", title, body)
    write_raw(site, "2025-05-01-new.txt", *SEEDS["fr"])
    site.write("2025-05-02-tagged.md", "---\ntitle: Déjà classé\nlang: fr\n"
                                       "tags: [économie]\n---\nLa Banque Populaire à Fès.\n")
    result = site.build()
    assert result.status == 0, result.lines
    page = site.page("fr/2025/05/01/la-banque-populaire-ouvre-une-agence-à-ouarzazate/")
    footer = page[page.index('<footer class="article-footer">'):]
    assert "Mots-clés suggérés" in footer
    assert '<ul class="tags suggested" data-suggested>' in footer
    assert '>Ouarzazate</bdi></a>' in footer
    # the tag has its page, like any tag
    assert "Ouarzazate" in site.page("fr/tags/ouarzazate/")
    # an editor's tags are kept and not marked
    tagged = site.page("fr/2025/05/02/déjà-classé/")
    assert "data-suggested" not in tagged and ">économie</bdi>" in tagged
    # without auto_tags, nothing is suggested
    site.set_config(CONFIG)
    assert site.build().status == 0
    page = site.page("fr/2025/05/01/la-banque-populaire-ouvre-une-agence-à-ouarzazate/")
    assert "data-suggested" not in page and not (site.out / "fr/tags/ouarzazate").exists()


def test_auto_tags_must_be_a_boolean(site):
    site.set_config(CONFIG.replace("paginate = 3\n", "paginate = 3\nauto_tags = 1\n"))
    result = site.build()
    assert result.status == 2
    assert result.lines == ("site.toml:6: auto_tags: expected a boolean, got an integer (1)",)


def test_two_arabic_words_that_keep_company_make_one_tag():
    doc = Doc(ident="a", lang="ar", title="الأجهزة الأمنية توقف شبكة في الدار البيضاء",
              body="أوقفت الأجهزة الأمنية شبكة للتهريب في الدار البيضاء. وقالت الأجهزة "
                   "الأمنية إن الشبكة كانت تنشط في الدار البيضاء منذ سنوات، وإنها كانت "
                   "تستعد لتنفيذ عمليات جديدة. وتواصل الأجهزة الأمنية التحقيق لتنفيذ "
                   "عمليات التوقيف.")
    other = Doc(ident="b", lang="ar", title="خبر آخر", body="الطقس معتدل في الرباط اليوم.")
    tags = Suggester([doc, other]).suggest(doc)
    assert "الأجهزة الأمنية" in tags and "الدار البيضاء" in tags
    # the members of a chosen term are not suggested again, nor a preposition-led pair
    assert "الأمنية" not in tags and "البيضاء" not in tags
    assert "لتنفيذ عمليات" not in tags and "تنفيذ عمليات" not in tags
