package dev.remediationstate.kube;

import dev.remediationstate.failure.ApiRefusedException;
import dev.remediationstate.failure.OutcomeUnknownException;
import dev.remediationstate.failure.RemediationException;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Turns a fabric8 failure into the typed failure the caller acts on. Branches on the HTTP code
 * only: the reason text differs between servers.
 */
final class ApiFailures {
  private ApiFailures() {}

  /**
   * @param verb the Kubernetes verb (get, create, update, list, delete, patch)
   * @param object e.g. {@code configmaps/task-a-state}
   * @param writing whether the request could have changed the object
   */
  static RemediationException of(
      KubernetesClientException e, String verb, String object, String namespace, boolean writing) {
    int code = e.getCode();
    String at = verb + " " + object + " in namespace " + namespace;
    if (code == 401) {
      return new ApiRefusedException(
          code, "unauthorized to " + at + " (HTTP 401): the credentials were rejected", e);
    }
    if (code == 403) {
      return new ApiRefusedException(
          code,
          "forbidden to " + at + " (HTTP 403): grant the ServiceAccount verb '" + verb
              + "' on configmaps in namespace " + namespace,
          e);
    }
    if (code == 400 || code == 404 || code == 405 || code == 409 || code == 410 || code == 413
        || code == 415 || code == 422) {
      return new ApiRefusedException(
          code, "the API server refused to " + at + " (HTTP " + code + "): " + detail(e), e);
    }
    String what = code <= 0 ? "no answer" : "HTTP " + code;
    if (writing) {
      return new OutcomeUnknownException(
          "could not confirm " + at + " (" + what + "): it may have been applied; re-run with the"
              + " same --request-id",
          e);
    }
    return new OutcomeUnknownException(
        "API server unavailable to " + at + " (" + what + "): nothing was written; safe to re-run",
        e);
  }

  private static String detail(KubernetesClientException e) {
    String message =
        e.getStatus() != null && e.getStatus().getMessage() != null
            ? e.getStatus().getMessage()
            : e.getMessage();
    if (message == null) {
      return "no detail";
    }
    int nl = message.indexOf('\n');
    String line = nl < 0 ? message : message.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
