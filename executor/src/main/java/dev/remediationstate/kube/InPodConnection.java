package dev.remediationstate.kube;

import dev.remediationstate.failure.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The in-pod configuration, read without fabric8: the API URL ({@code RS_API_URL}, else {@code
 * https://KUBERNETES_SERVICE_HOST:KUBERNETES_SERVICE_PORT}) and the ServiceAccount's {@code token},
 * {@code ca.crt} and {@code namespace} ({@code RS_SERVICEACCOUNT_DIR}, else the mounted directory).
 * {@link KubeConnection} builds fabric8's configuration from these same rules.
 *
 * <p>{@link #leanStore} opens the one-shot actions' store ({@link LeanConfigMapStore}) when the
 * process runs in a pod with a CA file (or over plain HTTP), unless {@code RS_TRANSPORT=fabric8}
 * asks for the fabric8 store (the benchmark's comparison, and a way back if the lean one misbehaves
 * somewhere).
 */
public final class InPodConnection {
  private final Map<String, String> env;
  private final Path serviceAccountDir;

  public InPodConnection(Map<String, String> env, Path serviceAccountDir) {
    this.env = env;
    this.serviceAccountDir =
        nonBlank(env.get("RS_SERVICEACCOUNT_DIR")).map(Path::of).orElse(serviceAccountDir);
  }

  Path serviceAccountDir() {
    return serviceAccountDir;
  }

  /** In a pod: a token is mounted, the API is named and no kubeconfig is given. */
  boolean inPod() {
    return env.get("KUBECONFIG") == null
        && (env.get("KUBERNETES_SERVICE_HOST") != null || env.get("RS_API_URL") != null)
        && Files.isReadable(serviceAccountDir.resolve("token"));
  }

  String apiUrl() {
    return nonBlank(env.get("RS_API_URL")).orElseGet(this::serviceUrl);
  }

  private String serviceUrl() {
    String host = env.get("KUBERNETES_SERVICE_HOST");
    String port = env.getOrDefault("KUBERNETES_SERVICE_PORT", "443");
    return "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /** The lean store, or empty where the fabric8 store is used (see the class comment). */
  public Optional<LeanConfigMapStore> leanStore(String namespaceFlag) {
    if (!inPod() || "fabric8".equals(env.get("RS_TRANSPORT"))) {
      return Optional.empty();
    }
    String url = apiUrl();
    Path ca = serviceAccountDir.resolve("ca.crt");
    boolean https = url.startsWith("https:");
    if (https && !Files.isReadable(ca)) {
      return Optional.empty();
    }
    String token = token();
    String namespace =
        nonBlank(namespaceFlag)
            .or(() -> readFile(serviceAccountDir.resolve("namespace")))
            .orElse("default");
    SSLContext tls;
    try {
      tls = https ? InPodTls.trustingOnly(ca) : null;
    } catch (IOException | GeneralSecurityException e) {
      throw new InvalidInputException(
          "kubeconfig",
          "the service-account CA " + ca + " is unusable: " + ApiFailures.firstLine(e.toString()));
    }
    return Optional.of(new LeanConfigMapStore(url, token, tls, namespace));
  }

  /** The ServiceAccount's token; a configuration error when it cannot be read. */
  String token() {
    return readFile(serviceAccountDir.resolve("token"))
        .orElseThrow(
            () ->
                new InvalidInputException("kubeconfig", "the service-account token is unreadable"));
  }

  static Optional<String> readFile(Path path) {
    try {
      return nonBlank(Files.readString(path, StandardCharsets.UTF_8).trim());
    } catch (IOException | SecurityException e) {
      return Optional.empty();
    }
  }

  static Optional<String> nonBlank(String s) {
    return s == null || s.isBlank() ? Optional.empty() : Optional.of(s);
  }
}
