package dev.remediationstate.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code serve}: the long-running mode of the same image. Its components are switched by options:
 * the Tekton CustomRun controller, in-process gc (leader only), and the ops endpoints ({@code
 * /livez}, {@code /readyz}, {@code /metrics}), which always run. Exits 0 on SIGTERM, 6 when the
 * leader lease is lost (the pod restarts as a standby), 2 on invalid options. docs/serve.md.
 */
@Command(
    name = "serve",
    description =
        "Run as a controller: reconcile Tekton CustomRuns with the same actions, run gc every"
            + " period on the leader, serve /livez, /readyz and /metrics.",
    mixinStandardHelpOptions = true)
final class ServeCommand implements Callable<Integer> {
  @Option(
      names = "--namespaces",
      defaultValue = "${env:RS_WATCH_NAMESPACES:-}",
      description =
          "Namespaces to watch and clean: a comma-separated list, or * for all. Default: the"
              + " controller's own namespace. Env: RS_WATCH_NAMESPACES.")
  String namespaces;

  @Option(
      names = "--controller",
      negatable = true,
      defaultValue = "${env:RS_SERVE_CONTROLLER:-true}",
      fallbackValue = "true",
      description = "Run the CustomRun controller (default ${DEFAULT-VALUE}).")
  boolean controller;

  @Option(
      names = "--custom-task-api-version",
      defaultValue = "${env:RS_CUSTOM_TASK_API_VERSION:-remediation-state.dev/v1alpha1}",
      description = "customRef.apiVersion of our CustomRuns (default ${DEFAULT-VALUE}).")
  String customTaskApiVersion;

  @Option(
      names = "--custom-task-kind",
      defaultValue = "${env:RS_CUSTOM_TASK_KIND:-RemediationStep}",
      description = "customRef.kind of our CustomRuns (default ${DEFAULT-VALUE}).")
  String customTaskKind;

  @Option(
      names = "--workers",
      defaultValue = "${env:RS_WORKERS:-8}",
      description = "Concurrent reconciles, 1..64 (default ${DEFAULT-VALUE}).")
  int workers;

  @Option(
      names = "--approval-poll",
      defaultValue = "${env:RS_APPROVAL_POLL:-5s}",
      converter = DurationConverter.class,
      description =
          "How often a gate with wait-for-approval=true looks for the approval (default"
              + " ${DEFAULT-VALUE}).")
  Duration approvalPoll;

  @Option(
      names = "--resync",
      defaultValue = "${env:RS_RESYNC:-10m}",
      converter = DurationConverter.class,
      description = "Informer resync period (default ${DEFAULT-VALUE}).")
  Duration resync;

  @Option(
      names = "--gc",
      negatable = true,
      defaultValue = "${env:RS_SERVE_GC:-true}",
      fallbackValue = "true",
      description = "Run gc in process on the leader (default ${DEFAULT-VALUE}).")
  boolean gc;

  @Option(
      names = "--gc-interval",
      defaultValue = "${env:RS_GC_INTERVAL:-6h}",
      converter = DurationConverter.class,
      description = "Time between gc runs across all replicas (default ${DEFAULT-VALUE}).")
  Duration gcInterval;

  @Option(
      names = "--gc-ttl",
      defaultValue = "${env:RS_GC_TTL:-7d}",
      converter = DurationConverter.class,
      description = "gc --ttl (default ${DEFAULT-VALUE}). Env: RS_GC_TTL.")
  Duration gcTtl;

  @Option(
      names = "--gc-grace",
      defaultValue = "${env:RS_GC_GRACE:-24h}",
      converter = DurationConverter.class,
      description = "gc --grace (default ${DEFAULT-VALUE}). Env: RS_GC_GRACE.")
  Duration gcGrace;

  @Option(
      names = "--gc-dry-run",
      defaultValue = "${env:RS_GC_DRY_RUN:-false}",
      description = "gc --dry-run. Env: RS_GC_DRY_RUN.")
  boolean gcDryRun;

  @Option(
      names = "--gc-delete-unreadable",
      defaultValue = "${env:RS_GC_DELETE_UNREADABLE:-false}",
      description = "gc --delete-unreadable. Env: RS_GC_DELETE_UNREADABLE.")
  boolean gcDeleteUnreadable;

  @Option(
      names = "--gc-page-size",
      defaultValue = "${env:RS_GC_PAGE_SIZE:-100}",
      description = "gc --page-size (default ${DEFAULT-VALUE}). Env: RS_GC_PAGE_SIZE.")
  int gcPageSize;

  @Option(
      names = "--ops-port",
      defaultValue = "${env:RS_OPS_PORT:-8080}",
      description =
          "Port of /livez, /readyz and /metrics; 0 picks a free one (default ${DEFAULT-VALUE}).")
  int opsPort;

  @Option(
      names = "--leader-elect",
      negatable = true,
      defaultValue = "${env:RS_LEADER_ELECT:-true}",
      fallbackValue = "true",
      description = "Elect one writer on a Lease (default ${DEFAULT-VALUE}).")
  boolean leaderElect;

  @Option(
      names = "--lease-name",
      defaultValue = "${env:RS_LEASE_NAME:-remediation-state-serve}",
      description =
          "Lease name; the gc claim ConfigMap is <lease-name>-gc (default ${DEFAULT-VALUE}).")
  String leaseName;

  @Option(
      names = "--lease-namespace",
      defaultValue = "${env:RS_LEASE_NAMESPACE:-}",
      description = "Namespace of the Lease. Default: the controller's own namespace.")
  String leaseNamespace;

  @Option(
      names = "--lease-duration",
      defaultValue = "${env:RS_LEASE_DURATION:-15s}",
      converter = DurationConverter.class,
      description = "Lease duration (default ${DEFAULT-VALUE}).")
  Duration leaseDuration;

  @Option(
      names = "--renew-deadline",
      defaultValue = "${env:RS_RENEW_DEADLINE:-10s}",
      converter = DurationConverter.class,
      description = "Renew deadline (default ${DEFAULT-VALUE}).")
  Duration renewDeadline;

  @Option(
      names = "--retry-period",
      defaultValue = "${env:RS_RETRY_PERIOD:-2s}",
      converter = DurationConverter.class,
      description = "Retry period (default ${DEFAULT-VALUE}).")
  Duration retryPeriod;

  @Option(
      names = "--identity",
      defaultValue = "${env:POD_NAME:-${env:HOSTNAME:-}}",
      description = "This replica's name in the Lease. Default: POD_NAME, else HOSTNAME.")
  String identity;

  @Option(
      names = "--repair-on-start",
      defaultValue = "${env:RS_REPAIR_ON_START:-false}",
      description =
          "On becoming leader, repair damaged states (as recover --repair). Default: report"
              + " only.")
  boolean repairOnStart;

  @Option(
      names = "--argo-plugin",
      defaultValue = "${env:RS_ARGO_PLUGIN:-false}",
      description =
          "Run as the Argo executor plugin sidecar instead: only POST /api/v1/template.execute"
              + " and the ops endpoints, on --plugin-port; no controller, gc or leader election."
              + " Env: RS_ARGO_PLUGIN. docs/argo-plugin.md.")
  boolean argoPlugin;

  @Option(
      names = "--plugin-port",
      defaultValue = "${env:RS_PLUGIN_PORT:-10222}",
      description =
          "Plugin port: above 10000 (the agent's pod network is shared), or 0 for a free one"
              + " (default ${DEFAULT-VALUE}).")
  int pluginPort;

  @Option(
      names = "--plugin-token-file",
      defaultValue = "${env:RS_PLUGIN_TOKEN_FILE:-/var/run/argo/token}",
      description = "The agent's bearer token for this plugin (default ${DEFAULT-VALUE}).")
  java.nio.file.Path pluginTokenFile;

  @Option(
      names = "--plugin-key",
      defaultValue = "${env:RS_PLUGIN_KEY:-remediation-state}",
      description = "The template's plugin key this plugin answers (default ${DEFAULT-VALUE}).")
  String pluginKey;

  @Option(
      names = "--plugin-workers",
      defaultValue = "${env:RS_PLUGIN_WORKERS:-16}",
      description = "Concurrent requests, 1..64; the agent has 16 (default ${DEFAULT-VALUE}).")
  int pluginWorkers;

  @Option(
      names = "--plugin-reply-within",
      defaultValue = "${env:RS_PLUGIN_REPLY_WITHIN:-20s}",
      converter = DurationConverter.class,
      description =
          "Longest wait for an action before replying Running with a requeue; below the agent's"
              + " 30 s (default ${DEFAULT-VALUE}).")
  Duration pluginReplyWithin;

  @Option(
      names = "--plugin-requeue",
      defaultValue = "${env:RS_PLUGIN_REQUEUE:-5s}",
      converter = DurationConverter.class,
      description = "requeue of a Running reply (default ${DEFAULT-VALUE}).")
  Duration pluginRequeue;

  @Option(
      names = "--plugin-give-up-after",
      defaultValue = "${env:RS_PLUGIN_GIVE_UP_AFTER:-10m}",
      converter = DurationConverter.class,
      description =
          "A step that meets only transient failures (API unavailable, conflicts) for this long"
              + " fails, so its retryStrategy or onExit applies; a plugin node has no timeout of"
              + " its own (default ${DEFAULT-VALUE}). Env: RS_PLUGIN_GIVE_UP_AFTER.")
  Duration pluginGiveUpAfter;

  @Option(
      names = {"-v", "--verbose"},
      defaultValue = "${env:RS_VERBOSE:-false}",
      description = "Debug logs. Env: RS_VERBOSE.")
  boolean verbose;

  private final Wiring wiring;

  ServeCommand(Wiring wiring) {
    this.wiring = wiring;
  }

  @Override
  public Integer call() throws Exception {
    // The run lives in its own class so that building the command line for an action never
    // loads serve's classes.
    if (argoPlugin) {
      return new PluginRun(this, wiring).call();
    }
    return new ServeRun(this, wiring).call();
  }
}
