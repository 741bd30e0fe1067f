"""Flux files whose spouts and bolts name the user's Java classes, run as
Flux users run them: `gust local FILE.yaml --jar JAR` and `gust jar JAR
org.apache.storm.flux.Flux --local FILE.yaml`.

The test jar's classes (tests/java/src/gust/tests/flux/FluxParts.java) can
only be built the way Flux builds objects: constructorArgs (a list becoming
a String[]), {ref} and {reflist} to components, properties (a public field
and a setter given an enum constant by name), configMethods and a static
factory with factoryArgs.  They run beside a built-in class (LogInfoBolt)
and native components, and what they print shows each construction rule
took effect.  Classes and constructors that do not fit end the command with
status 2 and a message naming the file, line, component and class.
Timing never decides a result: the Java spout stops at its limit and the
drain settles every tuple.
"""
import os
import re
import subprocess
import tempfile
import unittest
from run_summary import summary

SOURCE = os.environ.get("GUST_SOURCE_DIR",
                        os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.environ.get("GUST_BUILD_DIR", os.path.join(SOURCE, "build"))
GUST = os.path.join(BUILD, "tools", "gust")
TESTS_JAR = os.path.join(BUILD, "tests", "java", "gust-java-tests.jar")
EXAMPLES_JAR = os.path.join(BUILD, "examples", "java", "gust-java-examples.jar")
MIXED = os.path.join(SOURCE, "tests", "tools", "fixtures", "flux_java", "mixed.yaml")
EXAMPLE = os.path.join(SOURCE, "examples", "java", "flux", "wordcount.yaml")
FLUX = "org.apache.storm.flux.Flux"
ENV = dict(os.environ, GUST_NATIVE_PATH=os.path.join(BUILD, "examples", "native"))


def gust(*args, timeout=300):
    return subprocess.run([GUST, *args], capture_output=True, text=True, timeout=timeout, env=ENV)


class GustJarFluxTest(unittest.TestCase):
    def check_mixed_run(self, r):
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        out = r.stdout
        # constructorArgs list -> String[], the public field limit = 300
        self.assertRegex(out, r"(?m)^flux spout: emitted 300 acked 300 failed 0$")
        # each word through loud (factory "!", enum UPPER, two addPrefix) and,
        # by the reflist, quiet (factory ".", default LOWER) and loud again
        m = re.search(r"(?m)^flux count count: total (\d+) words \[(.*)\]$", out)
        self.assertIsNotNone(m, out)
        self.assertEqual(int(m.group(1)), 900)
        self.assertEqual(m.group(2).split(", "),
                         ["<<ALPHA!", "<<BETA!", "<<GAMMA!", "alpha.", "beta.", "gamma."])
        rows = summary(out)
        self.assertEqual(rows["decorate"]["emitted"], 900)
        self.assertEqual(rows["decorate"]["acked"], 300)
        self.assertEqual(rows["log"]["executed"], 900)  # built-in, fed by a Java bolt
        # native spout -> native split -> Java count, acked through
        self.assertGreater(rows["sentences"]["emitted"], 0)
        self.assertEqual(rows["sentences"]["acked"], rows["sentences"]["emitted"])
        m = re.search(r"(?m)^flux count count-native-words: total (\d+) words", out)
        self.assertIsNotNone(m, out)
        self.assertEqual(int(m.group(1)), rows["split"]["emitted"])
        self.assertEqual(rows["count-native-words"]["acked"], rows["split"]["emitted"])
        # a component nothing refers to is never built
        self.assertNotIn("NoSuchClass", r.stderr)

    def test_gust_local_with_jar(self):
        self.check_mixed_run(gust("local", MIXED, "--jar", TESTS_JAR, "--duration", "3"))

    def test_gust_jar_flux_main_local(self):
        self.check_mixed_run(gust("jar", TESTS_JAR, FLUX, "--local", MIXED, "--sleep", "3000"))

    def test_gust_jar_local_flux_main_with_local_ttl(self):
        self.check_mixed_run(gust("jar", "--local", TESTS_JAR, FLUX, MIXED, "--local-ttl", "3"))

    def test_java_wordcount_example_as_flux(self):
        r = gust("jar", EXAMPLES_JAR, FLUX, "--local", EXAMPLE, "-s", "4000")
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        self.assertRegex(r.stdout, r"(?m)^sentence spout: emitted 3000 acked 3000 failed 0$")
        totals = [int(t) for t in re.findall(r"(?m)^count count:\d+: total (\d+) distinct \d+$",
                                             r.stdout)]
        self.assertEqual(sum(totals), 7 * 3000)
        # getComponentConfiguration's tick tuples reached the count bolt
        self.assertRegex(r.stderr, r"CountBolt - count:\d+: \d+ words, \d+ distinct")

    def test_dry_run_builds_and_validates(self):
        r = gust("jar", TESTS_JAR, FLUX, "--dry-run", MIXED)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("topology 'flux-java-mix' is valid", r.stdout)
        self.assertNotIn("flux spout:", r.stdout)

    def bad(self, old, new, *expected, dry_run=False):
        text = open(MIXED).read()
        self.assertIn(old, text)
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
            f.write(text.replace(old, new, 1))
        try:
            if dry_run:
                r = gust("jar", TESTS_JAR, FLUX, "--dry-run", f.name)
            else:
                r = gust("local", f.name, "--jar", TESTS_JAR, "--duration", "2")
        finally:
            os.unlink(f.name)
        self.assertEqual(r.returncode, 2, r.stderr)
        for e in expected:
            self.assertIn(e, r.stderr)
        self.assertNotIn("flux spout:", r.stdout)  # nothing ran
        return r

    def test_unknown_class(self):
        self.bad('className: "gust.tests.flux.FluxParts$CountBolt"',
                 'className: "gust.tests.flux.NoSuchBolt"',
                 ".yaml:49: bolt 'count': class 'gust.tests.flux.NoSuchBolt' cannot be built: "
                 "it is not on the class path")

    def test_unknown_class_dry_run(self):
        self.bad('className: "gust.tests.flux.FluxParts$CountBolt"',
                 'className: "gust.tests.flux.NoSuchBolt"', "gust.tests.flux.NoSuchBolt",
                 dry_run=True)

    def test_constructor_that_does_not_fit(self):
        self.bad('      - ref: "loud"', '      - "loud"',
                 ".yaml:40: bolt 'decorate': class 'gust.tests.flux.FluxParts$DecorateBolt' "
                 "cannot be built: it has no constructor taking (String loud) (constructorArgs)")

    def test_enum_constant_that_does_not_exist(self):
        self.bad('value: "UPPER"', 'value: "LOUD"',
                 "component 'loud' (class gust.tests.flux.FluxParts$Decorator) cannot be built: "
                 "'LOUD' is not a constant of enum gust.tests.flux.FluxParts$Mode")

    def test_config_method_that_does_not_exist(self):
        self.bad('name: "also"', 'name: "alsoo"', "has no public method 'alsoo'")

    def test_factory_that_does_not_exist(self):
        self.bad('factory: "create"', 'factory: "make"', "has no public static method 'make'")

    def test_property_that_does_not_exist(self):
        self.bad('name: "limit"', 'name: "limits"',
                 "neither a public setter 'setLimits'", "nor a public field 'limits'")

    def test_flux_options_refused(self):
        r = gust("jar", TESTS_JAR, FLUX, "--resource", MIXED)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--resource", r.stderr)
        r = gust("jar", TESTS_JAR, FLUX, "--local", "--remote", MIXED)
        self.assertEqual(r.returncode, 2)
        self.assertIn("exclude each other", r.stderr)


if __name__ == "__main__":
    unittest.main()
