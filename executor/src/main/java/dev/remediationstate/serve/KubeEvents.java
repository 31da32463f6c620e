package dev.remediationstate.serve;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates core/v1 Events from one background thread with a bounded backlog, so that recording an
 * Event never delays a reconcile; when the backlog is full the Event is dropped and logged at
 * debug.
 */
public final class KubeEvents implements EventSink, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KubeEvents.class);
  public static final String COMPONENT = "remediation-state";

  private final KubernetesClient client;
  private final String instance;
  private final Clock clock;
  private final ThreadPoolExecutor executor =
      new ThreadPoolExecutor(
          1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(1000), Threads.named("events"));

  public KubeEvents(KubernetesClient client, String instance, Clock clock) {
    this.client = client;
    this.instance = instance;
    this.clock = clock;
  }

  @Override
  public void record(Regarding regarding, String type, String reason, String message) {
    try {
      executor.execute(() -> create(regarding, type, reason, message));
    } catch (RejectedExecutionException e) {
      LOG.debug("event {} on {} dropped: backlog full", reason, regarding.name());
    }
  }

  private void create(Regarding regarding, String type, String reason, String message) {
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withGenerateName(regarding.name() + ".")
            .withNamespace(regarding.namespace())
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion(regarding.apiVersion())
            .withKind(regarding.kind())
            .withNamespace(regarding.namespace())
            .withName(regarding.name())
            .withUid(regarding.uid())
            .endInvolvedObject()
            .withType(type)
            .withReason(reason)
            .withMessage(message.length() > 1024 ? message.substring(0, 1024) : message)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .withReportingComponent(COMPONENT)
            .withReportingInstance(instance)
            .withAction(reason)
            .build();
    try {
      client.v1().events().inNamespace(regarding.namespace()).resource(event).create();
    } catch (RuntimeException e) {
      LOG.debug("event {} on {} not recorded: {}", reason, regarding.name(), e.toString());
    }
  }

  @Override
  public void close() {
    executor.shutdown();
  }
}
