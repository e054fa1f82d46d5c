# The codec through Python: NTSTATUS names, SMB2 encode/decode with the JSON field names, SMB1, field lists.
import struct

import pytest

import smbconform
from smbconform import Status


def test_status_enum_has_spec_names_and_values():
    # MS-ERREF 2.3.1: STATUS_FILE_CLOSED = 0xC0000128, STATUS_SUCCESS = 0, STATUS_PENDING = 0x00000103.
    assert Status.STATUS_FILE_CLOSED == 0xC0000128
    assert Status.STATUS_SUCCESS == 0
    assert Status(0x103) is Status.STATUS_PENDING
    assert str(Status.STATUS_ACCESS_DENIED) == "STATUS_ACCESS_DENIED"
    # Unknown codes stay representable (printed as hex).
    assert smbconform.status_of(0xC0FFEE01) == 0xC0FFEE01
    assert smbconform.status_text(0xC0000128) == "STATUS_FILE_CLOSED (0xc0000128)"


def test_lock_sequence_packs_number_in_low_nibble():
    # MS-SMB2 2.2.26: LockSequenceNumber is the low 4 bits and LockSequenceIndex the high 28 bits of the
    # 4 bytes at body offset 0x04 (little-endian); index 2, number 5 -> 0x00000025.
    msg = smbconform.encode_request("LOCK", file_id={"persistent": 1, "volatile": 2},
                                    lock_sequence={"index": 2, "number": 5},
                                    locks=[{"offset": 0, "length": 10, "flags": "SMB2_LOCKFLAG_EXCLUSIVE_LOCK"}])
    body = msg[64:]
    assert struct.unpack_from("<H", body, 0)[0] == 48          # StructureSize MUST be 48 (2.2.26)
    assert struct.unpack_from("<H", body, 2)[0] == 1           # LockCount = number of elements
    assert struct.unpack_from("<I", body, 4)[0] == 0x25
    assert struct.unpack_from("<QQ", body, 8) == (1, 2)        # FileId Persistent, Volatile (2.2.14.1)
    # SMB2_LOCK_ELEMENT (2.2.26.1): Offset, Length, Flags (EXCLUSIVE_LOCK = 0x00000002), Reserved.
    assert struct.unpack_from("<QQII", body, 24) == (0, 10, 2, 0)


def test_request_round_trip_keeps_field_names():
    msg = smbconform.encode_request("FLUSH", file_id={"persistent": 7, "volatile": 9}, header={"message_id": 42})
    r = smbconform.decode_request(msg)
    assert r.command == "FLUSH"
    assert r.header.message_id == 42
    assert r.header.command == 7                                # MS-SMB2 2.2.1.2: FLUSH = 0x0007
    assert r.file_id == {"persistent": 7, "volatile": 9}
    assert r.file_id.volatile == 9
    assert r.structure_size == 24                               # MS-SMB2 2.2.17


def test_unknown_field_raises_located_decode_error():
    with pytest.raises(smbconform.DecodeError) as e:
        smbconform.encode_request("FLUSH", file_idd={"persistent": 1, "volatile": 1})
    assert "FLUSH: field args.file_idd: unknown field" in str(e.value)   # same path as a JSON send step
    with pytest.raises(smbconform.DecodeError, match=r"locks\[0\]\.flags: unknown value"):
        smbconform.encode_request("LOCK", locks=[{"flags": "NOT_A_FLAG"}])


def test_decode_of_malformed_bytes_raises_decode_error():
    with pytest.raises(smbconform.DecodeError):
        smbconform.decode_response(b"\xfeSMB" + b"\x00" * 10)   # shorter than the 64-byte header (2.2.1)
    with pytest.raises(ValueError):                             # DecodeError is also a ValueError
        smbconform.decode_response(b"\x00" * 64)                # ProtocolId is not 0xFE 'S' 'M' 'B'


def test_error_response_decodes_as_error_body():
    # MS-SMB2 2.2.2: an error response has StructureSize 9; the status is data, not a decode failure.
    hdr = {"flags": "SMB2_FLAGS_SERVER_TO_REDIR", "status": int(Status.STATUS_FILE_CLOSED), "command": "FLUSH"}
    raw = bytearray(smbconform.encode_request("FLUSH", header=hdr))[:64]
    raw += struct.pack("<HBBI", 9, 0, 0, 0) + b"\x00"
    r = smbconform.decode_response(bytes(raw))
    assert r.command == "ERROR"
    assert r.status is Status.STATUS_FILE_CLOSED
    assert r.structure_size == 9


def test_field_names_match_the_json_names():
    assert smbconform.field_names("LOCK") == ["structure_size", "lock_count", "lock_sequence", "file_id", "locks"]
    assert "oplock_level" in smbconform.field_names("OPLOCK_BREAK")
    assert "file_id" in smbconform.field_names("CREATE", response=True)
    assert "LEASE_BREAK_ACK" in smbconform.REQUEST_NAMES


def test_smb1_round_trip():
    # MS-CIFS 2.2.4.39 SMB_COM_ECHO; the header is 32 bytes with 0xFF 'S' 'M' 'B' (2.2.3.1).
    names = smbconform.SMB1_COMMAND_NAMES
    assert "SMB_COM_ECHO" in names and "SMB_COM_NEGOTIATE" in names
    msg = smbconform._core.smb1_encode_request({"mid": 77, "tid": 5}, [("SMB_COM_ECHO", {})])
    assert msg[:4] == b"\xffSMB"
    assert msg[4] == 0x2B                                       # SMB_COM_ECHO command code (2.2.2.1)
    d = smbconform._core.smb1_decode_request(msg)
    assert d["header"]["mid"] == 77 and d["header"]["tid"] == 5
    assert d["bodies"][0]["command"] == "SMB_COM_ECHO"
