"""Every example in examples/ runs as its header says.

Each Flux file in examples/ (except one only included by another) carries
a block of shell lines after a comment line ending "repository root:".
This test runs that block with bash from the repository root, as a user
would, with two changes that keep it short and private: every
`gust local` runs for a few seconds, and files under /tmp/ go to a
private directory.  Each `gust local` must exit 0 and print a summary in
which something was emitted and executed.  Every other file in examples/
but the build's CMakeLists.txt must be used by an example (named in one of
its files).
"""
import os
import re
import subprocess
import tempfile
import unittest
from run_summary import summary

SOURCE = os.environ.get("GUST_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("GUST_BUILD_DIR", os.path.join(SOURCE, "build"))
EXAMPLES = os.path.join(SOURCE, "examples")
RUN_SECONDS = "3"


def read(path):
    with open(os.path.join(SOURCE, path), errors="replace") as f:
        return f.read()


def example_files():
    for root, _, names in os.walk(EXAMPLES):
        for name in sorted(names):
            yield os.path.relpath(os.path.join(root, name), SOURCE)


def included_files():
    """Flux files that another example includes (they do not run alone)."""
    included = set()
    for path in example_files():
        if path.endswith(".yaml"):
            for m in re.finditer(r'^\s+file:\s*"?([^"\s]+)"?', read(path), re.M):
                included.add(os.path.normpath(os.path.join(os.path.dirname(path), m.group(1))))
    return included


def run_block(path):
    """The shell lines of the file's header after "...repository root:"."""
    lines, block, started = read(path).splitlines(), [], False
    for line in lines:
        if not line.startswith("#"):
            break
        text = line[1:]
        if not started:
            started = text.rstrip().endswith("repository root:")
            continue
        if text.strip() == "":
            if block:
                break
            continue
        block.append(text.strip())
    return block


def shortened(command, tmp):
    # /tmp/ first: the build directory may itself lie under /tmp/
    command = command.replace("/tmp/", tmp + "/")
    command = command.replace("build/tools/gust", os.path.join(BUILD, "tools", "gust"))
    if " local " in command:
        command = re.sub(r"--duration \S+ ", "", command)
        command = command.replace(" local ", " local --duration %s " % RUN_SECONDS, 1)
    return command


class Examples(unittest.TestCase):
    def test_every_example_runs_as_its_header_says(self):
        included = included_files()
        flux_files = [p for p in example_files() if p.endswith(".yaml") and p not in included]
        self.assertGreaterEqual(len(flux_files), 14)
        for path in flux_files:
            with self.subTest(example=path):
                block = run_block(path)
                self.assertTrue(block, "%s: no 'Run it with, from the repository root:' block" % path)
                self.assertTrue(any(path in line for line in block), block)
                runs = sum(" local " in line for line in block)
                self.assertGreaterEqual(runs, 1, block)
                with tempfile.TemporaryDirectory() as tmp:
                    script = "set -e\n" + "\n".join(shortened(line, tmp) for line in block) + "\n"
                    r = subprocess.run(["bash", "-c", script], cwd=SOURCE, capture_output=True,
                                       text=True, timeout=300)
                self.assertEqual(r.returncode, 0, "%s\n%s" % (script, r.stderr[-4000:]))
                self.assertEqual(r.stdout.count("\nran ") + r.stdout.startswith("ran "), runs,
                                 r.stdout)
                rows = summary(r.stdout)
                self.assertTrue(rows, r.stdout)
                self.assertGreater(sum(row["emitted"] for row in rows.values()), 0, r.stdout)
                self.assertGreater(sum(row["executed"] for row in rows.values()), 0, r.stdout)
                self.assertNotIn("Traceback", r.stderr)

    def test_every_other_example_file_is_used_by_an_example(self):
        texts = {p: read(p) for p in example_files()}
        for path in texts:
            if path.endswith(".yaml") or path.endswith("CMakeLists.txt"):  # the build runs those
                continue
            name = os.path.basename(path)
            stem = os.path.splitext(name)[0]
            used = any(other != path and (name in text or re.search(r"\bimport %s\b" % stem, text))
                       for other, text in texts.items())
            self.assertTrue(used, "%s is used by no example" % path)


if __name__ == "__main__":
    unittest.main(verbosity=2)
