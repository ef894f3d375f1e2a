"""Driver for reference.sh: cargo-pact against the Pact reference CLI, on the same inputs.

Usage (reference.sh passes these): python3 reference.py OURS_BIN REF_PACT_BIN TMPDIR
Tunables (environment): RUNS (5), INTERACTIONS (1000), LAT_REQUESTS (1000), LAT_BUDGET_S (20).

Wall clock is time.perf_counter() from spawn to exit (or to the first 200, for the stub start);
peak RSS is ru_maxrss of the child's own rusage from os.wait4 (the process and the children it
waited for). Every child runs in its own process group, killed on the way out.
"""
import http.client
import http.server
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time

OURS, REF, TMP = sys.argv[1:4]
RUNS = int(os.environ.get("RUNS", "5"))
N = max(4, int(os.environ.get("INTERACTIONS", "1000")))
LAT_REQUESTS = int(os.environ.get("LAT_REQUESTS", "1000"))
LAT_BUDGET_S = float(os.environ.get("LAT_BUDGET_S", "20"))
ENV = dict(os.environ, PACT_DO_NOT_TRACK="true")
CHILDREN = []  # Popen objects still to reap


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def cleanup(*_):
    for p in CHILDREN:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    if _:  # called as a signal handler
        sys.exit(130)


signal.signal(signal.SIGTERM, cleanup)
signal.signal(signal.SIGINT, cleanup)


# ---- the pact: N interactions, GET /items/<n> with Accept, a JSON body under matching rules ----
def example_body(n):
    return {"id": n, "name": f"item {n}", "sku": f"SKU-{n:05d}", "price": n * 3 + 0.5,
            "inStock": n % 2 == 0, "releaseDate": "2024-01-15", "updatedAt": "2024-01-15T10:30:00Z"}


RULES = {
    "$.id": {"matchers": [{"match": "integer"}]},
    "$.name": {"matchers": [{"match": "type"}]},
    "$.sku": {"matchers": [{"match": "regex", "regex": "^SKU-\\d{5}$"}]},
    "$.price": {"matchers": [{"match": "decimal"}]},
    "$.inStock": {"matchers": [{"match": "type"}]},
    "$.releaseDate": {"matchers": [{"match": "date", "format": "yyyy-MM-dd"}]},
    "$.updatedAt": {"matchers": [{"match": "timestamp", "format": "yyyy-MM-dd'T'HH:mm:ssXXX"}]},
}


def write_pact(path):
    interactions = [{
        "description": f"a request for item {n}",
        "request": {"method": "GET", "path": f"/items/{n}", "headers": {"Accept": "application/json"}},
        "response": {"status": 200, "headers": {"Content-Type": "application/json"},
                     "body": example_body(n), "matchingRules": {"body": RULES}},
    } for n in range(1, N + 1)]
    pact = {"consumer": {"name": "bench-consumer"}, "provider": {"name": "bench-provider"},
            "interactions": interactions, "metadata": {"pactSpecification": {"version": "3.0.0"}}}
    with open(path, "w") as f:
        json.dump(pact, f, indent=2)


# ---- the provider: neither tool's code. Values differ from the pact's examples but satisfy
# its rules, so the matchers do the work. BROKEN (set for the sanity check) breaks one rule each
# in a few interactions.
BROKEN = {}  # n -> (field, bad value)
SEEN = {"paths": set(), "requests": 0, "no_accept": 0}
SEEN_LOCK = threading.Lock()


def provider_body(n):
    body = {"id": n + 100000, "name": f"provider widget #{n}", "sku": f"SKU-{(n * 7919) % 100000:05d}",
            "price": n * 2 + 0.25, "inStock": n % 3 == 0, "releaseDate": f"2023-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
            "updatedAt": f"2025-{n % 12 + 1:02d}-{n % 28 + 1:02d}T{n % 24:02d}:{n % 60:02d}:07+02:00"}
    if n in BROKEN:
        field, value = BROKEN[n]
        body[field] = value
    return body


class Provider(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else the body waits for the client's delayed ACK (~40 ms)

    def do_GET(self):
        m = re.fullmatch(r"/items/(\d+)", self.path)
        with SEEN_LOCK:
            SEEN["requests"] += 1
            SEEN["paths"].add(self.path)
            if self.headers.get("Accept") != "application/json":
                SEEN["no_accept"] += 1
        if not m or not 1 <= int(m.group(1)) <= N:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = json.dumps(provider_body(int(m.group(1)))).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_):
        pass


# ---- processes ----
def spawn(cmd, out_path):
    out = open(out_path, "wb")
    # cwd: the temp dir, so that no Cargo.toml's [package.metadata.pact] applies
    p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=ENV, cwd=TMP, start_new_session=True)
    out.close()
    CHILDREN.append(p)
    return p


def reap(p, kill=False):
    """Wait for p (after SIGKILL to its group if kill); returns (exit code, peak RSS in MiB)."""
    if kill:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not wait again
    CHILDREN.remove(p)
    try:  # whatever else is left in its group
        os.killpg(p.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    return p.returncode, ru.ru_maxrss * scale / 2**20


def run(cmd, out_path):
    t0 = time.perf_counter()
    p = spawn(cmd, out_path)
    rc, rss = reap(p)
    return time.perf_counter() - t0, rss, rc


def get(port, n, conn=None, timeout=300):
    c = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    c.request("GET", f"/items/{n}", headers={"Accept": "application/json"})
    r = c.getresponse()
    body = r.read()
    if conn is None:
        c.close()
    return r.status, body


def fail(msg, out_path=None):
    log(f"reference-compare: FAILED: {msg}")
    if out_path:
        with open(out_path, errors="replace") as f:
            log(f.read()[-20000:])
    cleanup()
    sys.exit(1)


def verdicts(who, report):
    """{description: passed} from a verifier's JSON report."""
    with open(report) as f:
        d = json.load(f)
    if who == "ours":
        return {i["description"]: i["success"] for p in d["pacts"] for i in p["interactions"]}
    return {r["description"]: r["result"] == "OK" for r in d["interactionResults"]}


# ---- stub: start -> first 200 on GET /items/1, then sequential GETs on one keep-alive connection
ANSI = re.compile(r"\x1b\[[0-9;]*m")
PORT_LINE = {"ours": re.compile(r"listening on http://[^\s:]+:(\d+)"),
             "ref": re.compile(r"Server started on port (\d+)")}


def stub_run(who, cmd, out_path):
    t0 = time.perf_counter()
    p = spawn(cmd, out_path)
    port = None
    while port is None:  # both print their port (we pass --port 0)
        if p.poll() is not None:
            fail(f"{who} stub exited ({p.returncode}) before listening", out_path)
        with open(out_path, errors="replace") as f:
            m = PORT_LINE[who].search(ANSI.sub("", f.read()))
        if m:
            port = int(m.group(1))
        elif time.perf_counter() - t0 > 120:
            fail(f"{who} stub printed no port in 120 s", out_path)
        else:
            time.sleep(0.002)
    while True:  # then poll GET /items/1 until it answers
        try:
            status, _ = get(port, 1)
            if status == 200:
                break
            fail(f"{who} stub answered {status} to GET /items/1", out_path)
        except ConnectionError:
            if p.poll() is not None or time.perf_counter() - t0 > 120:
                fail(f"{who} stub exited or did not answer in 120 s", out_path)
            time.sleep(0.002)
    first = time.perf_counter() - t0
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    lat, t_end = [], time.perf_counter() + LAT_BUDGET_S
    for i in range(LAT_REQUESTS):
        n = i % N + 1
        t = time.perf_counter()
        status, body = get(port, n, conn)
        lat.append(time.perf_counter() - t)
        if status != 200 or json.loads(body)["id"] != n:
            fail(f"{who} stub answered {status} {body[:200]!r} to GET /items/{n}", out_path)
        if time.perf_counter() > t_end:
            break
    conn.close()
    _, rss = reap(p, kill=True)
    return first, lat, rss


# ---- formatting ----
def fmt_s(xs):
    med, lo, hi = statistics.median(xs), min(xs), max(xs)
    unit, k = ("ms", 1e3) if hi < 1 else ("s", 1)
    d = 1 if unit == "ms" and hi >= 10 else 2
    return f"{med * k:.{d}f} {unit} ({lo * k:.{d}f}–{hi * k:.{d}f})"


def fmt_mib(xs):
    return f"{statistics.median(xs):.0f} MiB ({min(xs):.0f}–{max(xs):.0f})"


def loadavg():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


LOAD0 = loadavg()


def version(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True, env=ENV, cwd=TMP).stdout
    return " ".join(ANSI.sub("", out).split())


def main():
    pact = os.path.join(TMP, "bench-consumer-bench-provider.json")
    write_pact(pact)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Provider)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    pport = server.server_address[1]
    verify = {
        "ours": [OURS, "pact", "verify", "--file", pact, "--provider-base-url", f"http://127.0.0.1:{pport}"],
        "ref": [REF, "verifier", "--file", pact, "--hostname", "127.0.0.1", "--port", str(pport)],
    }

    # Verdicts, from each tool's JSON report: all N pass against the provider; then exactly the
    # 4 interactions fail whose responses break a rule (regex, integer, timestamp, type).
    bad = [("sku", "sku-1"), ("id", "20"), ("updatedAt", "30/06/2025"), ("name", 40)]
    broken = {max(1, N * k // 5): b for k, b in enumerate(bad, 1)}  # N >= 4
    for case, expect_failed in (("good", set()), ("broken", {f"a request for item {n}" for n in broken})):
        BROKEN.clear()
        if case == "broken":
            BROKEN.update(broken)
        for who in ("ours", "ref"):
            out, report = (os.path.join(TMP, f"verify-{case}-{who}.{x}") for x in ("out", "json"))
            _, _, rc = run(verify[who] + ["--json", report], out)
            results = verdicts(who, report)
            failed = {d for d, ok in results.items() if not ok}
            if (rc == 0) != (not expect_failed) or len(results) != N or failed != expect_failed:
                fail(f"{who} verifier, {case} provider: exit {rc}, {len(results)} interactions reported, "
                     f"failed: {sorted(failed)}; expected {N} reported, failed: {sorted(expect_failed)}", out)
            log(f"{who} verifier, {case} provider: exit {rc}, {len(results)} reported, {len(failed)} failed: as expected")
    BROKEN.clear()

    # a. verify N interactions; runs alternate between the tools.
    res = {w: {"wall": [], "rss": []} for w in verify}
    for i in range(RUNS):
        for who in ("ours", "ref"):
            with SEEN_LOCK:
                SEEN.update(paths=set(), requests=0, no_accept=0)
            out = os.path.join(TMP, f"verify-{who}-{i}.out")
            wall, rss, rc = run(verify[who], out)
            if rc != 0:
                fail(f"{who} verifier exit {rc} (run {i + 1})", out)
            if SEEN["requests"] != N or len(SEEN["paths"]) != N or SEEN["no_accept"]:
                fail(f"{who} verifier sent {SEEN['requests']} requests, {len(SEEN['paths'])} paths, "
                     f"{SEEN['no_accept']} without the Accept header; expected {N}", out)
            res[who]["wall"].append(wall)
            res[who]["rss"].append(rss)
            log(f"verify {who} run {i + 1}: {wall:.2f} s, {rss:.0f} MiB, exit 0, {N} interactions requested")
    server.shutdown()

    # b, c. the stubs
    stub = {"ours": [OURS, "pact", "stub", "--file", pact, "--port", "0"],
            "ref": [REF, "stub", "--file", pact, "--port", "0"]}
    for w in stub:
        res[w].update(first=[], lat=[], srss=[])
    for i in range(RUNS):
        for who in ("ours", "ref"):
            first, lat, rss = stub_run(who, stub[who], os.path.join(TMP, f"stub-{who}-{i}.out"))
            res[who]["first"].append(first)
            res[who]["lat"] += lat
            res[who]["srss"].append(rss)
            log(f"stub {who} run {i + 1}: first 200 after {first:.2f} s, {len(lat)} GETs, "
                f"median {statistics.median(lat) * 1e3:.2f} ms, {rss:.0f} MiB")

    cli = next((d for d in os.listdir(os.path.join(os.path.dirname(REF), "..")) if d.startswith("pact_python_cli-")), "")
    cli = cli.removeprefix("pact_python_cli-").removesuffix(".dist-info") or "?"
    ours_v = version([OURS, "pact", "--version"])
    ref_v = "pact_verifier_cli %s, pact-stub-server %s" % tuple(
        (re.search(r"version\s*:\s*(v\S+)", version([REF, sub, "--version"])) or [None, "?"])[1]
        for sub in ("verifier", "stub"))
    o, r = res["ours"], res["ref"]
    lat_n = lambda w: f"{fmt_s(res[w]['lat'])}, n={len(res[w]['lat'])}"
    print(f"| what | cargo-pact | pact reference (pact_verifier_cli / pact-stub-server from pact-python-cli {cli}) |")
    print("| --- | --- | --- |")
    print(f"| verify {N:,} interactions: wall | {fmt_s(o['wall'])} | {fmt_s(r['wall'])} |")
    print(f"| verify {N:,} interactions: peak RSS | {fmt_mib(o['rss'])} | {fmt_mib(r['rss'])} |")
    print(f"| stub: start to first 200 (GET /items/1) | {fmt_s(o['first'])} | {fmt_s(r['first'])} |")
    print(f"| stub: sequential GET on one keep-alive connection | {lat_n('ours')} | {lat_n('ref')} |")
    print(f"| stub: peak RSS after those GETs | {fmt_mib(o['srss'])} | {fmt_mib(r['srss'])} |")
    print()
    print(f"Median (min–max) of {RUNS} runs; the GET latency is the median (min–max) of every request of "
          f"every run: up to {LAT_REQUESTS:,} a run, fewer when a run passes {LAT_BUDGET_S:g} s. "
          f"The verifiers verify a V3 pact of {N:,} interactions against a Python provider (not the "
          f"reference stub, whose time per request at this size is in the table); every timed run exited 0 "
          f"having requested all {N:,}; before them, each tool's JSON report (--json) passed all {N:,}, and "
          f"failed exactly the 4 whose responses a broken provider made break a rule.")
    print(f"Versions: {ours_v} ({OURS}{', ' + os.environ['GIT_REV'] if os.environ.get('GIT_REV') else ''}); "
          f"{ref_v}. Cores: {os.cpu_count()}; load average at the start {LOAD0}, at the end {loadavg()}.")
    print("reference-compare: done")


if __name__ == "__main__":
    try:
        main()
    finally:
        cleanup()
