"""Language of parts: text in another script than its page's is declared with `lang`."""

from __future__ import annotations

from markupsafe import Markup

from generator.config import LanguageConfig
from generator.render import Parts


def seed(title, lang, author, source):
    return f"""\
        ---
        title: {title}
        date: 2025-05-03T10:00:00+01:00
        lang: {lang}
        author: {author}
        source: {source}
        tags: [Maroc]
        ---
        {title}.
        """

def test_bylines_in_another_script_carry_their_language(site):
    site.write("a.md", seed("خبر", "ar", "Ali Benali", "The Morning Herald"))
    site.write("f.md", seed("Nouvelle", "fr", "هند العلوي", "ⵜⴰⵙⵖⵓⵏⵜ"))
    site.write("e.md", seed("News", "en", "Hind Alaoui", "Le journal du matin"))
    assert site.build().status == 0
    ar = site.page("ar/2025/05/03/خبر/")
    # the wording tells English from French among the configured Latin languages
    assert '<bdi lang="en">The Morning Herald</bdi>' in ar
    assert '<bdi lang="fr">Ali Benali</bdi>' in ar  # no wording: the first Latin language
    fr = site.page("fr/2025/05/03/nouvelle/")
    assert '<bdi lang="ar">هند العلوي</bdi>' in fr
    assert '<bdi lang="zgh">ⵜⴰⵙⵖⵓⵏⵜ</bdi>' in fr
    en = site.page("en/2025/05/03/news/")
    # same script as the page: isolated for direction only
    assert "<bdi>Hind Alaoui</bdi>" in en and "<bdi>Le journal du matin</bdi>" in en

def test_interface_strings_mark_their_foreign_words(site):
    site.write("a.md", seed("خبر", "ar", "x", "y"))
    site.write("f.md", seed("Nouvelle", "fr", "x", "y"))
    site.write("z.md", seed("ⴰⵏⵖⵎⵉⵙ", "zgh", "x", "y"))
    assert site.build().status == 0
    assert 'موجز <span lang="en">RSS</span></a>' in site.page("ar/")
    assert 'ⴰⵙⵙⵓⴷⵙ <span lang="en">RSS</span></a>' in site.page("zgh/")
    assert 'نُشر بواسطة <bdi lang="en">Sahifa</bdi>' in site.page("ar/")
    fr = site.page("fr/")
    assert ">Flux RSS</a>" in fr and "Publié avec <bdi>Sahifa</bdi>" in fr
    # on a tag page too, where the feed link follows the count
    assert 'موجز <span lang="en">RSS</span></a>' in site.page("ar/tags/maroc/")



def lang(code, script, direction="ltr"):
    return LanguageConfig(code=code, locale=code, title=code, description="",
                          direction=direction, name=code, script=script)


AR, FR, EN = lang("ar", "Arab", "rtl"), lang("fr", "Latn"), lang("en", "Latn")


def test_foreign_words_are_marked_once_and_escaped_once():
    parts = Parts(AR, [AR, FR, EN])
    # gettext gives Markup under autoescape: unescaped, marked, escaped again once
    assert parts.mark(Markup("موجز RSS &amp; Atom")) == \
        'موجز <span lang="fr">RSS &amp; Atom</span>'
    assert parts.mark("خلاصات RSS و Atom", "en") == \
        'خلاصات <span lang="en">RSS</span> و <span lang="en">Atom</span>'
    assert parts.mark("كلها عربية") == "كلها عربية"
    already = Markup('نُشر بواسطة <bdi lang="en">Sahifa</bdi>')
    assert parts.mark(already) is already
    french = Parts(FR, [AR, FR, EN])
    assert french.mark("Flux RSS") == "Flux RSS"
    assert french.bdi("هند") == '<bdi lang="ar">هند</bdi>'
    # a script no configured language is written in: isolated, no language guessed
    assert french.bdi("ⵜⴰⵙⵖⵓⵏⵜ") == "<bdi>ⵜⴰⵙⵖⵓⵏⵜ</bdi>"
    assert french.mark("ⵜⴰⵙⵖⵓⵏⵜ RSS") == "ⵜⴰⵙⵖⵓⵏⵜ RSS"
