from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from mesems.errors import RandomisationError
from mesems.protocol import Protocol
from mesems.protocol.model import Randomisation
from mesems.randomisation import ALL, all_strata, generate_list, generator_from_seed, read_list, write_list


def test_same_seed_same_list_and_digest(protocol: Protocol, blocks: Randomisation, arms: list[str]) -> None:
    strata = all_strata(blocks, [s.id for s in protocol.sites])
    first = generate_list(blocks, arms, strata, 8, generator_from_seed("seed-for-test"))
    again = generate_list(blocks, arms, strata, 8, generator_from_seed("seed-for-test"))
    other = generate_list(blocks, arms, strata, 8, generator_from_seed("seed-for-tesu"))
    assert first == again and first.digest == again.digest
    assert first.digest != other.digest
    assert len(first.strata) == 15 * 3


def test_default_strata_are_site_by_course(protocol: Protocol, blocks: Randomisation) -> None:
    strata = all_strata(blocks, [s.id for s in protocol.sites])
    assert "SE-KAR|RR" in strata and "CA-01|PP" in strata and len(strata) == 45


def test_unstratified_methods_use_one_trial_wide_stratum(blocks: Randomisation, arms: list[str]) -> None:
    for method in ("simple", "minimisation"):
        config = blocks.model_copy(update={"method": method})
        alist = generate_list(config, arms, ["SE-KAR|RR", "IT-01|SP"], {"SE-KAR|RR": 5, "IT-01|SP": 7}, np.random.default_rng(1))
        assert {e.stratum for e in alist.entries} == {ALL} and len(alist.entries) == 12
        assert all((e.follow is None) == (method == "simple") for e in alist.entries)


def test_short_seed_is_refused() -> None:
    with pytest.raises(RandomisationError, match="at least 8"):
        generator_from_seed("1234")


def test_file_round_trip_and_a_changed_file_is_refused(tmp_path: Path, blocks: Randomisation, arms: list[str]) -> None:
    alist = generate_list(blocks, arms, ["SE-KAR|RR"], 6, np.random.default_rng(2))
    path = tmp_path / "list.json"
    digest = write_list(alist, path)
    assert read_list(path) == alist and digest == alist.digest
    body = json.loads(path.read_text())
    body["entries"][0]["sequence"] = next(a for a in arms if a != body["entries"][0]["sequence"])
    path.write_text(json.dumps(body))
    with pytest.raises(RandomisationError, match="does not match its own digest"):
        read_list(path)


def test_unreadable_files_are_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(RandomisationError, match="does not exist"):
        read_list(tmp_path / "none.json")
    (tmp_path / "bad.json").write_text("{nope")
    with pytest.raises(RandomisationError, match="is not JSON"):
        read_list(tmp_path / "bad.json")
    (tmp_path / "odd.json").write_text('{"format": 1}')
    with pytest.raises(RandomisationError, match="not an allocation list"):
        read_list(tmp_path / "odd.json")


def test_two_arms_at_least(blocks: Randomisation) -> None:
    with pytest.raises(RandomisationError, match="two distinct arms"):
        generate_list(blocks, ["A"], ["S"], 4, np.random.default_rng(0))
