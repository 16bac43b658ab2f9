"""Real servers for the tests of production: gunicorn as the README runs it (and nginx in front,
in the browser test of the whole path)."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`gunicorn 'tracker:create_app()'` on a port of its own, configured as in production."""

    def __init__(self, environment: dict, instance: Path, log: Path):
        self.port = free_port()
        self.environment = {**environment, "TRACKER_INSTANCE_PATH": str(instance)}
        self.log = log
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Server":
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    str(GUNICORN),
                    "--workers",
                    "2",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--timeout",
                    "120",
                    "tracker:create_app()",
                ],
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/healthz", timeout=10).status_code == 200:
                    return self
            except requests.RequestException:  # not listening yet, or its workers still load
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"gunicorn did not start: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


NGINX_CONF = """
user root;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    upstream tracker {{
        server 127.0.0.1:{upstream};
    }}
    server {{
        listen 127.0.0.1:{port} ssl;
        server_name localhost;
        ssl_certificate     {folder}/cert.pem;
        ssl_certificate_key {folder}/key.pem;
        add_header Strict-Transport-Security "max-age=31536000" always;
        client_max_body_size 10m;
        proxy_read_timeout 130s;
        location / {{
            proxy_pass http://tracker;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Request-Id $request_id;
        }}
    }}
}}
"""


class Nginx:
    """Debian's nginx with the README's site (https, HSTS, the forwarded headers, `Host $host`
    without the port) on a port of its own, in front of one gunicorn, with a self-signed
    certificate for localhost."""

    def __init__(self, folder: Path, upstream: int):
        self.folder = folder
        self.port = free_port()
        self.upstream = upstream
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"https://localhost:{self.port}"

    def start(self) -> "Nginx":
        self.folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=DNS:localhost",
                "-keyout",
                str(self.folder / "key.pem"),
                "-out",
                str(self.folder / "cert.pem"),
            ],
            check=True,
            capture_output=True,
        )
        config = self.folder / "nginx.conf"
        config.write_text(
            NGINX_CONF.format(folder=self.folder, port=self.port, upstream=self.upstream)
        )
        self.process = subprocess.Popen(
            ["nginx", "-p", str(self.folder), "-c", str(config), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(self.url + "/healthz", timeout=10, verify=self.folder / "cert.pem")
                return self
            except requests.RequestException:
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        error = self.process.stderr.read().decode() if self.process.stderr else ""
        raise AssertionError(f"nginx did not start: {error[-2000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
