"""Our judge as inspect's scorer: the verdict's score as the value, its reason as the explanation."""

from __future__ import annotations

from inspect_ai.scorer import Score, Scorer, Target, accuracy, scorer, stderr
from inspect_ai.solver import TaskState

from codesteer.integrations.inspect.dataset import sample_instance
from codesteer.integrations.rl import judge_completion
from codesteer.symbench.task import Verdict

#: Store key where a method solver leaves the engine's verdict (the engine judged both channels).
VERDICT_KEY = "codesteer:verdict"


@scorer(metrics=[accuracy(), stderr()])
def symbench_judge() -> Scorer:
    """The task's judge: on the engine's final answer (method solvers), else on the model's output.

    A judge that crashes raises ``JudgeError``: inspect records the sample as an error, never as
    a wrong answer.
    """

    async def score(state: TaskState, target: Target) -> Score:
        stored = state.store.get(VERDICT_KEY)
        if stored is not None:
            verdict = Verdict(**stored)
        else:
            verdict = judge_completion(sample_instance(state), state.output.completion)
        return Score(value=verdict.score, answer=verdict.answer, explanation=verdict.reason,
                     metadata={"correct": verdict.correct})

    return score
