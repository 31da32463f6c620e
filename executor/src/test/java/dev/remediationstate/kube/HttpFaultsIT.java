package dev.remediationstate.kube;

/**
 * {@link HttpFaultsActionTest} against the real kube-apiserver: the same lost answers, 429s, 5xx
 * and dropped connections injected by the proxy, with the server's own resourceVersions, 409s and
 * validation deciding what committed.
 */
class HttpFaultsIT extends HttpFaultsActionTest {
  @Override
  ProxiedApi newApi() throws Exception {
    return ProxiedApi.onRealServer();
  }
}
