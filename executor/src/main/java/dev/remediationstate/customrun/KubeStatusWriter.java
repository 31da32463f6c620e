package dev.remediationstate.customrun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * PUT {@code .../customruns/<name>/status} carrying the resourceVersion that was read: a 409 means
 * the CustomRun changed (a cancel, another writer) and the controller decides again from a fresh
 * read. The status is our own JSON, so times are strings as the CRD's schema wants (the typed
 * fabric8 7.1 model would write {@code lastTransitionTime} as an object).
 */
public final class KubeStatusWriter implements StatusWriter {
  private final KubernetesClient client;
  private final ObjectMapper json = new ObjectMapper();

  public KubeStatusWriter(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public Written write(JsonNode run, ObjectNode status) {
    ObjectNode copy = run.deepCopy();
    copy.set("status", status);
    GenericKubernetesResource resource = json.convertValue(copy, GenericKubernetesResource.class);
    try {
      client
          .genericKubernetesResources(KubeRunSource.CUSTOM_RUNS)
          .inNamespace(resource.getMetadata().getNamespace())
          .resource(resource)
          .updateStatus();
      return Written.WRITTEN;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return Written.CONFLICT;
      }
      if (e.getCode() == 404) {
        return Written.GONE;
      }
      throw e;
    }
  }
}
