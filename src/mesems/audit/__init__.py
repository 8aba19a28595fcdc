"""The tamper-evident audit chain: each record holds the digest of the one before it."""

from mesems.audit.chain import GENESIS, ChainProblem, record_digest, verify_chain

__all__ = ["GENESIS", "ChainProblem", "record_digest", "verify_chain"]
