#!/usr/bin/env python3
"""Seeds the payments benchmark through the real API (stdlib only; setup, not measured).

For each wallet: POST /api/v1/customers (admin key; the customer comes with its wallet and its own customer API key),
then an admin credit adjustment POST /api/v1/wallets/{id}/adjustments (with an Idempotency-Key) so the wallet can pay.
Writes one "walletId apiKey" line per wallet to the output file.

    seed.py URL ADMIN_KEY COUNT FUNDING OUTPUT_FILE [PREFIX]
"""
import http.client
import json
import sys
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

url, admin_key, count, funding, output = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
prefix = sys.argv[6] if len(sys.argv) > 6 else "bench"
target = urlparse(url)
if target.hostname not in ("127.0.0.1", "localhost", "::1"):
    sys.exit("seed.py: loopback only")

local = threading.local()


def call(method, path, body, headers=None):
    conn = getattr(local, "conn", None)
    if conn is None:
        conn = local.conn = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
    all_headers = {"Authorization": f"Bearer {admin_key}", "Content-Type": "application/json"}
    all_headers.update(headers or {})
    conn.request(method, path, json.dumps(body), all_headers)
    response = conn.getresponse()
    data = response.read()
    if response.status not in (200, 201):
        raise RuntimeError(f"{method} {path}: {response.status} {data[:300]!r}")
    return json.loads(data)


def seed(i):
    customer = call("POST", "/api/v1/customers", {"name": f"{prefix} customer {i}", "billingModel": "Payg"})
    wallet_id, key = customer["walletId"], customer["apiKey"]
    call("POST", f"/api/v1/wallets/{wallet_id}/adjustments",
         {"direction": "Credit", "amount": float(funding), "reason": "payments benchmark funding"},
         {"Idempotency-Key": str(uuid.uuid4())})
    return f"{wallet_id} {key}"


with ThreadPoolExecutor(max_workers=8) as pool:
    lines = list(pool.map(seed, range(1, count + 1)))
with open(output, "w", encoding="ascii") as f:
    f.write("\n".join(lines) + "\n")
print(f"seed.py: {len(lines)} wallets funded with {funding} each -> {output}")
