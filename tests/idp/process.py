"""The test provider as a separate process (``running``), and the tests' door to its users."""

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60  # seconds for migrate and the first answer


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Provider:
    issuer: str
    client_id: str
    client_secret: str

    @property
    def base(self):
        return self.issuer.removesuffix("/o")

    def set_user(self, username, groups, password="idp-pw-for-tests", **fields):  # noqa: S107
        """Makes ``username`` (or changes them) with exactly ``groups``."""
        body = json.dumps({"username": username, "groups": groups, "password": password, **fields})
        request = urllib.request.Request(  # noqa: S310 (loopback)
            f"{self.base}/test/users/",
            data=body.encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
            return json.load(response)


def _answers(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
            return response.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def running(tmp_dir, redirect_uris, post_logout_uris=()):
    """The provider on a free port of 127.0.0.1, with the product registered for
    ``redirect_uris`` (and ``post_logout_uris``); stopped on leaving."""
    port = free_port()
    provider = Provider(f"http://127.0.0.1:{port}/o", "sspf-test-client", "sspf-test-secret")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.idp.settings",
        "SSPF_IDP_PORT": str(port),
        "SSPF_IDP_DB": str(Path(tmp_dir) / "idp.sqlite3"),
        "SSPF_IDP_CLIENT_ID": provider.client_id,
        "SSPF_IDP_CLIENT_SECRET": provider.client_secret,
        "SSPF_IDP_REDIRECT_URI": " ".join(redirect_uris),
        "SSPF_IDP_POST_LOGOUT_URI": " ".join(post_logout_uris),
    }
    env.pop("DATABASE_URL", None)
    log = open(Path(tmp_dir) / "idp.log", "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "tests.idp.serve"], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        discovery = f"{provider.issuer}/.well-known/openid-configuration"
        while not _answers(discovery):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    "the test identity provider did not start:\n"
                    + (Path(tmp_dir) / "idp.log").read_text()
                )
            time.sleep(0.1)
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
