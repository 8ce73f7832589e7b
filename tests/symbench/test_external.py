"""External datasets: local loaders, hub failures, MATH answer equivalence and GSM-Hard tolerance."""

from __future__ import annotations

import builtins
import sys

import pytest

from codesteer.symbench.errors import ExternalDataError
from codesteer.symbench.external import (
    external_instances,
    load_bbh,
    load_gsm_hard,
    load_math,
    numeric_close,
    read_number,
)
from codesteer.symbench.kit.math_equiv import MathTooLargeError, equivalent, last_boxed, normalise
from codesteer.symbench.registry import get_task
from codesteer.symbench.task import RELEASED_ANSWER

EQUIVALENT = [
    (r"\frac{7}{33}", "7/33"),
    (r"\dfrac{14}{66}", r"\frac{7}{33}"),
    (r"\tfrac73", r"\frac{7}{3}"),
    (r"\frac12", "0.5"),
    (r"2\sqrt{3}", r"\sqrt{12}"),
    (r"\frac{\sqrt{2}}{2}", r"\frac{1}{\sqrt2}"),
    (r"\sqrt[3]{8}", "2"),
    (r"3\pi", r"\pi \cdot 3"),
    (r"\frac{\pi}{2}", "pi/2"),
    (r"110^\circ", "110"),
    (r"110^{\circ}", "110 degrees"),
    (r"280 \text{ feet}", "280"),
    (r"4\text{ square units}", "4"),
    (r"\left( 18, -18 \right)", "(18,-18)"),
    ("10{,}000", "10000"),
    ("1,000,000", "1000000"),
    (r"\$5", "5"),
    (r"50\%", "50"),
    ("h = 3", "3"),
    (r"\binom{17}{9}", "24310"),
    ("10!/10", "362880"),
    (r"\boxed{\frac{3}{5}}", "0.6"),
    ("1, 2", "2, 1"),
    (r"\text{Devon}", "Devon"),
    (r"2\frac{1}{2}", "5/2"),
    (r"x^2\frac{1}{2}", "x^2/2"),
    (r"(-\infty, 5]", r"(-\infty,5]"),
    (r"5\sqrt{2}", r"\sqrt{50}"),
]
NOT_EQUIVALENT = [
    (r"\frac{7}{34}", r"\frac{7}{33}"),
    ("0.333", r"\frac13"),
    ("3.14", r"\pi"),
    (r"2\sqrt{2}", r"\sqrt{2}"),
    ("(18, 18)", "(18, -18)"),
    ("(-18, 18)", "(18, -18)"),
    ("[2, 5)", "[2, 5]"),
    ("111", "110"),
    ("x+1", "x+2"),
    ("1, 3", "1, 2"),
    ("", "0"),
    ("__import__('os')", "0"),
    ("2^{2^{2^{2}}}", "0"),
    ("(x+1)^{2}", "x^2+2x+2"),
    ("(a+b+c+d+e+f)^{150}", "0"),
    (r"(-\infty, 5]", r"(-\infty, 5)"),
    (r"2\frac{1}{2}", "1"),
]


@pytest.mark.parametrize(("answer", "gold"), EQUIVALENT)
def test_equivalent_forms_pass(answer: str, gold: str) -> None:
    assert equivalent(answer, gold), (normalise(answer), normalise(gold))


@pytest.mark.parametrize(("answer", "gold"), NOT_EQUIVALENT)
def test_near_misses_fail(answer: str, gold: str) -> None:
    assert not equivalent(answer, gold)


@pytest.mark.parametrize(("answer", "what"), [
    ("((((2**200)**200)**200)**200)", "a power"),
    ("2^{2^{2^{2^{2}}}}", "a power"),
    ("((x+1)^{200})^{200}", "a power"),
    ("10^{10^{10}}", "a power"),
    (r"\sqrt{2^{3000}+1}", "a root"),
    ("1048576!", "a factorial"),
    (r"\binom{10^{9}}{10^{6}}", "a binomial"),
    (r"\binom{1/2}{1000000}", "a binomial"),
    ("10^{2000} \\cdot 10^{2000}", "more than 10000 bits"),
])
@pytest.mark.timeout(60)
def test_work_is_bounded_by_the_size_of_the_result(answer: str, what: str) -> None:
    """Sized before computing: refused at once, never evaluated (a timeout marks a regression)."""
    with pytest.raises(MathTooLargeError, match=f"too large to evaluate: .*{what}"):
        equivalent(answer, "7/33")


def test_long_answers_are_refused_unread() -> None:
    with pytest.raises(MathTooLargeError, match="answer too long"):
        equivalent("1" + " " * 100_000 + "x", "7/33")
    with pytest.raises(MathTooLargeError, match="answer too long"):
        equivalent("1+" * 300 + "1", "7/33")


@pytest.mark.parametrize("answer", ["0^{-1}", r"\infty-\infty", r"\sqrt[0]{2}", "(-1)!", "3.5!", r"\pi!", "9!!",
                                    "1e400", "nan", r"x^{x^{x^{x}}}"])
def test_degenerate_values_are_not_equivalent_and_never_crash(answer: str) -> None:
    assert not equivalent(answer, "7/33")


def test_last_boxed_handles_nested_braces() -> None:
    assert last_boxed(r"so \boxed{1} then \boxed{\frac{a}{\sqrt{b}}}.") == r"\frac{a}{\sqrt{b}}"
    assert last_boxed(r"$\boxed 5$") == "5"
    assert last_boxed("no box") is None


@pytest.mark.parametrize(("answer", "target", "ok"), [
    ("3244047.1", 3244047.0999999996, True),
    ("3,244,047", 3244047.0999999996, True),
    ("$3244047.10", 3244047.0999999996, True),
    ("3247000", 3244047.0999999996, True),  # within 1e-3 relative
    ("3250000", 3244047.0999999996, False),  # 1.8e-3 off
    ("0.00168", 0.0016791648, True),
    ("0.00169", 0.0016791648, False),
    ("0", 0.0, True),
    ("0.001", 0.0, False),
    ("3/4", 0.75, True),
    (r"\frac{3}{4}", 0.75, True),
    ("-9867630", -9867630.0, True),
    ("9867630", -9867630.0, False),
])
def test_gsm_tolerance_both_ways(answer: str, target: float, ok: bool) -> None:
    assert numeric_close(read_number(answer), target) is ok


def test_local_loaders_read_the_shared_slices(original_root) -> None:
    assert len(load_bbh("navigate", original_root)) == 250
    assert load_bbh("navigate", original_root / "BIG-Bench-Hard/bbh/navigate.json")[0]["target"] == "No"
    gsm = load_gsm_hard(original_root)
    assert len(gsm) == 50 and {"input", "code", "target"} <= set(gsm[0])
    geometry = load_math("geometry", original_root)
    assert len(geometry) == 5 and "problem" in geometry[0]
    assert load_math("geometry", original_root / "MATH/train/geometry") == geometry


def test_wrong_local_paths_give_a_clear_error(tmp_path) -> None:
    with pytest.raises(ExternalDataError, match="does not exist"):
        load_gsm_hard(tmp_path / "missing")
    with pytest.raises(ExternalDataError, match=r"gsmhardv2\.jsonl"):
        load_gsm_hard(tmp_path)


def test_released_golds_pass_their_judges(original_root) -> None:
    for name, records in (
        ("gsm_hard", load_gsm_hard(original_root)),
        ("math_geometry", load_math("geometry", original_root)),
        ("math_counting_probability", load_math("counting_and_probability", original_root)),
    ):
        task = get_task(name)
        instances = external_instances(task, records, name)
        assert len(instances) == len(records)
        for instance in instances:
            assert task.judge(instance, f"<<<{instance.data[RELEASED_ANSWER]}>>>").correct, instance.id


def test_hub_without_datasets_says_how_to_install(monkeypatch) -> None:
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "datasets":
            raise ImportError("no datasets")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "datasets", raising=False)
    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ExternalDataError, match=r"codesteer\[hf\]"):
        load_gsm_hard("hf")


def test_hub_offline_gives_one_clear_line(monkeypatch) -> None:
    datasets = pytest.importorskip("datasets")

    def offline(*args, **kwargs):
        raise ConnectionError("Couldn't reach the Hugging Face Hub\nmore details")

    monkeypatch.setattr(datasets, "load_dataset", offline)
    with pytest.raises(ExternalDataError, match="pass a local path instead") as info:
        load_bbh("navigate")
    assert "\n" not in str(info.value)
