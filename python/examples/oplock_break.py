#!/usr/bin/env python3
"""Oplock break and acknowledgment (MS-SMB2 3.3.4.6, 3.3.5.22.1): client A holds a batch oplock, client B opens the
same file, the server breaks A's oplock, A acknowledges, and B's CREATE completes.

    python3 oplock_break.py [--target ref | smb://alice:alice-pass@127.0.0.1:PORT/share]
"""
import argparse
import sys
import uuid

import smbconform
from smbconform import Status

SHARE_ALL = "FILE_SHARE_READ|FILE_SHARE_WRITE|FILE_SHARE_DELETE"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--target", default="ref")
    args = ap.parse_args()
    with smbconform.open_target(args.target) as target:
        a = smbconform.Client.connect(target)
        b = smbconform.Client.connect(target)
        name = f"oplock-{uuid.uuid4().hex[:8]}.txt"
        ra = a.request("CREATE", name=name, requested_oplock_level="SMB2_OPLOCK_LEVEL_BATCH", impersonation_level=2,
                       desired_access="FILE_READ_DATA|FILE_WRITE_DATA", share_access=SHARE_ALL,
                       create_disposition="FILE_OVERWRITE_IF")
        print(f"A: CREATE {name}: {ra.status}, oplock_level 0x{ra.oplock_level:02x}")
        if ra.oplock_level != 0x09:
            print("A: no batch oplock granted; nothing to break")
            return 1
        mid = b.send("CREATE", name=name, desired_access="FILE_READ_DATA", share_access=SHARE_ALL,
                     create_disposition="FILE_OPEN", impersonation_level=2)
        brk = a.expect_break(timeout=10)                # MessageId 0xFFFFFFFFFFFFFFFF (2.2.23.1)
        print(f"A: break notification: oplock_level 0x{brk.oplock_level:02x}, file_id {dict(brk.file_id)}")
        ack = a.request("OPLOCK_BREAK", file_id=ra.file_id, oplock_level=brk.oplock_level)  # 2.2.24.1
        print(f"A: acknowledgment -> {ack.status}, oplock_level 0x{ack.oplock_level:02x}")
        rb = b.wait_for(mid, timeout=10)
        print(f"B: CREATE completed: {rb.status}, oplock_level 0x{rb.oplock_level:02x}")
        ok = (brk.file_id == ra.file_id and ack.status is Status.STATUS_SUCCESS and rb.status is Status.STATUS_SUCCESS)
        for c, f in ((a, ra.file_id), (b, rb.file_id)):
            c.request("CLOSE", file_id=f)
            c.close()
    print("ok" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
