"""nginx serving the generated site as http://www.mofa.go.kr, reached as a forward proxy.

Crawlers get `http_proxy=http://127.0.0.1:PORT` and ask for `http://www.mofa.go.kr/...`: nginx takes
the absolute URI of a proxied request as its own, so every system fetches the real URLs, and the
URL arguments pick the file (`list.do?page=N` -> list/N.html, `view.do?seq=N` -> view/N.html).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

HOST = "www.mofa.go.kr"

CONFIG = """\
daemon off;
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {work}/client_body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    types {{ text/html html; text/plain txt; }}
    default_type application/octet-stream;
    charset utf-8;
    charset_types text/html text/plain;
    map $arg_page $list_file {{ "~^(?<n>[0-9]+)$" $n; default 1; }}
    map $arg_seq $view_file {{ "~^(?<n>[0-9]+)$" $n; default none; }}
    server {{
        listen 127.0.0.1:{port};
        server_name {host};
        root {site};
        location = /robots.txt {{ }}
        location = /eng/brd/m_5676/list.do {{ try_files /eng/brd/m_5676/list/$list_file.html =404; }}
        location = /eng/brd/m_5676/view.do {{ try_files /eng/brd/m_5676/view/$view_file.html =404; }}
        location / {{ return 404; }}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Nginx:
    site: Path
    work: Path
    port: int = 0
    process: subprocess.Popen | None = None

    @property
    def proxy(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
            raise SystemExit("bench: nginx is not installed (apt-get install nginx)")
        self.work.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        config = self.work / "nginx.conf"
        config.write_text(CONFIG.format(work=self.work, port=self.port, host=HOST, site=self.site.resolve()))
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        self.process = subprocess.Popen([binary, "-c", str(config), "-p", str(self.work)], stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"bench: nginx failed: {self.process.stderr.read().decode()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("bench: nginx did not start listening")

    def cpu_seconds(self) -> float:
        """CPU time of nginx's master and worker so far."""
        assert self.process is not None
        pids = [self.process.pid, *children(self.process.pid)]
        return sum(cpu_seconds(pid) for pid in pids)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: the master ends its worker
            self.process.wait(timeout=10)
