package dev.remediationstate.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.remediationstate.gc.ConditionalDelete;
import dev.remediationstate.gc.ConfigMapPages;
import dev.remediationstate.gc.GcEdges;
import dev.remediationstate.gc.ListExpiredException;
import dev.remediationstate.gc.Listed;
import dev.remediationstate.gc.MetadataPatch;
import dev.remediationstate.store.ConflictException;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapList;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * gc's edges on the Kubernetes API: a paged list ({@code limit} + {@code continue}; 410 becomes
 * {@link ListExpiredException}), a JSON merge patch of labels and annotations carrying {@code
 * metadata.resourceVersion} (a precondition: 409 when the object changed, 404 when it is gone: both
 * are conflicts), and a DELETE whose {@code DeleteOptions.preconditions} carry both uid and
 * resourceVersion. fabric8's {@code lockResourceVersion(..).delete()} sends only the
 * resourceVersion, so the delete is a raw request with the full options.
 */
public final class ConfigMapGcEdges implements ConfigMapPages, MetadataPatch, ConditionalDelete {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final String namespace;

  public ConfigMapGcEdges(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /** All gc edges in the namespace, sharing one client. */
  public static GcEdges edges(KubernetesClient client, String namespace) {
    ConfigMapGcEdges edges = new ConfigMapGcEdges(client, namespace);
    return new GcEdges(namespace, new ConfigMapStateStore(client, namespace), edges, edges, edges);
  }

  @Override
  public Page list(String labelSelector, int limit, String continueToken) {
    ConfigMapList list;
    try {
      list =
          client
              .configMaps()
              .inNamespace(namespace)
              .list(
                  new ListOptionsBuilder()
                      .withLabelSelector(labelSelector)
                      .withLimit((long) limit)
                      .withContinue(continueToken)
                      .build());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 410) {
        throw new ListExpiredException("list of configmaps in " + namespace + " expired", e);
      }
      throw ApiFailures.of(e, "list", "configmaps", namespace, false, Optional.empty());
    }
    List<Listed> items = new ArrayList<>(list.getItems().size());
    for (ConfigMap cm : list.getItems()) {
      items.add(new Listed(ConfigMapStateStore.toObject(cm), created(cm)));
    }
    String next = list.getMetadata() == null ? null : list.getMetadata().getContinue();
    return new Page(items, next);
  }

  @Override
  public void patch(String name, String resourceVersion, Change change) throws ConflictException {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("resourceVersion", resourceVersion);
    metadata.put("labels", change.labels());
    metadata.put("annotations", change.annotations());
    String body;
    try {
      body = JSON.writeValueAsString(Map.of("metadata", metadata));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("patch cannot be serialized", e);
    }
    try {
      client
          .configMaps()
          .inNamespace(namespace)
          .resource(new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().build())
          .patch(PatchContext.of(PatchType.JSON_MERGE), body);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409 || e.getCode() == 404) {
        throw new ConflictException("configmaps/" + name + " changed since it was listed", e);
      }
      throw ApiFailures.of(e, "patch", "configmaps/" + name, namespace, true, Optional.empty());
    }
  }

  @Override
  public boolean delete(String name, String uid, String resourceVersion) throws ConflictException {
    DeleteOptions options =
        new DeleteOptionsBuilder()
            .withApiVersion("v1")
            .withKind("DeleteOptions")
            .withNewPreconditions()
            .withUid(uid)
            .withResourceVersion(resourceVersion)
            .endPreconditions()
            .build();
    String path = "/api/v1/namespaces/" + encode(namespace) + "/configmaps/" + encode(name);
    try {
      client.raw(path, "DELETE", options);
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return false;
      }
      if (e.getCode() == 409) {
        throw new ConflictException(
            "configmaps/"
                + name
                + " is no longer uid "
                + uid
                + " at resourceVersion "
                + resourceVersion,
            e);
      }
      throw ApiFailures.of(e, "delete", "configmaps/" + name, namespace, true, Optional.empty());
    }
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8);
  }

  private static Instant created(ConfigMap cm) {
    String timestamp = cm.getMetadata().getCreationTimestamp();
    if (timestamp == null) {
      return null;
    }
    try {
      return Instant.parse(timestamp);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
