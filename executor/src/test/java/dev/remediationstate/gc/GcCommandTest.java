package dev.remediationstate.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.remediationstate.cli.Cli;
import dev.remediationstate.cli.FakeWiring;
import dev.remediationstate.it.CrudMock;
import dev.remediationstate.kube.ConfigMapGcEdges;
import dev.remediationstate.state.Status;
import dev.remediationstate.store.StateObject;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gc command end to end in-process: results, exit codes, metrics, and a 1,000-object run. */
class GcCommandTest {
  @TempDir Path dir;
  final MutableClock clock = new MutableClock(SweepTest.T0);

  record Run(int code, JsonNode results, String err) {}

  Run gc(GcEdges edges, String... args) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 1];
    all[0] = "gc";
    System.arraycopy(args, 0, all, 1, args.length);
    int code =
        Cli.execute(
            all, FakeWiring.forGc(edges, clock), new PrintWriter(out), new PrintWriter(err));
    String stdout = out.toString().trim();
    return new Run(
        code, stdout.isEmpty() ? null : new ObjectMapper().readTree(stdout), err.toString());
  }

  @Test
  void aFailedObjectGivesExitCode7AndIsNamed() throws Exception {
    FakeConfigMaps api = new FakeConfigMaps();
    api.put(
        SweepTest.state("a", Status.COMPLETED, SweepTest.T0.minus(Duration.ofDays(9))),
        SweepTest.T0);
    api.put(
        SweepTest.state("b", Status.COMPLETED, SweepTest.T0.minus(Duration.ofDays(9))),
        SweepTest.T0);
    api.refuse.add("task-a-state");
    Run run = gc(api.edges(), "--results-dir", dir.toString());
    assertEquals(7, run.code());
    assertEquals("1", run.results().get("failed").asText());
    assertEquals("task-a-state", run.results().get("failed-objects").asText());
    assertEquals("1", Files.readString(dir.resolve("marked")));
    assertTrue(run.err().contains("task-a-state"), run.err());
  }

  @Test
  void resultsThatCannotFitAreRefusedBeforeAnythingIsMarked() throws Exception {
    FakeConfigMaps api = new FakeConfigMaps();
    api.put(
        SweepTest.state("a", Status.COMPLETED, SweepTest.T0.minus(Duration.ofDays(9))),
        SweepTest.T0);
    Run small = gc(api.edges(), "--results-dir", dir.toString(), "--results-limit", "64");
    assertEquals(2, small.code(), small.err());
    assertTrue(small.err().contains("results-limit"), small.err());
    Path file = Files.writeString(dir.resolve("file"), "x");
    Run unwritable = gc(api.edges(), "--results-dir", file.resolve("results").toString());
    assertEquals(2, unwritable.code(), unwritable.err());
    assertEquals(0, api.listCalls, "nothing was listed, so nothing was marked");
  }

  @Test
  void invalidOptionsAreUsageErrorsBeforeAnyWrite() throws Exception {
    FakeConfigMaps api = new FakeConfigMaps();
    assertEquals(2, gc(api.edges(), "--ttl", "7 days").code());
    assertEquals(2, gc(api.edges(), "--page-size", "0").code());
    assertEquals(2, gc(api.edges(), "--pushgateway-url", "ftp://x").code());
    assertEquals(0, api.listCalls);
  }

  @Test
  void scalesTo1000ObjectsPageByPageAgainstTheApi() throws Exception {
    KubernetesMockServer server = CrudMock.onLoopback(new PagingCrudDispatcher());
    try (KubernetesClient client = server.createClient()) {
      List<StateObject> states =
          IntStream.range(0, 1000)
              .mapToObj(
                  i ->
                      SweepTest.state(
                          String.format("s%04d", i),
                          Status.COMPLETED,
                          SweepTest.T0.minus(Duration.ofDays(i % 10 == 0 ? 8 : 1))))
              .toList();
      states.parallelStream()
          .forEach(
              s ->
                  client
                      .configMaps()
                      .inNamespace("ns")
                      .resource(
                          new ConfigMapBuilder()
                              .withNewMetadata()
                              .withName(s.name())
                              .withLabels(s.labels())
                              .withAnnotations(s.annotations())
                              .endMetadata()
                              .withData(s.data())
                              .build())
                      .create());
      GcEdges edges = ConfigMapGcEdges.edges(client, "ns");
      Path metrics = dir.resolve("gc.prom");

      Run first = gc(edges, "--page-size", "50", "--metrics-file", metrics.toString());
      assertEquals(0, first.code(), first.err());
      assertEquals("1000", first.results().get("scanned").asText());
      assertEquals("100", first.results().get("marked").asText());
      String text = Files.readString(metrics, StandardCharsets.UTF_8);
      assertTrue(
          text.contains(
              "remediation_state_gc_objects_total{kind=\"state\",outcome=\"marked\"} 100.0"),
          text);
      assertTrue(text.contains("remediation_state_gc_states{status=\"completed\"} 1000.0"), text);
      assertTrue(
          text.contains("remediation_state_gc_state_iterations_bucket{le=\"0.0\"} 1000"), text);
      assertTrue(
          text.contains("remediation_state_gc_object_size_bytes_count{kind=\"state\"} 1000"), text);

      clock.advance(Duration.ofHours(25));
      Run second = gc(edges, "--page-size", "50");
      assertEquals("100", second.results().get("deleted").asText());
      assertEquals(900, client.configMaps().inNamespace("ns").list().getItems().size());
    } finally {
      server.destroy();
    }
  }
}
