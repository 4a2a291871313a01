"""The template context's quick call path gives what Jinja's own gives."""

from __future__ import annotations

import jinja2
import pytest
from jinja2 import pass_context, pass_environment, pass_eval_context

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


def test_a_callable_that_raises_stop_iteration_gives_undefined():
    def stop():
        raise StopIteration

    assert render("[{{ stop() }}]", stop=stop) == "[]"
    env = _Environment(undefined=jinja2.StrictUndefined)
    env.globals["stop"] = stop
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ stop() }}").render()
