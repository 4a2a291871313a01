"""The template context's quick call path and quick escape give what Jinja's own give."""

from __future__ import annotations

import jinja2
import markupsafe
import pytest
from hypothesis import given, strategies as st
from jinja2 import pass_context, pass_environment, pass_eval_context
from markupsafe import Markup

from generator import render as render_mod
from generator.render import _Environment


def render(source: str, **values) -> str:
    """The template rendered with Sahifa's environment, checked against Jinja's."""
    outputs = []
    for env in (_Environment(autoescape=True), jinja2.Environment(autoescape=True)):
        env.globals.update(values)
        outputs.append(env.from_string(source).render())
    assert outputs[0] == outputs[1]
    return outputs[0]


class Box:
    def __init__(self, value):
        self.value = value

    def get(self, suffix=""):
        return f"{self.value}{suffix}"

    def __call__(self, x):
        return f"called {x}"


def test_plain_functions_methods_and_builtins():
    assert render("{{ f(1, b=2) }}|{{ box.get('!') }}|{{ len('abc') }}|{{ box('y') }}",
                  f=lambda a, b: f"{a}+{b}", box=Box("v"), len=len) == "1+2|v!|3|called y"


def test_marked_functions_still_get_their_context():
    @pass_context
    def seen(context, name):
        return context[name]

    @pass_environment
    def env_name(environment):
        return type(environment).__name__ in ("_Environment", "Environment")

    @pass_eval_context
    def autoescaped(eval_ctx):
        return eval_ctx.autoescape

    source = ("{% set x = 'local' %}{{ seen('x') }} {{ env() }} {{ auto() }} "
              "{% for i in [1] %}{% set y = 'loop' %}{{ seen('y') }}{% endfor %}")
    assert render(source, seen=seen, env=env_name, auto=autoescaped) == (
        "local True True loop")


def test_calls_in_loops_blocks_and_macros():
    source = ("{% macro m(v) %}[{{ up(v) }}]{% endmacro %}"
              "{% for v in ['a', 'b'] %}{{ m(v) }}{{ up(v) }}{% endfor %}")
    assert render(source, up=str.upper) == "[A]A[B]B"


def test_escaping_is_unchanged():
    assert render("{{ f() }}", f=lambda: "<b>") == "&lt;b&gt;"


class Html:
    def __init__(self, text):
        self.text = text

    def __html__(self):
        return self.text


class Text(str):
    pass


VALUES = st.one_of(
    st.text(), st.text().map(Markup), st.text().map(Text), st.text().map(Html),
    st.text().map(lambda t: Markup(t).join), st.integers(), st.floats(), st.none(),
    st.lists(st.text(), max_size=3))


def test_templates_print_through_the_quick_escape():
    assert render_mod._escape_inner is not None  # this markupsafe has the fast path
    template = _Environment(autoescape=True).from_string("{{ v }}")
    assert template.root_render_func.__globals__["escape"] is render_mod._escape


@given(VALUES)
def test_the_quick_escape_is_markupsafe_escape(value):
    got, expected = render_mod._escape(value), markupsafe.escape(value)
    assert type(got) is Markup and got == expected
    render("<p title='{{ v }}'>{{ v }}</p>{{ v ~ v }}{{ [v] }}", v=value)  # as Jinja's own


def test_a_callable_that_raises_stop_iteration_gives_undefined():
    def stop():
        raise StopIteration

    assert render("[{{ stop() }}]", stop=stop) == "[]"
    env = _Environment(undefined=jinja2.StrictUndefined)
    env.globals["stop"] = stop
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ stop() }}").render()


def test_contexts_start_from_plain_globals_that_follow_the_environment():
    env = _Environment(loader=jinja2.DictLoader({
        "page.html": "{{ a }} {{ b }} {% include 'part.html' %}",
        "part.html": "{{ a }}{% if b is defined %}{{ b }}{% endif %}"}))
    env.globals["a"] = "one"
    template = env.get_template("page.html")
    context = template.new_context({"b": "page"})
    assert type(context.parent) is dict and context.globals_keys == set(template.globals)
    assert template.render(b="page") == "one page onepage"
    env.globals.update(a="two", b="env")  # globals set after the template was loaded
    template.globals["b"] = "own"  # and the template's own globals win over them
    assert template.render() == "two own twoown"
    assert template.render(b="var") == "two var twovar"
    assert type(template.globals).__name__ == "ChainMap"  # Jinja's own, left as it is


def test_marked_methods_still_get_their_context():
    class Lookup:
        @pass_context
        def seen(self, context, name):
            return f"{type(self).__name__}:{context[name]}"

        def plain(self, name):
            return f"plain:{name}"

    assert render("{% set x = 'local' %}{{ o.seen('x') }} {{ o.plain('x') }} {{ m('x') }}",
                  o=Lookup(), m=Lookup().seen) == "Lookup:local plain:x Lookup:local"
