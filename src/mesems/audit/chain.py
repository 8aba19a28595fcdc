"""Digest chaining of audit records.

digest_i = SHA-256(digest_{i-1} || canonical JSON of record i), with digest_0 = GENESIS.
Changing a record breaks its own digest; deleting or inserting one breaks the link of the next;
so `verify_chain` finds a changed, deleted or inserted row from the records alone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical(record: Mapping[str, Any]) -> bytes:
    return json.dumps(record, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False).encode()


def record_digest(previous: str, record: Mapping[str, Any]) -> str:
    return hashlib.sha256(previous.encode() + canonical(record)).hexdigest()


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    kind: str
    message: str


def verify_chain(rows: Iterable[tuple[int, str, str, Mapping[str, Any]]]) -> list[ChainProblem]:
    """Checks rows of (seq, prev_digest, digest, record) in order of seq.

    A row whose digest does not match its content was changed; a row whose `prev_digest` is not
    the digest of the row before it follows a deletion or an insertion.
    """
    problems: list[ChainProblem] = []
    expected_prev = GENESIS
    last_seq: int | None = None
    for seq, prev_digest, digest, record in rows:
        if prev_digest != expected_prev:
            kind = "deleted_or_inserted"
            gap = f" (sequence jumps from {last_seq} to {seq})" if last_seq is not None and seq != last_seq + 1 else ""
            problems.append(ChainProblem(seq, kind, f"record {seq} does not follow the record before it{gap}: a record was deleted or inserted"))
        if record_digest(prev_digest, record) != digest:
            problems.append(ChainProblem(seq, "changed", f"record {seq} was changed after it was written"))
        expected_prev = digest
        last_seq = seq
    return problems
