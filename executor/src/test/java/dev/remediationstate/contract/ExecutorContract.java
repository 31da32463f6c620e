package dev.remediationstate.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.remediationstate.cli.Cli;
import dev.remediationstate.cli.FakeWiring;
import dev.remediationstate.store.FakeStateStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The executor's side of the contract, read from the executor itself: the options and environment
 * variables from picocli's model of {@link Cli#commandLine}, the result names by running every
 * action against an in-memory store.
 */
final class ExecutorContract {
  /** The actions the Task and the StepAction offer through their {@code action} param. */
  static final Set<String> TASK_ACTIONS =
      Set.of("init", "next-iteration", "record-feedback", "gate");

  /**
   * Subcommands the Task deliberately does not offer: gc runs from its own CronJob, recover is an
   * operator's repair, show prints the state for people (its --feedback is a switch, not the
   * finding record-feedback takes). A new subcommand must be added to one of the two sets.
   */
  static final Set<String> NOT_IN_TASK = Set.of("gc", "recover", "show", "serve");

  /**
   * Options the Task sets itself instead of taking them as params: results go to the directory
   * Tekton provides.
   */
  static final Set<String> SET_BY_TASK = Set.of("results-dir");

  /** A finding every contract run records. */
  static final String FINDING =
      "{\"verdict\":\"changes-requested\",\"severity\":\"high\",\"issueType\":\"bug\","
          + "\"description\":\"contract finding\"}";

  private static final Pattern ENV_DEFAULT = Pattern.compile("\\$\\{env:([A-Z0-9_]+)(?::-(.*))?}");

  private ExecutorContract() {}

  /** One option as the pipeline sees it: its long name, environment variable and default. */
  record OptionContract(String name, String env, String defaultValue) {}

  /** The result of one in-process run. */
  record Run(int exitCode, String out, String err) {}

  static Set<String> subcommands() {
    return new TreeSet<>(
        commandLine(new FakeStateStore(), Optional.empty(), Map.of(), new StringWriter())
            .getSubcommands()
            .keySet());
  }

  /** The options of one action by long name (without dashes), help and version excluded. */
  static Map<String, OptionContract> options(String action) {
    CommandLine raw =
        commandLine(new FakeStateStore(), Optional.empty(), Map.of(), new StringWriter());
    // Read the annotations' ${env:...} defaults as written, not as resolved in this JVM.
    raw.setInterpolateVariables(false);
    CommandLine sub = raw.getSubcommands().get(action);
    Map<String, OptionContract> options = new TreeMap<>();
    for (OptionSpec option : sub.getCommandSpec().options()) {
      if (option.usageHelp() || option.versionHelp()) {
        continue;
      }
      String name = option.longestName().replaceFirst("^--", "");
      Matcher m = ENV_DEFAULT.matcher(option.defaultValue() == null ? "" : option.defaultValue());
      if (!m.matches()) {
        throw new AssertionError(
            action + " --" + name + " has no ${env:RS_...} default: pipelines pass options by env");
      }
      options.put(name, new OptionContract(name, m.group(1), m.group(2) == null ? "" : m.group(2)));
    }
    return options;
  }

  /** The options of several actions; an option shared by two actions must mean the same. */
  static Map<String, OptionContract> options(Set<String> actions) {
    Map<String, OptionContract> all = new TreeMap<>();
    for (String action : actions) {
      options(action)
          .forEach(
              (name, option) -> {
                OptionContract earlier = all.putIfAbsent(name, option);
                assertEquals(
                    earlier == null ? option : earlier,
                    option,
                    "--" + name + " differs between actions");
              });
    }
    return all;
  }

  /**
   * The result names each action produces, found by running init, next-iteration, record-feedback,
   * gate and show against one in-memory store.
   */
  static Map<String, Set<String>> producedResults(Path scratch) {
    FakeStateStore store = new FakeStateStore();
    Map<String, Set<String>> produced = new TreeMap<>();
    List<List<String>> turns =
        List.of(
            List.of("init", "--max-iterations", "3"),
            List.of("next-iteration"),
            List.of("record-feedback", "--feedback", FINDING),
            List.of("gate"),
            List.of("show"));
    for (List<String> turn : turns) {
      String action = turn.get(0);
      Path dir = scratch.resolve("produced-" + action);
      List<String> args =
          Stream.concat(
                  turn.stream(),
                  Stream.of(
                      "--task-id",
                      "contract",
                      "--request-id",
                      "produced-" + action,
                      "--results-dir",
                      dir.toString()))
              .toList();
      Run run = run(store, args, Map.of(), Optional.empty());
      assertEquals(0, run.exitCode(), action + " failed: " + run.err());
      produced.put(action, fileNames(dir));
    }
    return produced;
  }

  /**
   * Runs the executor in-process as a container would: {@code env} stands for the container's
   * environment (an option reads its variable exactly as from the real environment, empty values
   * included), {@code defaultResultsDir} for {@code /tekton/results}.
   */
  static Run run(
      FakeStateStore store,
      List<String> args,
      Map<String, String> env,
      Optional<Path> defaultResultsDir) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = commandLine(store, defaultResultsDir, env, err);
    cli.setOut(new PrintWriter(out, true));
    int code = cli.execute(args.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  static Set<String> fileNames(Path dir) {
    if (!Files.isDirectory(dir)) {
      return new TreeSet<>();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, String> readResults(Path dir) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String name : fileNames(dir)) {
      try {
        values.put(name, Files.readString(dir.resolve(name)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return values;
  }

  private static CommandLine commandLine(
      FakeStateStore store,
      Optional<Path> defaultResultsDir,
      Map<String, String> env,
      StringWriter err) {
    CommandLine cli =
        Cli.commandLine(
            new FakeWiring(store)
                .withClock(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC))
                .withDefaultResultsDir(defaultResultsDir),
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true));
    if (!env.isEmpty()) {
      Map<String, Map<String, OptionContract>> byAction = new TreeMap<>();
      cli.getSubcommands().keySet().forEach(action -> byAction.put(action, options(action)));
      cli.setDefaultValueProvider(
          arg -> {
            if (arg instanceof OptionSpec option && option.command() != null) {
              OptionContract contract =
                  byAction
                      .getOrDefault(option.command().name(), Map.of())
                      .get(option.longestName().replaceFirst("^--", ""));
              if (contract != null && env.containsKey(contract.env())) {
                return env.get(contract.env());
              }
            }
            return null;
          });
    }
    return cli;
  }
}
