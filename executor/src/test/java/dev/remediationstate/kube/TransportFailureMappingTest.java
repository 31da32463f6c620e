package dev.remediationstate.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import dev.remediationstate.failure.ApiRefusedException;
import dev.remediationstate.failure.TransientApiException;
import dev.remediationstate.store.ConflictException;
import dev.remediationstate.store.StateObject;
import dev.remediationstate.store.StateStore;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The lean store and the fabric8 store, opened as in a pod against one scripted server, turn the
 * same HTTP answer into the same typed failure: class, HTTP code, whether a write may have
 * committed, the Retry-After hint (header or Status body) and the message.
 */
class TransportFailureMappingTest {
  @TempDir Path serviceAccount;
  private HttpServer server;
  private volatile int status;
  private volatile String retryAfter;
  private volatile String body;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          if (retryAfter != null) {
            exchange.getResponseHeaders().add("Retry-After", retryAfter);
          }
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    server.start();
    Files.writeString(serviceAccount.resolve("token"), "t");
    Files.writeString(serviceAccount.resolve("namespace"), "ns");
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private StateStore store(String transport) {
    Map<String, String> env = new HashMap<>();
    env.put("RS_API_URL", "http://127.0.0.1:" + server.getAddress().getPort());
    env.put("RS_SERVICEACCOUNT_DIR", serviceAccount.toString());
    if (transport.equals("fabric8")) {
      env.put("RS_TRANSPORT", "fabric8");
      return new KubeConnection(env, serviceAccount).connect(null).store();
    }
    return new InPodConnection(env, serviceAccount).leanStore(null).orElseThrow();
  }

  private static String status(int code, String message, String retryAfterSeconds) {
    return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\""
        + message
        + "\",\"code\":"
        + code
        + (retryAfterSeconds == null
            ? ""
            : ",\"details\":{\"retryAfterSeconds\":" + retryAfterSeconds + "}")
        + "}";
  }

  private static final StateObject OBJECT =
      new StateObject("task-a-state", Map.of(), Map.of(), Map.of("k", "v"), Map.of(), null, null);

  private RuntimeException failure(String transport, String verb) {
    StateStore store = store(transport);
    return assertThrows(
        RuntimeException.class,
        () -> {
          switch (verb) {
            case "get" -> store.read("task-a-state");
            case "create" -> store.create(OBJECT);
            default -> store.update(OBJECT, "7");
          }
        });
  }

  /** What the caller acts on, as one comparable line. */
  private static String typed(RuntimeException e) {
    if (e instanceof TransientApiException t) {
      return "transient "
          + t.httpCode()
          + " committed="
          + t.mayHaveCommitted()
          + " retryAfter="
          + t.retryAfter()
          + " "
          + t.getMessage();
    }
    assertInstanceOf(ApiRefusedException.class, e, e.toString());
    return "refused " + ((ApiRefusedException) e).httpCode() + " " + e.getMessage();
  }

  @ParameterizedTest
  @CsvSource({
    "get,403,,",
    "create,403,,",
    "update,403,,",
    "get,401,,",
    "update,422,,",
    "get,429,7,",
    "update,429,,3",
    "get,503,,5",
    "create,500,,",
    "update,504,,",
    "get,408,,"
  })
  void bothTransportsMapAnAnswerToTheSameFailure(
      String verb, int code, String retryAfterHeader, String retryAfterSeconds) {
    status = code;
    retryAfter = retryAfterHeader;
    body = status(code, "scripted " + code, retryAfterSeconds);
    String lean = typed(failure("lean", verb));
    String fabric8 = typed(failure("fabric8", verb));
    assertEquals(fabric8, lean);
  }

  @ParameterizedTest
  @CsvSource({"create", "update"})
  void aConflictIsAConflictOnBoth(String verb) {
    status = 409;
    retryAfter = null;
    body = status(409, "conflict", null);
    for (String transport : new String[] {"lean", "fabric8"}) {
      StateStore store = store(transport);
      assertThrows(
          ConflictException.class,
          () -> {
            if (verb.equals("create")) {
              store.create(OBJECT);
            } else {
              store.update(OBJECT, "7");
            }
          },
          transport);
    }
  }
}
