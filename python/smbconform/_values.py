"""Value types shared by the package: the NTSTATUS enum and attribute-access field dictionaries."""
from __future__ import annotations

import enum
from typing import Any, Union

from . import _core

#: NTSTATUS values with their MS-ERREF 2.3.1 spec names (``Status.STATUS_FILE_CLOSED``). The same table as the
#: C++ codec (proto/include/smbproto/status_list.hpp), so names always agree with scenario JSON.
Status = enum.IntEnum("Status", _core.STATUS_TABLE, module=__name__)
Status.__doc__ = "NTSTATUS codes by their MS-ERREF spec names (an IntEnum: compares equal to the raw value)."
Status.__str__ = lambda self: self.name  # type: ignore[method-assign]


def status_of(value: int) -> Union[Status, int]:
    """``Status`` member for a known NTSTATUS value, else the plain int (unknown codes stay representable)."""
    try:
        return Status(value)
    except ValueError:
        return value


def status_text(value: int) -> str:
    """``"STATUS_FILE_CLOSED (0xc0000128)"``, or hex for a value outside the table."""
    return _core.status_to_string(int(value))


def _wrap(v: Any) -> Any:
    if isinstance(v, dict) and not isinstance(v, Fields):
        return Fields(v)
    if isinstance(v, list):
        return [_wrap(x) for x in v]
    return v


class Fields(dict):
    """A message's fields by their JSON/C++ names, readable as attributes (``resp.file_id.persistent``).

    It is a plain ``dict`` underneath, so it can be passed straight back as a request argument
    (``client.send("FLUSH", file_id=resp.file_id)``) or dumped as JSON.
    """

    def __getattr__(self, name: str) -> Any:
        if name == "volatile_":
            name = "volatile"
        try:
            return _wrap(self[name])
        except KeyError:
            raise AttributeError(f"no field {name!r} (fields: {', '.join(self.keys())})") from None

    def __getitem__(self, key: str) -> Any:
        return _wrap(dict.__getitem__(self, key))

    def __dir__(self):  # editor / REPL completion of field names
        return list(self.keys()) + list(dict.__dir__(self))
