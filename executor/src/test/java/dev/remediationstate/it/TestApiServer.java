package dev.remediationstate.it;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributesBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The suite's real Kubernetes API server: kube-apiserver v1.36.3 with embedded etcd, built from Go
 * modules by {@code kube-testenv/build.sh} (cached by content hash under {@code $HOME}) and started
 * once per test JVM on loopback HTTPS, with RBAC and ServiceAccount tokens on.
 *
 * <p>{@link #shared()} starts it on first use. Where Go is absent the calling test is skipped
 * (JUnit assumption) with one line saying so; it never passes without a server. A server started
 * elsewhere is used instead when {@code rs.testenv.dir} names its directory (holding {@code
 * admin.kubeconfig}, {@code pki/ca.crt} and {@code ready}). The process ends with this JVM: a
 * shutdown hook stops it, and the server itself exits when its parent is gone (kill -9 included).
 */
public final class TestApiServer {
  private static final Duration READY_WITHIN = Duration.ofMinutes(3);

  /**
   * Pages after the first are read from etcd, not from the watch cache's snapshots (1.34+), so an
   * etcd compaction ({@link #compactEtcd}) expires continue tokens at once, as a real cluster's
   * compaction does when no cache snapshot covers the page.
   */
  private static final String CONTINUE_FROM_ETCD = "--feature-gates=ListFromCacheSnapshot=false";

  private static TestApiServer shared;
  private static String unavailable;

  private final Path dir;
  private final String url;
  private final KubernetesClient admin;

  private TestApiServer(Path dir) throws IOException {
    this.dir = dir;
    this.url = Files.readString(dir.resolve("ready"), StandardCharsets.UTF_8).trim();
    this.admin = clientFrom(Config.fromKubeconfig(null, kubeconfig().toFile()));
  }

  /** The one server of this JVM, started on first use; skips the caller where none can run. */
  public static synchronized TestApiServer shared() {
    if (shared == null && unavailable == null) {
      try {
        shared = startOrAttach();
      } catch (Unavailable e) {
        unavailable = e.getMessage();
        System.err.println(unavailable);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    Assumptions.assumeTrue(unavailable == null, unavailable);
    return shared;
  }

  /** Whether a server can run here (Go present or one attached), without starting it. */
  public static boolean available() {
    return !System.getProperty("rs.testenv.dir", "").isBlank() || onPath("go");
  }

  private static TestApiServer startOrAttach() throws IOException, InterruptedException {
    String attached = System.getProperty("rs.testenv.dir", "");
    if (!attached.isBlank()) {
      return new TestApiServer(Path.of(attached));
    }
    if (!onPath("go")) {
      throw new Unavailable(
          "SKIPPED: the real-API-server tests need Go 1.26+ on PATH to build kube-testenv"
              + " (kube-testenv/build.sh); they did not run");
    }
    Path root = projectRoot();
    Process build =
        new ProcessBuilder(root.resolve("kube-testenv/build.sh").toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String binary =
        new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!build.waitFor(60, TimeUnit.MINUTES) || build.exitValue() != 0) {
      throw new IllegalStateException(
          "kube-testenv/build.sh failed (exit " + build.exitValue() + ")");
    }
    Path dir = root.resolve("executor/target/kube-testenv/" + ProcessHandle.current().pid());
    Files.createDirectories(dir);
    long started = System.nanoTime();
    Process server =
        new ProcessBuilder(binary, dir.toString(), CONTINUE_FROM_ETCD)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("kube-testenv.log").toFile())
            .start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::destroy));
    Path ready = dir.resolve("ready");
    long deadline = System.nanoTime() + READY_WITHIN.toNanos();
    while (!Files.exists(ready)) {
      if (!server.isAlive()) {
        throw new IllegalStateException(
            "kube-testenv exited with "
                + server.exitValue()
                + "; see "
                + dir.resolve("kube-testenv.log"));
      }
      if (System.nanoTime() > deadline) {
        server.destroy();
        throw new IllegalStateException("kube-testenv was not ready within " + READY_WITHIN);
      }
      Thread.sleep(100);
    }
    System.err.printf(
        "kube-testenv: ready in %.1f s (%s)%n", (System.nanoTime() - started) / 1e9, dir);
    return new TestApiServer(dir);
  }

  private static boolean onPath(String command) {
    for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!p.isEmpty() && Files.isExecutable(Path.of(p, command))) {
        return true;
      }
    }
    return false;
  }

  /** The checkout's root: the first parent of the working directory holding kube-testenv/. */
  public static Path projectRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isRegularFile(p.resolve("kube-testenv/build.sh"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException(
          "kube-testenv/build.sh not found above " + Path.of("").toAbsolutePath());
    }
    return p;
  }

  public String url() {
    return url;
  }

  /** The admin kubeconfig (client certificate in system:masters). */
  public Path kubeconfig() {
    return dir.resolve("admin.kubeconfig");
  }

  public String caCertPem() {
    try {
      return Files.readString(dir.resolve("pki/ca.crt"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path caCertFile() {
    return dir.resolve("pki/ca.crt");
  }

  /**
   * Compacts etcd at its current revision, now: every continue token and watch resourceVersion
   * handed out before this call is then expired (the server answers 410), as happens on a real
   * cluster after its compaction interval (5 min by default).
   */
  public void compactEtcd() {
    Path request = dir.resolve("compact");
    try {
      Files.writeString(request, "", StandardCharsets.UTF_8);
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (Files.exists(request)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("kube-testenv did not compact etcd within 10 s");
        }
        Thread.sleep(20);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A client with cluster-admin rights; shared, do not close. */
  public KubernetesClient adminClient() {
    return admin;
  }

  /** A new namespace {@code prefix-<random>}, created now. */
  public String createNamespace(String prefix) {
    return createNamespace(prefix, Map.of());
  }

  /** A new namespace {@code prefix-<random>} with these labels, created now. */
  public String createNamespace(String prefix, Map<String, String> labels) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .build())
        .create();
    return name;
  }

  /**
   * A token for ServiceAccount {@code serviceAccount} in {@code namespace}, minted with the
   * TokenRequest API (the account is created when missing), valid for an hour.
   */
  public String tokenFor(String namespace, String serviceAccount) {
    if (admin.serviceAccounts().inNamespace(namespace).withName(serviceAccount).get() == null) {
      admin
          .serviceAccounts()
          .inNamespace(namespace)
          .resource(
              new ServiceAccountBuilder()
                  .withNewMetadata()
                  .withName(serviceAccount)
                  .endMetadata()
                  .build())
          .create();
    }
    return admin
        .serviceAccounts()
        .inNamespace(namespace)
        .withName(serviceAccount)
        .tokenRequest(
            new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
        .getStatus()
        .getToken();
  }

  /**
   * A client that authenticates with {@code token} alone. It starts from {@link Config#empty()}, so
   * nothing of the admin kubeconfig, the environment or {@code ~/.kube} is merged in.
   */
  public KubernetesClient clientFor(String namespace, String token) {
    return clientFrom(
        new ConfigBuilder(Config.empty())
            .withMasterUrl(url)
            .withCaCertData(
                Base64.getEncoder().encodeToString(caCertPem().getBytes(StandardCharsets.UTF_8)))
            .withOauthToken(token)
            .withNamespace(namespace)
            .withRequestRetryBackoffLimit(0)
            .build());
  }

  /**
   * A kubeconfig file for child processes: this server, its CA, {@code token}, {@code namespace}.
   */
  public Path kubeconfigFor(String namespace, String token, Path file) {
    String ca = Base64.getEncoder().encodeToString(caCertPem().getBytes(StandardCharsets.UTF_8));
    String text =
        String.join(
            "\n",
            List.of(
                "apiVersion: v1",
                "kind: Config",
                "clusters:",
                "- name: kube-testenv",
                "  cluster: {server: '" + url + "', certificate-authority-data: " + ca + "}",
                "contexts:",
                "- name: it",
                "  context: {cluster: kube-testenv, user: it, namespace: " + namespace + "}",
                "current-context: it",
                "users:",
                "- name: it",
                "  user: {token: '" + token + "'}",
                ""));
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Waits until {@code client}'s identity may {@code verb} {@code resource} (core group) in {@code
   * namespace}: the RBAC authorizer reads bindings through an informer, so a binding just created
   * takes effect a moment later.
   */
  public static void awaitAllowed(
      KubernetesClient client, String namespace, String verb, String resource) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      var review =
          client
              .authorization()
              .v1()
              .selfSubjectAccessReview()
              .create(
                  new SelfSubjectAccessReviewBuilder()
                      .withNewSpec()
                      .withResourceAttributes(
                          new ResourceAttributesBuilder()
                              .withNamespace(namespace)
                              .withVerb(verb)
                              .withResource(resource)
                              .build())
                      .endSpec()
                      .build());
      if (Boolean.TRUE.equals(review.getStatus().getAllowed())) {
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("RBAC never allowed " + verb + " " + resource + " in " + namespace);
  }

  /** An admin kubeconfig file whose context's namespace is {@code namespace}. */
  public Path adminKubeconfigFor(String namespace, Path file) {
    try {
      String text = Files.readString(kubeconfig(), StandardCharsets.UTF_8);
      Files.writeString(
          file,
          text.replace("namespace: default", "namespace: " + namespace),
          StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static KubernetesClient clientFrom(Config config) {
    return new KubernetesClientBuilder()
        .withConfig(config)
        .withHttpClientFactory(new JdkHttpClientFactory())
        .build();
  }

  private static final class Unavailable extends RuntimeException {
    Unavailable(String message) {
      super(message);
    }
  }
}
