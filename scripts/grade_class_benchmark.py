"""A class of submissions graded at once: time and memory of `attn grade --jobs N`.

    python3 scripts/grade_class_benchmark.py [--count 1000] [--jobs 2] [--attn PATH]

Writes COUNT submissions of lesson 3's two exercises into a scratch
directory — right, wrong, half-right and syntax errors in turn, plus one
that loops forever, one that allocates without bound and one whose process
is killed with SIGKILL while it is graded (a crash, as the
kernel's OOM killer ends a process; a SIGILL or SIGSEGV sent from outside
did not end attn here, Swift's runtime handles those) — and grades them with
`attn grade 3 … --jobs N --json`, sampling the resident memory of attn and
all its grading processes every 50 ms. Reports the time, the submissions per
second, the peak memory (all processes together, and the largest one), and
checks that every ordinary submission got the marks it deserves whatever
the three bad ones did. Not run in CI (it takes minutes); the figures are in
Benchmarks/README.md.
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

KINDS = {
    "right": ("q3 = 5 * [1, 1]\ndef average(w, U) {\n  total = zeros(U.shape[1])\n"
              "  for i in range(len(w)) { total = total + w[i] * U[i] }\n  return total\n}\n", [True, True]),
    "wrong": ("q3 = [1, 1]\ndef average(w, U) = w[0] * U[0]\n", [False, False]),
    "half": ("q3 = 10 * [1, 1]\ndef average(w, U) = sum(U)\n", [True, False]),
    "syntax": ("q3 = 5 * [1, 1\ndef average(w, U) = w @ U\n", [False, False]),
}
BAD = {
    "hang": "q3 = 5 * [1, 1]\nwhile true { }\n",
    "hog": "q3 = 5 * [1, 1]\nl = list()\nwhile true { l = append(l, ones(10000000)) }\n",
    "crash": "q3 = 5 * [1, 1]\nx = 0\nwhile true { x += 1 }\n",
}


def tree_rss(root):
    """Resident kilobytes of `root` and its descendants: (total, largest)."""
    children = {}
    rss = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % pid) as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            with open("/proc/%s/statm" % pid) as handle:
                pages = int(handle.read().split()[1])
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(pid))
        rss[int(pid)] = pages * os.sysconf("SC_PAGE_SIZE") // 1024
    total, largest, stack = 0, 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        largest = max(largest, rss.get(pid, 0))
        stack += children.get(pid, [])
    return total, largest


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--attn", default=".build/release/attn")
    arguments = parser.parse_args()
    work = tempfile.mkdtemp(prefix="attn-class-")
    try:
        files, expected = [], {}
        kinds = list(KINDS)
        for index in range(arguments.count - len(BAD)):
            kind = kinds[index % len(kinds)]
            path = os.path.join(work, "student%04d-%s.attn" % (index, kind))
            open(path, "w").write(KINDS[kind][0])
            files.append(path)
            expected[path] = KINDS[kind][1]
        for position, (kind, text) in zip((7, arguments.count // 2, arguments.count - 9), BAD.items()):
            path = os.path.join(work, "bad-%s.attn" % kind)
            open(path, "w").write(text)
            files.insert(min(position, len(files)), path)
        command = [arguments.attn, "grade", "3", *files, "--jobs", str(arguments.jobs), "--json", "--timeout", "2",
                   "--max-memory", "500"]
        started = time.time()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        peak = {"total": 0, "largest": 0, "crashed": False}

        def watch():
            while process.poll() is None:
                total, largest = tree_rss(process.pid)
                peak["total"], peak["largest"] = max(peak["total"], total), max(peak["largest"], largest)
                if not peak["crashed"]:
                    found = subprocess.run(["pgrep", "-f", "grade-one .*bad-crash.attn"], capture_output=True,
                                           text=True).stdout.split()
                    if found:
                        time.sleep(0.5)
                        for pid in found:
                            os.kill(int(pid), signal.SIGKILL)
                        peak["crashed"] = True
                time.sleep(0.05)
        watcher = threading.Thread(target=watch)
        watcher.start()
        stdout, stderr = process.communicate()
        watcher.join()
        seconds = time.time() - started
        report = json.loads(stdout)
        marks = {submission["file"]: [mark["passed"] for mark in submission["exercises"]]
                 for submission in report["submissions"]}
        wrong = [path for path, want in expected.items() if marks.get(path) != want]
        reasons = {os.path.basename(submission["file"]): "; ".join(error["message"] for error in submission["errors"])
                   for submission in report["submissions"] if "bad-" in submission["file"]}
        crashed = "crashed attn (signal %d)" % signal.SIGKILL in reasons.get("bad-crash.attn", "")
        print("graded %d submissions (%d ordinary + hang, hog, crash) with --jobs %d in %.1f s: %.1f per second"
              % (len(report["submissions"]), len(expected), arguments.jobs, seconds, len(files) / seconds))
        print("peak memory: %.0f MB for attn and its grading processes together, %.0f MB the largest one"
              % (peak["total"] / 1024, peak["largest"] / 1024))
        for name, reason in sorted(reasons.items()):
            print("  %s: %s" % (name, reason))
        print("ordinary submissions with the wrong marks: %d; the crash reported as a crash: %s" % (len(wrong), crashed))
        if wrong or not crashed or process.returncode not in (0, 1):
            print(stderr[-2000:], file=sys.stderr)
            sys.exit(1)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
