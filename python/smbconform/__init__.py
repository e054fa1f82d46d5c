"""smbconform: script SMB2/SMB1 conformance cases packet by packet, build and run scenarios, collect them with pytest.

Binds the same codec, client, scenario runner and reference server as the C++ CLI, so Python, JSON scenarios and
C++ name every field the same way (``file_id``, ``lock_sequence``, ``header.message_id``).
"""
from __future__ import annotations

from . import _core
from ._core import ConnectionError, DecodeError, Error, ScenarioError, TimeoutError  # noqa: A004
from ._values import Fields, Status, status_of, status_text
from .client import UNSOLICITED_MESSAGE_ID, Client, Response, decode_request, decode_response, encode_request
from .scenario import (PreparedTarget, Run, Scenario, ScenarioBuilder, ScenarioResult, Target, load, load_all,
                       prepare_target, run)
from .server import ReferenceServer, find_server_binary, open_target

__version__ = "0.1.0"

#: Request names a send accepts (MS-SMB2 2.2.1.2 spelling, plus LEASE_BREAK_ACK).
REQUEST_NAMES = tuple(_core.request_names())
#: Response names (plus ERROR, LEASE_BREAK, LEASE_BREAK_ACK).
RESPONSE_NAMES = tuple(_core.response_names())
#: SMB1 command names (MS-CIFS 2.2.2.1 spelling).
SMB1_COMMAND_NAMES = tuple(_core.smb1_request_names())


def field_names(command: str, *, response: bool = False) -> list:
    """The field names of a request (or response) body, in spec order, as JSON and Python spell them."""
    table = _core.schema()["responses" if response else "requests"]
    if command not in table:
        raise KeyError(f"unknown {'response' if response else 'request'} {command!r}")
    return [f["name"] for f in table[command]["fields"]]


__all__ = [
    "Client", "Response", "Fields", "Status", "status_of", "status_text", "UNSOLICITED_MESSAGE_ID",
    "encode_request", "decode_request", "decode_response", "field_names",
    "Scenario", "ScenarioBuilder", "ScenarioResult", "Target", "Run", "load", "load_all", "run",
    "prepare_target", "PreparedTarget",
    "ReferenceServer", "find_server_binary", "open_target",
    "Error", "ScenarioError", "DecodeError", "TimeoutError", "ConnectionError",
    "REQUEST_NAMES", "RESPONSE_NAMES", "SMB1_COMMAND_NAMES",
]
