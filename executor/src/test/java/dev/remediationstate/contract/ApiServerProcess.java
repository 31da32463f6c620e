package dev.remediationstate.contract;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One private real API server (kube-testenv: kube-apiserver v1.36.3 + etcd, RBAC, PodSecurity and
 * ServiceAccount admission, TokenRequest) for the manifest checks, which install cluster-scoped
 * CRDs and so must not share a server with other tests. Built (or reused from the cache) by
 * kube-testenv/build.sh; the test is skipped with one line where Go is absent. The server exits
 * when this JVM does.
 */
final class ApiServerProcess implements AutoCloseable {
  private final Process process;
  private final String url;
  private final String caPem;
  private final KubernetesClient admin;

  private ApiServerProcess(Process process, String url, String caPem, KubernetesClient admin) {
    this.process = process;
    this.url = url;
    this.caPem = caPem;
    this.admin = admin;
  }

  /** Skips the calling test (one line) when Go is absent; otherwise builds, starts, waits. */
  static ApiServerProcess start(Path dir) throws IOException, InterruptedException {
    Path root = Manifests.root();
    Path log = Files.createDirectories(dir).resolve("build.log");
    Process build =
        new ProcessBuilder("bash", root.resolve("kube-testenv/build.sh").toString())
            .redirectError(log.toFile())
            .start();
    String bin = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    int code = build.waitFor();
    assumeTrue(code != 3, "skipped: Go is not on PATH, so the test API server cannot be built");
    if (code != 0) {
      throw new IllegalStateException("kube-testenv/build.sh failed: " + Files.readString(log));
    }
    Path serverDir = dir.resolve("server");
    Process server =
        new ProcessBuilder(bin, serverDir.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("server.log").toFile())
            .start();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(240));
    Path ready = serverDir.resolve("ready");
    while (!Files.exists(ready)) {
      if (!server.isAlive() || Instant.now().isAfter(deadline)) {
        server.destroy();
        throw new IllegalStateException(
            "the test API server did not start: " + Files.readString(dir.resolve("server.log")));
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    String url = Files.readString(ready).trim();
    String caPem = Files.readString(serverDir.resolve("pki/ca.crt"));
    Config adminConfig =
        Config.fromKubeconfig(Files.readString(serverDir.resolve("admin.kubeconfig")));
    // Applying the Argo v4 CRDs over the v3 ones (over 1 MB each) takes a while on a busy
    // 2-core machine: fabric8's default 10 s request timeout is too short for that.
    adminConfig.setRequestTimeout((int) Duration.ofMinutes(5).toMillis());
    KubernetesClient admin = new KubernetesClientBuilder().withConfig(adminConfig).build();
    return new ApiServerProcess(server, url, caPem, admin);
  }

  KubernetesClient admin() {
    return admin;
  }

  /** A ServiceAccount token from the TokenRequest API (10 minutes). */
  String tokenFor(String namespace, String serviceAccount) {
    TokenRequest request =
        new TokenRequestBuilder().withNewSpec().withExpirationSeconds(600L).endSpec().build();
    return admin
        .serviceAccounts()
        .inNamespace(namespace)
        .withName(serviceAccount)
        .tokenRequest(request)
        .getStatus()
        .getToken();
  }

  /**
   * A client that authenticates with the token alone: built on {@code Config.empty()}, so no
   * kubeconfig (and no admin client certificate) is ever merged in.
   */
  KubernetesClient clientFor(String namespace, String token) {
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(url)
            .withCaCertData(
                Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.UTF_8)))
            .withOauthToken(token)
            .withNamespace(namespace)
            .withRequestRetryBackoffLimit(0)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  @Override
  public void close() {
    admin.close();
    process.destroy();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The CRD files of one engine release in ../shared/crds; skips (one line) where absent. */
  static List<Path> crds(String release) {
    Path dir = Manifests.root().resolveSibling("shared").resolve("crds").resolve(release);
    assumeTrue(
        Files.isDirectory(dir),
        "skipped: " + dir + " is absent (the engines' CRDs live outside this repository)");
    try (var files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
