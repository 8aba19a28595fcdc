"""Production settings (MESEMS_PRODUCTION=1, behind HTTPS): `check --deploy` is clean, cookies are
secure and host-bound, plain HTTP is redirected, and HSTS is sent."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
from pathlib import Path

from tests.scratch import child_env

PROBE = """
import json
from mesems.web.bootstrap import setup_django
setup_django()
from django.conf import settings
from django.test import Client
plain = Client().get("/login/")
secure = Client().get("/login/", secure=True)
print(json.dumps({
    "debug": settings.DEBUG,
    "plain": [plain.status_code, plain.headers.get("Location", "")],
    "secure_status": secure.status_code,
    "hsts": secure.headers.get("Strict-Transport-Security", ""),
    "csp": secure.headers.get("Content-Security-Policy", ""),
    "cookies": {name: {"secure": bool(c["secure"]), "samesite": c["samesite"], "path": c["path"], "domain": c["domain"]} for name, c in secure.cookies.items()},
    "session": [settings.SESSION_COOKIE_NAME, settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY, settings.SESSION_COOKIE_SAMESITE],
}))
"""


def _production(tmp_path: Path) -> dict[str, str]:
    return child_env(MESEMS_PRODUCTION="1", MESEMS_SECRET_KEY=secrets.token_urlsafe(64), MESEMS_DATA_DIR=str(tmp_path),
                     MESEMS_ALLOWED_HOSTS="trial.example.org,testserver", MESEMS_DEBUG="1")


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "mesems.web.manage", "check", "--deploy", "--fail-level", "WARNING"],
                            capture_output=True, text=True, env=_production(tmp_path), timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout, result.stdout + result.stderr


def test_check_deploy_complains_without_production_settings(tmp_path: Path) -> None:
    env = child_env(MESEMS_DATA_DIR=str(tmp_path))
    result = subprocess.run([sys.executable, "-m", "mesems.web.manage", "check", "--deploy"], capture_output=True, text=True, env=env, timeout=120)
    assert "security.W012" in result.stderr + result.stdout, "SESSION_COOKIE_SECURE is off outside production, and the check says so"


def test_production_cookies_redirects_and_headers(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=_production(tmp_path), timeout=120)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["debug"] is False, "MESEMS_DEBUG=1 is ignored in production"
    assert seen["plain"] == [301, "https://testserver/login/"]
    assert seen["secure_status"] == 200
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert "script-src 'self'" in seen["csp"] and "frame-ancestors 'none'" in seen["csp"]
    assert seen["cookies"] == {"__Host-csrftoken": {"secure": True, "samesite": "Lax", "path": "/", "domain": ""}}
    assert seen["session"] == ["__Host-sessionid", True, True, "Lax"]
