package dev.remediationstate.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.failure.ApiRefusedException;
import dev.remediationstate.failure.TransientApiException;
import dev.remediationstate.store.StateObject;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How the real store maps what the API answers, through the fabric8 client as production builds it.
 */
class ApiFaultsHttpTest {
  private ProxiedApi api;
  private ConfigMapStateStore store;

  @BeforeEach
  void start() throws Exception {
    api = ProxiedApi.onMock();
    store = api.store();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void fabric8DoesNotRetryByItself() {
    AtomicInteger gets = new AtomicInteger();
    api.proxy.plan(
        (method, path) -> {
          gets.incrementAndGet();
          return new FaultProxy.Refuse(503, null);
        });
    TransientApiException e =
        assertThrows(TransientApiException.class, () -> store.read("task-a-state"));
    assertEquals(503, e.httpCode());
    assertFalse(e.mayHaveCommitted());
    assertEquals(1, gets.get(), "one request: the retry layer is ours alone");
  }

  @Test
  void throttlingCarriesTheServersRetryAfter() {
    api.proxy.plan((method, path) -> new FaultProxy.Refuse(429, "7"));
    TransientApiException e =
        assertThrows(TransientApiException.class, () -> store.read("task-a-state"));
    assertEquals(429, e.httpCode());
    assertEquals(Optional.of(Duration.ofSeconds(7)), e.retryAfter());
  }

  @Test
  void aDroppedAnswerToAWriteIsAnUnknownOutcome() throws Exception {
    api.proxy.plan(
        (method, path) -> method.equals("POST") ? new FaultProxy.LoseAnswer() : FaultProxy.PASS);
    TransientApiException e =
        assertThrows(TransientApiException.class, () -> store.create(object("task-a-state")));
    assertTrue(e.mayHaveCommitted());
    assertEquals(0, e.httpCode());
    assertTrue(store.read("task-a-state").isPresent(), "the create committed");
  }

  @Test
  void everyForbiddenVerbNamesTheMissingPermission() throws Exception {
    StateObject existing = store.create(object("task-b-state"));
    for (String verb : new String[] {"get", "create", "update"}) {
      String method = verb.equals("get") ? "GET" : verb.equals("create") ? "POST" : "PUT";
      api.proxy.plan(
          (m, path) -> m.equals(method) ? new FaultProxy.Refuse(403, null) : FaultProxy.PASS);
      ApiRefusedException e =
          assertThrows(
              ApiRefusedException.class,
              () -> {
                switch (verb) {
                  case "get" -> store.read("task-b-state");
                  case "create" -> store.create(object("task-c-state"));
                  default -> store.update(object("task-b-state"), existing.resourceVersion());
                }
              },
              verb);
      assertEquals(403, e.httpCode());
      assertTrue(
          e.getMessage()
              .contains(
                  "grant the ServiceAccount verb '"
                      + verb
                      + "' on configmaps in"
                      + " namespace "
                      + api.namespace),
          e.getMessage());
    }
  }

  static StateObject object(String name) {
    return new StateObject(name, Map.of(), Map.of(), Map.of("k", "v"), Map.of(), null, null);
  }
}
