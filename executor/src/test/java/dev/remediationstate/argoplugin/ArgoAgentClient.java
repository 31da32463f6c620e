package dev.remediationstate.argoplugin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Argo's agent as a test client: the Go program in {@code kube-testenv/argo-agent-client-<line>}
 * calls a plugin with Argo's own agent-side client ({@code workflow/executor/plugins/rpc}), a pool
 * of workers sharing one client, and the agent's requeue rule. It also runs Argo's own {@code argo
 * executor-plugin build}.
 *
 * <p>The binary is built once per content, like {@code kube-testenv/build.sh}: the key hashes
 * go.mod, go.sum, the Go sources, {@code go version} and the link flags, and the binary lives in
 * {@code ~/.cache/argo-agent-client-<line>/<key>/} (the layout of {@code go-build-cached.sh} on
 * branch issue12, so either builds for the other). Builds are serialised by a file lock. Tests skip
 * with one line where Go is absent.
 */
final class ArgoAgentClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LDFLAGS = "-s -w";

  /** The Argo lines with a client: v3.7.18, and v4.0.5 (v4.1.2 is refused by the module proxy). */
  enum Line {
    V3("v3", "v3.7.18"),
    V4("v4", "v4.0.5");

    final String dir;
    final String version;

    Line(String dir, String version) {
      this.dir = dir;
      this.version = version;
    }
  }

  private final Path binary;
  private final Line line;

  private ArgoAgentClient(Path binary, Line line) {
    this.binary = binary;
    this.line = line;
  }

  static ArgoAgentClient of(Line line) {
    return new ArgoAgentClient(build(line), line);
  }

  Line line() {
    return line;
  }

  /** Runs one request (see main.go) and returns the report. */
  JsonNode run(Map<String, Object> request) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(binary.toString()).start();
    try (var in = p.getOutputStream()) {
      in.write(JSON.writeValueAsBytes(request));
    }
    var err = p.getErrorStream();
    byte[] out = p.getInputStream().readAllBytes();
    String stderr = new String(err.readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new AssertionError("argo-agent-client " + line.version + " failed: " + stderr);
    }
    JsonNode report = JSON.readTree(out);
    if (!report.path("argo").asText().equals(line.version)) {
      throw new AssertionError("the client reports Argo " + report.path("argo"));
    }
    return report;
  }

  /** Runs Argo's {@code argo executor-plugin build dir}. */
  void buildPlugin(Path dir) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(binary.toString(), "executor-plugin", "build", dir.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(1, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new AssertionError("argo executor-plugin build failed: " + out);
    }
  }

  static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("kube-testenv"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no kube-testenv/ above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  private static Path build(Line line) {
    String name = "argo-agent-client-" + line.dir;
    Path source = repositoryRoot().resolve("kube-testenv").resolve(name);
    String goVersion;
    try {
      goVersion = output(source, "go", "version");
    } catch (IOException e) {
      Assumptions.assumeTrue(false, name + ": go is not on PATH; skipping the Argo client tests");
      throw new IllegalStateException("unreachable", e);
    }
    try {
      String key = key(source, goVersion);
      Path cache =
          Path.of(System.getProperty("user.home"), ".cache", name).resolve(key).resolve(name);
      if (Files.isExecutable(cache)) {
        return cache;
      }
      Files.createDirectories(cache.getParent());
      Path lock = cache.getParent().resolveSibling(key + ".lock");
      try (FileChannel channel =
              FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = channel.lock()) {
        if (!Files.isExecutable(cache)) {
          Path tmp = cache.resolveSibling(name + ".tmp");
          ProcessBuilder pb =
              new ProcessBuilder(
                      "go", "build", "-trimpath", "-ldflags", LDFLAGS, "-o", tmp.toString(), ".")
                  .directory(source.toFile())
                  .redirectErrorStream(true);
          pb.environment().put("CGO_ENABLED", "0");
          pb.environment().put("GOFLAGS", "-mod=readonly");
          System.err.println(name + ": building " + source + " (cold: minutes on 2 cores)");
          Process p = pb.start();
          String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
          if (p.waitFor() != 0) {
            throw new IllegalStateException(name + ": go build failed:\n" + out);
          }
          Files.move(tmp, cache, StandardCopyOption.ATOMIC_MOVE);
        }
      }
      return cache;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The cache key of go-build-cached.sh: the first 16 hex digits of the SHA-256 of go.mod, go.sum,
   * the *.go files in name order, {@code go version}'s line and the link flags, each line ended by
   * a newline as the shell writes them.
   */
  static String key(Path source, String goVersionLine) throws IOException {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(Files.readAllBytes(source.resolve("go.mod")));
      sha.update(Files.readAllBytes(source.resolve("go.sum")));
      List<Path> goFiles = new ArrayList<>();
      try (Stream<Path> files = Files.list(source)) {
        files
            .filter(f -> f.getFileName().toString().endsWith(".go"))
            .sorted()
            .forEach(goFiles::add);
      }
      for (Path f : goFiles) {
        sha.update(Files.readAllBytes(f));
      }
      sha.update((goVersionLine + "\n").getBytes(StandardCharsets.UTF_8));
      sha.update((LDFLAGS + "\n").getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String output(Path dir, String... command) throws IOException {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    try {
      if (p.waitFor() != 0) {
        throw new IOException(String.join(" ", command) + " failed");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return out;
  }
}
