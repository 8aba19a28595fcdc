"""Throwaway databases for tests that run mesems in child processes (the CLI, a real server):
a SQLite file in a temporary folder, or a PostgreSQL database created for the test and dropped after."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tests.conftest import REPO

PG_URL = "postgres://postgres@127.0.0.1:5432/mesems"

SEED = """
from mesems.web.bootstrap import setup_django
setup_django()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from mesems.access import Role
from mesems.protocol import load_protocol
from mesems.web.apps.accounts.models import User
from mesems.web.apps.trials.models import Participant, Site
from mesems.web.apps.trials.services import correct_participant, install_protocol
install_protocol(load_protocol())
manager = User.objects.create(username="manager", role=Role.DATA_MANAGER.value)
for number, site in enumerate(("SE-KAR", "IT-01", "SE-KAR"), start=1):
    participant = Participant.objects.create(code=f"{site}-{number:04d}", site=Site.objects.get(code=site), ms_course="RR")
    correct_participant(manager, participant.code, version=1, reason="course was misread", values={"ms_course": "SP"})
    correct_participant(manager, participant.code, version=2, reason="second opinion", values={"ms_course": "PP"})
"""
"""Migrates and fills a database with a trial whose audit trail has a few dozen records."""


def child_env(**overrides: str) -> dict[str, str]:
    """The environment of a child mesems: this checkout's sources, SQLite unless a URL is given."""
    env = {k: v for k, v in os.environ.items() if k != "MESEMS_DATABASE_URL"}
    env.update({"PYTHONPATH": str(REPO / "src"), "MESEMS_SECRET_KEY": "scratch-" + "k" * 50, **overrides})
    return env


def run_mesems(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mesems", *args], capture_output=True, text=True, env=env, timeout=timeout)


def run_python(env: dict[str, str], code: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=timeout)
    assert result.returncode == 0, result.stderr
    return result


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(_with_database(os.environ.get("MESEMS_DATABASE_URL", PG_URL), "postgres"), autocommit=True) as connection:
        connection.execute(sql)


@contextmanager
def scratch_database(kind: str, folder: Path, copy_of: dict[str, str] | None = None) -> Iterator[dict[str, str]]:
    """The environment of a child mesems using a new database of `kind` (sqlite or postgres): empty,
    or a copy of the scratch database of `copy_of` (faster than migrating and seeding again)."""
    if kind == "sqlite":
        if copy_of is not None:
            shutil.copytree(copy_of["MESEMS_DATA_DIR"], folder, dirs_exist_ok=True)
        folder.mkdir(parents=True, exist_ok=True)
        yield child_env(MESEMS_DATA_DIR=str(folder))
        return
    folder.mkdir(parents=True, exist_ok=True)
    name = f"mesems_scratch_{secrets.token_hex(6)}"
    template = f' TEMPLATE "{urlsplit(copy_of["MESEMS_DATABASE_URL"]).path.lstrip("/")}"' if copy_of is not None else ""
    _admin(f'CREATE DATABASE "{name}"{template}')
    try:
        yield child_env(MESEMS_DATA_DIR=str(folder), MESEMS_DATABASE_URL=_with_database(os.environ.get("MESEMS_DATABASE_URL", PG_URL), name))
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
