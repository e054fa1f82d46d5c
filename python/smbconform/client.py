"""The smbconform client: negotiate, authenticate, tree connect, then any SMB2 request by keyword fields,
responses as objects with the same field names as scenario JSON, breaks, raw bytes and SMB1 frames."""
from __future__ import annotations

from typing import Any, Iterable, List, Optional, Sequence, Tuple, Union

from . import _core
from ._values import Fields, Status, status_of, status_text

#: MS-SMB2 3.3.4.6: MessageId of server-initiated messages (oplock/lease breaks).
UNSOLICITED_MESSAGE_ID = 0xFFFFFFFFFFFFFFFF


class Response:
    """One received message.

    ``command`` is the name an expect step uses (``"CREATE"``, ``"ERROR"``, ``"LEASE_BREAK"``; SMB1:
    ``"SMB_COM_NEGOTIATE"``), ``header`` and ``body`` are :class:`Fields`, and every body field is also an
    attribute (``resp.file_id``). ``status`` is a :class:`Status` when the code is known. When the body did not
    decode, ``body`` is None, ``decode_error`` says why and reading a body field raises :class:`DecodeError`.
    """

    __slots__ = ("command", "header", "body", "raw", "signature", "decode_error", "smb1", "bodies")

    def __init__(self, d: dict):
        self.command: str = d["command"]
        self.header = Fields(d["header"]) if d.get("header") is not None else Fields()
        self.body = Fields(d["body"]) if d.get("body") is not None else None
        self.raw: bytes = d.get("raw", b"")
        self.signature: str = d.get("signature", "unsigned")
        self.decode_error: Optional[str] = d.get("decode_error")
        self.smb1: bool = bool(d.get("smb1", False))
        self.bodies: List[Fields] = [Fields(b) for b in d.get("bodies", [])]

    @property
    def status(self) -> Union[Status, int]:
        """Header Status (MS-SMB2 2.2.1.2 / MS-CIFS 2.2.3.1) as a Status member, or int when unknown."""
        return status_of(self.header.get("status", 0))

    @property
    def message_id(self) -> int:
        return self.header.get("mid" if self.smb1 else "message_id", 0)

    @property
    def is_interim(self) -> bool:
        """MS-SMB2 3.3.4.2: an async STATUS_PENDING response."""
        return (not self.smb1 and bool(self.header.get("flags", 0) & 0x2)
                and self.header.get("status") == Status.STATUS_PENDING)

    @property
    def is_unsolicited(self) -> bool:
        return not self.smb1 and self.header.get("message_id") == UNSOLICITED_MESSAGE_ID

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        body = object.__getattribute__(self, "body")
        if body is None:
            raise _core.DecodeError(f"{self.command} response (message_id {self.message_id}): body does not decode: "
                                    f"{self.decode_error}")
        return getattr(body, name)

    def __dir__(self):
        return list(self.body.keys() if self.body else []) + ["command", "header", "body", "raw", "status",
                                                               "message_id", "signature", "decode_error"]

    def to_dict(self) -> dict:
        return {"command": self.command, "header": dict(self.header), "body": dict(self.body) if self.body else None}

    def __repr__(self) -> str:
        return f"<Response {self.command} {status_text(int(self.status))} message_id={self.message_id}>"


def _dialect_name(d: int) -> str:
    return {0x0202: "2.0.2", 0x0210: "2.1", 0x0300: "3.0", 0x0302: "3.0.2", 0x0311: "3.1.1"}.get(d, hex(d))


class Client:
    """One SMB connection (MS-SMB2 client role). Every wait takes a timeout in seconds.

    >>> c = Client("127.0.0.1", 445)
    >>> c.negotiate(); c.session_setup("alice", "alice-pass"); c.tree_connect("share")
    >>> mid = c.send("CREATE", name="a.txt", desired_access="FILE_READ_DATA", create_disposition="FILE_OPEN_IF")
    >>> f = c.wait_for(mid).file_id

    Errors: :class:`ConnectionError` (refused, closed), :class:`TimeoutError`, :class:`DecodeError` (a field or
    value that does not fit the message), :class:`Error` (NEGOTIATE / SESSION_SETUP / TREE_CONNECT failed; the
    message carries the status).
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 445, *, timeout: float = 5.0):
        self.host = host
        self.port = port
        self.timeout = timeout
        self._c = _core.Client(host, port, timeout)

    # --- prologue -----------------------------------------------------------------------------------------
    @classmethod
    def connect(cls, target: Any = None, *, account: str = "user", share: Optional[str] = "default",
                dialects: Optional[Sequence[Union[str, int]]] = None, signing: str = "enabled",
                timeout: float = 5.0) -> "Client":
        """TCP + NEGOTIATE + SESSION_SETUP + TREE_CONNECT against a target (a :class:`Target`, an
        ``smb://user:pass@host:port/share`` URL or a :class:`ReferenceServer`), as a scenario prologue does.
        ``account``: user, user2, guest, anonymous, none; ``share``: default, ipc, a share name, or None."""
        t = _target_of(target)
        c = cls(t.host, t.port, timeout=timeout)
        try:
            c.negotiate(dialects, signing=signing)
            if account != "none":
                if account == "user":
                    c.session_setup(t.user, t.password, domain=t.domain)
                elif account == "user2":
                    if t.user2 is None:
                        raise ValueError("target has no user2")
                    c.session_setup(*t.user2)
                elif account == "guest":
                    c.session_setup(guest=True)
                elif account == "anonymous":
                    c.session_setup(anonymous=True)
                else:
                    raise ValueError(f"unknown account {account!r}")
            if share is not None and account != "none":
                name = {"default": t.guest_share if account == "guest" and t.guest_share else t.share,
                        "ipc": "IPC$"}.get(share, share)
                c.tree_connect(name)
        except BaseException:
            c.close()
            raise
        return c

    def negotiate(self, dialects: Optional[Iterable[Union[str, int]]] = None, *, signing: str = "enabled",
                  capabilities: Optional[int] = None, timeout: Optional[float] = None) -> Fields:
        """NEGOTIATE (MS-SMB2 3.2.4.2.2.2); dialects as "2.0.2".."3.1.1" or numbers; signing enabled|required|none.
        Returns the NEGOTIATE response fields. Raises Error on an error status."""
        return Fields(self._c.negotiate(None if dialects is None else list(dialects), signing, capabilities,
                                        self._t(timeout)))

    def session_setup(self, user: Optional[str] = None, password: str = "", *, domain: str = "",
                      guest: bool = False, anonymous: bool = False, timeout: Optional[float] = None) -> Fields:
        """SESSION_SETUP (NTLMv2 in SPNEGO, MS-SMB2 3.2.4.2.3) as a user, a guest or anonymously.
        Returns the final response fields. Raises Error (STATUS_LOGON_FAILURE etc. in the message)."""
        kind = "guest" if guest else "anonymous" if anonymous else "user"
        if kind == "user" and not user:
            raise ValueError("session_setup needs a user (or guest=True / anonymous=True)")
        return Fields(self._c.session_setup(kind, user or "", password, domain, self._t(timeout)))

    def tree_connect(self, share: str, *, timeout: Optional[float] = None) -> Fields:
        """TREE_CONNECT to a share name ("share", "IPC$") or a full UNC path. Raises Error on an error status."""
        unc = share if share.startswith("\\\\") else f"\\\\{self.host}\\{share}"
        return Fields(self._c.tree_connect(unc, self._t(timeout)))

    # --- requests -------------------------------------------------------------------------------------------
    def send(self, command: str, *, header: Optional[dict] = None, sign: Optional[bool] = None,
             patches: Optional[Sequence[Tuple[int, bytes]]] = None, args: Optional[dict] = None,
             **fields: Any) -> int:
        """Sends one SMB2 request named as in scenarios (``"LOCK"``, ``"LEASE_BREAK_ACK"``) built from keyword
        fields with the JSON names (``file_id=f, lock_sequence={"index": 1, "number": 1}, locks=[...]``); flags as
        ints or spec names (``"SMB2_LOCKFLAG_EXCLUSIVE_LOCK"``), buffers as bytes. ``header`` overrides header
        fields, ``sign`` forces signing on/off, ``patches`` are (offset, bytes) applied after signing.
        Returns the MessageId. Raises DecodeError (unknown field/value), ConnectionError."""
        a = dict(args or {})
        a.update(fields)
        return self._c.send(command, a, header, sign, list(patches) if patches else None)

    def request(self, command: str, *, timeout: Optional[float] = None, **kw: Any) -> Response:
        """``send`` then ``wait_for`` the final response."""
        return self.wait_for(self.send(command, **kw), timeout=timeout)

    def receive(self, timeout: Optional[float] = None) -> Response:
        """The next message in arrival order (responses, interim responses, breaks). Raises TimeoutError."""
        return Response(self._c.receive(self._t(timeout)))

    def wait_for(self, message_id: int, timeout: Optional[float] = None, *, interim: bool = False) -> Response:
        """The response to ``message_id``; interim STATUS_PENDING responses are skipped unless ``interim``.
        Other messages stay queued for later waits. Raises TimeoutError, ConnectionError."""
        return Response(self._c.wait_for(message_id, self._t(timeout), interim))

    def expect_break(self, timeout: Optional[float] = None) -> Response:
        """The next server-initiated message (oplock break notification, MS-SMB2 2.2.23.1, or lease break
        notification, 2.2.23.2: MessageId 0xFFFFFFFFFFFFFFFF, 3.3.4.6). Raises TimeoutError when none comes."""
        return Response(self._c.expect_break(self._t(timeout)))

    def expect_nothing(self, timeout: float) -> bool:
        """True when no message arrives within ``timeout`` seconds (a message that does arrive stays queued)."""
        return self._c.expect_nothing(timeout)

    def wait_closed(self, timeout: Optional[float] = None) -> bool:
        """True when the server closes the connection within the timeout."""
        return self._c.wait_closed(self._t(timeout))

    # --- raw and SMB1 ---------------------------------------------------------------------------------------
    def send_raw(self, data: bytes, *, framed: bool = False, timeout: Optional[float] = None) -> None:
        """Sends bytes as given; without ``framed`` the 4-byte Direct TCP header (MS-SMB2 2.1) is prepended."""
        self._c.send_raw(bytes(data), framed, self._t(timeout))

    def sign(self, message: bytes) -> bytes:
        """The message signed with this session's key (sets SMB2_FLAGS_SIGNED)."""
        return self._c.sign(bytes(message))

    def send_smb1(self, commands: Union[str, Sequence[Tuple[str, dict]]], *, header: Optional[dict] = None,
                  **fields: Any) -> int:
        """Sends an SMB1 request (MS-CIFS): one command with keyword fields, or a list of (command, fields)
        chained as AndX. Returns the MID. Receive the answer with ``receive()`` (an SMB1 Response)."""
        chain = [(commands, fields)] if isinstance(commands, str) else list(commands)
        data = _core.smb1_encode_request(header or {}, chain)
        self.send_raw(data)
        return int.from_bytes(data[30:32], "little")

    # --- state ----------------------------------------------------------------------------------------------
    @property
    def dialect(self) -> int:
        return self._c.dialect

    @property
    def dialect_name(self) -> str:
        return _dialect_name(self._c.dialect)

    session_id = property(lambda self: self._c.session_id, lambda self, v: setattr(self._c, "session_id", v))
    tree_id = property(lambda self: self._c.tree_id, lambda self, v: setattr(self._c, "tree_id", v))
    next_message_id = property(lambda self: self._c.next_message_id)
    credits = property(lambda self: self._c.credits)
    session_signs = property(lambda self: self._c.session_signs)
    session_flags = property(lambda self: self._c.session_flags)
    last_sent = property(lambda self: self._c.last_sent, doc="Bytes of the last message sent (no stream header).")
    negotiate_response = property(lambda self: Fields(self._c.negotiate_response))
    is_open = property(lambda self: self._c.is_open)

    def close(self) -> None:
        self._c.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _t(self, timeout: Optional[float]) -> float:
        return self.timeout if timeout is None else timeout


def encode_request(command: str, header: Optional[dict] = None, **fields: Any) -> bytes:
    """SMB2 request bytes (header + body, unsigned, unframed) from JSON-named fields. Raises DecodeError."""
    return _core.encode_request(command, fields, header)


def decode_response(data: bytes) -> Response:
    """Decodes one SMB2 response message. Raises DecodeError (with the codec's reason)."""
    d = _core.decode_response(bytes(data))
    d["raw"] = bytes(data)
    return Response(d)


def decode_request(data: bytes) -> Response:
    """Decodes one SMB2 request message (same object shape as a response). Raises DecodeError."""
    d = _core.decode_request(bytes(data))
    d["raw"] = bytes(data)
    return Response(d)


def _target_of(target: Any) -> "_core.Target":
    if target is None:
        raise ValueError("a target is needed (Target, smb:// URL or ReferenceServer)")
    if isinstance(target, _core.Target):
        return target
    if isinstance(target, str):
        return _core.Target.parse(target)
    if hasattr(target, "target"):
        return target.target
    raise TypeError(f"not a target: {target!r}")
