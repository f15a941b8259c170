"""attn: neural attention at a prompt, as a Python package.

The package carries the `attn` binary (Swift's runtime linked in, its
libraries bundled by auditwheel), the lessons, the Jupyter kernel
(`attn_kernel.kernel`) and a Pygments lexer for attn code
(`attn_kernel.lexer`). The `attn` command that pip puts on the PATH runs
`main` below.
"""
import os
import sys

__all__ = ["binary", "main"]


def binary():
    """The path of the attn binary shipped in this package."""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "bin", "attn")


def main():
    """Runs the shipped attn with this command's arguments (it replaces this process)."""
    path = binary()
    try:
        os.execv(path, [path] + sys.argv[1:])
    except OSError as error:
        sys.stderr.write("attn: cannot run %s: %s\n" % (path, error))
        sys.exit(1)
