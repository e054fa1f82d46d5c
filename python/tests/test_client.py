# The Client against the reference server: prologue, requests by keyword fields, responses by the same names,
# interim/break waiting, raw bytes, and each client-side exception.
import socket
import struct
import uuid

import pytest

import smbconform
from smbconform import Status


def _name(tag: str) -> str:
    return f"py-{tag}-{uuid.uuid4().hex[:8]}.txt"


def _create(c, name, **kw):
    # MS-SMB2 3.3.5.13: writing past end of file needs FILE_APPEND_DATA, inside it FILE_WRITE_DATA.
    args = dict(name=name, desired_access="FILE_READ_DATA|FILE_WRITE_DATA|FILE_APPEND_DATA|FILE_READ_ATTRIBUTES",
                share_access="FILE_SHARE_READ|FILE_SHARE_WRITE|FILE_SHARE_DELETE",
                create_disposition="FILE_OVERWRITE_IF", create_options="FILE_NON_DIRECTORY_FILE",
                impersonation_level=2)
    args.update(kw)
    return c.request("CREATE", **args)


def test_prologue_step_by_step(reference_server):
    c = smbconform.Client(reference_server.host, reference_server.port)
    # MS-SMB2 3.3.5.3.1: the server selects a dialect the client offered; offering only 2.1 must yield 0x0210.
    neg = c.negotiate(["2.1"])
    assert neg.dialect_revision == 0x0210
    assert c.dialect_name == "2.1"
    ss = c.session_setup(reference_server.target.user, reference_server.target.password)
    assert c.session_id != 0                                    # MS-SMB2 2.2.1.2: server-assigned SessionId
    assert ss.structure_size == 9                               # MS-SMB2 2.2.6
    tc = c.tree_connect(reference_server.share)
    assert c.tree_id != 0
    assert tc.share_type == 1                                   # MS-SMB2 2.2.10: SMB2_SHARE_TYPE_DISK
    c.close()
    assert not c.is_open


def test_create_write_read_flush_close_by_field_names(smb_client):
    c = smb_client
    r = _create(c, _name("rw"))
    assert r.status is Status.STATUS_SUCCESS and r.command == "CREATE"
    f = r.file_id
    w = c.request("WRITE", file_id=f, offset=0, data=b"hello python")
    assert w.count == 12                                        # MS-SMB2 2.2.22: bytes written
    rd = c.request("READ", file_id=f, offset=0, length=5)
    assert rd.data == b"hello"                                  # MS-SMB2 2.2.20
    assert c.request("FLUSH", file_id=f).status == Status.STATUS_SUCCESS
    assert c.request("CLOSE", file_id=f).status == Status.STATUS_SUCCESS
    # MS-SMB2 3.3.5.11: no Open for the FileId -> STATUS_FILE_CLOSED, in an ERROR response (2.2.2).
    stale = c.request("FLUSH", file_id=f)
    assert stale.command == "ERROR"
    assert stale.status is Status.STATUS_FILE_CLOSED
    assert stale.header.message_id == c.next_message_id - 1


def test_send_returns_message_id_and_wait_for_matches_it(smb_client):
    c = smb_client
    first = c.send("ECHO")
    second = c.send("ECHO")
    assert second == first + 1                                  # MS-SMB2 3.2.4.1.3: MessageIds increase by CreditCharge 1
    # Waiting out of order keeps the other response queued.
    assert c.wait_for(second).header.message_id == second
    assert c.wait_for(first).header.message_id == first


def test_header_override_and_patches(smb_client):
    c = smb_client
    f = _create(c, _name("patch")).file_id
    # MS-SMB2 3.3.5.2.6 / 2.2.17: FLUSH StructureSize MUST be 24; a wrong one -> STATUS_INVALID_PARAMETER.
    r = c.request("FLUSH", file_id=f, structure_size=26)
    assert r.status is Status.STATUS_INVALID_PARAMETER
    # Same fault through a raw patch at body offset 0 (header is 64 bytes).
    r = c.request("FLUSH", file_id=f, patches=[(64, b"\x1a\x00")])
    assert r.status is Status.STATUS_INVALID_PARAMETER
    c.request("CLOSE", file_id=f)


def test_raw_bytes_in_and_out(reference_server):
    with smbconform.Client.connect(reference_server) as c:
        mid = c.next_message_id
        hdr = {"message_id": mid, "session_id": c.session_id, "credit_request_response": 1}
        raw = smbconform.encode_request("ECHO", header=hdr)
        c.send_raw(raw)
        r = c.wait_for(mid)
        assert r.command == "ECHO" and r.status == Status.STATUS_SUCCESS
        assert r.raw[:4] == b"\xfeSMB"
        assert struct.unpack_from("<H", r.raw, 64)[0] == 4        # MS-SMB2 2.2.29 ECHO response StructureSize


def test_bad_password_raises_error_with_status(reference_server):
    c = smbconform.Client(reference_server.host, reference_server.port)
    c.negotiate()
    with pytest.raises(smbconform.Error) as e:
        c.session_setup(reference_server.target.user, "wrong-password")
    # MS-SMB2 3.3.5.5.3: authentication failure -> the GSS error, STATUS_LOGON_FAILURE for NTLM.
    assert "STATUS_LOGON_FAILURE" in str(e.value)
    assert not isinstance(e.value, (smbconform.TimeoutError, smbconform.ConnectionError))


def test_expect_break_times_out_when_no_break(smb_client):
    with pytest.raises(smbconform.TimeoutError) as e:
        smb_client.expect_break(timeout=0.2)
    assert isinstance(e.value, TimeoutError)                    # also the builtin TimeoutError
    assert "unsolicited" in str(e.value)


def test_connection_refused_raises_connection_error():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()                                                   # nothing listens on this port now
    with pytest.raises(smbconform.ConnectionError) as e:
        smbconform.Client("127.0.0.1", port, timeout=2.0)
    assert isinstance(e.value, ConnectionError)


def test_undecodable_body_raises_decode_error_on_field_access():
    r = smbconform.Response({"command": "FLUSH", "header": {"message_id": 3, "status": 0}, "body": None,
                             "decode_error": "bad_structure_size", "raw": b""})
    assert r.status is Status.STATUS_SUCCESS
    with pytest.raises(smbconform.DecodeError, match="body does not decode: bad_structure_size"):
        _ = r.structure_size


def test_oplock_break_and_acknowledgment(reference_server):
    # MS-SMB2 3.3.4.6: a second open that conflicts with a batch oplock makes the server send an Oplock Break
    # Notification (MessageId 0xFFFFFFFFFFFFFFFF, 2.2.23.1) to the holder; the holder acknowledges (2.2.24.1) and
    # the server answers with an Oplock Break Response (2.2.25.1, 3.3.5.22.1).
    a = smbconform.Client.connect(reference_server)
    b = smbconform.Client.connect(reference_server)
    name = _name("oplock")
    ra = _create(a, name, requested_oplock_level="SMB2_OPLOCK_LEVEL_BATCH")
    assert ra.oplock_level == 0x09                              # SMB2_OPLOCK_LEVEL_BATCH granted (2.2.14)
    mid_b = b.send("CREATE", name=name, desired_access="FILE_READ_DATA",
                   share_access="FILE_SHARE_READ|FILE_SHARE_WRITE|FILE_SHARE_DELETE",
                   create_disposition="FILE_OPEN", impersonation_level=2)
    brk = a.expect_break(timeout=5.0)
    assert brk.is_unsolicited and brk.command == "OPLOCK_BREAK"
    assert brk.file_id == ra.file_id
    assert brk.oplock_level in (0x00, 0x01)                     # broken to NONE or LEVEL_II
    ack = a.request("OPLOCK_BREAK", file_id=ra.file_id, oplock_level=brk.oplock_level)
    assert ack.status is Status.STATUS_SUCCESS
    assert ack.oplock_level == brk.oplock_level                 # 3.3.5.22.1: response carries the new level
    rb = b.wait_for(mid_b, timeout=5.0)
    assert rb.status is Status.STATUS_SUCCESS
    a.close()
    b.close()
