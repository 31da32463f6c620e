package dev.remediationstate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.remediationstate.store.FakeStateStore;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code serve --argo-plugin} refuses a bad option before it binds a port or connects: exit 2, one
 * line naming the option.
 */
class PluginOptionsCliTest {
  private final FakeWiring cli = new FakeWiring(new FakeStateStore());

  // A bad option that got through would start the plugin and wait for a signal: fail instead.
  @Timeout(30)
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--plugin-port=8080 | plugin-port: 8080 is not above 10000 (the agent's pod network is shared)",
        "--plugin-workers=0 | plugin-workers: 0 is outside 1..64",
        "--plugin-reply-within=30s | plugin-reply-within: must be above 0 and at most 25s (the agent waits 30s)",
        "--plugin-requeue=0s | plugin-requeue: must be above 0",
        "--plugin-give-up-after=5s | plugin-give-up-after: must be longer than --plugin-requeue",
      })
  void aBadOptionIsOneLineNamingIt(String option, String message) {
    FakeWiring.Run run = cli.run("serve", "--argo-plugin", option);
    assertEquals(2, run.exitCode(), run.err());
    assertEquals("remediation-state serve: " + message, run.err().strip());
  }
}
