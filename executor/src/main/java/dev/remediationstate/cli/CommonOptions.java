package dev.remediationstate.cli;

import dev.remediationstate.failure.InvalidInputException;
import dev.remediationstate.feedback.Fingerprint;
import dev.remediationstate.feedback.Redactor;
import dev.remediationstate.log.LogLevels;
import dev.remediationstate.results.ResultFiles;
import dev.remediationstate.store.RetryPolicy;
import dev.remediationstate.store.RetryingStateStore;
import dev.remediationstate.store.StateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.event.Level;
import picocli.CommandLine.Option;

/** Options every action takes. Each can also be set by the environment variable it names. */
public final class CommonOptions {
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,252}");

  @Option(
      names = "--task-id",
      defaultValue = "${env:RS_TASK_ID}",
      description = "Task id: lowercase letters, digits, '-'; at most 63. Env: RS_TASK_ID.")
  String taskId;

  @Option(
      names = {"-n", "--namespace"},
      defaultValue = "${env:RS_NAMESPACE}",
      description =
          "Namespace of the state ConfigMap. Default: the pod's namespace, else the kubeconfig"
              + " context's. Env: RS_NAMESPACE.")
  String namespace;

  @Option(
      names = "--results-dir",
      defaultValue = "${env:RS_RESULTS_DIR}",
      description =
          "Directory for one file per result, normalized first (so a StepAction can name it as"
              + " $(step.results.<name>.path)/..). Default: /tekton/results when it exists."
              + " Env: RS_RESULTS_DIR.")
  Path resultsDir;

  @Option(
      names = "--results-limit",
      defaultValue = "${env:RS_RESULTS_LIMIT:-3584}",
      description =
          "Bytes of termination message the results may take (default ${DEFAULT-VALUE})."
              + " Env: RS_RESULTS_LIMIT.")
  int resultsLimit;

  @Option(
      names = "--request-id",
      defaultValue = "${env:RS_REQUEST_ID}",
      description =
          "Idempotency key, the same for every retry of one step, e.g. $(context.taskRun.uid)"
              + " or {{workflow.uid}}-<loop counter> (never {{pod.name}} or {{retries}}). Default: pod/<name> from RS_POD_NAME or POD_NAME,"
              + " else pod/$HOSTNAME in a pod, else a random id per process. Env: RS_REQUEST_ID.")
  String requestId;

  @Option(
      names = "--conflict-attempts",
      defaultValue = "${env:RS_CONFLICT_ATTEMPTS:-16}",
      description =
          "Attempts on 409 conflicts (default ${DEFAULT-VALUE}). Env: RS_CONFLICT_ATTEMPTS.")
  int conflictAttempts;

  @Option(
      names = "--conflict-timeout",
      defaultValue = "${env:RS_CONFLICT_TIMEOUT:-30s}",
      converter = DurationConverter.class,
      description =
          "Time budget for 409 retries, e.g. 30s, 2m (default ${DEFAULT-VALUE})."
              + " Env: RS_CONFLICT_TIMEOUT.")
  Duration conflictTimeout;

  @Option(
      names = "--api-attempts",
      defaultValue = "${env:RS_API_ATTEMPTS:-8}",
      description =
          "Attempts per API request on 429, 5xx, timeouts and resets (default ${DEFAULT-VALUE})."
              + " Env: RS_API_ATTEMPTS.")
  int apiAttempts;

  @Option(
      names = "--api-timeout",
      defaultValue = "${env:RS_API_TIMEOUT:-60s}",
      converter = DurationConverter.class,
      description =
          "Time budget for retrying 429, 5xx, timeouts and resets, separate from the conflict"
              + " budget (default ${DEFAULT-VALUE}). Env: RS_API_TIMEOUT.")
  Duration apiTimeout;

  @Option(
      names = {"-v", "--verbose"},
      defaultValue = "${env:RS_VERBOSE:-false}",
      description = "Debug logs and stack traces. Env: RS_VERBOSE.")
  boolean verbose;

  void applyVerbosity() {
    LogLevels.requireValid();
    if (verbose) {
      LogLevels.set(Level.DEBUG);
    }
  }

  private String resolvedRequestId;

  /**
   * The request id: {@code --request-id} / {@code RS_REQUEST_ID} when given; else derived from the
   * environment, stable for the pod: {@code pod/<name>} from {@code RS_POD_NAME} or {@code
   * POD_NAME} (the downward API's {@code metadata.name}), else {@code pod/$HOSTNAME} when running
   * in a pod ({@code KUBERNETES_SERVICE_HOST} is set: the hostname is the pod name); else one
   * random id {@code local-<uuid>} for the whole process. A derived id that does not fit the
   * grammar is ignored, never refused.
   */
  String requestId(Wiring wiring) {
    if (resolvedRequestId == null) {
      resolvedRequestId = resolveRequestId(wiring.env());
    }
    return resolvedRequestId;
  }

  static Optional<String> derivedRequestId(Map<String, String> env) {
    for (String name : List.of("RS_POD_NAME", "POD_NAME")) {
      String pod = env.get(name);
      if (pod != null && REQUEST_ID.matcher("pod/" + pod).matches()) {
        return Optional.of("pod/" + pod);
      }
    }
    String host = env.get("HOSTNAME");
    if (env.get("KUBERNETES_SERVICE_HOST") != null
        && host != null
        && REQUEST_ID.matcher("pod/" + host).matches()) {
      return Optional.of("pod/" + host);
    }
    return Optional.empty();
  }

  private String resolveRequestId(Map<String, String> env) {
    if (requestId == null || requestId.isEmpty()) {
      return derivedRequestId(env).orElseGet(() -> "local-" + UUID.randomUUID());
    }
    if (!REQUEST_ID.matcher(requestId).matches()) {
      throw new InvalidInputException(
          "request-id",
          "must be 1 to 253 letters, digits or . _ : / -, starting with a letter or digit");
    }
    if (Redactor.holdsSecret(requestId)) {
      // Stored with every applied request: a secret pasted as the id is kept only as its hash,
      // which identifies the request just as well.
      return "redacted-" + Fingerprint.sha256(requestId).substring(0, 32);
    }
    return requestId;
  }

  RetryPolicy conflictPolicy() {
    if (conflictAttempts < 1 || conflictAttempts > 1000) {
      throw new InvalidInputException(
          "conflict-attempts", conflictAttempts + " is outside 1..1000");
    }
    return new RetryPolicy(
        conflictAttempts,
        conflictTimeout,
        RetryPolicy.CONFLICTS.initialDelay(),
        RetryPolicy.CONFLICTS.maxDelay());
  }

  RetryPolicy transientPolicy() {
    if (apiAttempts < 1 || apiAttempts > 100) {
      throw new InvalidInputException("api-attempts", apiAttempts + " is outside 1..100");
    }
    return new RetryPolicy(
        apiAttempts,
        apiTimeout,
        RetryPolicy.TRANSIENT.initialDelay(),
        RetryPolicy.TRANSIENT.maxDelay());
  }

  private static final Pattern DNS_1123_LABEL =
      Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  /**
   * The {@code --namespace} flag, checked to be a DNS-1123 label (what a namespace name is) before
   * it goes into any URL; null when not given.
   */
  static String namespace(String flag) {
    if (flag == null || flag.isEmpty()) {
      return null;
    }
    if (!DNS_1123_LABEL.matcher(flag).matches()) {
      throw new InvalidInputException(
          "namespace",
          "must be a DNS-1123 label: at most 63 lowercase letters, digits or '-', starting and"
              + " ending with a letter or digit");
    }
    return flag;
  }

  /** The wiring's store behind the one transient-retry layer. */
  StateStore store(Wiring wiring) {
    RetryPolicy policy = transientPolicy();
    String checked = namespace(namespace);
    return new RetryingStateStore(
        wiring.store(checked),
        policy,
        wiring.sleeper(),
        System::nanoTime,
        () -> ThreadLocalRandom.current().nextDouble());
  }

  /** The results directory, checked to be usable before anything is written to the API. */
  Optional<ResultFiles> resultFiles(Wiring wiring) {
    return resultFiles(resultsDir, resultsLimit, wiring);
  }

  /** The results directory given (or the wiring's default), checked to be usable. */
  static Optional<ResultFiles> resultFiles(Path resultsDir, int resultsLimit, Wiring wiring) {
    if (resultsLimit < 64 || resultsLimit > 1_048_576) {
      throw new InvalidInputException("results-limit", resultsLimit + " is outside 64..1048576");
    }
    Optional<Path> dir =
        Optional.ofNullable(resultsDir).map(Path::normalize).or(wiring::defaultResultsDir);
    dir.ifPresent(
        d -> {
          if (Files.exists(d) && (!Files.isDirectory(d) || !Files.isWritable(d))) {
            throw new InvalidInputException("results-dir", d + " is not a writable directory");
          }
        });
    return dir.map(d -> new ResultFiles(d, resultsLimit));
  }
}
