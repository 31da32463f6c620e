package dev.remediationstate.serve;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gc claim as a ConfigMap in the controller's namespace whose {@code last-run} key holds the
 * time of the latest claimed run. A claim is a conditional write (PUT with the resourceVersion
 * read, or a POST when absent): of two replicas that both think they lead (a failover while the old
 * leader still runs) only one wins, and a new leader does not run gc again before the period is
 * over.
 */
public final class KubeGcClaim implements GcClaim {
  private static final Logger LOG = LoggerFactory.getLogger(KubeGcClaim.class);
  static final String KEY = "last-run";

  private final KubernetesClient client;
  private final String namespace;
  private final String name;

  public KubeGcClaim(KubernetesClient client, String namespace, String name) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
  }

  @Override
  public boolean claim(Instant now, Duration interval) {
    var resource = client.configMaps().inNamespace(namespace).withName(name);
    try {
      ConfigMap current = resource.get();
      if (current != null) {
        Instant last = lastRun(current);
        if (last != null && now.isBefore(last.plus(interval))) {
          return false;
        }
        ConfigMap next =
            new ConfigMapBuilder(current).withData(Map.of(KEY, now.toString())).build();
        client
            .configMaps()
            .inNamespace(namespace)
            .resource(next)
            .lockResourceVersion(current.getMetadata().getResourceVersion())
            .update();
        return true;
      }
      ConfigMap created =
          new ConfigMapBuilder()
              .withNewMetadata()
              .withName(name)
              .withNamespace(namespace)
              .addToLabels("app.kubernetes.io/name", "remediation-state")
              .addToLabels("app.kubernetes.io/component", "serve")
              .endMetadata()
              .withData(Map.of(KEY, now.toString()))
              .build();
      client.configMaps().inNamespace(namespace).resource(created).create();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return false;
      }
      LOG.warn("gc claim {}/{} failed: {}", namespace, name, e.toString());
      return false;
    }
  }

  private static Instant lastRun(ConfigMap map) {
    String value = map.getData() == null ? null : map.getData().get(KEY);
    try {
      return value == null ? null : Instant.parse(value);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
