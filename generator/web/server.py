"""Running the web page: loopback by default, a printed access token when it faces a network."""

from __future__ import annotations

import ipaddress
import secrets
import socket
from pathlib import Path

import click
import uvicorn

from generator.i18n import _
from generator.web.app import create_app


def is_loopback(host: str) -> bool:
    """Whether `host` is only reachable from this machine (127.0.0.0/8, ::1, localhost)."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        try:
            return all(ipaddress.ip_address(a[4][0]).is_loopback for a in socket.getaddrinfo(host, None))
        except OSError:
            return False


def serve(data: Path, *, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the page over `data` until stopped (Ctrl-C)."""
    token = None if is_loopback(host) else secrets.token_urlsafe(12)
    app = create_app(data, token=token)
    click.echo(_("vbgen serve: http://{host}:{port}/ (Ctrl-C để dừng)", host=host, port=port), err=True)
    if token:
        click.echo(_("Mã truy cập (trang sẽ hỏi một lần): {token}", token=token), err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
