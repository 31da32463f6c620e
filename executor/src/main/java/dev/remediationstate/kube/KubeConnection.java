package dev.remediationstate.kube;

import dev.remediationstate.failure.InvalidInputException;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Builds the API client for one short-lived process.
 *
 * <p>In a pod (the service-account token is mounted, {@code KUBERNETES_SERVICE_HOST} is set and no
 * {@code KUBECONFIG} is given) the configuration is built directly from the token, CA and env,
 * without reading any kubeconfig: parsing one costs hundreds of classes at start-up. Elsewhere the
 * kubeconfig is read as kubectl reads it. The token is re-read from its file once a minute ({@link
 * ServiceAccountToken}): the kubelet rotates it under a long-running {@code serve}.
 *
 * <p>For benchmarks and tests the in-pod path can be taken outside a pod: {@code RS_API_URL} names
 * the API server (instead of {@code https://KUBERNETES_SERVICE_HOST:KUBERNETES_SERVICE_PORT}) and
 * {@code RS_SERVICEACCOUNT_DIR} the directory holding {@code token}, {@code ca.crt} and {@code
 * namespace} (instead of the constructor's).
 *
 * <p>The namespace is the {@code --namespace} flag, else the pod's service-account namespace, else
 * the kubeconfig context's namespace, else {@code default}.
 *
 * <p>fabric8's own request retry is switched off ({@code requestRetryBackoffLimit 0}): it would
 * re-send a PUT after a lost response and ignore {@code Retry-After}. The one transient-retry layer
 * is {@code dev.remediationstate.store.RetryingStateStore}, with its own budget. Each request times
 * out after {@value #REQUEST_TIMEOUT_MILLIS} ms (connect: {@value #CONNECT_TIMEOUT_MILLIS} ms).
 */
public final class KubeConnection {
  public static final Path SERVICE_ACCOUNT =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount");

  public static final int REQUEST_TIMEOUT_MILLIS = 15_000;
  public static final int CONNECT_TIMEOUT_MILLIS = 5_000;

  private final Map<String, String> env;
  private final InPodConnection pod;

  public KubeConnection(Map<String, String> env, Path serviceAccountDir) {
    this.env = env;
    this.pod = new InPodConnection(env, serviceAccountDir);
  }

  /**
   * A connected client, the namespace it works in, and the {@code Retry-After} of its latest
   * throttled response (taken once).
   */
  public record Connected(
      KubernetesClient client, String namespace, Supplier<Optional<Duration>> retryAfter) {
    public ConfigMapStateStore store() {
      return new ConfigMapStateStore(client, namespace, retryAfter);
    }
  }

  public Connected connect(String namespaceFlag) {
    Config config = inPod() ? podConfig() : kubeconfig();
    String namespace =
        InPodConnection.nonBlank(namespaceFlag)
            .or(() -> InPodConnection.readFile(pod.serviceAccountDir().resolve("namespace")))
            .or(() -> InPodConnection.nonBlank(config.getNamespace()))
            .orElse("default");
    return connect(config, namespace);
  }

  /** Builds the client for {@code config} with the settings above; tests use it too. */
  public static Connected connect(Config config, String namespace) {
    config.setRequestRetryBackoffLimit(0);
    config.setConnectionTimeout(CONNECT_TIMEOUT_MILLIS);
    config.setRequestTimeout(REQUEST_TIMEOUT_MILLIS);
    RetryAfterCapture retryAfter = new RetryAfterCapture(() -> ZonedDateTime.now(ZoneOffset.UTC));
    KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(config)
            .withHttpClientFactory(new ShutdownJdkHttpClientFactory())
            .withHttpClientBuilderConsumer(
                builder -> builder.addOrReplaceInterceptor(RetryAfterCapture.NAME, retryAfter))
            .build();
    return new Connected(client, namespace, retryAfter::take);
  }

  boolean inPod() {
    return pod.inPod();
  }

  /**
   * Outside a pod: the kubeconfig as kubectl reads it. No configuration at all (no {@code
   * KUBECONFIG}, no {@code ~/.kube/config}, no {@code KUBERNETES_MASTER}) or an unreadable or
   * unparsable file is a configuration error, reported at once: without it the client would try
   * {@code kubernetes.default.svc} and the failure would look like an outage.
   */
  private Config kubeconfig() {
    List<Path> files = kubeconfigFiles();
    if (files.isEmpty() && InPodConnection.nonBlank(env.get("KUBERNETES_MASTER")).isEmpty()) {
      throw new InvalidInputException(
          "kubeconfig",
          "no configuration found: not in a pod (no service-account token), KUBECONFIG is not set"
              + " and ~/.kube/config does not exist; set KUBECONFIG or run in a pod");
    }
    for (Path file : files) {
      if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
        throw new InvalidInputException("kubeconfig", file + " is missing or not readable");
      }
      try {
        Config.fromKubeconfig(Files.readString(file, StandardCharsets.UTF_8));
      } catch (IOException | RuntimeException e) {
        throw new InvalidInputException("kubeconfig", file + " is not a valid kubeconfig");
      }
    }
    return Config.autoConfigure(null);
  }

  /** The kubeconfig files kubectl would read: each of {@code KUBECONFIG}, else the default. */
  List<Path> kubeconfigFiles() {
    Optional<String> list = InPodConnection.nonBlank(env.get("KUBECONFIG"));
    if (list.isPresent()) {
      List<Path> files = new ArrayList<>();
      for (String f : list.get().split(java.io.File.pathSeparator)) {
        if (!f.isBlank()) {
          files.add(Path.of(f));
        }
      }
      return files;
    }
    String home = InPodConnection.nonBlank(env.get("HOME")).orElse(System.getProperty("user.home"));
    Path standard = Path.of(home, ".kube", "config");
    return Files.exists(standard) ? List.of(standard) : List.of();
  }

  private Config podConfig() {
    ConfigBuilder builder =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(pod.apiUrl())
            .withOauthTokenProvider(
                new ServiceAccountToken(
                    pod.serviceAccountDir().resolve("token"),
                    pod.token(),
                    ServiceAccountToken.MAX_AGE,
                    System::nanoTime));
    Path ca = pod.serviceAccountDir().resolve("ca.crt");
    if (Files.isReadable(ca)) {
      builder.withCaCertFile(ca.toString());
    }
    return builder.build();
  }
}
