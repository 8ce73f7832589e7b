"""inspect-ai integration (``pip install 'codesteer[inspect]'``): SymBench tasks, the engine's methods
as solvers, and our judge as scorer, registered under the ``codesteer/`` namespace through the
``inspect_ai`` entry point, so ``inspect eval codesteer/symbench_game24 --model ...`` works.

- tasks ``codesteer/symbench_<task>`` and ``codesteer/symbench_{seen,unseen,all}`` (:mod:`.tasks`);
- solvers ``codesteer/<method>`` for every method (:mod:`.solvers`), with the steering model as
  the model role ``steer``;
- the scorer ``codesteer/symbench_judge`` (:mod:`.scorer`);
- :class:`~.model.InspectChatModel`: an inspect ``Model`` as our ``ChatModel``.
"""

from codesteer.integrations.inspect.dataset import symbench_dataset
from codesteer.integrations.inspect.model import InspectChatModel
from codesteer.integrations.inspect.scorer import symbench_judge
from codesteer.integrations.inspect.solvers import method_solver
from codesteer.integrations.inspect.tasks import symbench_task

__all__ = ["InspectChatModel", "method_solver", "symbench_dataset", "symbench_judge", "symbench_task"]
