#!/usr/bin/env python3
"""Start-up benchmark: whole processes against the embedded API, A/B against kubectl.

Starts examples/local-loop's EmbeddedApiServer, seeds tasks, builds the class-data archives the
variants need (AppCDS on JDK 17, an AOT cache on JDK 25, both by train-aot.sh), then runs every
(variant, action) and the kubectl pair interleaved round by round, at each CPU setting. Each
process is timed by wall clock and by os.wait4 (user+sys CPU and peak RSS of that process).
Medians go to a markdown table (default executor/bench/results.md).

Run it through startup-bench.sh, which builds what is missing first.
"""

import argparse
import datetime
import http.client
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
JAR = os.path.join(ROOT, "executor", "target", "remediation-state-cli.jar")
LOCAL_LOOP = os.path.join(ROOT, "examples", "local-loop", "target")

# The flags for a short-lived process: the same string as <jvm.flags> in executor/pom.xml.
def pom_jvm_flags():
    with open(os.path.join(ROOT, "executor", "pom.xml"), encoding="utf-8") as f:
        pom = f.read()
    start = pom.index("<jvm.flags>") + len("<jvm.flags>")
    return pom[start:pom.index("</jvm.flags>")].split()


ACTIONS = ["init", "next-iteration", "record-feedback", "gate", "show"]
GOAL_ACTIONS = ["next-iteration", "record-feedback"]
ITERATION_LIMIT = 100


# Not forwarded: per-connection headers (the JDK client asks for an h2c upgrade on http), and
# Accept-Encoding so that every client gets the same plain body.
HOP_BY_HOP = {"connection", "keep-alive", "upgrade", "http2-settings", "te", "trailer",
              "transfer-encoding", "content-length", "host", "proxy-connection",
              "accept-encoding"}


class Dechunking(http.server.BaseHTTPRequestHandler):
    """Forwards a request to the embedded API with a Content-Length body.

    kubectl sends request bodies chunked and without a Content-Type; the mock API answers those
    with 400 (a real API server takes them). Every client in the benchmark, kubectl and ours,
    goes through this proxy, so the extra loopback hop costs all of them alike.
    """

    protocol_version = "HTTP/1.1"
    upstream = None

    def log_message(self, *args):
        pass

    def body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else None

    def forward(self):
        body = self.body()
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        if body is not None and "Content-Type" not in headers:
            headers["Content-Type"] = "application/json"
        conn = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port)
        conn.request(self.command, self.path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        self.send_response(response.status)
        for k, v in response.getheaders():
            if k.lower() not in HOP_BY_HOP:
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = forward


class Api:
    """The embedded API server in its own JVM, and the two ways to reach it."""

    def __init__(self, java, work):
        self.kubeconfig = os.path.join(work, "kubeconfig.yaml")
        with open(os.path.join(LOCAL_LOOP, "classpath.txt"), encoding="utf-8") as f:
            cp = f.read().strip() + os.pathsep + os.path.join(LOCAL_LOOP, "classes")
        self.proc = subprocess.Popen(
            [java, "-cp", cp, "dev.remediationstate.localloop.EmbeddedApiServer", self.kubeconfig],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        upstream = self.proc.stdout.readline().strip()
        if not upstream.startswith("http"):
            raise SystemExit("startup-bench: the embedded API did not start")
        handler = type("Handler", (Dechunking,), {"upstream": urllib.parse.urlsplit(upstream)})
        self.proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.proxy.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.proxy.server_address[1]}"
        with open(self.kubeconfig, encoding="utf-8") as f:
            config = f.read().replace(upstream, self.url)
        with open(self.kubeconfig, "w", encoding="utf-8") as f:
            f.write(config)
        # What a pod has instead of a kubeconfig: a service-account directory and an API URL.
        self.sa_dir = os.path.join(work, "serviceaccount")
        os.makedirs(self.sa_dir)
        for name, value in (("token", "embedded-token"), ("namespace", "default")):
            with open(os.path.join(self.sa_dir, name), "w", encoding="utf-8") as f:
                f.write(value)

    def env(self, mode):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("RS_") and k not in ("KUBECONFIG", "JAVA_TOOL_OPTIONS")}
        if mode == "kubeconfig":
            env["KUBECONFIG"] = self.kubeconfig
        else:
            env["RS_API_URL"] = self.url
            env["RS_SERVICEACCOUNT_DIR"] = self.sa_dir
        return env

    def pin(self, cpus):
        subprocess.run(["taskset", "-a", "-p", "-c", cpus, str(self.proc.pid)],
                       check=True, stdout=subprocess.DEVNULL)

    def stop(self):
        self.proxy.shutdown()
        self.proc.terminate()
        self.proc.wait()


class Sample:
    def __init__(self):
        self.wall, self.cpu, self.rss = [], [], []

    def add(self, wall, cpu, rss):
        self.wall.append(wall)
        self.cpu.append(cpu)
        self.rss.append(rss)

    def medians(self):
        return (statistics.median(self.wall) * 1000, statistics.median(self.cpu) * 1000,
                statistics.median(self.rss) / 1024)


def timed(cmd, env, cpus):
    """One process: (wall s, user+sys s, peak RSS KB); raises on failure."""
    full = ["taskset", "-c", cpus] + cmd
    started = time.perf_counter()
    proc = subprocess.Popen(full, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    out = proc.stdout.read()
    err = proc.stderr.read()
    proc.stdout.close()
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"startup-bench: {' '.join(cmd)} exited {proc.returncode}:\n"
                         + err.decode(errors="replace")[-2000:])
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, out


class Variant:
    """A way of running the CLI: a java, flags, and how it finds the API."""

    def __init__(self, name, java, flags, mode, label, default=False, all_actions=False):
        self.name, self.java, self.flags, self.mode, self.label = name, java, flags, mode, label
        self.default = default          # in the default run
        self.all_actions = all_actions  # times init, gate and show too, not only the goal actions

    def command(self, args):
        return [self.java] + self.flags + ["-jar", JAR] + args


class Tasks:
    """A seeded task per (variant, cpus, action), replaced when its iterations run out."""

    def __init__(self):
        self.current = {}
        self.counter = 0

    def task_for(self, key, action):
        state = self.current.get(key)
        if state is None or (action == "next-iteration" and state["iterations"] >= ITERATION_LIMIT - 1):
            return None
        return state

    def new(self, key):
        self.counter += 1
        state = {"id": f"bench-{self.counter}", "iterations": 0, "feedback": 0}
        self.current[key] = state
        return state


def action_args(action, state):
    if action == "init":
        return ["init", "--task-id", f"{state['id']}-i{state['feedback']}-{time.monotonic_ns()}",
                "--max-iterations", str(ITERATION_LIMIT)]
    if action == "next-iteration":
        state["iterations"] += 1
        return ["next-iteration", "--task-id", state["id"]]
    if action == "record-feedback":
        state["feedback"] += 1
        finding = {"verdict": "changes-requested", "severity": "high", "issueType": "bug",
                   "description": "retry loop ignores 429 Retry-After in the client",
                   "sourceRef": f"bench-{state['feedback']}"}
        return ["record-feedback", "--task-id", state["id"], "--feedback", json.dumps(finding)]
    return [action, "--task-id", state["id"]]


def seed(variant_env, state, java):
    """Creates a task with one iteration and one finding, as a loop has after its first turn."""
    args = ["init", "--task-id", state["id"], "--max-iterations", str(ITERATION_LIMIT), "::"]
    args += action_args("next-iteration", state) + ["::"] + action_args("record-feedback", state)
    timed([java, "-cp", JAR, "dev.remediationstate.cli.TrainingRun"] + args, variant_env, "0-1")


def kubectl_pair(api, state, cpus, work):
    """kubectl get --raw then kubectl replace --raw of the same ConfigMap: summed wall and CPU."""
    env = api.env("kubeconfig")
    path = f"/api/v1/namespaces/default/configmaps/task-{state['id']}-state"
    wall1, cpu1, rss1, body = timed(
        ["kubectl", "--kubeconfig", api.kubeconfig, "get", "--raw", path], env, cpus)
    file = os.path.join(work, "cm.json")
    with open(file, "wb") as f:
        f.write(body)
    wall2, cpu2, rss2, _ = timed(
        ["kubectl", "--kubeconfig", api.kubeconfig, "replace", "--raw", path, "-f", file], env, cpus)
    return wall1 + wall2, cpu1 + cpu2, max(rss1, rss2)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="runs per cell (default 10)")
    parser.add_argument("--cpus", default="0-1;0",
                        help="taskset CPU lists separated by ';' (default '0-1;0': two cores, then"
                             " one; with one, the API server is moved to CPU 1)")
    parser.add_argument("--variants", default="",
                        help="comma-separated variant names (default: those marked * in --list)")
    parser.add_argument("--actions", default=",".join(ACTIONS), help="actions to time")
    parser.add_argument("--java17", default=os.environ.get("JAVA17", "java"),
                        help="a JDK 17 java (env JAVA17; default: java on PATH)")
    parser.add_argument("--java25", default=os.environ.get(
        "JAVA25", "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"),
                        help="a JDK 25 java (env JAVA25)")
    parser.add_argument("--out", default=os.path.join(HERE, "results.md"),
                        help="the markdown table (default executor/bench/results.md)")
    parser.add_argument("--full", action="store_true",
                        help="every variant and every action (default: the variants marked * in"
                             " --list, init/gate/show only for the image's variant)")
    parser.add_argument("--list", action="store_true", help="list the variants and exit")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="startup-bench.")
    flags = pom_jvm_flags()
    cds = os.path.join(work, "app.jsa")
    aot = os.path.join(work, "app.aot")
    variants = [
        Variant("j17-default", args.java17, [], "kubeconfig",
                "JDK 17, no flags, kubeconfig (before)", default=True),
        Variant("j17-flags", args.java17, flags, "kubeconfig",
                "JDK 17, flags, kubeconfig"),
        Variant("j17-flags-pod", args.java17, flags, "pod",
                "JDK 17, flags, in-pod config"),
        Variant("j17-appcds-pod", args.java17, flags + [f"-XX:SharedArchiveFile={cds}"], "pod",
                "JDK 17, flags, AppCDS, in-pod config", default=True),
        Variant("j25-flags-pod", args.java25, flags, "pod",
                "JDK 25, flags, in-pod config", default=True),
        Variant("j25-aot-pod", args.java25, flags + [f"-XX:AOTCache={aot}", "-XX:AOTMode=on"],
                "pod", "JDK 25, flags, AOT cache, in-pod config (the image)", default=True,
                all_actions=True),
        Variant("j25-aot-kubeconfig", args.java25,
                flags + [f"-XX:AOTCache={aot}", "-XX:AOTMode=on"], "kubeconfig",
                "JDK 25, flags, AOT cache, kubeconfig"),
    ]
    if args.list:
        for v in variants:
            print(f"{'*' if v.default else ' '} {v.name:20} {v.label}")
        return
    if args.variants:
        wanted = args.variants.split(",")
        unknown = set(wanted) - {v.name for v in variants}
        if unknown:
            raise SystemExit(f"startup-bench: unknown variants {sorted(unknown)}; see --list")
        variants = [v for v in variants if v.name in wanted]
    elif not args.full:
        variants = [v for v in variants if v.default]
    actions = args.actions.split(",")
    cpu_sets = [c for c in args.cpus.split(";") if c]

    api = Api(args.java17, work)
    try:
        train = os.path.join(HERE, "train-aot.sh")
        if any("SharedArchiveFile" in " ".join(v.flags) for v in variants):
            subprocess.run([train, "--appcds", args.java17, JAR, cds], check=True,
                           env=api.env("pod"))
        if any("AOTCache" in " ".join(v.flags) for v in variants):
            subprocess.run([train, args.java25, JAR, aot], check=True, env=api.env("pod"))
        load_before = os.getloadavg()[0]
        results = measure(api, variants, actions, cpu_sets, args, work)
        args.load = (load_before, os.getloadavg()[0])
    finally:
        api.stop()
    write_table(results, variants, actions, cpu_sets, args)
    shutil.rmtree(work, ignore_errors=True)


def measure(api, variants, actions, cpu_sets, args, work):
    tasks = Tasks()
    results = {}
    kubectl_state = tasks.new(("kubectl",))
    seed(api.env("kubeconfig"), kubectl_state, args.java17)
    for cpus in cpu_sets:
        if cpus == "0":
            api.pin("1")  # the API server stands in for a remote one: keep it off the measured core
        else:
            api.pin("0-1")
        for r in range(args.runs):
            sample = results.setdefault(("kubectl", "get+replace", cpus), Sample())
            sample.add(*kubectl_pair(api, kubectl_state, cpus, work))
            # Interleave: every variant and action once per round, so drift hits all alike.
            for v in variants:
                for action in (actions if v.all_actions or args.full else GOAL_ACTIONS):
                    if action not in actions:
                        continue
                    key = (v.name, cpus, action)
                    state = tasks.task_for(key, action)
                    if state is None:
                        state = tasks.new(key)
                        if action != "init":
                            seed(api.env(v.mode), state, args.java17)
                    wall, cpu, rss, _ = timed(v.command(action_args(action, state)),
                                              api.env(v.mode), cpus)
                    results.setdefault((v.name, action, cpus), Sample()).add(wall, cpu, rss)
            print(f"startup-bench: cpus {cpus}, round {r + 1}/{args.runs}", file=sys.stderr)
    return results


def java_version(java):
    out = subprocess.run([java, "-version"], capture_output=True, text=True).stderr.splitlines()
    return out[1].strip() if len(out) > 1 else java


def write_table(results, variants, actions, cpu_sets, args):
    lines = [
        f"Measured {datetime.date.today().isoformat()} by `executor/bench/startup-bench.sh"
        f" --runs {args.runs}`: medians of {args.runs} runs per cell, each a whole process"
        " against the embedded API on loopback. CPU is user+sys of the process; RSS is its peak.",
        f"Flags (`<jvm.flags>` in executor/pom.xml): `{' '.join(pom_jvm_flags())}`."
        f" Load average (1 min) before/after: {args.load[0]:.1f}/{args.load[1]:.1f} on"
        f" {os.cpu_count()} CPUs. JDKs: {java_version(args.java17)}; {java_version(args.java25)}.",
        "",
    ]
    for cpus in cpu_sets:
        kube = results[("kubectl", "get+replace", cpus)].medians()
        title = "one core (`taskset -c 0`)" if cpus == "0" else f"CPUs {cpus}"
        if cpus == "0-1":
            title = "two cores"
        lines += [f"### {title}", "",
                  f"kubectl pair (`get --raw` + `replace --raw`): wall {kube[0]:.0f} ms,"
                  f" CPU {kube[1]:.0f} ms, peak RSS {kube[2]:.0f} MB.", "",
                  "| Variant | Action | Wall ms | × kubectl | CPU ms | × kubectl | Peak RSS MB |",
                  "|---|---|---:|---:|---:|---:|---:|"]
        for v in variants:
            for action in actions:
                sample = results.get((v.name, action, cpus))
                if sample is None:
                    continue
                wall, cpu, rss = sample.medians()
                goal = "**" if action in GOAL_ACTIONS else ""
                lines.append(f"| {v.label} | {goal}{action}{goal} | {wall:.0f} | {wall / kube[0]:.1f} |"
                             f" {cpu:.0f} | {cpu / kube[1]:.1f} | {rss:.0f} |")
        lines.append("")
    text = "\n".join(lines)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
