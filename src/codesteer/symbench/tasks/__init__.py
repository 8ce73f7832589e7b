"""The SymBench tasks, one module each (imported by :mod:`codesteer.symbench.registry`)."""
