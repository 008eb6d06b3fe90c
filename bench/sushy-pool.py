#!/usr/bin/python3
"""The peer of `rpower all stat` in `npm run bench`: OpenStack's sushy (Debian python3-sushy) in a pool of
threads, each node: connect (sushy's default auth: a session, else Basic), the Systems collection, the
member, its PowerState, logout. The fleet comes from HWCTL_FLOOR_FLEET (the floor's file: hosts, CA,
username, password file). Prints one JSON line: nodes, ok, errors (first few). Exit 3 when sushy is missing.
"""
import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor

try:
    import sushy
except ImportError:
    print(json.dumps({"skipped": "sushy is not importable (scripts/install-bench-deps.sh)"}))
    sys.exit(3)

import logging

logging.disable(logging.CRITICAL)

fleet = json.load(open(os.environ["HWCTL_FLOOR_FLEET"]))
password = open(fleet["passwordFile"]).read().strip()
threads = int(sys.argv[1]) if len(sys.argv) > 1 else 64


def stat(host):
    conn = sushy.Sushy(
        "https://%s/redfish/v1/" % host,
        username=fleet["username"],
        password=password,
        verify=fleet["ca"],
    )
    try:
        members = conn.get_system_collection().get_members()
        return members[0].power_state
    finally:
        # Logout (DELETE of the session), then the connection; sushy has no public close.
        getattr(conn, "_auth", None) and conn._auth.close()
        conn._conn.close()


errors = []
with ThreadPoolExecutor(max_workers=threads) as pool:
    futures = [pool.submit(stat, h) for h in fleet["hosts"]]
    ok = 0
    for f in futures:
        try:
            f.result()
            ok += 1
        except Exception as e:  # noqa: BLE001 - counted, a few shown
            errors.append(repr(e)[:200])
print(json.dumps({"nodes": len(fleet["hosts"]), "ok": ok, "errors": errors[:3]}))
