#!/usr/bin/env python3
"""`make bench-fleet`: the fleet service at size (run by bench/fleet-bench.sh).

  fleet_bench.py load FLEET       fills the database to 100,000 locks and
                                  1,000,000 past dispatches (SQL), and their
                                  rows of the action chain (computed here)
  fleet_bench.py run FLEET        starts `serve`, times dispatches and seals
                                  through the API, the listings, and logins
                                  refused by a lockout; one JSON object out
  fleet_bench.py report OFF ON    prints the two passes and the machine
  fleet_bench.py audit FLEET LOCK times a lock's audit report through the API

Standard library only. Codes and seals are Python's hmac from the derivation
in docs/FLEET.md; every code the service gives is checked against it, and every
seal sent is one the lock would show (records 01). Environment:
OWNERLOCK_FLEET_DB and _KEY, PGBIN, TMP, BENCH_N, BENCH_REAL_LOCKS.
"""
import hashlib
import hmac
import http.client
import json
import os
import re
import statistics
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fleet"))
from serve_start import start_serve  # noqa: E402 (tests/fleet: the same start as fleet/web)

LOCKS = 100_000
PAST = 1_000_000
FIRST_LOCK = 100_000       # lock numbers FIRST_LOCK .. FIRST_LOCK + LOCKS - 1
PEOPLE = 20_000
CLI_PEOPLE = 30            # added by fleet-bench.sh with the command line
DISPATCHERS = 4
CSRF = {"X-Requested-With": "ownerlock-fleet"}


def env(name):
    return os.environ[name]


def psql_args():
    return [os.path.join(env("PGBIN"), "psql"), "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1",
            "-d", env("OWNERLOCK_FLEET_DB")]


def sql(query):
    out = subprocess.run(psql_args() + ["-c", query], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit("FAIL: psql: %s\n%s" % (query[:200], out.stderr))
    return out.stdout.strip()


def say(*a):
    print(*a, flush=True)


# ---- load: the tables to size --------------------------------------------------

# The person on slot j + 1 (j = 0, 1, 2) of the k-th lock: the real locks' rule
# (fleet-bench.sh) keeps to the 30 people the command line added.
def person_rule(k_expr, j_expr, people):
    return "'Person ' || lpad((((3 * %s + %s) %% %d) + 1)::text, 5, '0')" % (k_expr, j_expr, people)


LOAD_SQL = """
BEGIN;
INSERT INTO fleet.people (name)
  SELECT 'Person ' || lpad(g::text, 5, '0') FROM generate_series({cli_people} + 1, {people}) g;
-- The other locks copy the first real lock's sealed key: it does not open
-- under their numbers (the lock number is the box's associated data), and
-- nothing is dispatched on them; they are there for the tables' sizes.
INSERT INTO fleet.locks (number, name, key_nonce, key_box)
  SELECT {first} + k, 'Branch ' || k || ', vault', r.key_nonce, r.key_box
  FROM generate_series({real}, {locks} - 1) k,
       (SELECT key_nonce, key_box FROM fleet.locks WHERE number = {first}) r;
INSERT INTO fleet.slots (person, lock, slot)
  SELECT p.id, {first} + k, j + 1
  FROM generate_series({real}, {locks} - 1) k CROSS JOIN generate_series(0, 2) j
  JOIN fleet.people p ON p.name = {rule};
-- A year of past dispatches, every lock ten (counters 0..9), oldest first;
-- one in ten under dual dispatch, approved by the next dispatcher; all
-- closed by a seal, one in fifty with something else in between (03).
INSERT INTO fleet.dispatches (lock, person, slot, counter, requested_by, requested_at,
                              needs_approval, approved_by, approved_at, code_shown_at,
                              sealed_at, seal_records)
  SELECT s.lock, s.person, s.slot, g.i / {locks}, r.id, g.at, g.i % 10 = 0,
         CASE WHEN g.i % 10 = 0 THEN v.id END,
         CASE WHEN g.i % 10 = 0 THEN g.at + interval '40 seconds' END,
         g.at + interval '50 seconds', g.at + interval '20 minutes',
         CASE WHEN g.i % 50 = 7 THEN 3 ELSE 1 END
  FROM (SELECT i, date_trunc('second', now()) - interval '365 days'
                  + i * interval '31.536 seconds' AS at
        FROM generate_series(0, {past} - 1) i) g
  JOIN fleet.slots s ON s.lock = {first} + g.i % {locks} AND s.slot = (g.i / {locks}) % 3 + 1
  JOIN fleet.dispatchers r ON r.name = 'disp' || (g.i % {dispatchers} + 1)
  JOIN fleet.dispatchers v ON v.name = 'disp' || ((g.i + 1) % {dispatchers} + 1)
  ORDER BY g.i;
UPDATE fleet.locks SET next_counter = {past} / {locks}, floor = {past} / {locks}; -- all sealed
INSERT INTO fleet.seal_entries (dispatch, entered_by, entered, records, ok, at)
  SELECT id, requested_by,
         lpad(seal_records::text, 2, '0') || '-' || lpad(((id * 7919) % 10000)::text, 4, '0')
         || '-' || lpad(((id * 104729) % 10000)::text, 4, '0'), seal_records, true, sealed_at
  FROM fleet.dispatches ORDER BY id;
COMMIT;
""".format(cli_people=CLI_PEOPLE, people=PEOPLE, first=FIRST_LOCK, locks=LOCKS,
           real=int(os.environ.get("BENCH_REAL_LOCKS", "100")), past=PAST,
           dispatchers=DISPATCHERS, rule=person_rule("k", "j", PEOPLE))

# The past dispatches' rows of the chain, in the order of their ids.
CHAIN_SOURCE = """COPY (
  SELECT d.id, d.lock, p.name, d.slot, d.counter, r.name, coalesce(v.name, ''),
         (extract(epoch FROM d.requested_at) * 1000000)::bigint,
         coalesce((extract(epoch FROM d.approved_at) * 1000000)::bigint, 0),
         (extract(epoch FROM d.code_shown_at) * 1000000)::bigint,
         (extract(epoch FROM d.sealed_at) * 1000000)::bigint, e.entered
  FROM fleet.dispatches d
  JOIN fleet.people p ON p.id = d.person
  JOIN fleet.dispatchers r ON r.id = d.requested_by
  LEFT JOIN fleet.dispatchers v ON v.id = d.approved_by
  JOIN fleet.seal_entries e ON e.dispatch = d.id
  ORDER BY d.id) TO STDOUT"""


def quoted(name):
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def field(s):
    b = s.encode()
    return str(len(b)).encode() + b":" + b + b"\n"


def chain_rows(seq, prev, source):
    """(seq, at_us, actor, kind, detail) of each past dispatch, chained on prev, each
    tagged under the owner's key (tools/fleet/actions.c)."""
    label = b"ownerlock fleet action 1\n"
    with open(os.environ["OWNERLOCK_FLEET_KEY"]) as f:
        kek = bytes.fromhex(f.readline().strip())
    # libsodium's crypto_kdf_derive_from_key(32, 2, "olfchain", kek): BLAKE2b.
    tag_key = hashlib.blake2b(b"", digest_size=32, key=kek, salt=struct.pack("<Q", 2) + bytes(8),
                              person=b"olfchain" + bytes(8)).digest()
    for line in source:
        (d, lock, person, slot, counter, asker, approver, at_req, at_appr, at_shown,
         at_seal, seal) = line.rstrip("\n").split("\t")
        dual = approver != ""
        rows = [(at_req, "dispatcher:" + asker, "dispatch",
                 "dispatch %s lock %s person %s slot %s counter %s%s"
                 % (d, lock, quoted(person), slot, counter, " awaiting approval" if dual else ""))]
        if dual:
            rows.append((at_appr, "dispatcher:" + approver, "approve", "approve dispatch " + d))
        rows.append((at_shown, "dispatcher:" + asker, "code shown", "dispatch " + d))
        rows.append((at_seal, "dispatcher:" + asker, "seal ok", "seal of dispatch %s: %s" % (d, seal)))
        for at, actor, kind, detail in rows:
            seq += 1
            h = hashlib.sha256(prev + label + str(seq).encode() + b"\n" + at.encode() + b"\n" +
                               field(actor) + field(kind) + field(detail)).digest()
            tag = hmac.new(tag_key, h, hashlib.sha256).digest()
            yield "%d\t%s\t%s\t%s\t%s\t\\\\x%s\t\\\\x%s\t\\\\x%s\n" % (
                seq, at, actor, kind, detail, prev.hex(), h.hex(), tag.hex())
            prev = h


def load():
    t0 = time.time()
    say("loading: %d locks, %d people, %d past dispatches (all sealed), with SQL"
        % (LOCKS, PEOPLE, PAST))
    out = subprocess.run(psql_args(), input=LOAD_SQL, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit("FAIL: the load: " + out.stderr)
    say("  tables filled in %.1f s" % (time.time() - t0))
    t1 = time.time()
    head = sql("SELECT seq || ' ' || encode(hash, 'hex') FROM fleet.actions ORDER BY seq DESC LIMIT 1")
    seq, prev = head.split()
    src = subprocess.Popen(psql_args() + ["-c", CHAIN_SOURCE], stdout=subprocess.PIPE, text=True,
                           bufsize=1 << 20)
    dst = subprocess.Popen(psql_args() + ["-c", "COPY fleet.actions FROM STDIN"],
                           stdin=subprocess.PIPE, text=True, bufsize=1 << 20)
    count = 0
    batch = []
    for row in chain_rows(int(seq), bytes.fromhex(prev), src.stdout):
        batch.append(row)
        if len(batch) == 10000:
            dst.stdin.write("".join(batch))
            count += len(batch)
            batch = []
    dst.stdin.write("".join(batch))
    count += len(batch)
    dst.stdin.close()
    if src.wait() != 0 or dst.wait() != 0:
        raise SystemExit("FAIL: the action chain's rows")
    say("  %d rows of the action chain (each past dispatch's dispatch, approve, code shown, "
        "seal ok), hashed here, in %.1f s" % (count, time.time() - t1))
    t2 = time.time()
    sql("VACUUM ANALYZE")
    sql("CHECKPOINT")
    say("  VACUUM ANALYZE and CHECKPOINT in %.1f s" % (time.time() - t2))
    say("  sizes: " + sql(
        "SELECT string_agg(c || ' ' || n, ', ') FROM (VALUES"
        " ('locks', (SELECT count(*) FROM fleet.locks)),"
        " ('people', (SELECT count(*) FROM fleet.people)),"
        " ('slots', (SELECT count(*) FROM fleet.slots)),"
        " ('dispatches', (SELECT count(*) FROM fleet.dispatches)),"
        " ('seal entries', (SELECT count(*) FROM fleet.seal_entries)),"
        " ('actions', (SELECT count(*) FROM fleet.actions))) t(c, n)") +
        "; database " + sql("SELECT pg_size_pretty(pg_database_size(current_database()))"))


# ---- run: the API, timed ---------------------------------------------------------

def digits(key, kind, lock, counter, slot, records):
    msg = b"ownerlock otc 1\0" + kind + struct.pack("<II", lock, counter) + bytes([slot, records])
    mac = hmac.new(key, msg, hashlib.sha256).digest()
    return "".join(str((mac[2 * i] << 8 | mac[2 * i + 1]) % 10) for i in range(8))


def otc_key(lock):
    with open(os.path.join(env("TMP"), "keys", "%d.otc" % lock)) as f:
        text = f.read()
    m = re.search(r"^lock (\d+)\nkey ([0-9a-f]{64})$", text, re.M)
    if m is None or int(m.group(1)) != lock:
        raise SystemExit("FAIL: provisioning file of lock %d" % lock)
    return bytes.fromhex(m.group(2))


class Client:
    """One dispatcher's session on one kept-alive connection, as a browser's."""

    def __init__(self, port, name, password):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = None
        st, j, r = self.call("/api/login", {"name": name, "password": password})
        m = re.match(r"((?:__Host-)?ol_session)=([0-9a-f]{64});", r.getheader("Set-Cookie") or "")
        if st != 200 or m is None:
            raise SystemExit("FAIL: login %s: %s %s" % (name, st, j))
        self.cookie = m.group(1) + "=" + m.group(2)

    def call(self, path, body=None):
        h = dict(CSRF)
        if self.cookie:
            h["Cookie"] = self.cookie
        if body is None:
            self.conn.request("GET", path, headers=h)
        else:
            h["Content-Type"] = "application/json"
            self.conn.request("POST", path, json.dumps(body).encode(), h)
        r = self.conn.getresponse()
        data = r.read()
        try:
            j = json.loads(data)
        except ValueError:
            j = {"unparsed": data[:200]}
        return r.status, j, r


def start_server(fleet):
    return start_serve(fleet, env("TMP"), tries=200)


def percentile(xs, p):
    s = sorted(xs)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def summary(lat, wall):
    return {"n": len(lat), "per_second": len(lat) / wall, "median_ms": statistics.median(lat) * 1e3,
            "p99_ms": percentile(lat, 99) * 1e3, "max_ms": max(lat) * 1e3}


def work_list(n, real, start):
    """n (lock, person, slot) on the real locks, every lock and person in turn."""
    out = []
    for i in range(start, start + n):
        k = i % real
        j = (i // real) % 3
        out.append((FIRST_LOCK + k, "Person %05d" % ((3 * k + j) % CLI_PEOPLE + 1), j + 1))
    return out


def dispatch_and_check(client, lock, person, slot, keys, bad):
    t = time.perf_counter()
    st, j, _ = client.call("/api/dispatch", {"lock": lock, "person": person})
    dt = time.perf_counter() - t
    m = re.search(r"counter (\d+)", j.get("message", ""))
    if st != 200 or m is None or "code" not in j:
        raise SystemExit("FAIL: dispatch %d %s: %s %s" % (lock, person, st, j))
    counter = int(m.group(1))
    if j["code"] != digits(keys[lock], b"C", lock, counter, slot, 0):
        bad.append(j["dispatch"])
    return dt, (j["dispatch"], lock, counter, slot)


def seal_and_check(client, d, keys):
    dispatch, lock, counter, slot = d
    s = digits(keys[lock], b"S", lock, counter, slot, 1)
    t = time.perf_counter()
    st, j, _ = client.call("/api/seal", {"dispatch": dispatch, "seal": "01-%s-%s" % (s[:4], s[4:])})
    dt = time.perf_counter() - t
    if st != 200 or j.get("closed") is not True:
        raise SystemExit("FAIL: seal of dispatch %s: %s %s" % (dispatch, st, j))
    return dt


def timed_get(client, path, times):
    lat, size, status, rows = [], 0, None, 0
    for _ in range(times):
        t = time.perf_counter()
        st, j, r = client.call(path)
        lat.append(time.perf_counter() - t)
        status = st
        size = len(json.dumps(j))
        rows = len(j.get("locks", j.get("dispatches", [])))
    return {"path": path, "status": status, "median_ms": statistics.median(lat) * 1e3,
            "bytes": size, "rows": rows, "n": times}


def timed_logins(port, name, password, times):
    """`times` logins, each on a new connection as a browser's first request."""
    lat, statuses = [], set()
    t0 = time.perf_counter()
    for _ in range(times):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        t = time.perf_counter()
        c.request("POST", "/api/login", json.dumps({"name": name, "password": password}).encode(),
                  dict(CSRF, **{"Content-Type": "application/json"}))
        r = c.getresponse()
        r.read()
        lat.append(time.perf_counter() - t)
        statuses.add(r.status)
        c.close()
    return {"n": times, "per_second": times / (time.perf_counter() - t0),
            "median_ms": statistics.median(lat) * 1e3, "statuses": sorted(statuses)}


def login_figures(port):
    """The limit on wrong passwords at size: a checked wrong password (an
    Argon2id), and a try refused unchecked while the name is locked out, for a
    dispatcher's name and for a name that is no one's; what each refused try
    adds to the action chain."""
    out = {}
    ghost = "no-such-dispatcher-%d" % os.getpid()
    out["wrong_checked"] = timed_logins(port, ghost, "wrong-password", 5)  # locks ghost out
    # disp4 locked out as five wrong passwords would (the time moved, not waited for).
    sql("UPDATE fleet.dispatchers SET wrong_passwords = 5, last_wrong_at = now()"
        " WHERE name = 'disp4'")
    size = int(sql("SELECT pg_total_relation_size('fleet.actions')"))
    out["locked_dispatcher"] = timed_logins(port, "disp4", "bench-password-4", 500)
    out["chain_bytes_per_refusal"] = (int(sql("SELECT pg_total_relation_size('fleet.actions')"))
                                      - size) / 500
    out["locked_unknown"] = timed_logins(port, ghost, "wrong-password", 500)
    sql("UPDATE fleet.dispatchers SET wrong_passwords = 0, last_wrong_at = NULL"
        " WHERE name = 'disp4'")
    for k in ("locked_dispatcher", "locked_unknown"):
        if out[k]["statuses"] != [429]:
            raise SystemExit("FAIL: %s answered %s, not 429" % (k, out[k]["statuses"]))
    return out


def run(fleet):
    n = int(env("BENCH_N"))
    real = int(env("BENCH_REAL_LOCKS"))
    keys = {FIRST_LOCK + k: otc_key(FIRST_LOCK + k) for k in range(real)}
    settings = {}
    for name in ("server_version", "fsync", "synchronous_commit", "wal_level", "shared_buffers",
                 "work_mem", "max_wal_size", "checkpoint_timeout"):
        settings[name] = sql("SHOW " + name)
    done = int(sql("SELECT count(*) FROM fleet.dispatches")) - PAST
    proc, port = start_server(fleet)
    result = {"settings": settings, "before": int(sql("SELECT count(*) FROM fleet.dispatches"))}
    try:
        clients = [Client(port, "disp%d" % (d + 1), "bench-password-%d" % (d + 1))
                   for d in range(DISPATCHERS)]
        bad = []
        # One dispatcher after another, one request at a time.
        work = work_list(n, real, done)
        lat, made = [], []
        t0 = time.perf_counter()
        for i, (lock, person, slot) in enumerate(work):
            dt, d = dispatch_and_check(clients[i % DISPATCHERS], lock, person, slot, keys, bad)
            lat.append(dt)
            made.append(d)
        result["dispatch"] = summary(lat, time.perf_counter() - t0)
        result["open_gets"] = [timed_get(clients[0], "/api/dispatches?open=1", 20)]
        lat = []
        t0 = time.perf_counter()
        for i, d in enumerate(made):
            lat.append(seal_and_check(clients[i % DISPATCHERS], d, keys))
        result["seal"] = summary(lat, time.perf_counter() - t0)

        # Four dispatchers at once, each on its own connection (serve answers
        # one request at a time: this measures the queue, not parallelism).
        work = work_list(n, real, done + n)
        lats = [[] for _ in clients]
        mades = [[] for _ in clients]
        errors = []

        def worker(c):
            try:
                for i in range(c, len(work), len(clients)):
                    lock, person, slot = work[i]
                    dt, d = dispatch_and_check(clients[c], lock, person, slot, keys, bad)
                    lats[c].append(dt)
                    mades[c].append(d)
            except BaseException as e:  # noqa: the thread's failure is the run's
                errors.append(repr(e))

        def sealer(c):
            try:
                for d in mades[c]:
                    lats[c].append(seal_and_check(clients[c], d, keys))
            except BaseException as e:
                errors.append(repr(e))

        for name, fn in (("dispatch_4", worker), ("seal_4", sealer)):
            for x in lats:
                x.clear()
            threads = [threading.Thread(target=fn, args=(c,)) for c in range(len(clients))]
            t0 = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - t0
            if errors:
                raise SystemExit("FAIL: " + "; ".join(errors[:3]))
            result[name] = summary([x for l in lats for x in l], wall)
        if bad:
            raise SystemExit("FAIL: %d codes differ from Python's, dispatches %s"
                             % (len(bad), bad[:5]))
        result["codes_checked"] = 2 * n
        # The listings at this size: the open dispatches (none left), a page
        # of locks (the first, the largest, the last) and searches (every lock
        # matches, one does, none does).
        last = FIRST_LOCK + LOCKS - 1
        result["gets"] = [timed_get(clients[0], "/api/dispatches?open=1", 20),
                          timed_get(clients[0], "/api/locks", 20),
                          timed_get(clients[0], "/api/locks?limit=500", 10),
                          timed_get(clients[0], "/api/locks?after=%d" % (last - 100), 20),
                          timed_get(clients[0], "/api/locks?q=vault", 20),
                          timed_get(clients[0], "/api/locks?q=Branch%%20%d%%2C" % (LOCKS - 1), 10),
                          timed_get(clients[0], "/api/locks?q=no%20such%20lock", 10)]
        result["logins"] = login_figures(port)
    finally:
        proc.terminate()
        proc.wait()
    result["after"] = int(sql("SELECT count(*) FROM fleet.dispatches"))
    result["open_after"] = int(sql("SELECT count(*) FROM fleet.dispatches WHERE sealed_at IS NULL"))
    print(json.dumps(result))


# ---- report ---------------------------------------------------------------------

def machine():
    mem = "?"
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem = "%.1f GiB" % (int(line.split()[1]) / 1048576)
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return "%d CPUs (nproc), %s, memory %s" % (os.cpu_count(), cpu, mem)


def fdatasync_rate():
    """8 KiB writes each followed by fdatasync, for a second, beside the cluster."""
    path = os.path.join(env("TMP"), "fdatasync.test")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    block, n, t0 = b"\0" * 8192, 0, time.perf_counter()
    try:
        while time.perf_counter() - t0 < 1.0:
            os.pwrite(fd, block, 0)
            os.fdatasync(fd)
            n += 1
    finally:
        os.close(fd)
        os.unlink(path)
    return n / (time.perf_counter() - t0)


def report(paths):
    passes = []
    for p in paths:
        with open(p) as f:
            passes.append(json.loads(f.read().strip().splitlines()[-1]))
    s = passes[0]["settings"]
    say("")
    say("ownerlock-fleet at size: %d locks, %d past dispatches (all sealed), %d people"
        % (LOCKS, PAST, PEOPLE))
    say("machine: " + machine())
    say("PostgreSQL %s on a Unix socket; shared_buffers %s, work_mem %s, wal_level %s, "
        "max_wal_size %s, synchronous_commit %s" % (s["server_version"], s["shared_buffers"],
                                                   s["work_mem"], s["wal_level"],
                                                   s["max_wal_size"], s["synchronous_commit"]))
    rate = fdatasync_rate()
    say("the disk under the cluster: %.0f fdatasync per second (8 KiB each, %.0f us): what a"
        " commit with fsync on waits for" % (rate, 1e6 / rate))
    say("serve: one thread, one request at a time; client: Python http.client, kept-alive,")
    say("  on the same machine (its time is in the latency)")
    say("")
    rows = [("dispatch", "codes issued, 1 client"), ("seal", "seals verified, 1 client"),
            ("dispatch_4", "codes issued, 4 clients"), ("seal_4", "seals verified, 4 clients")]
    say("%-26s %-9s %8s %10s %10s %10s" % ("", "fsync", "n", "per s", "median ms", "p99 ms"))
    for key, label in rows:
        for p in passes:
            r = p[key]
            say("%-26s %-9s %8d %10.0f %10.2f %10.2f" % (label, p["settings"]["fsync"], r["n"],
                                                       r["per_second"], r["median_ms"], r["p99_ms"]))
    say("")
    for p in passes:
        for g in p.get("open_gets", []) + p["gets"]:
            say("GET %-34s fsync %-3s: HTTP %s, %5d rows, %8d bytes, median %6.1f ms (%d requests)"
                % (g["path"], p["settings"]["fsync"], g["status"], g["rows"], g["bytes"],
                   g["median_ms"], g["n"]))
    say("")
    for p in passes:
        lg = p["logins"]
        say("login, fsync %s: a wrong password checked (Argon2id) median %.1f ms;"
            % (p["settings"]["fsync"], lg["wrong_checked"]["median_ms"]))
        for k, label in (("locked_dispatcher", "a dispatcher's"), ("locked_unknown", "no one's")):
            say("  refused unchecked, %s name locked out: %.0f a second, median %.2f ms"
                % (label, lg[k]["per_second"], lg[k]["median_ms"]))
        say("  the action chain grows %.0f bytes a refused try (a dispatcher's name)"
            % lg["chain_bytes_per_refusal"])
    say("")
    say("every code checked against Python's hmac (%d); dispatches %d -> %d, open after: %d"
        % (sum(p["codes_checked"] for p in passes), passes[0]["before"], passes[-1]["after"],
           passes[-1]["open_after"]))
    say("fsync off: the figures are an upper bound (a commit does not wait for the disk);")
    say("fsync on is PostgreSQL's default and what a fleet runs with.")


def audit(fleet, lock, times=50):
    """GET /api/audit for a lock whose trail was taken in: the report of its
    newest records, built from the database for each request."""
    stored = int(sql("SELECT count(*) FROM fleet.audit WHERE lock = %d" % int(lock)))
    proc, port = start_server(fleet)
    try:
        client = Client(port, "disp1", "bench-password-1")
        path = "/api/audit?lock=%d" % int(lock)
        st, j, _ = client.call(path)
        if st != 200 or j.get("stored") != stored or j.get("shown") != min(stored, j.get("limit", 0)):
            raise SystemExit("FAIL: %s: %s %s" % (path, st, {k: v for k, v in j.items() if k != "html"}))
        lat = []
        for _ in range(times):
            t = time.perf_counter()
            st, j, _ = client.call(path)
            lat.append(time.perf_counter() - t)
            if st != 200:
                raise SystemExit("FAIL: %s: %s" % (path, st))
        say("  its report through the API (GET %s): %d of %d records shown, %d openings, %d bytes:"
            " median %.1f ms, p99 %.1f ms (%d requests)"
            % (path, j["shown"], stored, j["openings"], len(json.dumps(j)), statistics.median(lat) * 1e3,
               percentile(lat, 99) * 1e3, times))
    finally:
        proc.terminate()
        proc.wait(10)


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "audit":
        audit(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 3 and sys.argv[1] == "load":
        load()
    elif len(sys.argv) >= 3 and sys.argv[1] == "run":
        run(sys.argv[2])
    elif len(sys.argv) >= 3 and sys.argv[1] == "report":
        report(sys.argv[2:])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
