# cython: boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
# cython: language_level=3
"""The per-weight loops (``_kernels_loops.pxi``), built for any CPU."""

include "_kernels_loops.pxi"
