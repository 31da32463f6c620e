package dev.remediationstate.kube;

/**
 * {@link HttpFaultsLeanTest} against the real kube-apiserver, as the shipped executor identity: the
 * lean transport under injected faults, with the server's own resourceVersions and 409s.
 */
class HttpFaultsLeanIT extends HttpFaultsLeanTest {
  @Override
  ProxiedApi newApi() throws Exception {
    return ProxiedApi.onRealServer();
  }
}
