"""Reading Prometheus's text exposition format in tests: samples with
their labels, and the invariants of a histogram family (cumulative
buckets, +Inf equal to _count, a _sum the buckets allow)."""
import math
import re
import shutil
import subprocess

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def samples(text):
    """[(name, {label: value}, float)] of every sample line."""
    out = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        if not m:
            raise AssertionError("not a sample line: %r" % line)
        out.append((m.group(1), dict(LABEL.findall(m.group(2) or "")), float(m.group(3))))
    return out


def promtool_check(test, text):
    """`promtool check metrics` accepts text without a warning."""
    promtool = shutil.which("promtool")
    if not promtool:
        test.fail("promtool is missing (Debian package prometheus, in dev.sh)")
    check = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True)
    test.assertEqual(check.returncode, 0, check.stdout + check.stderr)
    test.assertEqual(check.stdout + check.stderr, "", "promtool warnings")


def histograms(test, text, family):
    """Every series of a histogram family, checked: {labels (sorted tuple,
    no le): {"buckets": [(le, cumulative)], "sum": s, "count": n}}.  The
    buckets never decrease, +Inf equals _count, and the sum lies between
    what the buckets' lower and upper bounds allow (each sample is at most
    its bucket's bound and more than the one before)."""
    series = {}
    for name, labels, value in samples(text):
        if not name.startswith(family + "_"):
            continue
        part = name[len(family) + 1:]
        le = labels.pop("le", None)
        key = tuple(sorted(labels.items()))
        s = series.setdefault(key, {"buckets": [], "sum": None, "count": None})
        if part == "bucket":
            s["buckets"].append((float(le), value))
        elif part in ("sum", "count"):
            s[part] = value
    for key, s in series.items():
        where = "%s%s" % (family, dict(key))
        b = s["buckets"]
        test.assertGreaterEqual(len(b), 2, where + ": buckets besides +Inf")
        test.assertEqual([le for le, _ in b], sorted(le for le, _ in b), where + ": le in order")
        test.assertTrue(math.isinf(b[-1][0]), where + ": the last bucket is +Inf")
        for (_, lo), (_, hi) in zip(b, b[1:]):
            test.assertLessEqual(lo, hi, where + ": buckets are cumulative")
        test.assertEqual(b[-1][1], s["count"], where + ": +Inf equals _count")
        low = high = 0.0
        previous_le, previous_count = 0.0, 0.0
        for le, cumulative in b:
            n = cumulative - previous_count
            if n:
                low += n * previous_le
                high += n * le
            previous_le, previous_count = le, cumulative
        test.assertLessEqual(low * (1 - 1e-9), s["sum"], where + ": sum below what the buckets hold")
        test.assertGreaterEqual(high * (1 + 1e-9), s["sum"], where + ": sum above what the buckets hold")
    return series
