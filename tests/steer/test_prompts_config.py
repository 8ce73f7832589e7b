"""Prompt templates (versioned, strict) and the settings object."""

from __future__ import annotations

import pytest

from codesteer.steer.config import Sampling, SteerConfig
from codesteer.steer.prompts import TemplateError, available, render, template


def test_every_template_has_a_version_and_description() -> None:
    names = available()
    assert {"steer_choice", "steer_decision", "steer_round", "task_code", "task_text", "self_check"} <= set(names)
    for name in names:
        tpl = template(name)
        assert tpl.version >= 1 and tpl.description and tpl.body.strip()


def test_render_keeps_origins_and_never_reads_values_as_templates() -> None:
    inner = render("task_code")
    out = render("task_opening", instruction=inner, question="Cost is $x and {y}?")
    assert out.templates == ("task_opening@1", "task_code@3")
    assert out.text.endswith("Cost is $x and {y}?")
    with pytest.raises(TemplateError, match="question"):
        render("steer_choice")
    with pytest.raises(TemplateError, match="no prompt template"):
        template("does_not_exist")


def test_config_defaults_are_the_papers() -> None:
    c = SteerConfig()
    assert c.max_rounds == 5 and c.sandbox_timeout_s == 10.0
    assert c.task_sampling == Sampling(0.0, 2000)
    assert c.finetuned_steer_sampling == Sampling(0.95, 1024, 0.7)
    assert c.prompted_steer_sampling.temperature == 0.0
    assert c.max_execution_output_tokens == 2000 and not c.show_execution_to_task_model
    assert c.symbolic_checker == "codesteer" and c.symbolic_threshold == 2.0


def test_config_round_trip_and_validation() -> None:
    c = SteerConfig(max_rounds=3, symbolic_checker="original", task_sampling=Sampling(0.2, 100, 0.9))
    assert SteerConfig.from_dict(c.to_dict()) == c
    assert Sampling(0.2, 100, 0.9).params() == {"temperature": 0.2, "max_tokens": 100, "top_p": 0.9}
    with pytest.raises(ValueError, match="unknown steering setting"):
        SteerConfig.from_dict({"rounds": 3})
    with pytest.raises(ValueError, match="symbolic_checker"):
        SteerConfig(symbolic_checker="fancy")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_rounds"):
        SteerConfig(max_rounds=-1)


def test_capped_limits_every_kind_of_call() -> None:
    c = SteerConfig().capped(100)
    assert {c.task_sampling.max_tokens, c.finetuned_steer_sampling.max_tokens,
            c.prompted_steer_sampling.max_tokens, c.helper_sampling.max_tokens} == {100}
    assert c.finetuned_steer_sampling.temperature == 0.95
    assert SteerConfig().capped(5000).task_sampling.max_tokens == 2000
