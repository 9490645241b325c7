#!/usr/bin/env python3
"""ownerlock-fleet serve: the HTTP API and the dispatchers' page (run by web.sh).

The API is checked with http.client; the page is driven in headless Chromium
through the DevTools protocol, spoken over a WebSocket written here with the
standard library only. Codes and seals are computed with Python's hmac from
the derivation in docs/FLEET.md, independently of src/otc; the database is
read with psql. Environment: OWNERLOCK_FLEET_DB and _KEY, PGBIN, TMP, BROWSER.
"""
import base64
import ctypes
import ctypes.util
import hashlib
import hmac
import http.client
import json
import os
import re
import select
import socket
import statistics
import struct
import subprocess
import sys
import time
import urllib.parse
import xml.etree.ElementTree as ET

from serve_start import free_port, start_serve  # tests/fleet: the bench starts serve the same way

FLEET = sys.argv[1]
TMP = os.environ["TMP"]
PGBIN = os.environ["PGBIN"]
DB = os.environ["OWNERLOCK_FLEET_DB"]
PASSWORDS = {"dora": "dora-password-1", "eve": "eve-password-22", "ada": "ada-password-333",
             "bob": "bob-password-4444",
             "x' OR '1'='1": "o'brien-password", "lou": "lou-password-4444"}
GHOST = "no-such-lou"  # a name that is no dispatcher's
ROBERT = "Robert'); DROP TABLE fleet.people;--"
CSRF = {"X-Requested-With": "ownerlock-fleet"}
# The session cookie on loopback (and behind https): __Host-, so Secure.
COOKIE = "__Host-ol_session"

checks = 0
failures = 0


def check(cond, what):
    global checks, failures
    if cond:
        checks += 1
    else:
        failures += 1
        print("FAIL:", what, flush=True)


# ---- the database, the oracle, the command line ---------------------------------

def sql(query):
    out = subprocess.run([os.path.join(PGBIN, "psql"), "-X", "-A", "-t", "-q", "-v",
                          "ON_ERROR_STOP=1", "-d", DB, "-c", query],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def counts():
    return sql("SELECT (SELECT count(*) FROM fleet.locks) || ' ' || (SELECT count(*) FROM fleet.people)"
               " || ' ' || (SELECT count(*) FROM fleet.slots) || ' ' || (SELECT count(*) FROM fleet.dispatchers)"
               " || ' ' || (SELECT count(*) FROM fleet.dispatches) || ' ' || (SELECT count(*) FROM fleet.seal_entries)"
               " || ' ' || (SELECT count(*) FROM fleet.actions) || ' ' || (SELECT sum(next_counter) FROM fleet.locks)"
               " || ' ' || (SELECT count(*) FROM fleet.dispatches WHERE code_shown_at IS NOT NULL)"
               " || ' ' || (SELECT count(*) FROM fleet.dispatches WHERE approved_by IS NOT NULL)"
               " || ' ' || (SELECT count(*) FROM fleet.dispatches WHERE sealed_at IS NOT NULL)")


def otc_key(lock):
    with open(os.path.join(TMP, "%d.otc" % lock)) as f:
        return bytes.fromhex(re.search(r"^key ([0-9a-f]{64})$", f.read(), re.M).group(1))


def digits(key, kind, lock, counter, slot, records):
    msg = b"ownerlock otc 1\0" + kind + struct.pack("<II", lock, counter) + bytes([slot, records])
    mac = hmac.new(key, msg, hashlib.sha256).digest()
    return "".join(str((mac[2 * i] << 8 | mac[2 * i + 1]) % 10) for i in range(8))


def code_for(lock, counter, slot):
    return digits(otc_key(lock), b"C", lock, counter, slot, 0)


def seal_for(lock, counter, slot, records):
    s = digits(otc_key(lock), b"S", lock, counter, slot, records)
    return "%02d-%s-%s" % (records, s[:4], s[4:])


def cli(*args, password=""):
    return subprocess.run([FLEET, *args], input=password + "\n", capture_output=True, text=True,
                          timeout=60)


def dual_dispatch_off():
    """Off takes two admins, each asking."""
    cli("setting", "dual-dispatch", "off", "--as", "ada", password=PASSWORDS["ada"])
    return cli("setting", "dual-dispatch", "off", "--as", "bob", password=PASSWORDS["bob"])


def start_server(idle=None, origin=None):
    extra = []
    if idle is not None:
        extra += ["--idle", str(idle)]
    if origin is not None:
        extra += ["--origin", origin]
    return start_serve(FLEET, TMP, extra, tries=100)


# ---- HTTP -------------------------------------------------------------------------

class Client:
    def __init__(self, port, cookie_name=COOKIE):
        self.port = port
        self.cookie = None
        self.cookie_name = cookie_name

    def raw(self, method, path, body=None, headers=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        h = dict(headers or {})
        if self.cookie is not None:
            h["Cookie"] = self.cookie_name + "=" + self.cookie
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        c.close()
        return r, data

    def call(self, path, body=None, headers=None, raw_body=None, csrf=True):
        h = dict(CSRF) if csrf else {}
        h.update(headers or {})
        if body is None and raw_body is None:
            r, data = self.raw("GET", path, headers=h)
        else:
            h.setdefault("Content-Type", "application/json")
            r, data = self.raw("POST", path, raw_body if raw_body is not None
                               else json.dumps(body).encode(), h)
        try:
            j = json.loads(data)
        except ValueError:
            j = {"unparsed": data[:200]}
        return r.status, j, r

    def login(self, name):
        st, j, r = self.call("/api/login", {"name": name, "password": PASSWORDS[name]})
        m = re.match(re.escape(self.cookie_name) + r"=([0-9a-f]{64}); Path=/; HttpOnly; SameSite=Strict"
                     + ("; Secure$" if self.cookie_name.startswith("__Host-") else "$"),
                     r.getheader("Set-Cookie") or "")
        check(st == 200 and m is not None, "login %s: %s %s %s" % (name, st, j, r.getheader("Set-Cookie")))
        self.cookie = m.group(1) if m else None
        return j


def raw_http(port, head, source="127.0.0.1", timeout=5):
    """HEAD (the request line and headers, CRLF-separated, without the blank
    line) sent as written; the status and the body, or None if the server
    closed the connection without an answer."""
    s = socket.socket()
    s.bind((source, 0))
    s.settimeout(timeout)
    try:
        s.connect(("127.0.0.1", port))
        s.sendall(head.encode() + b"\r\nConnection: close\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except (ConnectionResetError, socket.timeout):
        data = b""
    finally:
        s.close()
    m = re.match(rb"HTTP/1\.[01] (\d{3}) ", data)
    return (int(m.group(1)), data.split(b"\r\n\r\n", 1)[-1]) if m else (None, data)


def api_checks(port):
    anon = Client(port)
    r, page = anon.raw("GET", "/")
    check(r.status == 200 and b"<title>ownerlock fleet" in page, "the page")
    check(r.getheader("Cache-Control") == "no-store", "the page: Cache-Control no-store")
    check("script-src 'self'" in (r.getheader("Content-Security-Policy") or ""), "the page: CSP")
    for path in ("/app.js", "/style.css"):
        r, _ = anon.raw("GET", path)
        check(r.status == 200, path)
    st, j, r = anon.call("/api/locks", csrf=False)
    check(st == 403 and j.get("kind") == "csrf", "no X-Requested-With: 403 (%s %s)" % (st, j))
    st, j, r = anon.call("/api/locks")
    check(st == 401 and j.get("kind") == "session", "no session: 401 (%s %s)" % (st, j))
    check(r.getheader("Cache-Control") == "no-store", "API: Cache-Control no-store")
    st, j, _ = anon.call("/api/dispatch", {"lock": 777, "person": "Sam Imms"})
    check(st == 401, "dispatch without a session: 401")
    st, j, _ = anon.call("/api/dispatch", raw_body=b"{")
    check(st == 401, "bad JSON without a session: 401, not a parse (%s)" % st)
    st, j, _ = anon.call("/api/nothing")
    check(st == 404, "an unknown call: 404")

    # Logins: a wrong password is recorded against the dispatcher; an unknown
    # name has the same answer, recorded as the actor "web", without the name.
    before = sql("SELECT count(*) FROM fleet.actions WHERE kind = 'password refused'")
    st, j, r = anon.call("/api/login", {"name": "dora", "password": "wrong-password"})
    check(st == 401 and r.getheader("Set-Cookie") is None, "a wrong password: 401 (%s)" % st)
    check(sql("SELECT count(*) FROM fleet.actions WHERE kind = 'password refused' AND"
              " actor = 'dispatcher:dora' AND detail = 'web session'") == "1",
          "a wrong password is recorded")
    st, j2, _ = anon.call("/api/login", {"name": "typed-my-password-here", "password": "x"})
    check(st == 401 and j2.get("error") == j.get("error"), "an unknown name: the same 401")
    st, j, _ = anon.call("/api/login", {"name": "' OR 1=1 --", "password": "x"})
    check(st == 401, "an injected name: 401")
    check(sql("SELECT count(*) FROM fleet.actions WHERE kind = 'password refused'") ==
          str(int(before) + 3), "three refusals recorded")
    check(sql("SELECT count(*) FROM fleet.actions WHERE kind = 'password refused' AND"
              " actor = 'web' AND detail = 'web session'") == "2",
          "the two unknown names' refusals are recorded as the actor web")
    check(sql("SELECT count(*) FROM fleet.actions WHERE actor || kind || detail LIKE"
              " '%typed-my-password%' OR actor || kind || detail LIKE '%1=1%'") == "0",
          "the unknown names are not in the chain")
    st, j, _ = anon.call("/api/login", {"name": "dora\n", "password": "x"})
    check(st == 400, "a name with a control character: 400 (%s %s)" % (st, j))
    st, j, _ = anon.call("/api/login", {"name": " spaced-password-typed ", "password": "x"})
    check(st == 400, "a name with a space at its end: 400 (%s %s)" % (st, j))

    dora = Client(port)
    j = dora.login("dora")
    check(j.get("dispatcher") == "dora" and j.get("role") == "dispatcher", "login answer %s" % j)
    st, j, _ = dora.call("/api/session")
    check(st == 200 and j.get("dispatcher") == "dora", "session")
    forged = Client(port)
    forged.cookie = "00" * 32
    st, j, _ = forged.call("/api/locks")
    check(st == 401, "an unknown token: 401")
    forged.cookie = dora.cookie[:-1]
    st, j, _ = forged.call("/api/locks")
    check(st == 401, "a short token: 401")

    st, j, _ = dora.call("/api/locks")
    locks = {l["number"]: l for l in j.get("locks", [])}
    check(st == 200 and locks.get(778, {}).get("name") == "Depot <b>north</b>" and
          {p["name"] for p in locks[777]["people"]} == {"Sam Imms", ROBERT}, "locks: %s" % j)

    # Bad requests: each refused with its status, nothing changed.
    before = counts()
    bad_bodies = [b"", b"{", b"[1]", b"{\"lock\":777}", b"{\"lock\":777,\"person\":\"Sam Imms\",\"x\":1}",
                  b"{\"lock\":777,\"lock\":777,\"person\":\"Sam Imms\"}", b"{\"lock\":true,\"person\":\"Sam Imms\"}",
                  b"{\"lock\":777,\"person\":\"Sam \\q\"}", b"{\"lock\":777,\"person\":\"Sam Imms\"} x",
                  b"{\"lock\":777,\"person\":\"\\ud800\"}", b"{\"lock\":777,\"person\":\"a\\u0000b\"}",
                  b"{\"lock\":01,\"person\":\"Sam Imms\"}", b"{\"lock\":777,\"person\":[\"Sam Imms\"]}"]
    for body in bad_bodies:
        st, j, _ = dora.call("/api/dispatch", raw_body=body)
        check(st == 400 and "error" in j, "bad JSON %r: 400 (%s %s)" % (body, st, j))
    for body in ({"lock": -1, "person": "Sam Imms"}, {"lock": "4294967296", "person": "Sam Imms"},
                 {"lock": 1.5, "person": "Sam Imms"}, {"lock": 779, "person": "Sam Imms"},
                 {"lock": 777, "person": "Nobody"}, {"lock": 777, "person": "Sam Imms' OR '1'='1"},
                 {"lock": 777, "person": ""}):
        st, j, _ = dora.call("/api/dispatch", body)
        check(st == 400 and "error" in j, "bad input %s: 400 (%s %s)" % (body, st, j))
    st, j, _ = dora.call("/api/dispatch", raw_body=b"x" * 5000)
    check(st == 413, "a body too long: 413 (%s)" % st)
    st, j, _ = dora.call("/api/dispatch", {"lock": 777, "person": "Sam Imms"}, csrf=False)
    check(st == 403 and j.get("kind") == "csrf", "no CSRF header with a session: 403")
    st, j, _ = dora.call("/api/dispatch", {"lock": 777, "person": "Sam Imms"},
                         headers={"Origin": "http://evil.example"})
    check(st == 403 and j.get("kind") == "csrf", "another Origin: 403")
    st, j, _ = dora.call("/api/dispatch", {"lock": 777, "person": "Sam Imms"},
                         headers={"Origin": "null"})
    check(st == 403 and j.get("kind") == "csrf", "Origin null: 403")
    # DNS rebinding: another site's name, resolved to this address.
    st, j, _ = dora.call("/api/dispatch", {"lock": 777, "person": "Sam Imms"},
                         headers={"Host": "evil.example:%d" % port,
                                  "Origin": "http://evil.example:%d" % port})
    check(st == 421 and j.get("kind") == "host", "another Host: 421 (%s %s)" % (st, j))
    r, _ = anon.raw("GET", "/", headers={"Host": "evil.example:%d" % port})
    check(r.status == 421, "the page for another Host: 421")
    # A header the checks read twice: each took the first, another reader (a
    # proxy, a log) may take the last. Refused, whatever the values.
    host = "127.0.0.1:%d" % port
    api_head = ("GET /api/session HTTP/1.1\r\nX-Requested-With: ownerlock-fleet\r\n"
                "Cookie: %s=%s\r\n" % (COOKIE, dora.cookie))
    st, body = raw_http(port, api_head + "Host: %s\r\nHost: evil.example" % host)
    check(st == 400 and b"more than once" in body, "Host twice: 400 (%s %r)" % (st, body))
    st, body = raw_http(port, api_head + "Host: %s\r\nHost: %s" % (host, host))
    check(st == 400, "the same Host twice: 400 (%s)" % st)
    st, body = raw_http(port, "GET / HTTP/1.1\r\nHost: %s\r\nhost: evil.example" % host)
    check(st == 400, "the page with Host twice: 400 (%s)" % st)
    st, body = raw_http(port, api_head + "Host: %s\r\nOrigin: http://%s\r\nOrigin: http://evil.example"
                        % (host, host))
    check(st == 400 and b"more than once" in body, "Origin twice: 400 (%s %r)" % (st, body))
    st, body = raw_http(port, api_head + "Host: %s\r\nOrigin: http://%s" % (host, host))
    check(st == 200, "the same request with one Host and one Origin: 200 (%s %r)" % (st, body))
    st, j, _ = dora.call("/api/dispatch", {"lock": 777, "person": "Sam Imms"},
                         headers={"Content-Type": "text/plain"})
    check(st == 415, "a text/plain body (a form's): 415 (%s)" % st)
    st, j, _ = dora.call("/api/dispatch", {"lock": 777, "person": "Sam Imms"},
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    check(st == 415, "a form body: 415")
    st, j, _ = dora.call("/api/dispatch", {"lock": 777, "person": "Sam Imms"},
                         headers={"Content-Type": "application/jsonx"})
    check(st == 415, "application/jsonx: 415")
    r, _ = dora.raw("GET", "/api/dispatch", headers=CSRF)
    check(r.status == 405, "GET on a POST call: 405")
    r, _ = dora.raw("PUT", "/api/dispatch", headers=CSRF)
    check(r.status == 405, "PUT: 405")
    check(counts() == before, "bad requests changed nothing: %s -> %s" % (before, counts()))

    # Two session cookies: another site of the domain may have set one (a
    # plain name), or a client kept an old one; none of them chooses.
    other = Client(port)
    other.login("eve")
    api_head = "GET /api/session HTTP/1.1\r\nX-Requested-With: ownerlock-fleet\r\nHost: %s\r\n" % host
    for cookies, what in (("%s=%s; %s=%s" % (COOKIE, "00" * 32, COOKIE, dora.cookie), "a forged one first"),
                          ("%s=%s; %s=%s" % (COOKIE, dora.cookie, COOKIE, other.cookie), "two valid ones"),
                          ("%s=%s; %s=%s" % (COOKIE.lower(), "00" * 32, COOKIE, dora.cookie),
                           "the name in another case first")):
        st, body = raw_http(port, api_head + "Cookie: " + cookies)
        check(st == 400 and b"more than one session cookie" in body,
              "two session cookies, %s: 400 (%s %r)" % (what, st, body))
    st, body = raw_http(port, api_head + "Cookie: %s=%s\r\nCookie: %s=%s"
                        % (COOKIE, dora.cookie, COOKIE, other.cookie))
    check(st == 400 and b"more than once" in body, "two Cookie headers: 400 (%s %r)" % (st, body))
    st, body = raw_http(port, api_head + "Cookie: ol_session=%s; %s=%s" % ("00" * 32, COOKIE, dora.cookie))
    check(st == 200 and b'"dora"' in body,
          "a plain ol_session beside the __Host- one is not the service's: ignored (%s %r)" % (st, body))
    st, j, r = Client(port).call("/api/login", {"name": "dora", "password": PASSWORDS["dora"]},
                         headers={"Cookie": "%s=%s; %s=%s" % (COOKIE, dora.cookie, COOKIE, other.cookie)})
    check(st == 400 and r.getheader("Set-Cookie") is None, "a login with two session cookies: 400 (%s)" % st)
    # A login with a valid session cookie ends that session: the browser's
    # cookie is replaced, and the old token is no one's to keep.
    old = other.cookie
    other.login("eve")
    check(other.cookie != old, "a login with a session cookie: a new token")
    st, _, _ = other.call("/api/session")
    check(st == 200, "the new session works")
    other.cookie, new = old, other.cookie
    st, j, _ = other.call("/api/session")
    check(st == 401, "the session the login's cookie named has ended (%s %s)" % (st, j))
    other.cookie = new

    # A dispatch: the code once, to the one who asked; the seal closes it.
    st, j, r = dora.call("/api/dispatch", {"lock": 777, "person": "Sam Imms"})
    check(st == 200 and j.get("code") == code_for(777, 0, 2), "dispatch: the code (%s %s)" % (st, j))
    check(r.getheader("Cache-Control") == "no-store", "the code's answer: no-store")
    d1 = j.get("dispatch")
    check(sql("SELECT actor FROM fleet.actions WHERE kind = 'code shown' AND detail = 'dispatch %s counter 0'" % d1)
          == "dispatcher:dora", "the code shown is on record, dora's")
    st, j, _ = dora.call("/api/code", {"dispatch": d1})
    check(st == 403, "the code twice: refused (%s %s)" % (st, j))
    before = counts()
    st, j, _ = dora.call("/api/seal", {"dispatch": d1, "seal": "01-12345-678"})
    check(st == 400 and counts() == before, "a malformed seal: 400, nothing changed")
    st, j, _ = dora.call("/api/seal", {"dispatch": "99", "seal": seal_for(777, 0, 2, 1)})
    check(st == 400 and counts() == before, "an unknown dispatch: 400, nothing changed")
    good = seal_for(777, 0, 2, 1)
    wrong = good[:-1] + str((int(good[-1]) + 1) % 10)
    st, j, _ = dora.call("/api/seal", {"dispatch": d1, "seal": wrong})
    check(st == 403 and j.get("kind") == "refused", "a wrong seal: 403 (%s %s)" % (st, j))
    check(sql("SELECT count(*) FROM fleet.seal_entries WHERE dispatch = %s AND NOT ok" % d1) == "1",
          "the wrong seal is recorded")
    check(sql("SELECT sealed_at IS NULL FROM fleet.dispatches WHERE id = %s" % d1) == "t",
          "a wrong seal leaves the dispatch open")
    st, j, _ = dora.call("/api/seal", {"dispatch": d1, "seal": good})
    check(st == 200 and j.get("closed") is True and j.get("records") == 1, "the seal (%s %s)" % (st, j))
    st, j, _ = dora.call("/api/dispatches?open=1")
    check(st == 200 and all(x["id"] != d1 for x in j["dispatches"]), "a sealed one is not open")
    st, j, _ = dora.call("/api/dispatches")
    check(any(x["id"] == d1 and x["state"] == "closed, seal 01" for x in j.get("dispatches", [])),
          "all dispatches: the sealed one, closed")

    # Injection-looking names go through as data, verbatim.
    st, j, _ = dora.call("/api/dispatch", {"lock": 777, "person": ROBERT})
    check(st == 200 and j.get("code") == code_for(777, 1, 5), "dispatch for Robert'); (%s %s)" % (st, j))
    check(sql("SELECT count(*) FROM fleet.people") == "2", "fleet.people is all there")
    check(sql("SELECT count(*) FROM fleet.actions WHERE kind = 'dispatch' AND detail LIKE"
              " '%%person \"Robert''); DROP TABLE fleet.people;--\"%%'") == "1",
          "the name is in the chain verbatim")
    x = Client(port)
    x.login("x' OR '1'='1")
    st, j, _ = x.call("/api/dispatch", {"lock": 778, "person": "Sam Imms"})
    check(st == 200 and j.get("code") == code_for(778, 0, 0), "a dispatcher named x' OR '1'='1")
    check(sql("SELECT count(*) FROM fleet.actions WHERE actor = 'dispatcher:x'' OR ''1''=''1'"
              " AND kind = 'dispatch'") == "1", "his actor verbatim in the chain")

    # Dual dispatch: approved by another dispatcher only; the code to the asker only.
    r = cli("setting", "dual-dispatch", "on", "--as", "ada", password=PASSWORDS["ada"])
    check(r.returncode == 0, "dual dispatch on: %s" % r.stderr)
    st, j, _ = dora.call("/api/dispatch", {"lock": 777, "person": "Sam Imms"})
    check(st == 200 and j.get("awaiting_approval") is True and "code" not in j,
          "dual dispatch: awaiting approval, no code (%s)" % j)
    d2 = j.get("dispatch")
    st, j, _ = dora.call("/api/code", {"dispatch": d2})
    check(st == 403, "the code before the approval: refused")
    st, j, _ = dora.call("/api/approve", {"dispatch": d2})
    check(st == 403 and "his own" in j.get("error", ""), "approving one's own: 403 (%s)" % j)
    check(sql("SELECT count(*) FROM fleet.actions WHERE kind = 'refused' AND actor = 'dispatcher:dora'"
              " AND detail = 'approve dispatch %s'" % d2) == "1", "one's own approval: recorded")
    eve = Client(port)
    eve.login("eve")
    st, j, _ = eve.call("/api/approve", {"dispatch": d2})
    check(st == 200 and "code" not in j, "eve approves, and sees no code (%s %s)" % (st, j))
    st, j, _ = eve.call("/api/approve", {"dispatch": d2})
    check(st == 400, "approved twice: 400")
    st, j, _ = eve.call("/api/code", {"dispatch": d2})
    check(st == 403, "the code to another than the asker: refused")
    st, j, _ = dora.call("/api/code", {"dispatch": d2})
    check(st == 200 and j.get("code") == code_for(777, 2, 2), "the code after approval (%s)" % j)
    r = dual_dispatch_off()
    check(r.returncode == 0, "dual dispatch off")

    # Each wrong seal is a guess at eight digits (the evaluation tried 536 a
    # second): a dispatch takes 5, then no more, and stays open.
    st, j, _ = dora.call("/api/dispatch", {"lock": 778, "person": "Sam Imms"})
    d3 = j.get("dispatch")
    counter = int(sql("SELECT counter FROM fleet.dispatches WHERE id = %s" % d3))
    good = seal_for(778, counter, 0, 1)
    for i in range(5):
        wrong = "01-%04d-%04d" % (i, i)
        st, j, _ = dora.call("/api/seal", {"dispatch": d3, "seal": wrong if wrong != good else "01-9999-9999"})
        check(st == 403 and "does not match" in j.get("error", ""), "wrong seal %d of 5: 403 (%s %s)" % (i + 1, st, j))
    st, j, _ = dora.call("/api/seal", {"dispatch": d3, "seal": good})
    check(st == 403 and j.get("kind") == "refused" and "took 5 wrong seals" in j.get("error", ""),
          "the right seal after 5 wrong ones: refused (%s %s)" % (st, j))
    check(sql("SELECT count(*) FROM fleet.seal_entries WHERE dispatch = %s" % d3) == "5" and
          sql("SELECT sealed_at IS NULL FROM fleet.dispatches WHERE id = %s" % d3) == "t",
          "5 seals checked, the dispatch open")
    check(sql("SELECT count(*) FROM fleet.actions WHERE kind = 'refused' AND actor = 'dispatcher:dora'"
              " AND detail = 'seal of dispatch %s: %s'" % (d3, good)) == "1", "the refusal is recorded")

    # Logout ends the session for good.
    st, j, r = eve.call("/api/logout", {})
    check(st == 200 and "Max-Age=0" in (r.getheader("Set-Cookie") or ""), "logout")
    st, j, _ = eve.call("/api/locks")
    check(st == 401, "the cookie after logout: 401")
    return dora


# ---- the limit on wrong passwords ------------------------------------------------

def login_try(port, name, password):
    c = Client(port)
    t = time.perf_counter()
    st, j, r = c.call("/api/login", {"name": name, "password": password})
    return st, j, r, time.perf_counter() - t


def timeless(answer):
    """An answer with its lockout's time taken out."""
    return re.sub(r"until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(in \d+ s\)", "until T (in N s)",
                  json.dumps({k: v for k, v in answer.items() if k != "retry_after"}))


def name_tag(name):
    """A name that is no dispatcher's as the database keeps it (docs/FLEET.md):
    BLAKE2b-256 of the name under the key libsodium's crypto_kdf_derive_from_key
    derives from the owner's key (subkey 1, context "olfnames"), computed here
    with hashlib's BLAKE2b."""
    with open(os.environ["OWNERLOCK_FLEET_KEY"]) as f:
        kek = bytes.fromhex(f.read().strip())
    key = hashlib.blake2b(b"", digest_size=32, key=kek, salt=struct.pack("<Q", 1) + bytes(8),
                          person=b"olfnames" + bytes(8)).digest()
    return hashlib.blake2b(name.encode(), digest_size=32, key=key).hexdigest()


def move_back(seconds):
    """The last wrong password of lou and of GHOST, `seconds` earlier: a lockout
    ends without the test waiting for it."""
    sql("UPDATE fleet.dispatchers SET last_wrong_at = last_wrong_at - interval '%d seconds'"
        " WHERE name = 'lou'" % seconds)
    sql("UPDATE fleet.unknown_names SET last_wrong_at = last_wrong_at - interval '%d seconds'"
        % seconds)


def lockout_checks(port):
    """lou's name and a name that is no one's, try for try: the same answers,
    the same times; a locked-out name's right password refused unchecked."""
    web_before = sql("SELECT count(*) FROM fleet.actions WHERE actor = 'web'")
    known, unknown = [], []
    for i in range(1, 6):
        known.append(login_try(port, "lou", "not-lous-%d" % i))
        unknown.append(login_try(port, GHOST, "not-lous-%d" % i))
    for i in range(5):
        check(known[i][0] == 401 and unknown[i][0] == 401 and
              timeless(known[i][1]) == timeless(unknown[i][1]),
              "wrong password %d: the same 401 for lou and for no one (%s %s; %s %s)"
              % (i + 1, known[i][0], known[i][1], unknown[i][0], unknown[i][1]))
    check("until" not in known[3][1].get("error", ""), "four wrong passwords: no lockout yet")
    check("no password is checked for it until" in known[4][1].get("error", "") and
          "(in 60 s)" in known[4][1].get("error", ""),
          "the fifth wrong password: a lockout of a minute (%s)" % known[4][1])
    locked_known, locked_unknown = [], []
    for _ in range(7):
        locked_known.append(login_try(port, "lou", PASSWORDS["lou"]))
        locked_unknown.append(login_try(port, GHOST, PASSWORDS["lou"]))
    for st, j, r, _ in locked_known + locked_unknown:
        check(st == 429 and j.get("kind") == "locked" and r.getheader("Set-Cookie") is None and
              r.getheader("Retry-After") == str(j.get("retry_after")) and
              "too many wrong passwords for this name" in j.get("error", ""),
              "locked out: 429, Retry-After, no session (%s %s)" % (st, j))
    check(timeless(locked_known[0][1]) == timeless(locked_unknown[0][1]),
          "locked out: the same answer for lou and for no one")
    # Times: a check is an Argon2id's, for a dispatcher's name and any other; a
    # locked-out name's try runs none, whoever's the name.
    checked_k = statistics.median(t[3] for t in known)
    checked_u = statistics.median(t[3] for t in unknown)
    locked_k = statistics.median(t[3] for t in locked_known)
    locked_u = statistics.median(t[3] for t in locked_unknown)
    times = "checked %.1f / %.1f ms, locked out %.1f / %.1f ms (lou / no one)" % (
        checked_k * 1e3, checked_u * 1e3, locked_k * 1e3, locked_u * 1e3)
    print("fleet/web: login times, medians: " + times, flush=True)
    check(abs(checked_k - checked_u) < 0.5 * checked_k, "a wrong password's time: " + times)
    check(locked_k < checked_k / 2 and locked_u < checked_u / 2,
          "locked out: refused without an Argon2id: " + times)
    check(abs(locked_k - locked_u) < 0.005 + 0.5 * min(locked_k, locked_u),
          "locked out: as fast for no one as for lou: " + times)
    check(sql("SELECT count(*) FROM fleet.actions WHERE actor = 'dispatcher:lou' AND"
              " kind = 'password refused' AND detail = 'web session'") == "5",
          "lou's five wrong passwords are recorded")
    check(sql("SELECT count(*) FROM fleet.actions WHERE actor = 'dispatcher:lou' AND"
              " kind = 'locked out' AND detail LIKE 'web session (locked out until %'") == "7",
          "lou's seven tries while locked out are recorded")
    check(sql("SELECT wrong_passwords FROM fleet.unknown_names"
              " WHERE tag = '\\x%s'" % name_tag(GHOST)) == "5",
          "no one's name: 5 wrong passwords, on the row of its tag")
    check(sql("SELECT count(*) FILTER (WHERE kind = 'password refused' AND detail = 'web session')"
              " || ' ' || count(*) FILTER (WHERE kind = 'locked out' AND"
              " detail LIKE 'web session (locked out until %') FROM fleet.actions"
              " WHERE actor = 'web'") == "%d 7" % (int(web_before) + 5),
          "no one's five wrong passwords and seven tries while locked out are recorded (web)")
    table = sql("COPY fleet.unknown_names TO STDOUT")
    check(GHOST not in table and GHOST.encode().hex() not in table and
          hashlib.sha256(GHOST.encode()).hexdigest() not in table and
          hashlib.blake2b(GHOST.encode(), digest_size=32).hexdigest() not in table,
          "no one's name is not in the database, nor a hash of it without a key")
    # Kept in the database: a new serve (a restart) refuses it just the same.
    proc2, port2 = start_server()
    try:
        st, j, _, _ = login_try(port2, "lou", PASSWORDS["lou"])
        check(st == 429, "a restarted service keeps lou's lockout (%s %s)" % (st, j))
        st, j, _, _ = login_try(port2, GHOST, PASSWORDS["lou"])
        check(st == 429, "a restarted service keeps no one's lockout (%s %s)" % (st, j))
    finally:
        proc2.terminate()
        proc2.wait(10)
    # After the lockout: one wrong password locks the name out for twice as
    # long, the same for both names.
    move_back(61)
    st_k, j_k, _, _ = login_try(port, "lou", "not-lous-6")
    st_u, j_u, _, _ = login_try(port, GHOST, "not-lous-6")
    check(st_k == 401 and "(in 120 s)" in j_k.get("error", "") and timeless(j_k) == timeless(j_u),
          "a wrong password after the lockout: two minutes, for both (%s %s)" % (j_k, j_u))
    move_back(121)
    st, j, r, _ = login_try(port, "lou", PASSWORDS["lou"])
    check(st == 200 and j.get("dispatcher") == "lou", "lou's right password after the lockout (%s %s)" % (st, j))
    check(sql("SELECT wrong_passwords || ' ' || (last_wrong_at IS NULL) FROM fleet.dispatchers"
              " WHERE name = 'lou'") == "0 true", "the right password cleared lou's count")
    # The owner ends a lockout.
    for i in range(1, 6):
        login_try(port, "lou", "not-lous-%d" % i)
    st, j, _, _ = login_try(port, "lou", PASSWORDS["lou"])
    check(st == 429, "lou locked out again (%s)" % st)
    r = cli("dispatcher", "unlock", "lou")
    check(r.returncode == 0 and "5 wrong passwords forgotten; the lockout is over" in r.stdout,
          "dispatcher unlock: %s %s" % (r.stdout, r.stderr))
    st, j, _, _ = login_try(port, "lou", PASSWORDS["lou"])
    check(st == 200, "lou's right password after the owner's unlock (%s %s)" % (st, j))


# ---- the locks, a page at a time ----------------------------------------------------

# Locks whose names hold what a search must take literally: LIKE's % and _, quotes.
SEARCHED = {2001: '100% "safe" vault', 2002: "O'Brien's 50_50 box", 2003: "plain box 100 safe",
            2004: "a_b", 2005: "aXb"}


def locks_paging_checks(dora):
    # 600 more locks (they copy lock 777's sealed key, which does not open under
    # their numbers: for the listing only), and the searched ones.
    sql("INSERT INTO fleet.locks (number, name, key_nonce, key_box)"
        " SELECT 1000 + k, 'Branch ' || k || ', vault', key_nonce, key_box"
        " FROM fleet.locks, generate_series(0, 599) k WHERE number = 777")
    for number, name in SEARCHED.items():
        r = cli("lock", "add", str(number), name)
        check(r.returncode == 0, "lock add %s: %s" % (name, r.stderr))
    every = {}
    for line in sql("SELECT number || chr(9) || name FROM fleet.locks").splitlines():
        number, name = line.split("\t", 1)
        every[int(number)] = name

    def numbers(j):
        return [l["number"] for l in j.get("locks", [])]

    st, j, _ = dora.call("/api/locks")
    first = numbers(j)
    check(st == 200 and first == sorted(every)[:100] and j.get("more") is True,
          "the first page: the 100 first locks by number, and more (%s %s...)" % (st, first[:5]))
    l777 = next((l for l in j.get("locks", []) if l["number"] == 777), {})
    check({p["name"] for p in l777.get("people", [])} == {"Sam Imms", ROBERT},
          "a lock of the page with its people: %s" % l777)
    seen, after, pages = [], None, 0
    while pages < 10:
        st, j, _ = dora.call("/api/locks?limit=500" + ("" if after is None else "&after=%d" % after))
        pages += 1
        seen += numbers(j)
        if st != 200 or not j.get("more"):
            break
        after = seen[-1]
    check(seen == sorted(every) and pages == (len(every) + 499) // 500,
          "pages of 500 from after=: every lock once, by number (%d of %d in %d pages)"
          % (len(seen), len(every), pages))
    st, j, _ = dora.call("/api/locks?after=1049&limit=3")
    check(st == 200 and numbers(j) == [1050, 1051, 1052] and j.get("more") is True,
          "after=1049&limit=3: 1050 to 1052 (%s %s)" % (st, numbers(j)))
    st, j, _ = dora.call("/api/locks?after=%d" % max(every))
    check(st == 200 and numbers(j) == [] and j.get("more") is False, "after the last lock: none")
    st, j, _ = dora.call("/api/locks?after=4294967295")
    check(st == 200 and numbers(j) == [] and j.get("more") is False, "after=4294967295: none")
    st, j, _ = dora.call("/api/locks?limit=500")
    check(st == 200 and len(numbers(j)) == 500, "limit=500: 500 locks")
    for query, why in (("limit=501", "limit: 1 to 500"), ("limit=0", "limit: 1 to 500"),
                       ("limit=-1", "limit: 1 to 500"), ("limit=1e2", "limit: 1 to 500"),
                       ("limit=99999999999999999999", "limit: 1 to 500"), ("limit=", "limit"),
                       ("after=-1", "after: the number"), ("after=4294967296", "after: the number"),
                       ("after=7x", "after: the number"), ("after=", "after: the number"),
                       ("sort=name", "takes q, after and limit"), ("q=a&q=b", "at most once"),
                       ("limit=5&limit=6", "at most once"), ("q=a%00b", "a NUL byte"),
                       ("q=a%01b", "a control character"), ("q=%20vault", "a space at its start"),
                       ("q=" + "x" * 101, "1 to 100 bytes"), ("q=%ff", "not UTF-8")):
        st, j, _ = dora.call("/api/locks?" + query)
        check(st == 400 and j.get("kind") == "input" and why in j.get("error", ""),
              "/api/locks?%s: 400 '%s' (%s %s)" % (query[:30], why, st, j))

    def search(q, more=""):
        st, j, _ = dora.call("/api/locks?q=" + urllib.parse.quote(q, safe="") + more)
        return st, numbers(j), j

    for q, want in (("%", [2001]), ("_", [2002, 2004]), ("a_b", [2004]), ('"safe"', [2001]),
                    ("'", [2002]), ("O'Brien's 50_50", [2002]), ("DEPOT", [778]),
                    ("<b>north", [778]), ("1005", [1005]), ("no such lock", [])):
        st, got, _ = search(q)
        check(st == 200 and got == want, "search %r: %s, not %s" % (q, got, want))
    for q in ("100", "vault", "Branch 5", "7"):
        want = sorted(n for n, name in every.items() if q.lower() in name.lower() or q in str(n))
        got, after = [], None
        while True:
            st, page, j = search(q, "" if after is None else "&after=%d" % after)
            got += page
            if st != 200 or not j.get("more"):
                break
            after = page[-1]
        check(got == want, "search %r, page after page: %d locks, not %d" % (q, len(got), len(want)))
    st, _, j = search("Branch", "&limit=2")
    check(st == 200 and len(j["locks"]) == 2 and j.get("more") is True, "a search's page: limit=2, more")
# ---- a lock's audit trail: the owner's report from the stored records ------------

SVG = "{http://www.w3.org/2000/svg}"
PLOTS = ["Openings per day", "Openings by slot", "Wrong codes and lockouts per day",
         "Openings by time of day and weekday"]
TO_NOTE = ("duress", "fault_detected", "firmware", "delay_started", "lockout", "recovery_used",
           "clock_set")
MARKUP_LOCK = "Vault <script>alert(1)</script> & <b>co</b>"
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def brief(j):
    """An answer for a message: without the report's HTML."""
    return {k: v for k, v in j.items() if k != "html"}


def report_plots(html):
    """The report fragment parsed as XML (it is well-formed), and each plot as
    {title: {bar label: value}} from its bars' own titles ("label: value")."""
    root = ET.fromstring(html)
    plots = {}
    for svg in root.iter(SVG + "svg"):
        bars = {}
        for rect in svg.findall(SVG + "rect"):
            label, value = rect.find(SVG + "title").text.rsplit(": ", 1)
            bars[label] = int(value)
        plots[svg.find(SVG + "title").text] = (bars, len(svg.findall(SVG + "path")))
    return root, plots


def table_rows(root, header):
    """The rows (cell texts) of the report's table whose first heading is `header`."""
    for table in root.iter("table"):
        rows = [[("".join(c.itertext())) for c in tr] for tr in table.iter("tr")]
        if rows and rows[0][0] == header:
            return rows[1:]
    return None


def stored(lock, query):
    """Rows of a query on the lock's stored trail (psql's text, split at |)."""
    out = sql(query.replace("LOCK", str(lock)))
    return [line.split("|") for line in out.splitlines()] if out else []


def audit_checks(port):
    anon = Client(port)
    st, j, _ = anon.call("/api/audit?lock=777")
    check(st == 401 and j.get("kind") == "session" and "html" not in j,
          "audit without a session: 401 (%s %s)" % (st, brief(j)))
    dora = Client(port)
    dora.login("dora")
    st, j, _ = dora.call("/api/audit?lock=777", csrf=False)
    check(st == 403 and j.get("kind") == "csrf" and "html" not in j, "audit without the CSRF header: 403")
    st, j, _ = dora.call("/api/audit?lock=777", headers={"Origin": "http://evil.example"})
    check(st == 403 and "html" not in j, "audit from another Origin: 403")
    r, _ = dora.raw("POST", "/api/audit?lock=777", b"{}", dict(CSRF, **{"Content-Type": "application/json"}))
    check(r.status == 405, "POST on the audit call: 405 (%s)" % r.status)
    for bad in ("x", "-1", "4294967296", "777%20OR%201=1", "0777x", ""):
        st, j, _ = dora.call("/api/audit?lock=" + bad)
        check(st == 400 and j.get("kind") == "input" and "not a number" in j.get("error", ""),
              "audit of lock %r: 400, not a number (%s %s)" % (bad, st, brief(j)))
    st, j, _ = dora.call("/api/audit")
    check(st == 400 and "which lock" in j.get("error", ""), "audit without a lock: 400 (%s %s)" % (st, brief(j)))
    st, j, _ = dora.call("/api/audit?lock=4242")
    check(st == 400 and j.get("error") == "no lock 4242 in the fleet", "audit of an unknown lock (%s %s)" % (st, brief(j)))
    st, j, _ = dora.call("/api/audit?lock=778")
    check(st == 404 and "no audit trail here yet" in j.get("error", "") and "html" not in j,
          "a lock with no audit taken in: 404 and its message (%s %s)" % (st, brief(j)))

    # Lock 777: the simulated lock's trail (web.sh), every count checked
    # against the records stored, read with psql.
    st, j, r = dora.call("/api/audit?lock=777")
    check(st == 200 and "html" in j, "the audit of lock 777 (%s %s)" % (st, brief(j)))
    if st != 200 or "html" not in j:
        return
    check(r.getheader("Cache-Control") == "no-store" and
          "script-src 'self'" in (r.getheader("Content-Security-Policy") or ""), "the audit's headers")
    records = stored(777, "SELECT seq, at, kind, coalesce(slot::text, '') FROM fleet.audit"
                          " WHERE lock = LOCK ORDER BY seq")
    opens = [x for x in records if x[2] == "open"]
    wrong = [x for x in records if x[2] in ("wrong_code", "lockout")]
    noted = [x for x in records if x[2] in TO_NOTE]
    check(len(opens) == 6 and len(wrong) == 6 and len(noted) == 3,
          "the simulated trail has 6 openings, 6 wrong codes and lockouts, 3 to note: %d %d %d"
          % (len(opens), len(wrong), len(noted)))
    check(j.get("stored") == j.get("shown") == len(records) and j.get("first") == int(records[0][0]) and
          j.get("last") == int(records[-1][0]) and j.get("missing") == 0 and j.get("limit") == 4096,
          "the audit's range: %s" % brief(j))
    check(j.get("openings") == len(opens) and j.get("wrong_codes") == len(wrong) and
          j.get("noted") == len(noted), "the audit's counts: %s" % brief(j))
    try:
        root, plots = report_plots(j["html"])
    except (ET.ParseError, AttributeError, ValueError) as e:
        check(False, "the audit report is not well-formed with a title on each bar: %s" % e)
        return
    check(root.tag == "div" and root.get("class") == "audit-report", "the report is a div.audit-report")
    check(list(plots) == PLOTS, "the report's plots: %s" % list(plots))
    if list(plots) != PLOTS:
        return
    days = sorted({x[1][5:10] for x in records})
    per_day, marks = plots["Openings per day"]
    check(list(per_day) == ["01-01", "01-02", "01-03", "01-04", "01-05"] and
          days == ["01-01", "01-02", "01-05"], "the days plotted: %s (records on %s)" % (list(per_day), days))
    check(per_day == {d: sum(1 for x in opens if x[1][5:10] == d) for d in per_day},
          "openings per day: %s" % per_day)
    check(marks == len({x[1][5:10] for x in noted}) == 2, "red marks on the days to note: %d" % marks)
    by_slot, _ = plots["Openings by slot"]
    check(by_slot == {"%02d" % k: sum(1 for x in opens if x[3] == str(k)) for k in range(32)} and
          by_slot["00"] == 3 and by_slot["05"] == 3, "openings by slot: %s" % by_slot)
    wrong_day, _ = plots["Wrong codes and lockouts per day"]
    check(wrong_day == {d: sum(1 for x in wrong if x[1][5:10] == d) for d in per_day},
          "wrong codes and lockouts per day: %s" % wrong_day)
    heat, _ = plots["Openings by time of day and weekday"]
    want = {}
    for x in opens:
        t = time.strptime(x[1], "%Y-%m-%dT%H:%M:%S")
        key = "%s %02d:00" % (WEEKDAYS[t.tm_wday], t.tm_hour)
        want[key] = want.get(key, 0) + 1
    check(len(heat) == 168 and {k: v for k, v in heat.items() if v} == want,
          "the heat map: %d cells, %s (want %s)" % (len(heat), {k: v for k, v in heat.items() if v}, want))
    kinds = {}
    for x in records:
        kinds[x[2]] = kinds.get(x[2], 0) + 1
    check({row[0]: int(row[1]) for row in table_rows(root, "kind") or []} == kinds,
          "records by kind: %s" % table_rows(root, "kind"))
    check([row[0] for row in table_rows(root, "seq") or []] == [x[0] for x in noted],
          "the records to note: %s" % table_rows(root, "seq"))
    text = "".join(root.itertext())
    check("Lock 777 (Branch 7, vault): records %s to %s (%d), all those taken in" %
          (records[0][0], records[-1][0], len(records)) in text, "the report says which records")

    # A name with markup: text in the report, never an element.
    st, j, _ = dora.call("/api/audit?lock=780")
    check(st == 200 and j.get("name") == MARKUP_LOCK, "the audit of lock 780 (%s)" % st)
    html = j.get("html", "")
    check("Vault &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;co&lt;/b&gt;" in html and
          "<script" not in html and "<b>" not in html, "a lock's name with markup, escaped in the report")
    try:
        root, _ = report_plots(html)
        check(MARKUP_LOCK in "".join(root.itertext()) and
              not any(e.tag in ("script", "b") for e in root.iter()), "the name reads as text")
    except ET.ParseError as e:
        check(False, "lock 780's report is not well-formed: %s" % e)

    # More than the report shows, with records missing between exports: the
    # newest 4096, and the page says so. Made in SQL, an hour apart over 208
    # days: 5,000 numbers but 4,500 to 4,599, every other one an opening.
    r = cli("lock", "add", "781", "Synthetic trail")
    check(r.returncode == 0, "lock 781: %s" % r.stderr)
    sql("INSERT INTO fleet.audit (lock, life, seq, at, kind, slot, arg) SELECT 781, 1, s,"
        " to_char(timestamp '2026-01-01' + s * interval '1 hour', 'YYYY-MM-DD\"T\"HH24:MI:SS'),"
        " CASE WHEN s % 2 = 0 THEN 'open' ELSE 'bolt_extended' END,"
        " CASE WHEN s % 2 = 0 THEN (s / 2) % 3 END, 0"
        " FROM generate_series(1, 5000) s WHERE s NOT BETWEEN 4500 AND 4599")
    times = []
    for _ in range(20):
        t0 = time.perf_counter()
        st, j, _ = dora.call("/api/audit?lock=781")
        times.append(time.perf_counter() - t0)
    times.sort()
    print("fleet/web: the report of 4,096 stored records through the API: median %.1f ms, %d bytes"
          % (1000 * times[len(times) // 2], len(json.dumps(j))))
    shown = [s for s in range(805, 5001) if not 4500 <= s <= 4599]
    check(st == 200 and j.get("stored") == 4900 and j.get("shown") == 4096 == len(shown) and
          j.get("first") == 805 and j.get("last") == 5000 and j.get("missing") == 100 and
          j.get("days") == 120 and j.get("openings") == sum(1 for s in shown if s % 2 == 0),
          "the newest 4096 of 4900: %s" % brief(j))
    try:
        root, plots = report_plots(j.get("html", ""))
        text = "".join(root.itertext())
        check("the newest 4096 of the 4900 records taken in, records 805 to 5000 (4096)" in text and
              "100 records between 805 and 5000 are not here" in text and
              "at most the newest 120 days" in text, "the report says what it leaves out")
        check(len(plots["Openings per day"][0]) == 120, "120 days plotted")
        check(sum(plots["Openings by slot"][0].values()) == j.get("openings"), "the window's openings by slot")
    except (ET.ParseError, KeyError) as e:
        check(False, "lock 781's report: %s" % e)

    # A stored record the owner's tool could not have written (the table
    # edited): refused, said in the log, never shown as something else.
    for field, value in (("kind", "<img src=x onerror=alert(1)>"), ("at", "2026-13-01T00:00:00"),
                         ("at", "2026-01-01 00:00:00"), ("slot", "256"), ("arg", "65536")):
        sql("INSERT INTO fleet.audit (lock, life, seq, at, kind, slot, arg) VALUES"
            " (781, 1, 5001, '2026-07-01T00:00:00', 'open', 1, 0)")
        sql("UPDATE fleet.audit SET %s = '%s' WHERE lock = 781 AND seq = 5001" % (field, value))
        st, j, _ = dora.call("/api/audit?lock=781")
        check(st == 500 and j.get("kind") == "system" and "html" not in j and "onerror" not in json.dumps(j),
              "a stored record with %s %r: 500 (%s %s)" % (field, value, st, brief(j)))
        sql("DELETE FROM fleet.audit WHERE lock = 781 AND seq = 5001")
    st, j, _ = dora.call("/api/audit?lock=781")
    check(st == 200 and j.get("last") == 5000, "lock 781 again once the record is gone")


def expiry_checks():
    # Behind a TLS proxy: its origin, its Host, and a Secure cookie.
    proc, port = start_server(idle=1, origin="https://fleet.example")
    try:
        c = Client(port)
        proxied = {"Host": "fleet.example", "Origin": "https://fleet.example"}
        st, j, r = c.call("/api/login", {"name": "eve", "password": PASSWORDS["eve"]}, headers=proxied)
        set_cookie = r.getheader("Set-Cookie") or ""
        check(st == 200 and set_cookie.startswith(COOKIE + "=") and set_cookie.endswith("; Secure"),
              "--origin https://: the cookie is __Host- and Secure (%s %s)" % (st, set_cookie))
        st, j, r = Client(port).call("/api/logout", {}, headers=dict(
            proxied, Cookie="%s=%s" % (COOKIE, set_cookie.split(";")[0].split("=")[1])))
        check(st == 200 and r.getheader("Set-Cookie") ==
              COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Secure; Max-Age=0",
              "--origin https://: logout clears the cookie with the attributes it was set with (%s %s)"
              % (st, r.getheader("Set-Cookie")))
        st, j, _ = c.call("/api/session", headers={"Origin": "https://fleet.example"})
        check(st == 421, "--origin: the listen address is not the Host (%s)" % st)
        r = cli("serve", "--listen", "127.0.0.1:1", "--origin", "https://fleet.example/path")
        check(r.returncode == 2 and "--origin" in r.stderr, "--origin with a path: refused")
        r = cli("serve", "--listen", "localhost:8080")
        check(r.returncode == 2 and "numeric" in r.stderr, "--listen by name: refused")
        for bad in ("0", "x", "86401"):
            r = cli("serve", "--listen", "127.0.0.1:8080", "--idle", bad)
            check(r.returncode == 2 and "--idle" in r.stderr, "--idle %s: refused" % bad)
    finally:
        proc.terminate()
        proc.wait(10)
    # Plain http to another machine (not the expected deployment): a browser
    # takes no Secure cookie there, so the plain name without it.
    proc, port = start_server(origin="http://fleet.example")
    try:
        c = Client(port, cookie_name="ol_session")
        st, j, r = c.call("/api/login", {"name": "eve", "password": PASSWORDS["eve"]},
                          headers={"Host": "fleet.example", "Origin": "http://fleet.example"})
        check(st == 200 and re.match(r"ol_session=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Strict$",
                                     r.getheader("Set-Cookie") or ""),
              "--origin http:// to another machine: the plain cookie (%s %s)" % (st, r.getheader("Set-Cookie")))
    finally:
        proc.terminate()
        proc.wait(10)
    proc, port = start_server(idle=1)
    try:
        c = Client(port)
        c.login("eve")
        st, _, _ = c.call("/api/session")
        check(st == 200, "a fresh session (--idle 1)")
        time.sleep(2.2)
        st, j, _ = c.call("/api/session")
        check(st == 401 and "expired" in j.get("error", ""), "an idle session expires: %s %s" % (st, j))
        st, j, _ = c.call("/api/session")
        check(st == 401, "and stays gone")
    finally:
        proc.terminate()
        proc.wait(10)


SESSIONS_MAX = 64  # serve.c's table
RELAYS = ["relay-%02d" % i for i in range(1, SESSIONS_MAX - 2)]


def cheap_password_hash(password):
    """An Argon2id hash at libsodium's least cost: crypto_pwhash_str_verify
    takes the cost from the hash, so these dispatchers' logins are quick."""
    sodium = ctypes.CDLL(ctypes.util.find_library("sodium"))
    sodium.crypto_pwhash_opslimit_min.restype = ctypes.c_ulonglong
    sodium.crypto_pwhash_memlimit_min.restype = ctypes.c_size_t
    sodium.crypto_pwhash_str.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulonglong,
                                         ctypes.c_ulonglong, ctypes.c_size_t]
    out = ctypes.create_string_buffer(128)
    if sodium.sodium_init() < 0 or sodium.crypto_pwhash_str(
            out, password.encode(), len(password), sodium.crypto_pwhash_opslimit_min(),
            sodium.crypto_pwhash_memlimit_min()) != 0:
        raise SystemExit("FAIL: libsodium's crypto_pwhash_str")
    return out.value.decode()


def session_table_checks():
    """The evaluation's finding: one dispatcher logged in 64 times, and then
    nobody, the admin included, could (503). Now a dispatcher holds 2
    sessions, and a full table ends its least recently used one, whoever's."""
    # mallory, and 61 more to fill the table, made with SQL (the chain has no
    # 'dispatcher add' for them: this is about sessions, not the chain).
    names = ["mallory"] + RELAYS
    hashed = cheap_password_hash("mallory-password")
    sql("INSERT INTO fleet.dispatchers (name, role, password_hash) SELECT n, 'dispatcher', '%s'"
        " FROM unnest(ARRAY[%s]) AS n" % (hashed, ",".join("'%s'" % n for n in names)))
    PASSWORDS.update({n: "mallory-password" for n in names})
    proc, port = start_server()
    try:
        def session(name):
            c = Client(port)
            c.login(name)
            return c

        def alive(c):
            return c.call("/api/session")[0] == 200

        a1 = session("ada")
        mallory = []
        for i in range(SESSIONS_MAX + 1):
            c = Client(port)
            st, j, r = c.call("/api/login", {"name": "mallory", "password": PASSWORDS["mallory"]})
            m = re.match(COOKIE + r"=([0-9a-f]{64});", r.getheader("Set-Cookie") or "")
            if st != 200 or m is None:
                check(False, "mallory's login %d of %d: %s %s" % (i + 1, SESSIONS_MAX + 1, st, j))
                break
            c.cookie = m.group(1)
            mallory.append(c)
        check(len(mallory) == SESSIONS_MAX + 1, "mallory logs in %d times" % (SESSIONS_MAX + 1))
        live = [alive(c) for c in mallory]
        check(live[-2:] == [True, True] and not any(live[:-2]),
              "mallory holds his last 2 sessions, no more: %d live" % sum(live))
        check(alive(a1), "the admin's session lived through it")
        a2 = session("ada")
        check(alive(a1), "the admin logs in again (was 503), and holds both")
        # A third login ends his least recently used session, not his first.
        a3 = session("ada")
        check(not alive(a2) and alive(a1) and alive(a3), "a third login ends his least recently used")
        # mallory's older session is now the least recently used of all.
        m_old, m_new = mallory[-2], mallory[-1]
        check(alive(m_new) and alive(a1) and alive(a3), "(the others used)")
        relays = [session(r) for r in RELAYS[:-1]]  # and these 60: the table is full
        last = session(RELAYS[-1])
        check(alive(last), "a login into the full table (was 503)")
        check(not alive(m_old), "it ended the least recently used session of all, mallory's older one")
        check(alive(m_new) and alive(a1) and alive(a3) and all(alive(c) for c in relays),
              "and no other")
    finally:
        proc.terminate()
        proc.wait(10)
    with open(os.path.join(TMP, "serve-%d.log" % port)) as f:
        log = f.read()
    check(log.count('session of "mallory" ended: a newer login of the same dispatcher') == SESSIONS_MAX - 1
          and 'session of "ada" ended: a newer login of the same dispatcher' in log and
          log.count("ended: the table is full, and it was idle longest") == 1 and
          'session of "mallory" ended: the table is full' in log,
          "the service's log says which session ended, and why")


CONNECTIONS_PER_ADDRESS = 8  # serve.c's limits
CONNECTION_IDLE_S = 10


def closed_by_server(sock, wait):
    """Whether the server closed sock (within wait seconds)."""
    if not select.select([sock], [], [], wait)[0]:
        return False
    try:
        return sock.recv(1) == b""
    except OSError:
        return True


def idle_connections_start():
    """The evaluation's finding: 64 connections with half-sent headers, from
    one address, held every connection serve took for 30 s or more: nobody
    was answered. On loopback, another source address (127.0.0.2) stands for
    another machine. The idle ones' time-out is waited for at the end
    (idle_connections_end), while the other checks run."""
    proc, port = start_server()
    opened = time.time()
    socks, connected = [], {}
    for _ in range(64):
        s = socket.socket()
        s.bind(("127.0.0.2", 0))
        s.settimeout(3)
        try:
            s.connect(("127.0.0.1", port))
            connected[s] = time.time()
            s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nX-Slow: " % port)
            socks.append(s)
        except OSError:
            s.close()
    # Those the server closes: within a second, each timed from its connect.
    refused_after, open_ones, end = [], list(socks), time.time() + 1
    while open_ones and time.time() < end:
        for s in select.select(open_ones, [], [], max(0, end - time.time()))[0]:
            if closed_by_server(s, 0):
                refused_after.append(time.time() - connected[s])
            open_ones.remove(s)
    held = open_ones
    check(len(held) == CONNECTIONS_PER_ADDRESS,
          "64 idle connections from one address: %d held, the rest closed at once (%d held)"
          % (CONNECTIONS_PER_ADDRESS, len(held)))
    t = time.time()
    st, body = raw_http(port, "GET / HTTP/1.1\r\nHost: 127.0.0.1:%d" % port, source="127.0.0.3", timeout=3)
    check(st == 200, "meanwhile another address is answered (%s, %.2f s)" % (st, time.time() - t))
    st, body = raw_http(port, "GET / HTTP/1.1\r\nHost: 127.0.0.1:%d" % port, timeout=3)
    check(st == 200, "and 127.0.0.1 is (%s)" % st)
    st, body = raw_http(port, "GET / HTTP/1.1\r\nHost: 127.0.0.1:%d" % port, source="127.0.0.2", timeout=3)
    check(st is None, "the address that holds %d is refused (%s)" % (CONNECTIONS_PER_ADDRESS, st))
    for s in socks:
        if s not in held:
            s.close()
    return proc, port, held, opened, "%d of %d closed by the server %.0f ms at most after their connect" % (
        len(refused_after), len(socks), 1000 * max(refused_after, default=0))


def idle_connections_end(proc, port, held, opened, refused):
    try:
        deadline = opened + CONNECTION_IDLE_S + 3
        closed_at = []
        for s in held:
            if closed_by_server(s, max(0, deadline - time.time())):
                closed_at.append(time.time() - opened)
            s.close()
        check(len(closed_at) == len(held) and min(closed_at) >= CONNECTION_IDLE_S - 1,
              "the idle ones closed after %d s without a byte: %s"
              % (CONNECTION_IDLE_S, ["%.1f" % x for x in closed_at]))
        st, body = raw_http(port, "GET / HTTP/1.1\r\nHost: 127.0.0.1:%d" % port, source="127.0.0.2")
        check(st == 200, "then that address is answered again (%s)" % st)
        print("fleet/web: idle connections from one address: %s, the %d held closed after %s s"
              % (refused, len(held), "/".join(sorted({"%.1f" % x for x in closed_at}))))
    finally:
        proc.terminate()
        proc.wait(10)


# ---- the browser: Chromium's DevTools protocol over a WebSocket -------------------

class DevTools:
    def __init__(self, ws_url):
        m = re.match(r"ws://([^/:]+):(\d+)(/.*)", ws_url)
        self.sock = socket.create_connection((m.group(1), int(m.group(2))), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(("GET %s HTTP/1.1\r\nHost: %s:%s\r\nUpgrade: websocket\r\n"
                           "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n" % (m.group(3), m.group(1), m.group(2), key)).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.sock.recv(1)
        accept = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                                               .encode()).digest()).decode()
        if b" 101 " not in head.split(b"\r\n")[0] or accept.encode() not in head:
            raise SystemExit("FAIL: the DevTools WebSocket handshake: %r" % head)
        self.next_id = 0

    def _recv_exact(self, n):
        b = b""
        while len(b) < n:
            chunk = self.sock.recv(n - len(b))
            if not chunk:
                raise SystemExit("FAIL: the browser closed the DevTools connection")
            b += chunk
        return b

    def _send(self, text):
        data = text.encode()
        mask = os.urandom(4)
        n = len(data)
        head = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else
                                bytes([0x80 | 126]) + struct.pack(">H", n) if n < 65536 else
                                bytes([0x80 | 127]) + struct.pack(">Q", n))
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _recv(self):
        message = b""
        while True:
            b0, b1 = self._recv_exact(2)
            n = b1 & 0x7f
            if n == 126:
                n = struct.unpack(">H", self._recv_exact(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._recv_exact(8))[0]
            payload = self._recv_exact(n)
            op = b0 & 0x0f
            if op == 8:
                raise SystemExit("FAIL: the browser closed the DevTools connection")
            if op in (0, 1, 2):
                message += payload
                if b0 & 0x80:
                    return json.loads(message)

    def call(self, method, **params):
        self.next_id += 1
        self._send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            m = self._recv()
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise SystemExit("FAIL: DevTools %s: %s" % (method, m["error"]))
                return m["result"]

    def js(self, expr):
        r = self.call("Runtime.evaluate", expression=expr, awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in r:
            raise SystemExit("FAIL: in the page: %s: %s" % (expr, r["exceptionDetails"]))
        return r["result"].get("value")

    def wait(self, expr, what, seconds=10):
        end = time.time() + seconds
        while time.time() < end:
            if self.js(expr):
                return True
            time.sleep(0.05)
        check(False, "the page: %s (waited %ss for %s; the message: %r)" %
              (what, seconds, expr, self.js("document.getElementById('msg').textContent")))
        return False


# Runtime.evaluate runs at the page's top level: a block, so const is new each time.
DISPATCH_777_SAM = ("{ const l = document.getElementById('dispatch-lock'); l.value = '777';"
                    " l.dispatchEvent(new Event('change'));"
                    " document.getElementById('dispatch-person').value = 'Sam Imms';"
                    " document.getElementById('dispatch-form').requestSubmit(); } true")


def audit_browser_checks(b):
    """From the locks list to a lock's audit trail and back, in the page."""
    # Whatever the page's Content-Security-Policy refuses from here on.
    b.js("window.cspRefused = []; document.addEventListener('securitypolicyviolation',"
         " (e) => window.cspRefused.push(e.violatedDirective + ' ' + e.blockedURI)); true")
    shown = ("!document.getElementById('audit-view').hidden &&"
             " document.getElementById('main-view').hidden")
    b.js("document.getElementById('audit-777').click(); true")
    b.wait(shown + " && document.querySelectorAll('#audit-report svg').length === 4",
           "lock 777's audit trail with its four plots")
    check(b.js("document.getElementById('audit-title').textContent") ==
          "Audit trail of lock 777: Branch 7, vault", "the audit view names the lock")
    check(b.js("[...document.querySelectorAll('#audit-report svg > title')].map((t) => t.textContent)")
          == PLOTS, "the plots' titles in the page")
    # Drawn as SVG (laid out, the bars sized), not as unknown elements.
    check(b.js("[...document.querySelectorAll('#audit-report svg')].every((s) =>"
               " s instanceof SVGSVGElement && s.getBoundingClientRect().width > 300)"),
          "the plots are laid out as SVG")
    check(b.js("document.querySelectorAll('#audit-report svg')[3].querySelectorAll('rect').length") == 168,
          "the heat map's 168 cells in the page")
    check(b.js("[...document.querySelectorAll('#audit-report svg')[1].querySelectorAll('rect')]"
               ".map((r) => r.getBBox().height > 0 ? r.firstChild.textContent : '').filter((t) => t)")
          == ["00: 3", "05: 3"], "openings by slot: two bars drawn, 3 each")
    check(b.js("getComputedStyle(document.querySelector('#audit-report rect')).fill") == "rgb(74, 121, 196)",
          "the bars keep their colour")
    summary = b.js("document.getElementById('audit-summary').textContent")
    check("all 27 taken in; 6 openings, 6 wrong codes and lockouts, 3 records to note" in summary,
          "the audit summary: %r" % summary)
    b.js("document.getElementById('audit-back').click(); true")
    b.wait("document.getElementById('audit-view').hidden && !document.getElementById('main-view').hidden"
           " && document.getElementById('audit-report').childElementCount === 0", "back to the locks")

    # A name with markup: text in the title and the report, no element of it.
    b.js("document.getElementById('audit-780').click(); true")
    b.wait(shown + " && document.querySelectorAll('#audit-report svg').length === 4", "lock 780's audit trail")
    check(b.js("document.getElementById('audit-title').textContent") == "Audit trail of lock 780: " + MARKUP_LOCK
          and MARKUP_LOCK in b.js("document.getElementById('audit-report').textContent"),
          "lock 780's name as text in the audit view")
    check(b.js("document.querySelectorAll('#audit-view script, #audit-view b, #audit-view style,"
               " #audit-view [onerror], #audit-view [style]').length") == 0,
          "no element or attribute of the name in the audit view")
    b.js("document.getElementById('audit-back').click(); true")
    b.wait("!document.getElementById('main-view').hidden", "back to the locks (780)")

    # A lock with no audit taken in: its message, no empty report.
    b.js("document.getElementById('audit-778').click(); true")
    b.wait(shown + " && !document.getElementById('audit-message').hidden", "lock 778: a message")
    check("no audit trail here yet" in b.js("document.getElementById('audit-message').textContent") and
          b.js("document.getElementById('audit-report').childElementCount") == 0,
          "lock 778: the message, and no report")
    b.js("document.getElementById('audit-back').click(); true")
    b.wait("!document.getElementById('main-view').hidden && document.getElementById('audit-message').hidden",
           "back to the locks (778)")
    check(b.js("window.cspRefused") == [], "the audit view within the page's CSP: %s" % b.js("window.cspRefused"))


def browser_checks(port):
    dt_port = free_port()
    profile = os.path.join(TMP, "chromium")
    proc = subprocess.Popen([os.environ["BROWSER"], "--headless=new", "--no-sandbox", "--disable-gpu",
                             "--no-first-run", "--disable-extensions", "--user-data-dir=" + profile,
                             "--remote-debugging-address=127.0.0.1",
                             "--remote-debugging-port=%d" % dt_port, "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=open(os.path.join(TMP, "chromium.log"), "w"))
    try:
        ws = None
        for _ in range(200):
            try:
                c = http.client.HTTPConnection("127.0.0.1", dt_port, timeout=2)
                c.request("GET", "/json/list")
                targets = json.loads(c.getresponse().read())
                ws = next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")
                break
            except (OSError, StopIteration, ValueError):
                if proc.poll() is not None:
                    break
                time.sleep(0.1)
        if ws is None:
            check(False, "chromium did not start: " + open(os.path.join(TMP, "chromium.log")).read()[-2000:])
            return
        b = DevTools(ws)
        b.call("Page.navigate", url="http://127.0.0.1:%d/" % port)
        b.wait("document.readyState === 'complete' && !document.getElementById('login-view').hidden",
               "the login form")
        # A wrong password first: the page says so.
        b.js("document.getElementById('login-name').value = 'dora';"
             "document.getElementById('login-password').value = 'not-her-password';"
             "document.getElementById('login-form').requestSubmit(); true")
        b.wait("document.getElementById('msg').className === 'error' &&"
               " document.getElementById('msg').textContent.includes('wrong name or password')",
               "a wrong password's message")
        # lou locked out (five wrong passwords through the API): the page says until when.
        for i in range(1, 6):
            login_try(port, "lou", "not-lous-%d" % i)
        b.js("document.getElementById('login-name').value = 'lou';"
             "document.getElementById('login-password').value = %s;"
             "document.getElementById('login-form').requestSubmit(); true" % json.dumps(PASSWORDS["lou"]))
        b.wait("document.getElementById('msg').className === 'error' &&"
               " /too many wrong passwords for this name: no password is checked for it until"
               " \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC \\(in \\d+ s\\)/"
               ".test(document.getElementById('msg').textContent) &&"
               " document.getElementById('main-view').hidden", "a locked-out name's message")
        r = cli("dispatcher", "unlock", "lou")
        check(r.returncode == 0, "dispatcher unlock lou (page): %s" % r.stderr)
        b.js("document.getElementById('login-name').value = 'dora';"
             "document.getElementById('login-password').value = %s;"
             "document.getElementById('login-form').requestSubmit(); true" % json.dumps(PASSWORDS["dora"]))
        b.wait("!document.getElementById('main-view').hidden &&"
               " document.getElementById('dispatch-lock').options.length === 100",
               "logged in, the first 100 locks")
        check(b.js("document.cookie") == "", "the session cookie is out of the script's reach")
        held = b.call("Network.getCookies", urls=["http://127.0.0.1:%d/" % port])["cookies"]
        check([(k["name"], k["secure"], k["httpOnly"], k["sameSite"], k["path"]) for k in held] ==
              [(COOKIE, True, True, "Strict", "/")],
              "Chromium holds one session cookie, %s, Secure on http://127.0.0.1: %s" % (COOKIE, held))
        check(b.js("document.getElementById('who').textContent") == "dispatcher dora (dispatcher)",
              "the page names the dispatcher")
        check("Depot <b>north</b>" in b.js("document.getElementById('locks').textContent") and
              b.js("document.querySelectorAll('#locks b').length") == 0, "a name with markup, as text")
        # The locks a page at a time: More, then the search box.
        rows = "document.querySelectorAll('#locks tbody tr').length"
        options = "document.getElementById('dispatch-lock').options.length"
        check(b.js("!document.getElementById('locks-more').hidden") and b.js(rows) == 100,
              "100 locks listed, and More")
        b.js("document.getElementById('locks-more').click(); true")
        b.wait("%s === 200 && %s === 200" % (rows, options), "More: 200 locks, 200 to choose from")

        def search(text):
            b.js("document.getElementById('lock-search').value = %s;"
                 "document.getElementById('lock-search-form').requestSubmit(); true" % json.dumps(text))

        search("%")
        b.wait("%s === 1 && %s === 1" % (rows, options), "a search for %: one lock")
        check(b.js("document.querySelector('#locks tbody td:nth-child(2)').textContent") ==
              SEARCHED[2001] and b.js("document.getElementById('dispatch-lock').value") == "2001" and
              b.js("document.getElementById('locks-more').hidden"),
              "the search for %: lock 2001, chosen, no More")
        search("  depot <B>")
        b.wait("%s === 1 && document.getElementById('dispatch-lock').value === '778'" % rows,
               "a search for depot <B> (spaces trimmed, any case): lock 778")
        check(b.js("document.querySelectorAll('#locks b').length") == 0, "the found name, as text")
        search("no such lock")
        b.wait("%s === 0 && !document.getElementById('locks-none').hidden" % rows,
               "a search that finds nothing says so")
        search("\u00e9" * 60)
        b.wait("document.getElementById('msg').className === 'error' &&"
               " document.getElementById('msg').textContent.includes('1 to 100 bytes, not 120')",
               "a search the service refuses (120 bytes): its words")
        search("")
        b.wait("%s === 100 && document.getElementById('locks-none').hidden" % rows,
               "an empty search: every lock again")
        audit_browser_checks(b)
        counter = int(sql("SELECT next_counter FROM fleet.locks WHERE number = 777"))
        b.js(DISPATCH_777_SAM)
        b.wait("!document.getElementById('code-view').hidden", "the code shown")
        shown = b.js("document.getElementById('code').textContent").replace(" ", "")
        dispatch = b.js("document.getElementById('code-dispatch').textContent")
        check(shown == code_for(777, counter, 2), "the page's code %s is Python's" % shown)
        check(sql("SELECT code_shown_at IS NOT NULL AND requested_by = (SELECT id FROM"
                  " fleet.dispatchers WHERE name = 'dora') FROM fleet.dispatches WHERE id = %s" % dispatch)
              == "t", "the page's dispatch is on record, dora's, shown")
        b.wait("document.getElementById('dispatch-%s') !== null" % dispatch, "the open dispatch listed")
        # A look at a lock's audit trail loses no code on show: it is shown once.
        b.js("document.getElementById('audit-777').click(); true")
        b.wait("document.querySelectorAll('#audit-report svg').length === 4", "an audit with a code on show")
        b.js("document.getElementById('audit-back').click(); true")
        b.wait("!document.getElementById('main-view').hidden", "back to the code")
        again = b.js("!document.getElementById('code-view').hidden &&"
                     " document.getElementById('code').textContent")
        check(isinstance(again, str) and again.replace(" ", "") == shown,
              "the code on show is there again after the audit trail (%r)" % again)
        b.js("document.getElementById('code-done').click(); true")
        check(b.js("document.getElementById('code-view').hidden && "
                   "document.getElementById('code').textContent === ''"), "Done hides the code")
        # A wrong seal, then the right one.
        good = seal_for(777, counter, 2, 1)
        wrong = good[:-1] + str((int(good[-1]) + 1) % 10)
        fill = ("document.getElementById('seal-dispatch').value = %s;"
                "document.getElementById('seal-digits').value = %s;"
                "document.getElementById('seal-form').requestSubmit(); true")
        b.js(fill % (json.dumps(dispatch), json.dumps(wrong)))
        b.wait("document.getElementById('msg').className === 'error' &&"
               " document.getElementById('msg').textContent.includes('does not match')", "a wrong seal's message")
        b.js(fill % (json.dumps(dispatch), json.dumps(good)))
        b.wait("document.getElementById('msg').className === 'ok' &&"
               " document.getElementById('msg').textContent.includes('closed: the seal is valid')",
               "the seal's message")
        b.wait("document.getElementById('dispatch-%s') === null" % dispatch, "the sealed one off the list")
        check(sql("SELECT seal_records FROM fleet.dispatches WHERE id = %s AND sealed_at IS NOT NULL"
                  % dispatch) == "1", "the page's seal is on record")

        # Dual dispatch on the page: dora asks, eve approves, dora is shown the code.
        def log_in(name):
            b.js("document.getElementById('login-name').value = %s;"
                 "document.getElementById('login-password').value = %s;"
                 "document.getElementById('login-form').requestSubmit(); true"
                 % (json.dumps(name), json.dumps(PASSWORDS[name])))
            b.wait("!document.getElementById('main-view').hidden && "
                   "document.getElementById('who').textContent.includes(%s)" % json.dumps(name),
                   "logged in as " + name)

        def log_out():
            logouts = sql("SELECT count(*) FROM fleet.actions WHERE kind = 'logout'")
            b.js("document.getElementById('logout').click(); true")
            b.wait("!document.getElementById('login-view').hidden", "logged out")
            check(sql("SELECT count(*) FROM fleet.actions WHERE kind = 'logout'") == str(int(logouts) + 1),
                  "the logout is on record")

        r = cli("setting", "dual-dispatch", "on", "--as", "ada", password=PASSWORDS["ada"])
        check(r.returncode == 0, "dual dispatch on (page)")
        b.js(DISPATCH_777_SAM)
        b.wait("document.getElementById('msg').textContent.includes('awaiting approval')",
               "a dual dispatch awaiting approval")
        d2 = re.search(r"dispatch (\d+)", b.js("document.getElementById('msg').textContent")).group(1)
        b.wait("document.getElementById('dispatch-%s') !== null" % d2, "the awaiting one listed")
        check(b.js("document.getElementById('code-view').hidden && "
                   "document.getElementById('approve-%s') === null" % d2),
              "no code, and no Approve on one's own")
        log_out()
        log_in("eve")
        b.wait("document.getElementById('approve-%s') !== null" % d2, "Approve on dora's, for eve")
        b.js("document.getElementById('approve-%s').click(); true" % d2)
        b.wait("document.getElementById('msg').className === 'ok' && "
               "document.getElementById('msg').textContent.includes('approved')", "the approval")
        check(b.js("document.getElementById('code-view').hidden && "
                   "document.getElementById('code-%s') === null" % d2), "the approver sees no code")
        log_out()
        log_in("dora")
        b.wait("document.getElementById('code-%s') !== null" % d2, "Show code, for dora")
        b.js("document.getElementById('code-%s').click(); true" % d2)
        b.wait("!document.getElementById('code-view').hidden", "the approved code shown")
        counter2 = int(sql("SELECT counter FROM fleet.dispatches WHERE id = %s" % d2))
        check(b.js("document.getElementById('code').textContent").replace(" ", "") ==
              code_for(777, counter2, 2), "the approved code is Python's")
        check(sql("SELECT approved_by = (SELECT id FROM fleet.dispatchers WHERE name = 'eve') AND"
                  " code_shown_at IS NOT NULL FROM fleet.dispatches WHERE id = %s" % d2) == "t",
              "approved by eve, shown, on record")
        r = dual_dispatch_off()
        check(r.returncode == 0, "dual dispatch off (page)")
        log_out()
        check(b.js("document.getElementById('code').textContent") == "", "logout hides the code")
        held = b.call("Network.getCookies", urls=["http://127.0.0.1:%d/" % port])["cookies"]
        check(held == [], "logout: Chromium holds no session cookie (%s)" % held)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def main():
    t0 = time.time()
    idle = idle_connections_start()
    proc, port = start_server()
    try:
        dora = api_checks(port)
        lockout_checks(port)
        locks_paging_checks(dora)
        audit_checks(port)
        expiry_checks()
        session_table_checks()
        browser_checks(port)
    finally:
        proc.terminate()
        status = proc.wait(10)
        idle_connections_end(*idle)
    check(status == 0, "serve exits 0 on SIGTERM (%s)" % status)
    r = cli("log", "verify")
    check(r.returncode == 0 and "log intact" in r.stdout, "log verify: %s %s" % (r.stdout, r.stderr))
    kinds = sql("SELECT string_agg(DISTINCT kind, ',' ORDER BY kind) FROM fleet.actions"
                " WHERE actor LIKE 'dispatcher:%'")
    for kind in ("login", "logout", "dispatch", "code shown", "approve", "seal ok", "seal bad",
                 "password refused", "refused", "locked out"):
        check(kind in kinds.split(","), "the chain holds the API's '%s' actions" % kind)
    # No secret in what the service logged.
    logs = "".join(open(os.path.join(TMP, f)).read() for f in os.listdir(TMP) if f.startswith("serve-"))
    with open(os.environ["OWNERLOCK_FLEET_KEY"]) as f:
        kek = f.read().strip()
    for secret in [kek, otc_key(777).hex(), otc_key(778).hex(), *PASSWORDS.values(),
                   "typed-my-password-here", "spaced-password-typed", GHOST]:
        check(secret not in logs, "a secret in the service's log: %s..." % secret[:4])
    check("stopped" in logs, "serve stops on SIGTERM")
    check("is not the first option" not in logs,
          "libmicrohttpd's logger is its first option (no warning at the start)")
    check("Sanitizer" not in logs and "runtime error" not in logs,
          "no sanitizer report in the service's log")
    if failures:
        print("fleet/web: %d of %d checks failed" % (failures, checks + failures))
        sys.exit(1)
    print("fleet/web: %d checks passed in %.1f s" % (checks, time.time() - t0))


main()
