"""Builds the optional C loops (sklearn_l1mlp._kernels); the rest is in pyproject.toml.

The extension is optional: where it does not compile, the install goes on
and the package runs the same steps in NumPy (a few times slower per weight).
"""

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class BuildExt(build_ext):
    def build_extensions(self):
        if self.compiler.compiler_type == "unix":
            for extension in self.extensions:
                # -fno-math-errno lets sqrt vectorize; the loops need no errno.
                extension.extra_compile_args += ["-O3", "-fno-math-errno"]
        super().build_extensions()


setup(
    ext_modules=[Extension("sklearn_l1mlp._kernels", ["sklearn_l1mlp/_kernels.c"], optional=True)],
    cmdclass={"build_ext": BuildExt},
)
