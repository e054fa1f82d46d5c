"""The reference server from Python: start/stop smbconform-server, read its state, inject faults, advance its clock."""
from __future__ import annotations

import os
import shutil
from typing import Any, Optional

from . import _core


def find_server_binary(binary: Optional[str] = None) -> str:
    """The smbconform-server to start: ``binary``, else $SMBCONFORM_SERVER, else the one this module was built
    with, else the one installed inside the package, else ``smbconform-server`` on PATH. Raises Error when none
    exists."""
    packaged = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bin", "smbconform-server")  # pip install
    for candidate in (binary, os.environ.get("SMBCONFORM_SERVER"), _core.DEFAULT_SERVER_BINARY, packaged):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("smbconform-server")
    if found:
        return found
    raise _core.Error("reference server: smbconform-server not found (build it, or set SMBCONFORM_SERVER)")


class ReferenceServer:
    """A running reference server on 127.0.0.1 with fresh temporary shares, users alice/alice-pass and
    bob/bob-pass, guest logons on. Starts on construction; ``stop()`` (or leaving a ``with`` block) stops it.

    >>> with ReferenceServer() as srv:
    ...     c = srv.client()
    ...     srv.advance_clock(35000)

    Control requests that the server refuses (``"ok": false``) raise :class:`Error` with its message.
    """

    def __init__(self, binary: Optional[str] = None, *, timeout: float = 15.0):
        self.binary = find_server_binary(binary)
        self._s = _core.RefServer(self.binary, int(timeout * 1000))

    # --- facts ---------------------------------------------------------------------------------------------
    @property
    def target(self) -> "_core.Target":
        """The :class:`Target` to run scenarios or connect clients against."""
        return self._s.target

    host = property(lambda self: self._s.target.host)
    port = property(lambda self: self._s.target.port)
    share = property(lambda self: self._s.target.share)
    share_root = property(lambda self: self._s.target.share_root, doc="Local directory of the default share.")
    pid = property(lambda self: self._s.pid)
    running = property(lambda self: self._s.running)

    def client(self, account: str = "user", **kw: Any):
        """A connected client (NEGOTIATE, SESSION_SETUP as ``account``, TREE_CONNECT to the default share)."""
        from .client import Client
        return Client.connect(self.target, account=account, **kw)

    # --- control channel -----------------------------------------------------------------------------------
    def control(self, op: str, timeout: float = 5.0, **args: Any) -> dict:
        """One control request; ``share="default"`` means the default share (as in scenarios)."""
        req = {"op": op}
        for k, v in args.items():
            if v is None:
                continue
            if k == "share" and v == "default":
                v = self.share
            req[k] = v
        return self._s.control(req, timeout)

    def state(self) -> dict:
        """The server's state dump: {server, connections, sessions (with opens), shares}."""
        return self.control("state")

    def inject_fault(self, status: Any, *, operation: str = "flush", path: Optional[str] = None,
                     share: str = "default", count: int = 1) -> dict:
        """Makes the next ``count`` (-1: until cleared) object-store ``operation`` calls (flush, read, write,
        open, close, set_info) on ``path`` (share-relative; None = any) fail with ``status``."""
        st = status.name if hasattr(status, "name") else status
        if isinstance(st, int):
            st = "0x%08x" % st
        return self.control("fault", share=share, operation=operation, path=path, status=st, count=count)

    def clear_faults(self, share: Optional[str] = None) -> dict:
        return self.control("clear_faults", share=share)

    def advance_clock(self, ms: int) -> dict:
        """Moves the server's protocol clock forward (fires due timers, e.g. the oplock break timeout)."""
        return self.control("advance_clock", ms=int(ms))

    def expire_session(self, session_id: int) -> dict:
        """Marks a session expired (MS-SMB2 3.3.5.2.9 hook)."""
        return self.control("expire_session", session_id=int(session_id))

    def volume(self, *, read_only: Optional[bool] = None, dismounted: Optional[bool] = None,
               share: str = "default") -> dict:
        return self.control("volume", share=share, read_only=read_only, dismounted=dismounted)

    def stop(self) -> None:
        """Stops the process and removes its temporary directory (idempotent)."""
        self._s.stop()

    def __enter__(self) -> "ReferenceServer":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def __del__(self) -> None:
        try:
            self._s.stop()
        except Exception:
            pass


def open_target(spec: Any = "ref", **overrides: Any):
    """``with open_target("ref" | profile | "smb://user:pass@host:port/share" | Target | ReferenceServer) as t:``
    resolves a target as the CLI's --target does (``"ref"`` starts a reference server for the block).
    Raises ValueError for a malformed URL or unknown profile."""
    from .scenario import PreparedTarget, prepare_target
    if isinstance(spec, str):
        return _TargetContext(prepare_target(spec, **overrides))
    return _TargetContext(PreparedTarget(spec if isinstance(spec, _core.Target) else spec.target, None, ""))


class _TargetContext:
    def __init__(self, prepared: Any):
        self.prepared = prepared

    def __enter__(self) -> "_core.Target":
        return self.prepared.target

    def __exit__(self, *exc: Any) -> None:
        self.prepared.close()
