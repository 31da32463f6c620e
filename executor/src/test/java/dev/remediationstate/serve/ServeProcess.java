package dev.remediationstate.serve;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code remediation-state serve} as its own JVM (the image's JVM flags), against a kubeconfig:
 * started, probed, scraped, stopped with SIGTERM or killed with SIGKILL. Its stderr goes to a log
 * file that failures print.
 */
final class ServeProcess implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final int port;
  private final Path log;
  private final long startedNanos;

  private ServeProcess(Process process, int port, Path log, long startedNanos) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.startedNanos = startedNanos;
  }

  static ServeProcess start(Path kubeconfig, String namespace, String identity, String... args)
      throws IOException {
    int port = freePort();
    Path log = Files.createTempFile("serve-" + identity + "-", ".log");
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-XX:-UsePerfData",
                "-Xss512k"));
    String jvm = System.getProperty("rs.serve.jvmOptions", "").trim();
    if (!jvm.isEmpty()) {
      command.addAll(List.of(jvm.split("\\s+")));
    }
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            "dev.remediationstate.cli.Main",
            "serve",
            "--namespaces=" + namespace,
            "--lease-namespace=" + namespace,
            "--identity=" + identity,
            "--ops-port=" + port));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment()
        .keySet()
        .removeIf(k -> k.startsWith("RS_") || k.equals("KUBERNETES_SERVICE_HOST"));
    pb.environment().put("KUBECONFIG", kubeconfig.toString());
    pb.environment().put("RS_LOG_LEVEL", System.getProperty("rs.serve.log", "info"));
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    long started = System.nanoTime();
    return new ServeProcess(pb.start(), port, log, started);
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** Polls /readyz; returns the time from process start to the first 200. */
  Duration awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (status("/readyz") == 200) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
      }
      if (!process.isAlive()) {
        throw new AssertionError("serve exited with " + process.exitValue() + ":\n" + log());
      }
      Thread.sleep(25);
    }
    throw new AssertionError("serve not ready within " + timeout + ":\n" + log());
  }

  int status(String path) {
    try {
      return HTTP.send(request(path), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  String metrics() {
    try {
      return HTTP.send(request("/metrics"), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** The value of one sample, e.g. {@code remediation_gc_runs_total{result="ok"}}; 0 if absent. */
  double metric(String sample) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(metrics());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  boolean leading() {
    return metrics()
        .lines()
        .anyMatch(l -> l.startsWith("leader_election_master_status{") && l.endsWith(" 1.0"));
  }

  /** Resident set size from /proc, in KiB. */
  long rssKib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM, then the exit code. */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    return process.exitValue();
  }

  Integer exitCodeWithin(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
  }

  String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop();
    }
  }

  private HttpRequest request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5))
        .build();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
