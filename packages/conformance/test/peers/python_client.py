#!/usr/bin/env python3
"""An independent peer: Python's `websockets` (asyncio client, >= 10) against an echo endpoint.

Usage: python_client.py URI [CA_FILE]
Prints one JSON object with the results on stdout; exits 0 when it ran to the end (the checks are
in the JSON, the test asserts them), 2 on a failure it could not recover from.
"""
import asyncio
import json
import os
import ssl
import sys

import websockets


async def run(uri, ca_file):
    results = {"version": websockets.__version__}
    context = None
    if uri.startswith("wss://"):
        context = ssl.create_default_context(cafile=ca_file)
    async with websockets.connect(
        uri, ssl=context, max_size=16 * 1024 * 1024, compression=None, open_timeout=10, close_timeout=10
    ) as ws:
        await ws.send("hello from python")
        reply = await asyncio.wait_for(ws.recv(), 10)
        results["text"] = reply == "hello from python" and isinstance(reply, str)

        binary = bytes(range(256))
        await ws.send(binary)
        reply = await asyncio.wait_for(ws.recv(), 10)
        results["binary"] = reply == binary and isinstance(reply, bytes)

        big = os.urandom(1024 * 1024)
        await ws.send(big)
        reply = await asyncio.wait_for(ws.recv(), 20)
        results["big"] = reply == big
        results["bigLength"] = len(reply)

        await asyncio.wait_for(ws.close(code=4000, reason="python bye"), 10)
        results["closeCode"] = ws.close_code
        results["closeReason"] = ws.close_reason
        results["closed"] = ws.closed
    return results


def main():
    uri = sys.argv[1]
    ca_file = sys.argv[2] if len(sys.argv) > 2 else None
    try:
        results = asyncio.run(asyncio.wait_for(run(uri, ca_file), 30))
    except Exception as error:  # noqa: BLE001 - reported to the test as JSON
        print(json.dumps({"error": f"{type(error).__name__}: {error}"}))
        sys.exit(2)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
