"""codesteer: steer language models between code and text to solve symbolic problems.

Reference implementation of CodeSteer (Chen et al., "CodeSteer: Symbolic-Augmented Language
Models via Code/Text Guidance", arXiv 2502.04350) and of its benchmark, SymBench.
"""

__version__ = "0.1.0"
