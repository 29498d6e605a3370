"""Builds the compiled loops (Cython); the rest of the package is in pyproject.toml.

``_kernels_loops.pxi`` is compiled twice: ``_kernels`` for any CPU and, on
x86-64 with GCC or Clang, ``_kernels_avx2`` for CPUs with AVX2 and FMA
(``_inplace`` imports the one the CPU runs). Both are optional: where they do
not compile, the install goes on and the package runs the same steps in
NumPy (slower per epoch), saying so with one warning at the first
fit; ``sklearn_l1mlp.show_versions()`` tells which path is in use.
"""

import platform

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

try:
    from Cython.Build import cythonize
except ImportError:  # pyproject.toml asks for Cython and NumPy; a build without goes on
    cythonize = None

_WIDE = "sklearn_l1mlp._kernels_avx2"


class BuildExt(build_ext):
    def build_extensions(self):
        unix = self.compiler.compiler_type == "unix"
        for extension in list(self.extensions):
            if extension.name == _WIDE and not (unix and platform.machine() in ("x86_64", "AMD64")):
                self.extensions.remove(extension)
            elif unix:
                # -fno-math-errno lets sqrt vectorize; the loops need no errno.
                extension.extra_compile_args += ["-O3", "-fno-math-errno"]
                if extension.name == _WIDE:
                    extension.extra_compile_args += ["-mavx2", "-mfma"]
        super().build_extensions()


extensions = []
if cythonize is not None:
    import numpy

    extensions = cythonize(
        [
            Extension(
                name,
                [name.replace(".", "/") + ".pyx"],
                include_dirs=[numpy.get_include()],
                # The loops use only the NumPy C API of 1.x and 2.x alike.
                define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_9_API_VERSION")],
                optional=True,
            )
            for name in ("sklearn_l1mlp._kernels", _WIDE)
        ],
        compiler_directives={"language_level": 3},
    )
    for extension in extensions:
        # cythonize builds new Extension objects: say again that a failed
        # compile leaves the NumPy path instead of failing the install.
        extension.optional = True

setup(ext_modules=extensions, cmdclass={"build_ext": BuildExt})
