"""`mesems serve`: the web app behind gunicorn, as a trial runs it (and as `mesems demo` serves it).

Django's `runserver` is a development server: it writes a response's headers and body in two
small packets without TCP_NODELAY, so every answer waits some 40 ms on the client's delayed
acknowledgement, and one process serves all requests under one interpreter lock. gunicorn sets
TCP_NODELAY and runs several processes, each with a pool of threads.
"""

from __future__ import annotations

import os
import socket
from typing import Any

import typer
from gunicorn.app.base import BaseApplication

from mesems.errors import MesemsError


class MesemsServer(BaseApplication):  # type: ignore[misc]
    """gunicorn with its options from here rather than from a config file or the command line."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from mesems.web.wsgi import application

        return application


def server_options(host: str, port: int, workers: int, threads: int) -> dict[str, Any]:
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "backlog": 2048,
        "preload_app": True,
        "timeout": 120,
        "graceful_timeout": 10,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
    }


def require_free_address(host: str, port: int) -> None:
    """gunicorn would retry a taken address for five seconds and then stop with a log; say it at once."""
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as problem:
        raise MesemsError(f"cannot serve on {host}:{port}: {problem.strerror or problem}", field="port") from None


def serve_web_app(host: str, port: int, workers: int, threads: int) -> None:
    require_free_address(host, port)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mesems.web.settings")
    MesemsServer(server_options(host, port, workers, threads)).run()


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to serve on."),
    port: int = typer.Option(8000, min=1, max=65535, help="Port to serve on."),
    workers: int = typer.Option(os.cpu_count() or 1, min=1, help="Server processes (one per core)."),
    threads: int = typer.Option(8, min=1, help="Threads per process: requests each process serves at once."),
) -> None:
    """Serve the web app (gunicorn: several processes, each with a pool of threads)."""
    serve_web_app(host, port, workers, threads)
