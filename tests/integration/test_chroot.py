"""The release binary needs nothing from the host (SPEC §1, FROM scratch): copied
alone (plus, for this test only, a test CA) into an empty folder and run under
chroot with an empty environment, `ecsbatch version` works and an HTTPS request
succeeds: no /etc, /lib, /usr, /dev (randomness from getrandom, CA bundle built in).
"""
import os
import shutil
import subprocess
import unittest

from integration import tls_helper
from integration.harness import BIN, FLAVOUR, TempDirTest


def release_binary():
    """The static release binary: $ECSBATCH_BIN in the release flavour, its sibling otherwise."""
    if FLAVOUR == "release":
        return BIN
    return os.path.join(os.path.dirname(os.path.dirname(BIN)), "ecsbatch")


def is_static(path):
    with open(path, "rb") as f:
        head = f.read(4096)
    return head.startswith(b"\x7fELF") and b"/ld-" not in head and b"ld-linux" not in head


def chroot_prefix():
    """How to enter a chroot here: directly as root, else in a user namespace; None if neither."""
    chroot = shutil.which("chroot") or "/usr/sbin/chroot"
    if not os.path.exists(chroot):
        return None
    if os.geteuid() == 0:
        return [chroot]
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-r", "true"], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL).returncode == 0:
        return [unshare, "-r", chroot]
    return None


@unittest.skipUnless(tls_helper.have_openssl(), "the openssl CLI is needed to make a test CA")
class ChrootTest(TempDirTest):
    def setUp(self):
        super().setUp()
        self.bin = release_binary()
        if not os.path.exists(self.bin) or not is_static(self.bin):
            self.skipTest(f"no static release binary at {self.bin}")
        self.prefix = chroot_prefix()
        if self.prefix is None:
            self.skipTest("neither root nor `unshare -r` is available to chroot")
        self.root = os.path.join(self.tmp, "root")
        os.mkdir(self.root)
        shutil.copy(self.bin, os.path.join(self.root, "ecsbatch"))
        certs = os.path.join(self.tmp, "certs")
        os.mkdir(certs)
        tls_helper.make_ca(certs)
        shutil.copy(os.path.join(certs, "ca.pem"), os.path.join(self.root, "ca.pem"))
        self.server = tls_helper.TLSServer(certs)

    def tearDown(self):
        if hasattr(self, "server"):
            self.server.stop()
        super().tearDown()

    def inside(self, args, env):
        return subprocess.run(self.prefix + [self.root, "/ecsbatch"] + args, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)

    def test_version_and_https_in_empty_root(self):
        self.assertEqual(sorted(os.listdir(self.root)), ["ca.pem", "ecsbatch"])
        p = self.inside(["version"], env={})
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(p.stdout.startswith("ecsbatch "), p.stdout)
        self.assertIn("mbedtls", p.stdout)
        # HTTPS with the test CA: TLS randomness and verification work with no /dev, /etc.
        p = self.inside(["_https-get", self.server.url()], env={"AWS_CA_BUNDLE": "/ca.pem"})
        self.assertEqual(p.returncode, 0, p.stderr + "(TLS needs randomness: is the binary's mbedTLS built with "
                         "vendor/mbedtls-config.sh, i.e. MBEDTLS_NO_PLATFORM_ENTROPY + "
                         "MBEDTLS_ENTROPY_HARDWARE_ALT, so it uses getrandom and not /dev/random?)")
        self.assertEqual(p.stdout, "status: 200\n" + tls_helper.BODY.decode())
        # The built-in bundle is in the binary too: it loads and refuses the test certificate.
        p = self.inside(["_https-get", self.server.url()], env={})
        self.assertEqual(p.returncode, 5)
        self.assertIn("does not verify", p.stderr)


if __name__ == "__main__":
    unittest.main()
