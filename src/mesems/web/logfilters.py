"""Keeping patient data out of the log.

An exception's message can carry the values that caused it (a date of birth, an EDSS score, a
name typed into a form), and a traceback's text repeats it. The filter replaces a record's
traceback by where the exception went through (type, file, line, function), never its message or
local variables, and takes the query string off request lines; paths stay (they carry only
pseudonymous participant ids).
"""

from __future__ import annotations

import logging
import re
import traceback
from types import TracebackType

_QUERY = re.compile(r"\?[^\s\"]*")


def where(exc_type: type[BaseException], tb: TracebackType | None) -> str:
    """`ValueError at a.py:3 in f <- b.py:9 in g`: the exception's path through the code, innermost first."""
    frames = traceback.extract_tb(tb)
    path = " <- ".join(f"{f.filename.rsplit('/src/', 1)[-1]}:{f.lineno} in {f.name}" for f in reversed(frames))
    return f"{exc_type.__name__} at {path}" if path else exc_type.__name__


class NoPatientData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.name == "django.server":
            message = _QUERY.sub("?…", message)
        if record.exc_info and record.exc_info[0] is not None:
            message = f"{message} [{where(record.exc_info[0], record.exc_info[2])}]"
        record.msg, record.args = message, ()
        record.exc_info, record.exc_text = None, None
        return True
