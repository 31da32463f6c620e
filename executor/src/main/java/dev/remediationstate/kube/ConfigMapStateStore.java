package dev.remediationstate.kube;

import dev.remediationstate.store.ConflictException;
import dev.remediationstate.store.StateObject;
import dev.remediationstate.store.StateStore;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The state store on the Kubernetes API: GET, POST, and PUT with the resourceVersion that was read
 * ({@code lockResourceVersion}), so a concurrent write fails with 409 instead of being lost.
 */
public final class ConfigMapStateStore implements StateStore {
  private final KubernetesClient client;
  private final String namespace;
  private final Supplier<Optional<Duration>> retryAfter;

  public ConfigMapStateStore(KubernetesClient client, String namespace) {
    this(client, namespace, Optional::empty);
  }

  /**
   * @param retryAfter the {@code Retry-After} of the failure being mapped, taken once
   */
  public ConfigMapStateStore(
      KubernetesClient client, String namespace, Supplier<Optional<Duration>> retryAfter) {
    this.client = client;
    this.namespace = namespace;
    this.retryAfter = retryAfter;
  }

  public String namespace() {
    return namespace;
  }

  @Override
  public Optional<StateObject> read(String name) {
    try {
      ConfigMap cm = client.configMaps().inNamespace(namespace).withName(name).get();
      return Optional.ofNullable(cm).map(ConfigMapStateStore::toObject);
    } catch (KubernetesClientException e) {
      throw ApiFailures.of(e, "get", "configmaps/" + name, namespace, false, retryAfter.get());
    }
  }

  @Override
  public StateObject create(StateObject object) throws ConflictException {
    try {
      ConfigMap created =
          client.configMaps().inNamespace(namespace).resource(toConfigMap(object, null)).create();
      return toObject(created);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        throw new ConflictException("configmaps/" + object.name() + " already exists", e);
      }
      throw ApiFailures.of(
          e, "create", "configmaps/" + object.name(), namespace, true, retryAfter.get());
    }
  }

  @Override
  public StateObject update(StateObject object, String expectedResourceVersion)
      throws ConflictException {
    if (expectedResourceVersion == null || expectedResourceVersion.isEmpty()) {
      throw new IllegalArgumentException("an update needs the resourceVersion that was read");
    }
    try {
      ConfigMap updated =
          client
              .configMaps()
              .inNamespace(namespace)
              .resource(toConfigMap(object, expectedResourceVersion))
              .lockResourceVersion(expectedResourceVersion)
              .update();
      return toObject(updated);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        throw new ConflictException("configmaps/" + object.name() + " changed since read", e);
      }
      throw ApiFailures.of(
          e, "update", "configmaps/" + object.name(), namespace, true, retryAfter.get());
    }
  }

  public static StateObject toObject(ConfigMap cm) {
    Map<String, byte[]> binary = new LinkedHashMap<>();
    if (cm.getBinaryData() != null) {
      cm.getBinaryData().forEach((k, v) -> binary.put(k, Base64.getDecoder().decode(v)));
    }
    return new StateObject(
        cm.getMetadata().getName(),
        cm.getMetadata().getLabels(),
        cm.getMetadata().getAnnotations(),
        cm.getData(),
        binary,
        cm.getMetadata().getResourceVersion(),
        cm.getMetadata().getUid());
  }

  static ConfigMap toConfigMap(StateObject object, String resourceVersion) {
    Map<String, String> binary = new LinkedHashMap<>();
    object.binaryData().forEach((k, v) -> binary.put(k, Base64.getEncoder().encodeToString(v)));
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(object.name())
        .withLabels(new LinkedHashMap<>(object.labels()))
        .withAnnotations(new LinkedHashMap<>(object.annotations()))
        .withResourceVersion(resourceVersion)
        .endMetadata()
        .withData(new LinkedHashMap<>(object.data()))
        .withBinaryData(binary.isEmpty() ? null : binary)
        .build();
  }
}
