package dev.remediationstate.serve;

import dev.remediationstate.store.StateConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Lists the state ConfigMaps of a scope page by page. For the scope {@code *} the namespaces are
 * those holding at least one state (no namespace list permission is needed).
 */
public final class Namespaces {
  private static final int PAGE = 100;

  private Namespaces() {}

  /** The namespaces of the scope that gc and recovery work on. */
  public static List<String> withStates(KubernetesClient client, WatchScope scope) {
    if (!scope.all()) {
      return scope.namespaces();
    }
    TreeSet<String> found = new TreeSet<>();
    eachState(client, null, cm -> found.add(cm.getMetadata().getNamespace()));
    return new ArrayList<>(found);
  }

  /** Calls {@code each} for every state ConfigMap in {@code namespace} (null: all namespaces). */
  public static void eachState(
      KubernetesClient client, String namespace, Consumer<ConfigMap> each) {
    String token = null;
    do {
      var options =
          new ListOptionsBuilder()
              .withLabelSelector(StateConfigMap.selector())
              .withLimit((long) PAGE)
              .withContinue(token)
              .build();
      ConfigMapList page =
          namespace == null
              ? client.configMaps().inAnyNamespace().list(options)
              : client.configMaps().inNamespace(namespace).list(options);
      page.getItems().forEach(each);
      token = page.getMetadata() == null ? null : page.getMetadata().getContinue();
    } while (token != null && !token.isEmpty());
  }
}
