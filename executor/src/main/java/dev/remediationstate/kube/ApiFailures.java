package dev.remediationstate.kube;

import dev.remediationstate.failure.ApiRefusedException;
import dev.remediationstate.failure.RemediationException;
import dev.remediationstate.failure.TransientApiException;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Optional;

/**
 * Turns a fabric8 failure into the typed failure the caller acts on. Branches on the HTTP code
 * only: the reason text differs between servers. Every 4xx but 408 and 429 is a refusal (never
 * retried); 408, 429, every 5xx and "no answer" (timeout, reset) are transient. A 403 names the
 * verb and resource the ServiceAccount lacks.
 */
final class ApiFailures {
  private ApiFailures() {}

  /**
   * @param verb the Kubernetes verb (get, create, update, list, delete, patch)
   * @param object e.g. {@code configmaps/task-a-state}
   * @param writing whether the request could have changed the object
   * @param retryAfter the {@code Retry-After} the server sent with this failure, if any
   */
  static RemediationException of(
      KubernetesClientException e,
      String verb,
      String object,
      String namespace,
      boolean writing,
      Optional<Duration> retryAfter) {
    return of(
        e.getCode(),
        detail(e),
        verb,
        object,
        namespace,
        writing,
        retryAfter.or(() -> statusRetryAfter(e)),
        e);
  }

  /**
   * The same mapping for a transport without fabric8 ({@link LeanConfigMapStore}).
   *
   * @param code the HTTP status, or 0 or less when no answer came
   * @param detail one line: the Status message, or what went wrong on the wire
   * @param retryAfter the {@code Retry-After} header or the Status body's {@code retryAfterSeconds}
   */
  static RemediationException of(
      int code,
      String detail,
      String verb,
      String object,
      String namespace,
      boolean writing,
      Optional<Duration> retryAfter,
      Throwable cause) {
    String at = verb + " " + object + " in namespace " + namespace;
    if (code == 401) {
      return new ApiRefusedException(
          code, "unauthorized to " + at + " (HTTP 401): the credentials were rejected", cause);
    }
    if (code == 403) {
      return new ApiRefusedException(
          code,
          "forbidden to "
              + at
              + " (HTTP 403): grant the ServiceAccount verb '"
              + verb
              + "' on configmaps in namespace "
              + namespace,
          cause);
    }
    if (code >= 400 && code < 500 && code != 408 && code != 429) {
      return new ApiRefusedException(
          code, "the API server refused to " + at + " (HTTP " + code + "): " + detail, cause);
    }
    String what = code <= 0 ? "no answer: " + detail : "HTTP " + code;
    int httpCode = Math.max(code, 0);
    if (writing) {
      return new TransientApiException(
          "could not confirm "
              + at
              + " ("
              + what
              + "): it may have been applied; re-run with the"
              + " same --request-id",
          httpCode,
          true,
          retryAfter,
          cause);
    }
    return new TransientApiException(
        "API server unavailable to " + at + " (" + what + "): nothing was written; safe to re-run",
        httpCode,
        false,
        retryAfter,
        cause);
  }

  /** A Kubernetes {@code Status} body may carry {@code details.retryAfterSeconds}. */
  private static Optional<Duration> statusRetryAfter(KubernetesClientException e) {
    if (e.getStatus() == null || e.getStatus().getDetails() == null) {
      return Optional.empty();
    }
    Integer seconds = e.getStatus().getDetails().getRetryAfterSeconds();
    return seconds == null || seconds < 0
        ? Optional.empty()
        : Optional.of(Duration.ofSeconds(seconds));
  }

  private static String detail(KubernetesClientException e) {
    return firstLine(
        e.getStatus() != null && e.getStatus().getMessage() != null
            ? e.getStatus().getMessage()
            : e.getMessage());
  }

  /** The first line of a message, at most 200 characters. */
  static String firstLine(String message) {
    if (message == null) {
      return "no detail";
    }
    int nl = message.indexOf('\n');
    String line = nl < 0 ? message : message.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
