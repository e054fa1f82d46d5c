#!/usr/bin/env python3
"""LockSequence replay (MS-SMB2 3.3.5.14): on a durable open, a LOCK repeated with the same LockSequenceIndex and
LockSequenceNumber is a replay and MUST succeed without locking again; a new sequence number is a new request.

The index/number pair is the 4-byte field at body offset 0x04 (2.2.26): number in the low 4 bits, index above.

    python3 lock_sequence_replay.py [--target ref | smb://alice:alice-pass@127.0.0.1:PORT/share]
"""
import argparse
import sys
import uuid

import smbconform
from smbconform import Status

EXCLUSIVE_NOW = "SMB2_LOCKFLAG_EXCLUSIVE_LOCK|SMB2_LOCKFLAG_FAIL_IMMEDIATELY"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--target", default="ref")
    args = ap.parse_args()
    with smbconform.open_target(args.target) as target:
        c = smbconform.Client.connect(target, dialects=["3.0", "3.0.2", "3.1.1"])
        name = f"lockseq-{uuid.uuid4().hex[:8]}.txt"
        # A durable open (2.2.13.2.3 DHnQ with a batch oplock, 3.3.5.9.6) so that 3.3.5.14 checks the sequence.
        r = c.request("CREATE", name=name, requested_oplock_level="SMB2_OPLOCK_LEVEL_BATCH", impersonation_level=2,
                      desired_access="FILE_READ_DATA|FILE_WRITE_DATA", create_disposition="FILE_OVERWRITE_IF",
                      share_access="FILE_SHARE_READ|FILE_SHARE_WRITE|FILE_SHARE_DELETE",
                      create_contexts=[{"name": b"DHnQ", "data": bytes(16)}])
        f = r.file_id
        durable = any(ctx.name == b"DHnQ" for ctx in r.create_contexts)  # 2.2.14.2.3 response context
        print(f"CREATE {name}: {r.status}, durable: {durable}")
        lock = [{"offset": 0, "length": 10, "flags": EXCLUSIVE_NOW}]
        first = c.request("LOCK", file_id=f, lock_sequence={"index": 1, "number": 1}, locks=lock)
        print(f"LOCK index 1 number 1: {first.status}")
        replay = c.request("LOCK", file_id=f, lock_sequence={"index": 1, "number": 1}, locks=lock)
        print(f"LOCK replayed (same index/number): {replay.status}  (3.3.5.14: replay -> STATUS_SUCCESS)")
        fresh = c.request("LOCK", file_id=f, lock_sequence={"index": 1, "number": 2}, locks=lock)
        print(f"LOCK index 1 number 2: {fresh.status}  (a new request on a locked range -> STATUS_LOCK_NOT_GRANTED)")
        c.request("CLOSE", file_id=f)
        c.close()
    ok = (durable and first.status is Status.STATUS_SUCCESS and replay.status is Status.STATUS_SUCCESS
          and fresh.status is Status.STATUS_LOCK_NOT_GRANTED)
    print("ok" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
