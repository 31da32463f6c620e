#!/usr/bin/env python3
"""Benchmark of the Argo executor plugin (serve --argo-plugin), against the real test API server.

    benchmarks/argo-plugin/bench.py [--calls 300] [--starts 5]

Needs Go (the test API server and Argo's agent client are built once per content), the shaded
CLI jar (mvn -B -o -pl executor package -DskipTests), curl and kubectl. Measures, in one run:

  * per-call latency of next-iteration through the plugin, called by Argo's own agent client
    (kube-testenv/argo-agent-client-v3: workflow/executor/plugins/rpc), sequential, warm, each
    call a new node (request id) so each one is a real GET + PUT of the state ConfigMap;
  * the floor: a curl GET+PUT pair (one curl process, one connection: GET, then PUT of the same
    ConfigMap) and a warm in-JVM GET+PUT with the plugin's own client (InJvmFloor.java);
  * the sidecar's start to listening (process start to the port accepting), on the machine and on
    one core (taskset -c 0), with the JVM flags of tasks/argo-plugin/plugin.yaml;
  * its RSS at rest: listening before the first step, and idle after the latency run.

The plugin runs as in the agent pod: the in-pod API path with the token of
remediation-state-executor-plugin (tasks/argo-plugin/), so RBAC is the shipped Role.
"""
import argparse, hashlib, json, os, pathlib, shutil, socket, statistics, subprocess, sys, tempfile, time

ROOT = pathlib.Path(__file__).resolve().parents[2]
JAR = ROOT / "executor/target/remediation-state-cli.jar"


def plugin_jvm_flags():
    """The sidecar's java flags, read from plugin.yaml (the container command up to -cp)."""
    flags, inside = [], False
    for line in (ROOT / "tasks/argo-plugin/plugin.yaml").read_text().splitlines():
        s = line.strip()
        if s == "command:":
            inside = True
            continue
        if inside:
            if not s.startswith("- "):
                break
            v = s[2:].strip('"')
            if v == "-cp":
                break
            if v != "java" and not v.startswith("-XX:VMOptionsFile"):
                flags.append(v)
    return flags


def go_binary(name, ldflags="-s -w"):
    src = ROOT / "kube-testenv" / name
    gov = subprocess.run(["go", "version"], capture_output=True, text=True, check=True).stdout.strip()
    h = hashlib.sha256()
    for f in ["go.mod", "go.sum"] + sorted(p.name for p in src.glob("*.go")):
        h.update((src / f).read_bytes())
    h.update((gov + "\n" + ldflags + "\n").encode())
    out = pathlib.Path.home() / ".cache" / name / h.hexdigest()[:16] / name
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, CGO_ENABLED="0", GOFLAGS="-mod=readonly")
        subprocess.run(["go", "build", "-trimpath", "-ldflags", ldflags, "-o", str(out), "."],
                       cwd=src, env=env, check=True)
    return out


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, max(0, int(round(p / 100 * len(v) + 0.5)) - 1))]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Env:
    def __init__(self, work):
        self.work = work
        binary = subprocess.run([str(ROOT / "kube-testenv/build.sh")], capture_output=True, text=True,
                                check=True).stdout.strip()
        self.dir = work / "apiserver"
        self.proc = subprocess.Popen([binary, str(self.dir)], stdout=subprocess.DEVNULL,
                                     stderr=open(work / "apiserver.log", "w"))
        for _ in range(600):
            if (self.dir / "ready").exists():
                break
            time.sleep(0.1)
        else:
            sys.exit("the test API server did not become ready")
        self.kubeconfig = str(self.dir / "admin.kubeconfig")
        self.url = self.kubectl("config", "view", "--raw", "-o",
                                "jsonpath={.clusters[0].cluster.server}").strip()
        self.ns = "bench"
        self.kubectl("create", "namespace", self.ns)
        self.kubectl("apply", "-n", self.ns, "-f", str(ROOT / "tasks/argo-plugin/service-account.yaml"),
                     "-f", str(ROOT / "tasks/argo-plugin/role.yaml"))
        self.sa = work / "serviceaccount"
        self.sa.mkdir()
        (self.sa / "token").write_text(self.kubectl("create", "token", "-n", self.ns,
                                                    "remediation-state-executor-plugin").strip())
        shutil.copy(self.dir / "pki/ca.crt", self.sa / "ca.crt")
        (self.sa / "namespace").write_text(self.ns)

    def kubectl(self, *args, stdin=None):
        return subprocess.run(["kubectl", "--kubeconfig", self.kubeconfig, *args], input=stdin,
                              capture_output=True, text=True, check=True).stdout

    def close(self):
        self.proc.terminate()
        self.proc.wait()


class Plugin:
    TOKEN = "benchbenchbenchbenchbenchbench12"

    def __init__(self, env, work, cpus=None):
        self.port = free_port()
        token = work / "plugin-token"
        token.write_text(self.TOKEN)
        cmd = (["taskset", "-c", cpus] if cpus else []) + ["java", *plugin_jvm_flags(), "-cp", str(JAR),
               "dev.remediationstate.cli.Main", "serve", "--argo-plugin", f"--plugin-port={self.port}",
               f"--plugin-token-file={token}"]
        e = {k: v for k, v in os.environ.items() if not k.startswith("RS_") and k != "KUBECONFIG"}
        e.update(RS_API_URL=env.url, RS_SERVICEACCOUNT_DIR=str(env.sa))
        self.start = time.monotonic()
        self.proc = subprocess.Popen(cmd, env=e, stdout=subprocess.DEVNULL,
                                     stderr=open(work / "plugin.log", "a"))
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.05):
                    break
            except OSError:
                if self.proc.poll() is not None:
                    sys.exit("the plugin exited; see plugin.log")
                time.sleep(0.002)
        self.listening = time.monotonic() - self.start

    def rss_mb(self):
        for line in pathlib.Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024

    def close(self):
        self.proc.terminate()
        self.proc.wait()


def agent_calls(client, plugin, calls, workers=1):
    req = {"address": f"http://127.0.0.1:{plugin.port}", "token": Plugin.TOKEN, "workers": workers,
           "followRequeue": True, "calls": calls}
    out = subprocess.run([str(client)], input=json.dumps(req), capture_output=True, text=True, check=True)
    results = json.loads(out.stdout)["results"]
    bad = [r for r in results if r.get("error") or (r.get("node") or {}).get("phase") != "Succeeded"]
    if bad:
        sys.exit(f"plugin calls failed: {bad[:2]}")
    return [r["micros"] / 1000 for r in results]


def call(ns, uid, node, spec):
    body = dict(spec, **{"request-id": f"{uid}/{node}"})
    return {"workflow": {"metadata": {"name": "bench", "namespace": ns, "uid": uid}},
            "template": {"name": node, "plugin": {"remediation-state": body}}}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=300)
    ap.add_argument("--starts", type=int, default=5)
    a = ap.parse_args()
    if not JAR.exists():
        sys.exit(f"{JAR} is missing: mvn -B -o -pl executor package -DskipTests")
    client = go_binary("argo-agent-client-v3")
    work = pathlib.Path(tempfile.mkdtemp(prefix="argo-plugin-bench-"))
    env = Env(work)
    try:
        # Start to listening, and RSS at rest before any step.
        starts, starts_one, rss_rest = [], [], []
        for i in range(a.starts):
            p = Plugin(env, work)
            starts.append(p.listening)
            time.sleep(2)
            rss_rest.append(p.rss_mb())
            p.close()
            p = Plugin(env, work, cpus="0")
            starts_one.append(p.listening)
            p.close()

        # Latency through the plugin: 20 loops, next-iteration calls round-robin.
        p = Plugin(env, work)
        tasks = [f"bench-{i}" for i in range(20)]
        uid = "bench-uid"
        agent_calls(client, p, [call(env.ns, uid, f"init-{t}", {"action": "init", "task-id": t,
                                                               "max-iterations": "100"}) for t in tasks])
        warm = [call(env.ns, uid, f"warm-{i}", {"action": "next-iteration", "task-id": tasks[i % 20]})
                for i in range(40)]
        agent_calls(client, p, warm)
        timed = [call(env.ns, uid, f"next-{i}", {"action": "next-iteration", "task-id": tasks[i % 20]})
                 for i in range(a.calls)]
        plugin_ms = agent_calls(client, p, timed)
        time.sleep(2)
        rss_after = p.rss_mb()
        p.close()

        # The floors, on a copy of one state ConfigMap as the steps left it.
        state = json.loads(env.kubectl("get", "configmap", "-n", env.ns, f"task-{tasks[0]}-state", "-o", "json"))
        for k in ("resourceVersion", "uid", "creationTimestamp", "managedFields"):
            state["metadata"].pop(k, None)
        state["metadata"]["name"] = "bench-floor"
        env.kubectl("create", "-f", "-", stdin=json.dumps(state))
        body = work / "floor.json"
        body.write_text(json.dumps(state))
        token = (env.sa / "token").read_text()
        url = f"{env.url}/api/v1/namespaces/{env.ns}/configmaps/bench-floor"
        curl = ["curl", "-sf", "--cacert", str(env.sa / "ca.crt"), "-H", f"Authorization: Bearer {token}",
                "-o", "/dev/null", url, "--next", "-sf", "--cacert", str(env.sa / "ca.crt"),
                "-H", f"Authorization: Bearer {token}", "-H", "Content-Type: application/json",
                "-X", "PUT", "--data-binary", f"@{body}", "-o", "/dev/null", url]
        curl_ms = []
        for i in range(20 + a.calls):
            t = time.monotonic()
            subprocess.run(curl, check=True)
            if i >= 20:
                curl_ms.append((time.monotonic() - t) * 1000)
        # The same JVM flags as the sidecar, with room for the source launcher's compiler.
        flags = [f for f in plugin_jvm_flags() if not f.startswith(("-Xmx", "-XX:MaxMetaspaceSize"))]
        jvm = subprocess.run(["java", *flags, "-cp", str(JAR),
                              str(ROOT / "benchmarks/argo-plugin/InJvmFloor.java"), env.url, str(env.sa),
                              env.ns, "bench-floor", "100", str(a.calls)],
                             capture_output=True, text=True, check=True)
        jvm_ms = [int(x) / 1000 for x in jvm.stdout.split()]

        def row(name, v):
            return f"| {name} | {statistics.median(v):.1f} | {pct(v, 99):.1f} | {len(v)} |"

        print(f"machine: {os.cpu_count()} cpus, load average {os.getloadavg()[0]:.1f} at the end")
        print("| per call (ms) | p50 | p99 | n |")
        print("|---|---|---|---|")
        print(row("next-iteration through the plugin (Argo v3.7.18 agent client)", plugin_ms))
        print(row("floor: curl GET+PUT pair (one process, one connection)", curl_ms))
        print(row("floor: warm in-JVM GET+PUT (fabric8, plugin's client and JIT flags)", jvm_ms))
        print(f"p50 plugin / p50 curl floor = {statistics.median(plugin_ms) / statistics.median(curl_ms):.2f}"
              f" (goal <= 3); / in-JVM floor = {statistics.median(plugin_ms) / statistics.median(jvm_ms):.2f}")
        print(f"start to listening (s): median {statistics.median(starts):.3f}, min {min(starts):.3f},"
              f" max {max(starts):.3f}; on one core (taskset -c 0): median {statistics.median(starts_one):.3f},"
              f" min {min(starts_one):.3f}, max {max(starts_one):.3f} (goal <= 2)")
        print(f"RSS at rest (MB): listening, before the first step: median {statistics.median(rss_rest):.0f};"
              f" idle after {len(plugin_ms) + 60} steps: {rss_after:.0f} (goal <= 128)")
        print(f"JVM flags: {' '.join(plugin_jvm_flags())}")
    finally:
        env.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
