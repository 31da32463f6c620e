package dev.remediationstate.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.remediationstate.it.CrudMock;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceAccountTokenTest {
  @TempDir Path dir;
  private final AtomicLong now = new AtomicLong();

  @Test
  void theFileIsReadAgainOnceTheTokenIsAMinuteOld() throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, "first\n");
    ServiceAccountToken token =
        new ServiceAccountToken(file, "first", Duration.ofMinutes(1), now::get);
    Files.writeString(file, "second\n");
    assertEquals("first", token.getToken());
    now.addAndGet(Duration.ofSeconds(59).toNanos());
    assertEquals("first", token.getToken());
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertEquals("second", token.getToken());
  }

  @Test
  void anUnreadableFileMidRotationKeepsTheLastToken() throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, "first");
    ServiceAccountToken token = new ServiceAccountToken(file, "first", Duration.ZERO, now::get);
    Files.delete(file);
    assertEquals("first", token.getToken());
    Files.writeString(file, "  ");
    assertEquals("first", token.getToken());
    Files.writeString(file, "third");
    assertEquals("third", token.getToken());
  }

  /** fabric8 asks the provider on every request, so a rotated file reaches the wire. */
  @Test
  void aRotatedTokenIsSentByTheClient() throws Exception {
    KubernetesMockServer server = CrudMock.onLoopback();
    Path file = dir.resolve("token");
    Files.writeString(file, "before");
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl("http://" + server.getHostName() + ":" + server.getPort())
            .withOauthTokenProvider(
                new ServiceAccountToken(file, "before", Duration.ZERO, System::nanoTime))
            .build();
    try (KubernetesClient client = KubeConnection.connect(config, "ns").client()) {
      client.configMaps().inNamespace("ns").withName("a").get();
      assertEquals(
          "Bearer before", server.takeRequest(10, TimeUnit.SECONDS).getHeader("Authorization"));
      Files.writeString(file, "after\n");
      client.configMaps().inNamespace("ns").withName("a").get();
      assertEquals(
          "Bearer after", server.takeRequest(10, TimeUnit.SECONDS).getHeader("Authorization"));
    } finally {
      server.destroy();
    }
  }
}
