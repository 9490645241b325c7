"""Start `ownerlock-fleet serve` on a free loopback port and wait until it
answers: one piece for tests/fleet/web.py and bench/fleet_bench.py."""
import os
import socket
import subprocess
import time


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_serve(fleet, tmp, extra=(), tries=100):
    """(process, port); its log in tmp/serve-PORT.log. Exits the run if it
    does not answer within `tries` twentieths of a second."""
    port = free_port()
    log = open(os.path.join(tmp, "serve-%d.log" % port), "w")
    proc = subprocess.Popen([fleet, "serve", "--listen", "127.0.0.1:%d" % port, *extra],
                            stdout=log, stderr=log)
    for _ in range(tries):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, port
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.05)
    raise SystemExit("FAIL: serve did not start: " + open(log.name).read())
