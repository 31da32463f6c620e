import dev.remediationstate.kube.KubeConnection;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The in-JVM floor of one plugin step: a warm GET and a PUT (carrying the resourceVersion just
 * read) of one ConfigMap, with the client the plugin uses (KubeConnection: fabric8 over the JDK
 * HTTP client, its own retries off), from the plugin's in-pod configuration. Prints one line of
 * microseconds per pair after the warm-up.
 *
 * <p>java -cp remediation-state-cli.jar InJvmFloor.java URL SA_DIR NAMESPACE CONFIGMAP WARMUP N
 */
public class InJvmFloor {
  public static void main(String[] args) throws Exception {
    String url = args[0];
    Path sa = Path.of(args[1]);
    Config config =
        new io.fabric8.kubernetes.client.ConfigBuilder(Config.empty())
            .withMasterUrl(url)
            .withAutoOAuthToken(Files.readString(sa.resolve("token")).trim())
            .withCaCertFile(sa.resolve("ca.crt").toString())
            .build();
    KubernetesClient client = KubeConnection.connect(config, args[2]).client();
    int warmup = Integer.parseInt(args[4]);
    int n = Integer.parseInt(args[5]);
    long[] micros = new long[n];
    for (int i = -warmup; i < n; i++) {
      long start = System.nanoTime();
      ConfigMap cm = client.configMaps().inNamespace(args[2]).withName(args[3]).get();
      cm.getData().put("bench", Integer.toString(i));
      client.configMaps().inNamespace(args[2]).resource(cm).update();
      if (i >= 0) {
        micros[i] = (System.nanoTime() - start) / 1000;
      }
    }
    StringBuilder out = new StringBuilder();
    Arrays.stream(micros).forEach(m -> out.append(m).append(' '));
    System.out.println(out.toString().trim());
    client.close();
  }
}
