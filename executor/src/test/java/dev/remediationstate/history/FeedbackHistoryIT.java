package dev.remediationstate.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.remediationstate.cli.Cli;
import dev.remediationstate.cli.FakeWiring;
import dev.remediationstate.cli.Wiring;
import dev.remediationstate.it.TestCluster;
import dev.remediationstate.kube.ConfigMapStateStore;
import dev.remediationstate.state.StateJson;
import dev.remediationstate.store.StateConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Done-when test of the feedback history: 500 realistic findings (the committed corpus, secrets
 * included) appended to one task through the CLI against the test cluster (the embedded API, or a
 * real cluster with the real-cluster profile).
 *
 * <p>Most commands run the real command line in this JVM ({@link Cli#execute}) over HTTP to the
 * API: the same parsing, transaction, layout and fabric8 client as the image, without 500 JVM
 * launches (1 to 2 s each on a shared 2-core machine). Every {@value #PROCESS_EVERY}th finding, and
 * one paged read, go through {@code java -jar} as separate processes, as a pipeline step would. The
 * history limit is set to its minimum (RS_HISTORY_LIMIT) so that 500 findings run through
 * summarizing and archiving many times.
 *
 * <p>Checked: every POST and PUT body the client sent (seen by a client interceptor), and every
 * ConfigMap of the task as stored after each append, stays under 1 MiB by the API's own formula;
 * every finding reads back through pagination, in full or as a marked summary; no secret of the
 * seeded set appears in any stored byte (data values, and binaryData decoded and decompressed).
 */
class FeedbackHistoryIT {
  private static final int PROCESS_EVERY = 25;
  private static final String TASK = TestCluster.uniqueTaskId("history");
  private static final long HISTORY_LIMIT = HistoryBudget.MIN_LIVE_LIMIT;

  private static TestCluster cluster;
  private static KubernetesClient client;
  private static Path kubeconfig;
  private static String namespace;

  /** The body of every POST and PUT this JVM's client sent, as the API server received it. */
  private static final List<String> WRITES = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startApi() {
    cluster = TestCluster.start();
    kubeconfig = cluster.kubeconfig();
    namespace = cluster.namespace();
    client =
        cluster.newClient(
            new Interceptor() {
              @Override
              public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
                if (request.method().equals("POST") || request.method().equals("PUT")) {
                  WRITES.add(request.bodyString());
                }
              }
            });
  }

  @AfterAll
  static void stopApi() {
    client
        .configMaps()
        .inNamespace(namespace)
        .withLabel(StateConfigMap.LABEL_TASK_ID, TASK)
        .delete();
    client.configMaps().inNamespace(namespace).withName("task-" + TASK + "-state").delete();
    client.close();
    cluster.close();
  }

  @Test
  void fiveHundredFindingsStayWithinTheBudgetReadableAndWithoutSecrets() throws Exception {
    List<String> corpus = FeedbackCorpus.fixture();
    assertEquals("0", run(false, "init", "--max-iterations", "100").get("exit"));
    int archivedTotal = 0;
    int redactedTotal = 0;
    int processes = 0;
    for (int i = 0; i < corpus.size(); i++) {
      if (i % FeedbackCorpus.PER_ITERATION == 0) {
        run(false, "next-iteration", "--request-id", "iteration-" + i);
      }
      boolean process = i % PROCESS_EVERY == 0;
      processes += process ? 1 : 0;
      Map<String, String> results =
          run(
              process,
              "record-feedback",
              "--request-id",
              "finding-" + i,
              "--feedback",
              corpus.get(i));
      assertEquals("0", results.get("exit"), "finding " + i + ": " + results);
      assertEquals("true", results.get("recorded"));
      assertEquals(Integer.toString(i + 1), results.get("feedback-count"));
      archivedTotal += Integer.parseInt(results.get("archived"));
      redactedTotal += Integer.parseInt(results.get("redacted"));
      checkWrites(!process);
    }
    assertEquals(20, processes);
    assertTrue(archivedTotal > 0, "the history was archived");
    assertTrue(redactedTotal >= 32, "the corpus seeds 32 secrets, redacted " + redactedTotal);

    Map<String, JsonNode> read = readAllPages();
    assertEquals(corpus.size(), read.size());
    for (int i = 0; i < corpus.size(); i++) {
      JsonNode entry = read.get(String.format("fb-%04d", i + 1));
      JsonNode submitted = StateJson.mapper().readTree(corpus.get(i));
      assertEquals(submitted.get("sourceRef").asText(), entry.get("sourceRef").asText());
      String description = entry.get("description").asText();
      if (entry.has("truncation")) {
        assertEquals("summarized", entry.at("/truncation/kind").asText());
        assertTrue(description.contains("[summarized: the entry was "), description);
        assertTrue(submitted.get("description").asText().startsWith(description.substring(0, 80)));
      } else if (!description.contains("[REDACTED:")) {
        assertEquals(submitted.get("description").asText(), description);
      }
    }
    JsonNode page2 =
        StateJson.mapper()
            .readTree(
                runProcess(
                    "show", "--task-id", TASK, "--feedback", "--page", "2", "--page-size", "10"));
    assertEquals("fb-0490", page2.at("/entries/0/id").asText());
    assertEquals(3, page2.get("nextPage").asInt());

    assertNoSecretStored();
    System.err.printf(
        "FeedbackHistoryIT: largest object written or stored: %,d bytes (budget %,d, API limit"
            + " %,d)%n",
        largest, StateConfigMap.BUDGET, StateConfigMap.API_LIMIT);
  }

  /**
   * Every ConfigMap write sent since the last check, and every ConfigMap of the task as stored now
   * (which covers the writes of CLI processes too): under 1 MiB as the API server counts, and
   * within the executor's budget.
   */
  private static void checkWrites(boolean inProcess) throws Exception {
    List<String> bodies = new ArrayList<>(WRITES);
    WRITES.clear();
    if (inProcess) {
      assertFalse(bodies.isEmpty(), "an in-process append sent no write");
    }
    for (String body : bodies) {
      JsonNode cm = StateJson.mapper().readTree(body);
      assertTrue(
          cm.path("data").isObject() || cm.path("binaryData").isObject(),
          "a write without data: " + body.length() + " bytes");
      checkSize(cm.at("/metadata/name").asText(), cm);
    }
    for (ConfigMap cm : taskConfigMaps()) {
      checkSize(cm.getMetadata().getName(), StateJson.mapper().valueToTree(cm));
    }
  }

  /** The largest object seen, as the API server counts it: reported at the end of the run. */
  private static long largest;

  private static void checkSize(String name, JsonNode configMap) {
    long size = 0;
    for (JsonNode v : iterable(configMap.path("data"))) {
      size += v.asText().getBytes(StandardCharsets.UTF_8).length;
    }
    for (JsonNode v : iterable(configMap.path("binaryData"))) {
      size += Base64.getDecoder().decode(v.asText()).length;
    }
    assertTrue(size > 0, name + " is empty");
    largest = Math.max(largest, size);
    assertTrue(size < StateConfigMap.API_LIMIT, name + " holds " + size + " bytes");
    assertTrue(size <= StateConfigMap.BUDGET, name + " over budget: " + size);
  }

  /** The task's state and its archive pages. */
  private static List<ConfigMap> taskConfigMaps() {
    List<ConfigMap> all = new ArrayList<>();
    for (ConfigMap cm : client.configMaps().inNamespace(namespace).list().getItems()) {
      if (cm.getMetadata().getName().startsWith("task-" + TASK + "-state")) {
        all.add(cm);
      }
    }
    return all;
  }

  private static Iterable<JsonNode> iterable(JsonNode node) {
    List<JsonNode> values = new ArrayList<>();
    node.elements().forEachRemaining(values::add);
    return values;
  }

  private static Map<String, JsonNode> readAllPages() throws Exception {
    Map<String, JsonNode> entries = new java.util.HashMap<>();
    int page = 1;
    int total = -1;
    String previous = null;
    while (page != 0) {
      StringWriter out = new StringWriter();
      int exit =
          Cli.execute(
              new String[] {
                "show",
                "--task-id",
                TASK,
                "--feedback",
                "--page",
                Integer.toString(page),
                "--page-size",
                "37"
              },
              wiring(),
              new PrintWriter(out),
              new PrintWriter(new StringWriter()));
      assertEquals(0, exit);
      JsonNode result = StateJson.mapper().readTree(out.toString());
      total = result.get("total").asInt();
      for (JsonNode entry : iterable(result.get("entries"))) {
        String id = entry.get("id").asText();
        assertTrue(previous == null || id.compareTo(previous) < 0, "newest first: " + id);
        previous = id;
        assertEquals(null, entries.put(id, entry), id + " read twice");
      }
      page = result.get("nextPage").asInt();
    }
    assertEquals(total, entries.size());
    return entries;
  }

  private static void assertNoSecretStored() throws IOException {
    List<ConfigMap> all = taskConfigMaps();
    assertTrue(all.size() > 1, "archive pages exist");
    Set<String> names = new HashSet<>();
    for (ConfigMap cm : all) {
      names.add(cm.getMetadata().getName());
      List<String> stored = new ArrayList<>();
      if (cm.getData() != null) {
        stored.addAll(cm.getData().values());
      }
      if (cm.getBinaryData() != null) {
        for (Map.Entry<String, String> e : cm.getBinaryData().entrySet()) {
          byte[] bytes = Base64.getDecoder().decode(e.getValue());
          stored.add(new String(bytes, StandardCharsets.ISO_8859_1));
          if (e.getKey().endsWith(".gz")) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
              stored.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
          }
        }
      }
      stored.addAll(
          cm.getMetadata().getAnnotations() == null
              ? List.of()
              : cm.getMetadata().getAnnotations().values());
      for (String value : stored) {
        for (String secret : FeedbackCorpus.SECRETS) {
          assertFalse(value.contains(secret), cm.getMetadata().getName() + " stores a secret");
        }
      }
    }
    assertTrue(names.contains("task-" + TASK + "-state-archive-1"), names.toString());
  }

  /** Runs one action, in this JVM or as a process, and returns its results plus "exit". */
  private static Map<String, String> run(boolean process, String... args) throws Exception {
    List<String> list = new ArrayList<>(List.of(args));
    list.addAll(List.of("--task-id", TASK));
    if (args[0].equals("record-feedback") && !process) {
      list.addAll(List.of("--history-limit", Long.toString(HISTORY_LIMIT)));
    }
    String[] full = list.toArray(String[]::new);
    String stdout;
    int exit;
    if (process) {
      stdout = runProcess(full);
      exit = 0;
    } else {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      exit = Cli.execute(full, wiring(), new PrintWriter(out), new PrintWriter(err));
      stdout = out.toString();
      assertEquals(0, exit, args[0] + ": " + err);
    }
    Map<String, String> results = new java.util.HashMap<>();
    StateJson.mapper()
        .readTree(stdout)
        .fields()
        .forEachRemaining(e -> results.put(e.getKey(), e.getValue().asText()));
    results.put("exit", Integer.toString(exit));
    return results;
  }

  private static String runProcess(String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-Xshare:auto",
                "-jar",
                System.getProperty("rs.cli.jar")));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    builder.environment().put("RS_NAMESPACE", namespace);
    builder.environment().put("RS_HISTORY_LIMIT", Long.toString(HISTORY_LIMIT));
    builder.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = builder.start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), String.join(" ", args));
    return out.toString(StandardCharsets.UTF_8);
  }

  private static Wiring wiring() {
    return new FakeWiring(new ConfigMapStateStore(client, namespace)).withClock(Clock.systemUTC());
  }
}
