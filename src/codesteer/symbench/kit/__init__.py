"""Support code for the SymBench task modules (not the framework itself).

Rule systems and readers shared by several tasks live here: ``common`` (released-item readers,
mixtures, flat-list and grid helpers, an all-different constraint search), ``arith`` (exact
arithmetic expressions), ``bbh`` (the BIG-Bench-Hard tasks' items and answer readers),
``geometry`` (boxes and segments for Path Plan), ``item_exchange`` (counted-item exchange rules),
``math_equiv`` (equivalence of MATH answers), ``rewriting`` (string rewrite rules) and
``dataset_tasks`` (base classes of the tasks read only from external datasets).
"""
