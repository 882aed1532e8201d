"""The last line of the input-validation layer: a malformed file is an input error, never a crash.

Loaders validate what they know (types, ranges, names) and raise InputError with ``file:line`` and the
field. Data can still be wrong in a way no loader anticipated: a ``None`` where a list was expected deep
inside a dashboard, a NaN reaching decimal arithmetic. :func:`reading` turns the exceptions such data
raises into an InputError that names the file and what it was being read as (exit 2); the original
exception stays chained (``--debug`` shows it), so the gap can be closed with a precise check.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from obskit.errors import InputError

# what malformed data raises inside code that trusted its shape
DATA_ERRORS: tuple[type[BaseException], ...] = (
    TypeError, ValueError, KeyError, IndexError, AttributeError, ArithmeticError, decimal.InvalidOperation,
    RecursionError, UnicodeError,
)


@contextmanager
def reading(path: Path | str, what: str) -> Iterator[None]:
    """Run the body; data errors become ``InputError("<path>: cannot read as <what>: ...")``."""
    try:
        yield
    except InputError:
        raise
    except RecursionError as exc:
        raise InputError(f"{path}: nested too deeply to read as {what}") from exc
    except DATA_ERRORS as exc:
        detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise InputError(f"{path}: not a valid {what}: {type(exc).__name__}: {detail}",
                         hint="the file's structure differs from what was expected; check the named field"
                         ) from exc
