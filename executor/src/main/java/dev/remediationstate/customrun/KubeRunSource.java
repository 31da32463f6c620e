package dev.remediationstate.customrun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.remediationstate.serve.WatchScope;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Informers on {@code tekton.dev/v1beta1} CustomRuns as {@link GenericKubernetesResource}s: one for
 * all namespaces, or one per namespace of the scope. The event handler only filters and queues keys
 * (it must never block): a CustomRun for our kind that is not done.
 */
public final class KubeRunSource implements RunSource {
  private static final Logger LOG = LoggerFactory.getLogger(KubeRunSource.class);

  public static final ResourceDefinitionContext CUSTOM_RUNS =
      new ResourceDefinitionContext.Builder()
          .withGroup("tekton.dev")
          .withVersion("v1beta1")
          .withKind("CustomRun")
          .withPlural("customruns")
          .withNamespaced(true)
          .build();

  private final KubernetesClient client;
  private final WatchScope scope;
  private final String apiVersion;
  private final String kind;
  private final long resyncMillis;
  private final ObjectMapper json = new ObjectMapper();
  private final List<SharedIndexInformer<GenericKubernetesResource>> informers = new ArrayList<>();

  public KubeRunSource(
      KubernetesClient client,
      WatchScope scope,
      String apiVersion,
      String kind,
      long resyncMillis) {
    this.client = client;
    this.scope = scope;
    this.apiVersion = apiVersion;
    this.kind = kind;
    this.resyncMillis = resyncMillis;
  }

  @Override
  public void start(Consumer<String> changed) {
    ResourceEventHandler<GenericKubernetesResource> handler =
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(GenericKubernetesResource run) {
            offer(run, changed);
          }

          @Override
          public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource run) {
            offer(run, changed);
          }

          @Override
          public void onDelete(GenericKubernetesResource run, boolean finalStateUnknown) {}
        };
    if (scope.all()) {
      informers.add(
          client
              .genericKubernetesResources(CUSTOM_RUNS)
              .inAnyNamespace()
              .runnableInformer(resyncMillis));
    } else {
      for (String namespace : scope.namespaces()) {
        informers.add(
            client
                .genericKubernetesResources(CUSTOM_RUNS)
                .inNamespace(namespace)
                .runnableInformer(resyncMillis));
      }
    }
    for (SharedIndexInformer<GenericKubernetesResource> informer : informers) {
      informer.addEventHandler(handler);
      informer.exceptionHandler(
          (started, t) -> {
            LOG.warn("CustomRun watch failed (started={}): {}; retrying", started, t.toString());
            return true;
          });
      informer.start();
    }
  }

  @SuppressWarnings("unchecked")
  private void offer(GenericKubernetesResource run, Consumer<String> changed) {
    Map<String, Object> props = run.getAdditionalProperties();
    Object spec = props.get("spec");
    if (!(spec instanceof Map<?, ?> specMap)
        || !(specMap.get("customRef") instanceof Map<?, ?> ref)) {
      return;
    }
    if (!apiVersion.equals(ref.get("apiVersion")) || !kind.equals(ref.get("kind"))) {
      return;
    }
    if (done(props.get("status"))) {
      return;
    }
    changed.accept(run.getMetadata().getNamespace() + "/" + run.getMetadata().getName());
  }

  private static boolean done(Object status) {
    if (!(status instanceof Map<?, ?> map)
        || !(map.get("conditions") instanceof List<?> conditions)) {
      return false;
    }
    for (Object c : conditions) {
      if (c instanceof Map<?, ?> condition
          && "Succeeded".equals(condition.get("type"))
          && ("True".equals(condition.get("status")) || "False".equals(condition.get("status")))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean synced() {
    return !informers.isEmpty() && informers.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  @Override
  public Optional<JsonNode> get(String key) {
    for (SharedIndexInformer<GenericKubernetesResource> informer : informers) {
      GenericKubernetesResource run = informer.getStore().getByKey(key);
      if (run != null) {
        return Optional.of(json.valueToTree(run));
      }
    }
    return Optional.empty();
  }

  @Override
  public List<String> keys() {
    List<String> keys = new ArrayList<>();
    informers.forEach(i -> keys.addAll(i.getStore().listKeys()));
    return keys;
  }

  @Override
  public void stop() {
    informers.forEach(SharedIndexInformer::stop);
  }
}
