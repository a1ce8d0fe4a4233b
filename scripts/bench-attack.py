#!/usr/bin/env python3
"""Another client's latency while one client attacks the server (issue 16).

Starts `BINARY serve` under `ulimit -n 1024` on a fresh data directory with demonstration
cases, then measures a first responder's `GET /api/v1/cases?limit=25` (a new connection each
time, as a new visitor makes) for a few seconds in each of three phases:

  quiet       nobody else;
  slow        1,100 connections that never finish a request (half send nothing, half a
              partial header), reopened as the server closes them;
  expensive   16 clients in a loop: 8 monitors' `/monitor/simulation` and 8 decision
              makers' deep pages (`/api/v1/cases?offset=9000&limit=200`).

A request that fails or takes longer than the timeout counts as the timeout. Run it with the
binary before and after a change, one after the other:

    python3 scripts/bench-attack.py target/debug/safeguard --cases 20000 --json after.json

Python's standard library only.
"""

import argparse
import http.client
import http.cookiejar
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

PASSWORD = "correct horse battery staple"


def run(binary, *args):
    return subprocess.run([binary, *args], check=True, capture_output=True, text=True).stdout


def start(binary, data, port):
    script = 'ulimit -n 1024 && exec "$0" serve --bind 127.0.0.1:$1 --data-dir "$2" --user-rate 0'
    p = subprocess.Popen(["sh", "-c", script, binary, str(port), data], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True)
    for line in p.stdout:
        if "listening on" in line:
            break
    threading.Thread(target=lambda: [None for _ in p.stdout], daemon=True).start()
    return p


def get(port, path, headers, timeout):
    """One request on a new connection; its status."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("GET", path, headers={**headers, "Connection": "close"})
        r = c.getresponse()
        r.read()
        return r.status
    finally:
        c.close()


def probe(port, token, seconds, timeout):
    latencies = []
    errors = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        t = time.monotonic()
        try:
            ok = get(port, "/api/v1/cases?limit=25", {"Authorization": "Bearer " + token}, timeout) == 200
        except OSError:
            ok = False
        spent = time.monotonic() - t
        if ok and spent <= timeout:
            latencies.append(spent)
        else:
            errors += 1
            latencies.append(timeout)
        time.sleep(0.02)
    latencies.sort()
    q = lambda f: latencies[min(len(latencies) - 1, int(f * len(latencies)))] * 1000
    return {"requests": len(latencies), "failed_or_timed_out": errors, "p50_ms": round(q(0.5), 1),
            "p99_ms": round(q(0.99), 1), "max_ms": round(latencies[-1] * 1000, 1)}


def slow_clients(port, count, stop):
    """Keeps `count` connections open that never finish a request."""
    socks = [None] * count

    def open_one(i):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=2)
            s.setblocking(False)
            if i % 2:
                s.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            socks[i] = s
        except OSError:
            socks[i] = None

    for i in range(count):
        open_one(i)
    while not stop.is_set():
        for i, s in enumerate(socks):
            closed = s is None
            if not closed:
                try:
                    closed = s.recv(1, socket.MSG_PEEK) == b""
                except BlockingIOError:
                    pass
                except OSError:
                    closed = True
            if closed:
                if s:
                    s.close()
                open_one(i)
            if stop.is_set():
                break
        time.sleep(0.2)
    for s in socks:
        if s:
            s.close()


def monitor_session(port, code):
    """Signs a monitor in with their one-time code; an opener that carries the session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"
    # The form first: its token (and cookie) guard the sign-in against login CSRF.
    form = opener.open(base + "/sign-in/code").read().decode()
    token = form.split('name="csrf" value="')[1].split('"')[0] if 'name="csrf" value="' in form else ""
    sent = urllib.parse.urlencode({"code": code, "csrf": token}).encode()
    page = opener.open(base + "/sign-in/code", sent).read().decode()
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    form = {"password": PASSWORD, "confirmation": PASSWORD, "csrf": csrf}
    opener.open(base + "/account/password", urllib.parse.urlencode(form).encode()).read()
    return opener


def expensive_clients(port, openers, dm_token, stop):
    def simulation(opener):
        while not stop.is_set():
            try:
                opener.open(f"http://127.0.0.1:{port}/monitor/simulation", timeout=60).read()
            except OSError:
                time.sleep(0.1)

    def deep_pages():
        while not stop.is_set():
            try:
                get(port, "/api/v1/cases?offset=9000&limit=200", {"Authorization": "Bearer " + dm_token}, 60)
            except OSError:
                time.sleep(0.1)

    threads = [threading.Thread(target=simulation, args=(o,), daemon=True) for o in openers]
    threads += [threading.Thread(target=deep_pages, daemon=True) for _ in range(8)]
    for t in threads:
        t.start()
    return threads


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("binary")
    ap.add_argument("--cases", type=int, default=20000)
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--timeout", type=float, default=5)
    ap.add_argument("--json")
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)
    data = tempfile.mkdtemp(prefix="sg-attack-")
    run(binary, "demo", "--cases", str(args.cases), "--seed", "1", "--data-dir", data)
    token = run(binary, "user", "add", "--org", "Safeguard demonstration data", "--role", "first-responder",
                "--name", "probe",
                "--token", "--data-dir", data).strip()
    dm = run(binary, "user", "add", "--org", "Single Competent Authority", "--role", "decision-maker",
             "--name", "deep", "--token", "--data-dir", data).strip()
    codes = []
    for i in range(8):
        out = run(binary, "user", "add", "--org", "Monitors", "--role", "monitor", "--name", f"m{i}",
                  "--data-dir", data)
        codes.append(out.rsplit(":", 1)[1].strip())
    port = socket.create_server(("127.0.0.1", 0)).getsockname()[1]
    server = start(binary, data, port)
    result = {"binary": binary, "cases": args.cases, "timeout_s": args.timeout}
    try:
        openers = [monitor_session(port, c) for c in codes]
        result["quiet"] = probe(port, token, args.seconds, args.timeout)
        print("quiet", result["quiet"], flush=True)

        stop = threading.Event()
        attack = threading.Thread(target=slow_clients, args=(port, 1100, stop), daemon=True)
        attack.start()
        time.sleep(2)
        result["slow"] = probe(port, token, args.seconds, args.timeout)
        stop.set()
        attack.join()
        print("slow", result["slow"], flush=True)
        time.sleep(args.timeout + 1)

        stop = threading.Event()
        expensive_clients(port, openers, dm, stop)
        time.sleep(2)
        result["expensive"] = probe(port, token, args.seconds, args.timeout)
        stop.set()
        print("expensive", result["expensive"], flush=True)
    finally:
        server.kill()
        server.wait()
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)


if __name__ == "__main__":
    sys.exit(main())
