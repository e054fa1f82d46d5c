#!/usr/bin/env python3
"""FLUSH on a stale FileId (MS-SMB2 3.3.5.11): after CLOSE, a FLUSH naming the old FileId finds no Open and MUST
fail with STATUS_FILE_CLOSED in an ERROR response (2.2.2).

    python3 flush_stale_fileid.py [--target ref | smb://alice:alice-pass@127.0.0.1:PORT/share]
"""
import argparse
import sys
import uuid

import smbconform
from smbconform import Status


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--target", default="ref")
    args = ap.parse_args()
    with smbconform.open_target(args.target) as target, smbconform.Client.connect(target) as c:
        r = c.request("CREATE", name=f"stale-{uuid.uuid4().hex[:8]}.txt", desired_access="FILE_WRITE_DATA",
                      create_disposition="FILE_OVERWRITE_IF", impersonation_level=2)
        f = r.file_id
        print(f"CREATE: {r.status}, file_id {dict(f)}")
        print(f"FLUSH (open): {c.request('FLUSH', file_id=f).status}")
        print(f"CLOSE: {c.request('CLOSE', file_id=f).status}")
        stale = c.request("FLUSH", file_id=f)
        print(f"FLUSH (stale FileId): {stale.command} {stale.status}")
    ok = stale.command == "ERROR" and stale.status is Status.STATUS_FILE_CLOSED
    print("ok" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
