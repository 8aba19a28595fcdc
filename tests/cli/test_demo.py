from __future__ import annotations

import sqlite3
from pathlib import Path

from mesems.access import Role
from tests.conftest import run_cli


def test_demo_migrates_seeds_and_prints_a_login_per_role(tmp_path: Path) -> None:
    result = run_cli("demo", "--no-serve", env={"MESEMS_DATA_DIR": str(tmp_path)}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for role in Role:
        assert role.value in result.stdout
    db = sqlite3.connect(tmp_path / "mesems.sqlite3")
    roles = {r for (r,) in db.execute("select distinct role from accounts_user")}
    assert roles == {r.value for r in Role}
    assert db.execute("select count(*) from trials_site").fetchone()[0] == 15
    again = run_cli("demo", "--no-serve", env={"MESEMS_DATA_DIR": str(tmp_path)}, cwd=tmp_path)
    assert again.returncode == 0, "the demo can be run twice"
