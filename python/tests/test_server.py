# The reference server from Python: start/stop, state dump, fault injection, clock, session expiry, control errors.
import uuid

import pytest

import smbconform
from smbconform import Status


def test_start_state_and_stop():
    srv = smbconform.ReferenceServer()
    try:
        assert srv.running and srv.port > 0 and srv.target.is_reference
        st = srv.state()
        assert st["ok"] is True
        assert {"server", "sessions", "shares"} <= set(st)
        assert srv.share in [s["name"] for s in st["shares"]]
        with srv.client() as c:
            sessions = [s["session_id"] for s in srv.state()["sessions"]]
            assert c.session_id in sessions
    finally:
        srv.stop()
    assert not srv.running
    srv.stop()                                                  # idempotent


def test_context_manager_stops():
    with smbconform.ReferenceServer() as srv:
        pid = srv.pid
        assert pid > 0
    assert not srv.running


def test_inject_fault_makes_flush_fail(reference_server):
    srv = reference_server
    name = f"py-fault-{uuid.uuid4().hex[:8]}.txt"
    with srv.client() as c:
        f = c.request("CREATE", name=name, desired_access="FILE_WRITE_DATA", create_disposition="FILE_OVERWRITE_IF",
                      impersonation_level=2).file_id
        assert c.request("FLUSH", file_id=f).status is Status.STATUS_SUCCESS
        srv.inject_fault(Status.STATUS_DISK_FULL, operation="flush", path=name, count=1)
        # The object store's flush failure is the FLUSH status (MS-SMB2 3.3.5.11).
        r = c.request("FLUSH", file_id=f)
        assert r.command == "ERROR" and r.status is Status.STATUS_DISK_FULL
        srv.clear_faults()
        c.request("CLOSE", file_id=f)


def test_fault_count_and_clear_faults(reference_server):
    srv = reference_server
    name = f"py-openfault-{uuid.uuid4().hex[:8]}.txt"
    create = dict(name=name, desired_access="FILE_READ_DATA", create_disposition="FILE_OPEN_IF", impersonation_level=2)
    with srv.client() as c:
        srv.inject_fault("STATUS_INSUFFICIENT_RESOURCES", operation="open", path=name, count=1)
        assert c.request("CREATE", **create).status is Status.STATUS_INSUFFICIENT_RESOURCES
        ok = c.request("CREATE", **create)                      # count 1: consumed by the first open
        assert ok.status is Status.STATUS_SUCCESS
        c.request("CLOSE", file_id=ok.file_id)
        srv.inject_fault(Status.STATUS_INSUFFICIENT_RESOURCES, operation="open", path=name, count=-1)
        for _ in range(2):                                      # -1: until cleared
            assert c.request("CREATE", **create).status is Status.STATUS_INSUFFICIENT_RESOURCES
        srv.clear_faults()
        ok = c.request("CREATE", **create)
        assert ok.status is Status.STATUS_SUCCESS
        c.request("CLOSE", file_id=ok.file_id)


def test_advance_clock_reports_offset(reference_server):
    before = reference_server.advance_clock(0)["clock_offset_ms"]
    after = reference_server.advance_clock(1500)["clock_offset_ms"]
    assert after - before == 1500


def test_expire_session(reference_server):
    with reference_server.client() as c:
        reference_server.expire_session(c.session_id)
        # MS-SMB2 3.3.5.2.9: a request on an expired session (other than CLOSE/LOCK/LOGOFF/...) fails with
        # STATUS_NETWORK_SESSION_EXPIRED.
        r = c.request("CREATE", name="x.txt", desired_access="FILE_READ_DATA", create_disposition="FILE_OPEN_IF",
                      impersonation_level=2)
        assert r.status is Status.STATUS_NETWORK_SESSION_EXPIRED


def test_control_refusal_raises_error_with_server_message(reference_server):
    with pytest.raises(smbconform.Error, match="unknown session_id"):
        reference_server.expire_session(0xDEADBEEF)
