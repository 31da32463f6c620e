package dev.remediationstate.argoplugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.remediationstate.kube.ConfigMapStateStore;
import dev.remediationstate.kube.KubeConnection;
import dev.remediationstate.serve.ActionService;
import dev.remediationstate.serve.ServeMetrics;
import dev.remediationstate.store.ConflictException;
import dev.remediationstate.store.RetryPolicy;
import dev.remediationstate.store.StateObject;
import dev.remediationstate.store.StateStore;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Argo executor plugin against the real test API server, called by Argo's own agent client
 * ({@link ArgoAgentClient}) at v3.7.18 and v4.0.5.
 *
 * <p>The plugin runs as in the agent pod: the real CLI ({@code serve --argo-plugin}) as its own
 * JVM, on the in-pod API path with a token of {@code remediation-state-executor-plugin}, whose only
 * rights are the shipped Role (tasks/argo-plugin/role.yaml). The lost-reply and requeue cases need
 * a write that takes longer than the client waits: there the plugin runs in process, on the same
 * token and API server, with each write held back after the API server has taken it.
 */
class ArgoPluginIT {
  private static final String SA = "remediation-state-executor-plugin";
  private static final String PLUGIN_TOKEN = "itititititititititititititititit";

  private static ArgoPluginEnv env;
  private static String ns;
  private static String saToken;
  private static Process plugin;
  private static int pluginPort;
  private static Path pluginLog;

  @BeforeAll
  static void start() throws Exception {
    env = ArgoPluginEnv.shared();
    ns = env.createNamespace("argo-plugin", Map.of());
    Path root = ArgoAgentClient.repositoryRoot().resolve("tasks/argo-plugin");
    for (String file : List.of("service-account.yaml", "role.yaml")) {
      try (InputStream in = Files.newInputStream(root.resolve(file))) {
        env.admin.load(in).inNamespace(ns).create();
      }
    }
    saToken = env.tokenFor(ns, SA);
    Path tokenFile = Files.createTempFile("plugin-token", "");
    Files.writeString(tokenFile, PLUGIN_TOKEN);
    pluginPort = freePort();
    pluginLog = Files.createTempFile("argo-plugin", ".log");
    String jar = System.getProperty("rs.cli.jar", "");
    String classPath =
        !jar.isBlank() && Files.isRegularFile(Path.of(jar))
            ? jar
            : System.getProperty("java.class.path");
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Xmx48m",
            "-Xss512k",
            "-cp",
            classPath,
            "dev.remediationstate.cli.Main",
            "serve",
            "--argo-plugin",
            "--plugin-port=" + pluginPort,
            "--plugin-token-file=" + tokenFile);
    pb.environment().keySet().removeIf(k -> k.startsWith("RS_") || k.startsWith("KUBE"));
    pb.environment().put("RS_API_URL", env.url);
    pb.environment().put("RS_SERVICEACCOUNT_DIR", env.serviceAccountDir(ns, saToken).toString());
    pb.redirectErrorStream(true).redirectOutput(pluginLog.toFile());
    plugin = pb.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!listening(pluginPort)) {
      if (!plugin.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("the plugin did not listen:\n" + Files.readString(pluginLog));
      }
      Thread.sleep(20);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (plugin != null) {
      plugin.destroy();
      plugin.waitFor(20, TimeUnit.SECONDS);
    }
    if (ns != null) {
      env.admin.namespaces().withName(ns).delete();
    }
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** One node of a workflow, as the agent sends it. */
  private static Map<String, Object> node(
      String uid, String nodeName, String action, Map<String, String> params) {
    Map<String, Object> spec = new LinkedHashMap<>(params);
    spec.put("action", action);
    spec.put("request-id", uid + "/" + nodeName);
    return Map.of(
        "workflow",
        Map.of("metadata", Map.of("name", "wf", "namespace", ns, "uid", uid)),
        "template",
        Map.of("name", nodeName, "plugin", Map.of("remediation-state", spec)));
  }

  private static Map<String, Object> request(
      int port, String token, int workers, boolean followRequeue, List<Map<String, Object>> calls) {
    return Map.of(
        "address", "http://127.0.0.1:" + port,
        "token", token,
        "workers", workers,
        "followRequeue", followRequeue,
        "calls", calls);
  }

  private static Map<String, String> parameters(JsonNode result) {
    Map<String, String> out = new LinkedHashMap<>();
    result
        .path("node")
        .path("outputs")
        .path("parameters")
        .forEach(p -> out.put(p.path("name").asText(), p.path("value").asText()));
    return out;
  }

  private static void assertSucceeded(JsonNode result) {
    assertEquals("", result.path("error").asText(), result.toString());
    assertEquals("Succeeded", result.path("node").path("phase").asText(), result.toString());
  }

  private static String task(String what, ArgoAgentClient.Line line) {
    return what + "-" + line.dir + "-" + UUID.randomUUID().toString().substring(0, 6);
  }

  @ParameterizedTest
  @EnumSource(ArgoAgentClient.Line.class)
  void oursRunsTheActionAndAnotherPluginsTemplateGetsNoNode(ArgoAgentClient.Line line)
      throws Exception {
    ArgoAgentClient agent = ArgoAgentClient.of(line);
    String task = task("ours", line);
    String uid = UUID.randomUUID().toString();
    Map<String, Object> hello =
        Map.of(
            "workflow",
            Map.of("metadata", Map.of("name", "wf", "namespace", ns, "uid", uid)),
            "template",
            Map.of("name", "hello", "plugin", Map.of("hello", Map.of("text", "hi"))));
    JsonNode first =
        agent
            .run(
                request(
                    pluginPort,
                    PLUGIN_TOKEN,
                    16,
                    true,
                    List.of(
                        node(
                            uid, "wf.init", "init", Map.of("task-id", task, "max-iterations", "4")),
                        hello)))
            .path("results");
    assertSucceeded(first.get(0));
    assertEquals(
        Map.of("created", "true", "iteration", "0", "max-iterations", "4", "status", "initialized"),
        parameters(first.get(0)));
    // Not ours: no node and no error, so the agent goes on to the next plugin.
    assertTrue(first.get(1).path("node").isNull(), first.get(1).toString());
    assertEquals("", first.get(1).path("error").asText());

    JsonNode next =
        agent
            .run(
                request(
                    pluginPort,
                    PLUGIN_TOKEN,
                    1,
                    true,
                    List.of(node(uid, "wf[0].next", "next-iteration", Map.of("task-id", task)))))
            .path("results")
            .get(0);
    assertSucceeded(next);
    assertEquals("1", parameters(next).get("iteration"));
    assertEquals("true", parameters(next).get("started"));
    assertNotNull(env.admin.configMaps().inNamespace(ns).withName("task-" + task + "-state").get());
  }

  @ParameterizedTest
  @EnumSource(ArgoAgentClient.Line.class)
  void aWrongTokenFailsTheNodeAtOnceAndWritesNothing(ArgoAgentClient.Line line) throws Exception {
    String task = task("token", line);
    JsonNode result =
        ArgoAgentClient.of(line)
            .run(
                request(
                    pluginPort,
                    "not-the-plugin-token",
                    1,
                    true,
                    List.of(node("u", "wf.init", "init", Map.of("task-id", task)))))
            .path("results")
            .get(0);
    assertTrue(result.path("error").asText().startsWith("401 Unauthorized"), result.toString());
    assertEquals(1, result.path("calls").asInt(), "the agent's client must not retry a 401");
    assertNull(env.admin.configMaps().inNamespace(ns).withName("task-" + task + "-state").get());
  }

  @ParameterizedTest
  @EnumSource(ArgoAgentClient.Line.class)
  void sixteenWorkersWithEveryNodeSentTwiceApplyEachNodeOnce(ArgoAgentClient.Line line)
      throws Exception {
    ArgoAgentClient agent = ArgoAgentClient.of(line);
    String uid = UUID.randomUUID().toString();
    List<String> tasks = new ArrayList<>();
    List<Map<String, Object>> inits = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      String task = task("w" + i, line);
      tasks.add(task);
      inits.add(node(uid, "wf.init-" + i, "init", Map.of("task-id", task, "max-iterations", "10")));
    }
    agent
        .run(request(pluginPort, PLUGIN_TOKEN, 16, true, inits))
        .path("results")
        .forEach(ArgoPluginIT::assertSucceeded);

    // Three next-iteration nodes per loop, each sent twice (an agent restart re-sends), shuffled
    // over the agent's 16 workers: concurrent writers on every state ConfigMap.
    List<Map<String, Object>> calls = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (String task : tasks) {
      for (int n = 0; n < 3; n++) {
        for (int copy = 0; copy < 2; copy++) {
          String nodeName = "wf[" + n + "]." + task;
          calls.add(node(uid, nodeName, "next-iteration", Map.of("task-id", task)));
          keys.add(task + "|" + nodeName);
        }
      }
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(14));
    List<Map<String, Object>> shuffled = new ArrayList<>();
    List<String> shuffledKeys = new ArrayList<>();
    for (int i : order) {
      shuffled.add(calls.get(i));
      shuffledKeys.add(keys.get(i));
    }
    JsonNode results = agent.run(request(pluginPort, PLUGIN_TOKEN, 16, true, shuffled));

    Map<String, String> iterationOfNode = new HashMap<>();
    Map<String, Set<Integer>> iterationsOfTask = new HashMap<>();
    for (int i = 0; i < shuffled.size(); i++) {
      JsonNode result = results.path("results").get(i);
      assertSucceeded(result);
      String key = shuffledKeys.get(i);
      String iteration = parameters(result).get("iteration");
      String earlier = iterationOfNode.putIfAbsent(key, iteration);
      if (earlier != null) {
        assertEquals(earlier, iteration, "both copies of " + key + " must agree");
      }
      iterationsOfTask
          .computeIfAbsent(key.substring(0, key.indexOf('|')), t -> new TreeSet<>())
          .add(Integer.parseInt(iteration));
    }
    for (String task : tasks) {
      assertEquals(Set.of(1, 2, 3), iterationsOfTask.get(task), task);
    }
    // And the state agrees: the next node of each loop starts iteration 4.
    List<Map<String, Object>> fourth = new ArrayList<>();
    for (String task : tasks) {
      fourth.add(node(uid, "wf[3]." + task, "next-iteration", Map.of("task-id", task)));
    }
    for (JsonNode result :
        agent.run(request(pluginPort, PLUGIN_TOKEN, 16, true, fourth)).path("results")) {
      assertSucceeded(result);
      assertEquals("4", parameters(result).get("iteration"), result.toString());
    }
  }

  /**
   * The plugin in process, on the plugin's token, with every write held back after the API took it.
   */
  private static final class SlowPlugin implements AutoCloseable {
    final ArgoPlugin plugin;
    final AtomicInteger writes = new AtomicInteger();
    final KubernetesClient client;

    SlowPlugin(Duration holdWrites, Duration replyWithin, Duration requeue) throws Exception {
      Config config =
          new ConfigBuilder(Config.empty())
              .withMasterUrl(env.url)
              .withOauthToken(saToken)
              .withCaCertData(
                  java.util.Base64.getEncoder()
                      .encodeToString(
                          env.caCertPem.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
              .build();
      client = KubeConnection.connect(config, ns).client();
      StateStore api = new ConfigMapStateStore(client, ns, Optional::empty);
      StateStore held =
          new StateStore() {
            @Override
            public Optional<StateObject> read(String name) {
              return api.read(name);
            }

            @Override
            public StateObject create(StateObject object) throws ConflictException {
              return hold(api.create(object));
            }

            @Override
            public StateObject update(StateObject object, String rv) throws ConflictException {
              return hold(api.update(object, rv));
            }

            private StateObject hold(StateObject written) {
              writes.incrementAndGet();
              try {
                Thread.sleep(holdWrites.toMillis());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return written;
            }
          };
      ActionService actions =
          new ActionService(
              namespace -> held,
              RetryPolicy.CONFLICTS,
              RetryPolicy.TRANSIENT,
              Thread::sleep,
              Clock.systemUTC());
      Path token = Files.createTempFile("plugin-token", "");
      Files.writeString(token, PLUGIN_TOKEN);
      plugin =
          new ArgoPlugin(
              new ArgoPlugin.Settings(
                  new InetSocketAddress("127.0.0.1", 0),
                  token,
                  "remediation-state",
                  16,
                  replyWithin,
                  requeue,
                  Duration.ofMinutes(10)),
              actions,
              new ServeMetrics(),
              () -> true,
              () -> true);
      plugin.start();
    }

    @Override
    public void close() {
      plugin.stop();
      client.close();
    }
  }

  @ParameterizedTest
  @EnumSource(ArgoAgentClient.Line.class)
  void aNodeSentAgainAfterItsReplyWasLostChangesNothing(ArgoAgentClient.Line line)
      throws Exception {
    ArgoAgentClient agent = ArgoAgentClient.of(line);
    String task = task("lost", line);
    String uid = UUID.randomUUID().toString();
    try (SlowPlugin slow =
        new SlowPlugin(Duration.ofMillis(1500), Duration.ofSeconds(20), Duration.ofSeconds(1))) {
      int port = slow.plugin.port();
      assertSucceeded(
          agent
              .run(
                  request(
                      port,
                      PLUGIN_TOKEN,
                      1,
                      true,
                      List.of(node(uid, "wf.init", "init", Map.of("task-id", task)))))
              .path("results")
              .get(0));
      Map<String, Object> next = node(uid, "wf[1].next", "next-iteration", Map.of("task-id", task));
      Map<String, Object> lost = new HashMap<>(next);
      lost.put("deadlineMillis", 500);
      JsonNode gone =
          agent.run(request(port, PLUGIN_TOKEN, 1, true, List.of(lost))).path("results").get(0);
      assertTrue(gone.path("error").asText().contains("deadline exceeded"), gone.toString());

      // The agent restarts and sends the node again: first while the write is still held (the
      // call joins the run in flight), then once more after that reply was handed over (the
      // request-id record replays it).
      for (int attempt = 0; attempt < 2; attempt++) {
        JsonNode again =
            agent.run(request(port, PLUGIN_TOKEN, 1, true, List.of(next))).path("results").get(0);
        assertSucceeded(again);
        assertEquals("1", parameters(again).get("iteration"), again.toString());
        assertEquals("true", parameters(again).get("started"));
      }
      assertEquals(2, slow.writes.get(), "init and one next-iteration: nothing applied twice");
      JsonNode second =
          agent
              .run(
                  request(
                      port,
                      PLUGIN_TOKEN,
                      1,
                      true,
                      List.of(node(uid, "wf[2].next", "next-iteration", Map.of("task-id", task)))))
              .path("results")
              .get(0);
      assertEquals("2", parameters(second).get("iteration"), second.toString());
    }
  }

  @ParameterizedTest
  @EnumSource(ArgoAgentClient.Line.class)
  void workLongerThanTheReplyBudgetIsRequeuedAndFinishes(ArgoAgentClient.Line line)
      throws Exception {
    ArgoAgentClient agent = ArgoAgentClient.of(line);
    String task = task("requeue", line);
    String uid = UUID.randomUUID().toString();
    try (SlowPlugin slow =
        new SlowPlugin(Duration.ofMillis(2500), Duration.ofMillis(500), Duration.ofSeconds(1))) {
      int port = slow.plugin.port();
      // One call without following the requeue: the reply the agent sees first.
      JsonNode running =
          agent
              .run(
                  request(
                      port,
                      PLUGIN_TOKEN,
                      1,
                      false,
                      List.of(node(uid, "wf.init", "init", Map.of("task-id", task)))))
              .path("results")
              .get(0);
      assertEquals("Running", running.path("node").path("phase").asText(), running.toString());
      assertEquals("1s", running.path("requeue").asText());
      // The agent's rule: call again after the requeue until the node is done.
      JsonNode done =
          agent
              .run(
                  request(
                      port,
                      PLUGIN_TOKEN,
                      1,
                      true,
                      List.of(node(uid, "wf.init", "init", Map.of("task-id", task)))))
              .path("results")
              .get(0);
      assertSucceeded(done);
      assertEquals("true", parameters(done).get("created"));
      assertTrue(done.path("calls").asInt() >= 2, done.toString());
      assertEquals(1, slow.writes.get());
    }
  }
}
