package dev.remediationstate.gc;

import java.util.List;

/**
 * Lists ConfigMaps one page at a time: {@code limit} and {@code continue}, as the API server pages
 * a list. Implementations map API failures to the typed exceptions of {@code
 * dev.remediationstate.failure} and signal an expired continue token (HTTP 410) with {@link
 * ListExpiredException}.
 */
@FunctionalInterface
public interface ConfigMapPages {
  /**
   * @param continueToken null for the first page
   */
  Page list(String labelSelector, int limit, String continueToken);

  /** One page; {@code continueToken} is null on the last page. */
  record Page(List<Listed> items, String continueToken) {
    public Page {
      items = List.copyOf(items);
      continueToken = continueToken == null || continueToken.isEmpty() ? null : continueToken;
    }
  }
}
