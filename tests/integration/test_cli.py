"""The command line of SPEC §2: version, help, usage errors."""
import re
import unittest

from integration.harness import run


class CliTest(unittest.TestCase):
    def test_version_lists_linked_libraries(self):
        for argv in (["version"], ["--version"]):
            p = run(argv)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertRegex(p.stdout, r"^ecsbatch \d+\.\d+\.\d+\n")
            for lib, ver in (("mbedtls", r"3\.6\.\d+"), ("curl", r"8\.\d+\.\d+"), ("cjson", r"1\.7\.18"),
                             ("expat", r"2\.\d+\.\d+"), ("libyaml", r"0\.2\.5")):
                self.assertRegex(p.stdout, rf"(?m)^  {lib}\s+{ver}", lib)
            self.assertRegex(p.stdout, r"(?m)^  (musl\s+1\.2\.5|glibc\s+\d)")

    def test_help(self):
        for argv in (["help"], ["--help"], []):
            p = run(argv)
            self.assertEqual(p.returncode, 0)
            self.assertIn("usage: ecsbatch COMMAND", p.stdout)
            self.assertIn("whoami", p.stdout)
        p = run(["help", "run"])
        self.assertIn("usage: ecsbatch run", p.stdout)
        p = run(["run", "--help"])
        self.assertIn("--dry-run", p.stdout)

    def test_unknown_command_and_option_exit_2(self):
        p = run(["frobnicate"])
        self.assertEqual(p.returncode, 2)
        self.assertIn("unknown command 'frobnicate'", p.stderr)
        p = run(["run", "--frob"])
        self.assertEqual(p.returncode, 2)
        self.assertIn("unknown option '--frob'", p.stderr)
        p = run(["run", "--config"])
        self.assertEqual(p.returncode, 2)
        p = run(["run", "--log-format", "xml"])
        self.assertEqual(p.returncode, 2)
        self.assertIn("'xml'", p.stderr)
        p = run(["status"])
        self.assertEqual(p.returncode, 2)
        p = run(["version"], env={"ECSBATCH_LOG_LEVEL": "loud"})
        self.assertEqual(p.returncode, 2)
        self.assertIn("ECSBATCH_LOG_LEVEL", p.stderr)


if __name__ == "__main__":
    unittest.main()
