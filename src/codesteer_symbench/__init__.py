"""The ``verifiers`` taskset id ``codesteer_symbench``: verifiers finds tasksets by top-level module
name, so this module only re-exports :mod:`codesteer.integrations.verifiers`
(``vf-eval codesteer_symbench --env.taskset.tasks seen``)."""

from codesteer.integrations.verifiers import SymbenchTaskset

__all__ = ["SymbenchTaskset"]
