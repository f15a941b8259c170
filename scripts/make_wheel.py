"""Packs an installed attn (scripts/install's PREFIX layout) into a wheel.

    python3 scripts/make_wheel.py PREFIX OUTDIR

Used by scripts/wheel, which then runs `auditwheel repair` on the result to
bundle libedit and what it needs and to tag the wheel manylinux. The wheel:

    attn_kernel/__init__.py, lexer.py        from python/attn_kernel
    attn_kernel/kernel.py                    the Jupyter kernel `attn jupyter install` writes
    attn_kernel/bin/attn                     the binary (Swift's runtime linked in)
    attn_kernel/share/attn/lessons/          the lessons (the binary finds them beside it)
    attn_kernel-V.data/data/share/jupyter/kernels/attn/kernel.json
    attn_kernel-V.data/data/share/man/man1/  the manual pages
    attn_kernel-V.dist-info/                 METADATA, WHEEL, entry_points.txt, RECORD

Entry points: the `attn` command (console_scripts) and the Pygments lexer
`attn` (pygments.lexers). The tag is py3-none-linux_<machine>: the binary
does not use Python's ABI; auditwheel turns linux_ into manylinux_.
"""
import base64
import hashlib
import json
import os
import platform
import stat
import subprocess
import sys
import zipfile

NAME = "attn_kernel"
DIST = "attn-kernel"


def record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (path, digest, len(data))


def main():
    prefix, outdir = sys.argv[1], sys.argv[2]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    binary = os.path.join(prefix, "bin", "attn")
    version = subprocess.check_output([binary, "--version"], text=True).split()[-1]
    tag = "py3-none-linux_" + platform.machine()
    data_dir = "%s-%s.data/data" % (NAME, version)
    info_dir = "%s-%s.dist-info" % (NAME, version)
    files = []  # (path in the wheel, bytes, executable)

    def add(path, data, executable=False):
        files.append((path, data, executable))

    def add_file(path, source):
        with open(source, "rb") as handle:
            add(path, handle.read(), os.stat(source).st_mode & stat.S_IXUSR != 0)

    def add_tree(path, source):
        for directory, subdirectories, names in os.walk(source):
            subdirectories.sort()
            for name in sorted(names):
                full = os.path.join(directory, name)
                add_file(path + "/" + os.path.relpath(full, source), full)

    package = os.path.join(root, "python", NAME)
    for name in sorted(os.listdir(package)):
        if name.endswith(".py"):
            add_file(NAME + "/" + name, os.path.join(package, name))
    add_file(NAME + "/kernel.py", os.path.join(prefix, "share/jupyter/kernels/attn/attn_kernel.py"))
    add_file(NAME + "/bin/attn", binary)
    add_tree(NAME + "/share/attn/lessons", os.path.join(prefix, "share/attn/lessons"))
    spec = {
        "argv": ["python", "-m", NAME + ".kernel", "-f", "{connection_file}"],
        "display_name": "attn",
        "language": "attn",
        "interrupt_mode": "message",
    }
    add(data_dir + "/share/jupyter/kernels/attn/kernel.json", (json.dumps(spec, indent=2) + "\n").encode())
    add_tree(data_dir + "/share/man/man1", os.path.join(prefix, "share/man/man1"))

    readme = open(os.path.join(root, "python", "README.md"), encoding="utf-8").read()
    metadata = "\n".join([
        "Metadata-Version: 2.1",
        "Name: " + DIST,
        "Version: " + version,
        "Summary: attn: learn neural attention at a prompt, in Jupyter, and graded (the attn binary, lessons and kernel)",
        "Requires-Python: >=3.8",
        "Requires-Dist: ipykernel>=6",
        "Requires-Dist: pygments>=2.8",
        "Classifier: Operating System :: POSIX :: Linux",
        "Classifier: Framework :: Jupyter",
        "Classifier: Topic :: Education",
        "Description-Content-Type: text/markdown",
        "",
        readme,
    ])
    add(info_dir + "/METADATA", metadata.encode())
    wheel = "Wheel-Version: 1.0\nGenerator: attn scripts/make_wheel.py\nRoot-Is-Purelib: false\nTag: %s\n" % tag
    add(info_dir + "/WHEEL", wheel.encode())
    entry_points = "[console_scripts]\nattn = %s:main\n\n[pygments.lexers]\nattn = %s.lexer:AttnLexer\n" % (NAME, NAME)
    add(info_dir + "/entry_points.txt", entry_points.encode())

    os.makedirs(outdir, exist_ok=True)
    path = os.path.join(outdir, "%s-%s-%s.whl" % (NAME, version, tag))
    record = [record_line(name, data) for name, data, _ in files] + [info_dir + "/RECORD,,"]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data, executable in files + [(info_dir + "/RECORD", ("\n".join(record) + "\n").encode(), False)]:
            entry = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            entry.external_attr = ((0o755 if executable else 0o644) | stat.S_IFREG) << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, data)
    print(path)


if __name__ == "__main__":
    main()
