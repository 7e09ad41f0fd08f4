"""A throw-away CA and a local HTTPS server for the TLS tests (test_tls.py, test_chroot.py).

The CA and the server certificate are made at test time by the openssl CLI in a
temporary folder; the server answers every GET with 200 "hello over tls\\n" and
counts the requests it served.
"""
import http.server
import os
import shutil
import ssl
import subprocess
import threading

BODY = b"hello over tls\n"


def have_openssl():
    return shutil.which("openssl") is not None


def make_ca(folder):
    """Create ca.pem (the test CA) and server.pem/server.key (SAN 127.0.0.1, localhost) in folder."""
    def run(*args):
        subprocess.run(["openssl"] + list(args), cwd=folder, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    run("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=ecsbatch test CA", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    run("req", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost")
    with open(os.path.join(folder, "ext.cnf"), "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                "extendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf")
    return os.path.join(folder, "ca.pem")


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.server.hits += 1
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.do_GET()

    def log_message(self, *args):
        pass


class TLSServer:
    """HTTPS on all loopback addresses (127.0.0.2 reaches it too: a name the certificate lacks)."""

    def __init__(self, folder):
        self.httpd = http.server.ThreadingHTTPServer(("", 0), _Handler)
        self.httpd.hits = 0
        self.httpd.connections = 0
        original = self.httpd.process_request

        def counted(request, client_address):
            self.httpd.connections += 1
            original(request, client_address)
        self.httpd.process_request = counted
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(os.path.join(folder, "server.pem"), os.path.join(folder, "server.key"))
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def hits(self):
        return self.httpd.hits

    @property
    def connections(self):
        return self.httpd.connections

    def url(self, host="127.0.0.1"):
        return f"https://{host}:{self.port}/"

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
