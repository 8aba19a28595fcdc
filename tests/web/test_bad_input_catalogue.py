"""Keeps the bad-input catalogue in README.md (section Security) true: each row of its table is tried here
(by form, API or CLI), and the answer must be the row's status or exit code and API error code, the
user must see each quoted text, and never a traceback. A row without a check, or a check without a
row, fails."""

from __future__ import annotations

import datetime as dt
import gzip
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mesems.access import Role
from tests.conftest import REPO
from tests.scratch import SEED, run_mesems, run_python, scratch_database
from tests.web.conftest import PASSWORD
from tests.web.figures import record_figure
from tests.web.principals import fast_hashing  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

DOC = REPO / "README.md"


@dataclass(frozen=True)
class Row:
    id: str
    via: str
    status: int
    code: str | None
    sees: tuple[str, ...]


def catalogue() -> list[Row]:
    text = DOC.read_text(encoding="utf-8")
    table = text.split("<!-- bad-input-catalogue:start -->", 1)[1].split("<!-- bad-input-catalogue:end -->", 1)[0]
    rows = []
    for line in table.strip().splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        answer = re.fullmatch(r"(?:exit (\d+)|(\d{3}))(?: `(\w+)`)?", cells[3])
        assert answer, f"row {cells[0]}: the answer {cells[3]!r} is neither 'exit N' nor 'NNN `code`'"
        rows.append(Row(cells[0].strip("`"), cells[1], int(answer.group(1) or answer.group(2)), answer.group(3), tuple(re.findall(r'"([^"]+)"', cells[4]))))
    return rows


@dataclass(frozen=True)
class Outcome:
    status: int
    text: str
    code: str | None = None


@dataclass(frozen=True)
class CliWorld:
    """A seeded SQLite trial database and a backup of it, shared by the CLI rows."""

    env: dict[str, str]
    backup: Path


@pytest.fixture(scope="module")
def cli_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CliWorld]:
    folder = tmp_path_factory.mktemp("catalogue")
    with scratch_database("sqlite", folder / "db") as env:
        run_python(env, SEED)
        backup = folder / "trial.mesems"
        assert run_mesems(env, "backup", "--out", str(backup)).returncode == 0
        yield CliWorld(env, backup)


def _cli(env: dict[str, str], *args: str) -> Outcome:
    result = run_mesems(env, *args)
    return Outcome(result.returncode, result.stderr + result.stdout)


def _file(folder: Path, name: str, content: bytes) -> str:
    path = folder / name
    path.write_bytes(content)
    return str(path)


CliCase = Callable[[CliWorld, Path], Outcome]

CLI_CASES: dict[str, CliCase] = {
    "cli-validate-missing-file": lambda w, t: _cli(w.env, "protocol", "validate", str(t / "nope.yaml")),
    "cli-validate-not-yaml": lambda w, t: _cli(w.env, "protocol", "validate", _file(t, "p.yaml", b"a: [1, 2\n")),
    "cli-validate-breaks-rules": lambda w, t: _cli(w.env, "protocol", "validate", _file(t, "p.yaml", b"identity: {id: X, title: T}\narms: [{id: a, label: A, interventions: [Z], dose: 3}]\n")),
    "cli-import-not-json": lambda w, t: _cli(w.env, "protocol", "import-ctgov", _file(t, "r.json", b"hello"), "--out", str(t / "o.yaml")),
    "cli-import-not-a-record": lambda w, t: _cli(w.env, "protocol", "import-ctgov", _file(t, "r.json", b'{"hello": 1}'), "--out", str(t / "o.yaml")),
    "cli-unknown-option": lambda w, t: _cli(w.env, "protocol", "show", "--colour"),
    "cli-backup-missing-folder": lambda w, t: _cli(w.env, "backup", "--out", str(t / "no" / "folder" / "b.mesems")),
    "cli-restore-missing-file": lambda w, t: _cli(w.env, "restore", str(t / "nope.mesems")),
    "cli-restore-not-a-backup": lambda w, t: _cli(w.env, "restore", _file(t, "b.mesems", b"id,name\n1,x\n")),
    "cli-restore-cut-short": lambda w, t: _cli(w.env, "restore", _file(t, "b.mesems", w.backup.read_bytes()[:-40])),
    "cli-restore-edited": lambda w, t: _cli(w.env, "restore", _file(t, "b.mesems", gzip.compress(gzip.decompress(w.backup.read_bytes()).replace(b'"ms_course":"PP"', b'"ms_course":"RR"', 1)))),
    "cli-restore-not-empty": lambda w, t: _cli(w.env, "restore", str(w.backup)),
}


def _audit_not_migrated(world: CliWorld, tmp: Path) -> Outcome:
    with scratch_database("sqlite", tmp / "empty") as env:
        return _cli(env, "audit", "verify")


def _audit_tampered(world: CliWorld, tmp: Path) -> Outcome:
    with scratch_database("sqlite", tmp / "copy", copy_of=world.env) as env:
        run_python(env, "from mesems.web.bootstrap import setup_django\nsetup_django()\nfrom django.db import connection\n"
                        "connection.cursor().execute(\"UPDATE audit_auditevent SET reason = 'tidied' WHERE id = 20\")")
        return _cli(env, "audit", "verify")


def _restore_sidecar(world: CliWorld, tmp: Path) -> Outcome:
    copy = tmp / "trial.mesems"
    shutil.copy(world.backup, copy)
    (tmp / "trial.mesems.sha256").write_text("0" * 64 + "  trial.mesems\n")
    return _cli(world.env, "restore", str(copy))


CLI_CASES.update({"cli-audit-not-migrated": _audit_not_migrated, "cli-audit-tampered": _audit_tampered, "cli-restore-sidecar": _restore_sidecar})


class Web:
    """Participants at two sites and users made on demand; every call through Django's test client."""

    def __init__(self, make_user: Callable[..., Any], make_participant: Callable[..., Any]) -> None:
        self.make_user = make_user
        make_participant("SE-KAR-0001", "SE-KAR")
        make_participant("IT-01-0001", "IT-01")

    def signed_in(self, role: Role, site: str | None = None, *, csrf: bool = False) -> Client:
        client = Client(enforce_csrf_checks=csrf)
        client.force_login(self.make_user(role, site))
        return client

    def token(self, role: Role, site: str | None = None, idle_minutes: float = 0) -> Client:
        from mesems.web.apps.accounts.models import ApiToken

        ApiToken.objects.create(user=self.make_user(role, site), key_digest=ApiToken.digest("key"), last_used_at=timezone.now() - dt.timedelta(minutes=idle_minutes))
        return Client(HTTP_AUTHORIZATION="Bearer key")


def _answer(response: Any) -> Outcome:
    text = response.content.decode(errors="replace") + " " + response.headers.get("Location", "")
    code = response.json().get("code") if response.headers.get("Content-Type", "").startswith("application/json") else None
    return Outcome(response.status_code, text, code)


def _post_json(client: Client, path: str, body: Any, method: str = "post") -> Outcome:
    return _answer(getattr(client, method)(path, data=body, content_type="application/json"))


def _fail_sign_in(user: Any, times: int) -> None:
    for _ in range(times):
        Client().post("/login/", {"username": user.username, "password": "wrong-guess"})


def _api_token_locked(web: Web) -> Outcome:
    user = web.make_user(Role.MONITOR)
    _fail_sign_in(user, 5)
    return _post_json(Client(), "/api/auth/token", {"username": user.username, "password": PASSWORD})


def _form_login_locked(web: Web) -> Outcome:
    user = web.make_user(Role.MONITOR)
    _fail_sign_in(user, 5)
    return _answer(Client().post("/login/", {"username": user.username, "password": PASSWORD}))


def _idle_session(web: Web) -> Outcome:
    from django.contrib.sessions.models import Session

    client = web.signed_in(Role.NURSE, "SE-KAR")
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    return _answer(client.get("/"))


def _second_factor_wrong(web: Web) -> Outcome:
    client = web.signed_in(Role.DSMB)
    client.get("/account/second-factor/")
    return _answer(client.post("/account/second-factor/", {"code": "12"}))


def _infusion_before_the_bedside_check(client: Client, path: str) -> Outcome:
    """SE-KAR-0001 at week 0 (visit reported, weight taken) records an infusion on the case report
    form although no bag has passed the bedside check: the bag code typed is refused at its field."""
    from mesems.web.apps.accounts.models import User
    from mesems.web.apps.trials.models import Participant
    from mesems.web.apps.visits.services import report_visit, save_record, site_today, start_schedule

    participant = Participant.objects.select_related("site").get(code="SE-KAR-0001")
    Participant.objects.filter(pk=participant.pk).update(status=Participant.Status.RANDOMISED)
    day = site_today(participant.site)
    start_schedule(participant, day)
    nurse = User.objects.get(username="nurse-se-kar")
    report_visit(nurse, participant.code, "W00", {"visit_date": day, "ae_review": "no", "conmed_review": "no", "relapse_review": "no"})
    save_record(nurse, "weight", participant.code, {"measured_on": day, "weight_kg": 70}, visit_code="W00")
    body = {"visit": "W00", "infused_on": day.isoformat(), "product_code": "P-7F3K", "dose_per_kg": 1.5e6, "volume_ml": 100}
    if path.startswith("/api/"):
        return _post_json(client, path, body)
    return _answer(client.post(path, body))


CORRECTION = "/api/participants/SE-KAR-0001"
EDIT = "/participants/SE-KAR-0001/edit/"

WEB_CASES: dict[str, Callable[[Web], Outcome]] = {
    "api-token-wrong-types": lambda w: _post_json(Client(), "/api/auth/token", {"username": 5}),
    "api-unknown-field": lambda w: _post_json(Client(), "/api/auth/token", {"username": "a", "password": "b", "pasword": "c"}),
    "api-token-not-json": lambda w: _post_json(Client(), "/api/auth/token", "{not json"),
    "api-token-wrong-password": lambda w: _post_json(Client(), "/api/auth/token", {"username": w.make_user(Role.MONITOR).username, "password": "nope"}),
    "api-token-locked": _api_token_locked,
    "api-no-credentials": lambda w: _answer(Client().get("/api/participants")),
    "api-idle-token": lambda w: _answer(w.token(Role.MONITOR, idle_minutes=31).get("/api/participants")),
    "api-role-denied": lambda w: _post_json(w.token(Role.NURSE, "SE-KAR"), CORRECTION, {"version": 1, "reason": "r", "ms_course": "SP"}, "patch"),
    "api-other-site": lambda w: _answer(w.token(Role.NURSE, "SE-KAR").get("/api/participants/IT-01-0001")),
    "api-stale-version": lambda w: _post_json(w.token(Role.DATA_MANAGER), CORRECTION, {"version": 5, "reason": "r", "ms_course": "SP"}, "patch"),
    "api-no-reason": lambda w: _post_json(w.token(Role.DATA_MANAGER), CORRECTION, {"version": 1, "ms_course": "SP"}, "patch"),
    "api-unknown-course": lambda w: _post_json(w.token(Role.DATA_MANAGER), CORRECTION, {"version": 1, "reason": "r", "ms_course": "XX"}, "patch"),
    "api-nul": lambda w: _post_json(w.token(Role.DATA_MANAGER), CORRECTION, '{"version": 1, "reason": "a\\u0000b"}', "patch"),
    "api-control-character": lambda w: _post_json(w.token(Role.DATA_MANAGER), CORRECTION, '{"version": 1, "reason": "a\\u0015b"}', "patch"),
    "api-infusion-before-bedside-check": lambda w: _infusion_before_the_bedside_check(w.token(Role.NURSE, "SE-KAR"), "/api/participants/SE-KAR-0001/crf/infusion"),
    "api-session-without-csrf": lambda w: _post_json(w.signed_in(Role.DATA_MANAGER, csrf=True), CORRECTION, {"version": 1, "reason": "r", "ms_course": "SP"}, "patch"),
    "form-login-wrong-password": lambda w: _answer(Client().post("/login/", {"username": w.make_user(Role.MONITOR).username, "password": "nope"})),
    "form-login-locked": _form_login_locked,
    "form-login-without-csrf": lambda w: _answer(Client(enforce_csrf_checks=True).post("/login/", {"username": "x", "password": "y"})),
    "form-correction-no-reason": lambda w: _answer(w.signed_in(Role.DATA_MANAGER).post(EDIT, {"ms_course": "SP", "reason": "", "version": 1})),
    "form-correction-unknown-course": lambda w: _answer(w.signed_in(Role.DATA_MANAGER).post(EDIT, {"ms_course": "XX", "reason": "r", "version": 1})),
    "form-correction-stale": lambda w: _answer(w.signed_in(Role.DATA_MANAGER).post(EDIT, {"ms_course": "SP", "reason": "r", "version": 5})),
    "form-correction-control-character": lambda w: _answer(w.signed_in(Role.DATA_MANAGER).post(EDIT, {"ms_course": "SP", "reason": "a\x15b", "version": 1})),
    "form-second-factor-wrong": _second_factor_wrong,
    "form-infusion-before-bedside-check": lambda w: _infusion_before_the_bedside_check(w.signed_in(Role.NURSE, "SE-KAR"), "/site/p/SE-KAR-0001/new/infusion/?visit=W00"),
    "page-other-site": lambda w: _answer(w.signed_in(Role.NURSE, "SE-KAR").get("/participants/IT-01-0001/")),
    "page-role-denied": lambda w: _answer(w.signed_in(Role.NURSE, "SE-KAR").get(EDIT)),
    "page-idle-session": _idle_session,
    "page-nul": lambda w: _answer(w.signed_in(Role.DATA_MANAGER).get("/participants/SE-KAR%000001/")),
}

ROWS = catalogue()
MULTI_LINE = {"cli-validate-breaks-rules", "cli-unknown-option"}
"""CLI refusals allowed more than one line: validation lists every problem; typer prints its usage."""


def test_every_check_has_a_row_and_every_row_a_check() -> None:
    rows, checks = {r.id for r in ROWS}, set(CLI_CASES) | set(WEB_CASES)
    assert len(rows) == len(ROWS), "a row id appears twice"
    assert rows - checks == set(), f"rows without a check: {sorted(rows - checks)}"
    assert checks - rows == set(), f"checks without a row: {sorted(checks - rows)}"


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_catalogue_row_holds(row: Row, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    if row.id in CLI_CASES:
        outcome = CLI_CASES[row.id](request.getfixturevalue("cli_world"), tmp_path)
    else:
        request.getfixturevalue("fast_hashing")
        outcome = WEB_CASES[row.id](Web(request.getfixturevalue("make_user"), request.getfixturevalue("make_participant")))
    assert outcome.status == row.status, f"{row.id}: got {outcome.status}, the catalogue says {row.status}\n{outcome.text[:1500]}"
    if row.code is not None:
        assert outcome.code == row.code, f"{row.id}: got code {outcome.code!r}, the catalogue says {row.code!r}"
    for text in row.sees:
        assert text in outcome.text, f"{row.id}: the user does not see {text!r}\n{outcome.text[:1500]}"
    assert "Traceback" not in outcome.text
    if row.via == "CLI" and row.status == 2 and row.id not in MULTI_LINE:
        assert outcome.text.count("\n") == 1, f"{row.id}: a refusal is one line\n{outcome.text}"
    record_figure(f"catalogue-{row.id}", via=row.via, holds=True)
