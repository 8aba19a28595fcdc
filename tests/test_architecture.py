"""The shape of the package, enforced: the core never imports Django."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

CORE = ["protocol", "eligibility", "randomisation", "schedule", "clinical", "stats", "sim", "exports", "reports", "access", "audit", "cellproduct"]


def test_import_linter_contract_holds() -> None:
    result = subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--no-cache"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "The core never imports Django KEPT" in result.stdout


def test_no_core_module_names_django_even_lazily() -> None:
    offenders = []
    for area in CORE:
        for file in (REPO / "src" / "mesems" / area).rglob("*.py"):
            for node in ast.walk(ast.parse(file.read_text())):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                offenders += [f"{file.relative_to(REPO)}: {n}" for n in names if n.split(".")[0] in {"django", "ninja"} or n.startswith("mesems.web")]
    assert offenders == []


def test_one_error_root() -> None:
    import mesems.errors as errors

    families = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, Exception) and c is not errors.MesemsError]
    assert families and all(issubclass(c, errors.MesemsError) and c.__doc__ for c in families)
