#!/usr/bin/env python3
"""A pretend trading bot that reconnects its feed when TokenTray renews the token.

Standard library only (urllib + a small Server-Sent Events reader). Needs TokenTray's Local API
turned on (Settings -> Local API) and a key with the "token" scope:

    TOKENTRAY_API_KEY=ttk_token_... python3 examples/bot_sse.py fyers-main

Environment: TOKENTRAY_URL (default http://127.0.0.1:5056), TOKENTRAY_API_KEY.
--max-renewals N exits after N reconnects (the tests use it). The token is never printed.
"""
import json
import os
import sys
import time
import urllib.error
import urllib.request

BASE = os.environ.get("TOKENTRAY_URL", "http://127.0.0.1:5056").rstrip("/")
KEY = os.environ.get("TOKENTRAY_API_KEY", "")


def call(path, headers=None, timeout=10):
    req = urllib.request.Request(BASE + path, headers={"Authorization": "Bearer " + KEY, **(headers or {})})
    return urllib.request.urlopen(req, timeout=timeout)


def read_token(account):
    with call("/api/v1/accounts/%s/token" % urllib.request.quote(account, safe="")) as res:
        return json.load(res)


def sse_events(last_event_id=None):
    """Yields (id, event, data) from /api/v1/events; comments (heartbeats) are skipped."""
    headers = {"Accept": "text/event-stream"}
    if last_event_id:
        headers["Last-Event-ID"] = last_event_id
    # The server sends a heartbeat every 15 s: no data for 45 s means the connection is dead.
    with call("/api/v1/events", headers, timeout=45) as res:
        print("events: connected", flush=True)
        event_id, event, data = None, "message", []
        for raw in res:
            line = raw.decode("utf-8").rstrip("\r\n")
            if line == "":
                if data:
                    yield event_id, event, json.loads("\n".join(data))
                event, data = "message", []
                continue
            if line.startswith(":"):
                continue
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "id":
                event_id = value
            elif field == "event":
                event = value
            elif field == "data":
                data.append(value)


class PretendFeed:
    """Stands in for a broker websocket: connect() with a token, reconnect when it changes."""

    def connect(self, token):
        self.token = token["access_token"]
        print("feed: connected (token ...%s, expires %s)" % (self.token[-4:], token["expires_at"]), flush=True)


def main():
    args = sys.argv[1:]
    max_renewals = None
    if "--max-renewals" in args:
        i = args.index("--max-renewals")
        max_renewals = int(args[i + 1])
        del args[i : i + 2]
    if len(args) != 1 or not KEY:
        sys.exit("usage: TOKENTRAY_API_KEY=... bot_sse.py ACCOUNT_ID [--max-renewals N]")
    account = args[0]
    feed = PretendFeed()
    feed.connect(read_token(account))
    renewals, last_id = 0, None
    while True:
        try:
            for event_id, event, data in sse_events(last_id):
                last_id = event_id or last_id
                if data.get("account") != account:
                    continue
                if event == "token-renewed":
                    feed.connect(read_token(account))
                    renewals += 1
                    print("feed: reconnected after token-renewed", flush=True)
                    if max_renewals is not None and renewals >= max_renewals:
                        return
                elif event in ("token-expired", "token-revoked"):
                    print("feed: paused, %s; waiting for a new token" % event, flush=True)
        except (urllib.error.URLError, OSError) as e:
            # Dropped: resume where we were (Last-Event-ID), so no renewal is missed.
            print("events: connection lost (%s); retrying" % type(e).__name__, flush=True)
            time.sleep(2)


if __name__ == "__main__":
    main()
