package dev.remediationstate.kube;

import dev.remediationstate.store.StateStore;

/**
 * {@link HttpFaultsActionTest} through the lean transport ({@link LeanConfigMapStore}), which a
 * pod's one-shot actions use: the same lost answers, 429s, 5xx and dropped connections must end in
 * the same exact totals, so the JDK client's failures are mapped exactly as fabric8's.
 */
class HttpFaultsLeanTest extends HttpFaultsActionTest {
  @Override
  StateStore store() {
    return api.leanStore();
  }
}
