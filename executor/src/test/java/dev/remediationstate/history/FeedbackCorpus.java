package dev.remediationstate.history;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A deterministic generator of realistic QA findings, as a QA agent would submit them to {@code
 * record-feedback} over many iterations: markdown descriptions, acceptance-criteria lists, findings
 * that recur across iterations with drifting line numbers, code snippets, stack traces, and now and
 * then a leaked secret from {@link #SECRETS}.
 *
 * <p>The committed fixture {@value #RESOURCE} is exactly {@code generate(SEED, COUNT)}, one JSON
 * document per line; {@code FeedbackCorpusTest} keeps the two in step. Regenerate with {@code
 * FeedbackCorpus.main(path)}.
 */
public final class FeedbackCorpus {
  public static final String RESOURCE = "/corpus/feedback-corpus.jsonl";
  public static final long SEED = 20240611L;
  public static final int COUNT = 500;

  /** Findings per iteration in the fixture; iteration n holds findings (n-1)*20+1 .. n*20. */
  public static final int PER_ITERATION = 20;

  /** Secrets seeded into the corpus; none of them may ever be stored. */
  public static final List<String> SECRETS =
      List.of(
          "ghp_R8x2Lq9ZtW4mN7vB1cK5dF3hJ6gP0sYaUeXo",
          "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW",
          "AKIAIOSFODNN7EXAMPLE",
          "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
          "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
          "s3cr3t-Passw0rd",
          "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj",
          "Zm9vYmFyYmF6cXV4LXNlY3JldC10b2tlbi12YWx1ZQ");

  private static final String[] MODULES = {
    "billing", "checkout", "inventory", "auth", "search", "notifications", "reporting", "gateway"
  };
  private static final String[] VERBS = {
    "returns", "throws", "logs", "renders", "drops", "duplicates", "ignores", "times out on"
  };
  private static final String[] OBJECTS = {
    "an empty cart", "a refund request", "a paginated query", "an expired session",
    "a concurrent update", "a unicode product name", "a missing header", "a zero quantity"
  };
  private static final String[] CRITERIA = {
    "AC-1: The endpoint returns 404 with a problem+json body for unknown ids",
    "AC-2: All monetary amounts are rounded half-even to two decimals",
    "AC-3: Requests without a valid session are rejected with 401 before any side effect",
    "AC-4: The list endpoint pages with limit and continue and never returns duplicates",
    "AC-5: Every state change is written in one transaction and is safe to retry",
    "AC-6: Error messages name the field that is wrong and never echo secrets",
    "AC-7: p95 latency stays under 200 ms at 50 requests per second",
    "AC-8: Unit tests cover the happy path and each documented error",
    "AC-9: The migration is reversible and keeps existing rows readable",
    "AC-10: Logs are JSON lines with the request id on every line"
  };

  private FeedbackCorpus() {}

  /** The committed fixture, one finding (JSON object) per line. */
  public static List<String> fixture() {
    try (InputStream in = FeedbackCorpus.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the test classpath");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return text.lines().filter(l -> !l.isBlank()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code count} findings, 20 per iteration, reproducible from {@code seed}. */
  public static List<String> generate(long seed, int count) {
    Random random = new Random(seed);
    List<String> findings = new ArrayList<>(count);
    // A pool of recurring problems: each iteration re-reports some, fixes some, finds new ones.
    List<int[]> pool = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int iteration = i / PER_ITERATION + 1;
      int[] problem;
      if (!pool.isEmpty() && random.nextInt(100) < 55) {
        problem = pool.get(random.nextInt(pool.size()));
      } else {
        problem =
            new int[] {
              random.nextInt(MODULES.length),
              random.nextInt(VERBS.length),
              random.nextInt(OBJECTS.length),
              random.nextInt(1 << 16)
            };
        pool.add(problem);
      }
      findings.add(finding(random, problem, iteration, i).toString());
    }
    return findings;
  }

  private static ObjectNode finding(Random random, int[] problem, int iteration, int index) {
    String module = MODULES[problem[0]];
    String title = module + " " + VERBS[problem[1]] + " " + OBJECTS[problem[2]];
    int line = 40 + (problem[3] % 400) + random.nextInt(12);
    String file =
        "src/main/java/com/example/" + module + "/" + capitalized(module) + "Service.java";
    StringBuilder description = new StringBuilder();
    description.append("## ").append(capitalized(title)).append("\n\n");
    description
        .append("In `")
        .append(file)
        .append(":")
        .append(line)
        .append("` the ")
        .append(module)
        .append(" service ")
        .append(VERBS[problem[1]])
        .append(' ')
        .append(OBJECTS[problem[2]])
        .append(" instead of handling it. This was already reported ")
        .append("in an earlier iteration and is ")
        .append(random.nextBoolean() ? "still reproducible" : "only partly fixed")
        .append(" after the latest change.\n\n");
    description.append("### Observations\n\n");
    int bullets = 2 + random.nextInt(4);
    for (int b = 0; b < bullets; b++) {
      description.append("- ").append(observation(random, module, line + b)).append('\n');
    }
    if (random.nextInt(100) < 45) {
      description.append("\n```java\n").append(snippet(random, module, line)).append("```\n");
    }
    if (random.nextInt(100) < 35) {
      description.append("\n```\n").append(stackTrace(random, module, line)).append("```\n");
    }
    if (random.nextInt(100) < 8) {
      description
          .append("\nThe CI log printed a credential: ")
          .append(leak(random))
          .append(" (rotate it).\n");
    }
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("verdict", "changes-requested");
    node.put("severity", new String[] {"critical", "high", "medium", "low"}[problem[3] % 4]);
    node.put(
        "issueType",
        new String[] {"bug", "regression", "missing-feature", "performance", "other"}
            [problem[3] % 5]);
    node.put("description", description.toString());
    ArrayNode criteria = node.putArray("criteriaNotMet");
    int c = 1 + random.nextInt(3);
    for (int k = 0; k < c; k++) {
      criteria.add(CRITERIA[(problem[3] + k * 3) % CRITERIA.length]);
    }
    ArrayNode steps = node.putArray("reproductionSteps");
    steps.add("Start the stack with `make dev` on commit " + hex(random, 12));
    steps.add("Call `POST /api/" + module + "/v1/items` with " + OBJECTS[problem[2]]);
    if (random.nextBoolean()) {
      steps.add("Repeat the call while another client updates the same item");
    }
    steps.add("Compare the response with the acceptance criteria above");
    node.put(
        "expectedBehavior",
        "The " + module + " service handles " + OBJECTS[problem[2]] + " as the criteria require.");
    node.put(
        "actualBehavior",
        "It "
            + VERBS[problem[1]]
            + " "
            + OBJECTS[problem[2]]
            + " (HTTP "
            + (500 + random.nextInt(4))
            + " after "
            + (20 + random.nextInt(900))
            + " ms).");
    node.put("sourceRef", "review-" + iteration + "/comment-" + (index + 1));
    return node;
  }

  private static String observation(Random random, String module, int line) {
    return switch (random.nextInt(6)) {
      case 0 -> "The response body is missing the `" + module + "Id` field (line " + line + ")";
      case 1 -> "The retry loop re-sends the request without the idempotency key";
      case 2 ->
          "The log line at WARN level repeats " + (2 + random.nextInt(9)) + " times per request";
      case 3 -> "No test covers this path; `" + capitalized(module) + "ServiceTest` skips it";
      case 4 -> "The error message says `internal error` and names no field";
      default -> "The metric `" + module + "_requests_total` is not incremented on failure";
    };
  }

  private static String snippet(Random random, String module, int line) {
    String type = capitalized(module);
    return "// "
        + type
        + "Service.java:"
        + line
        + "\n"
        + "public "
        + type
        + "Result handle("
        + type
        + "Request request) {\n"
        + "  var item = repository.findById(request.id()).orElse(null);\n"
        + "  if (item.quantity() "
        + (random.nextBoolean() ? "<" : "<=")
        + " 0) {\n"
        + "    return "
        + type
        + "Result.empty();\n"
        + "  }\n"
        + "  return mapper.toResult(item);\n"
        + "}\n";
  }

  private static String stackTrace(Random random, String module, int line) {
    String type = capitalized(module);
    StringBuilder trace = new StringBuilder();
    trace.append(
        random.nextBoolean()
            ? "java.lang.NullPointerException: Cannot invoke \"com.example."
                + module
                + ".Item.quantity()\" because \"item\" is null\n"
            : "java.lang.IllegalStateException: " + module + " transaction already committed\n");
    trace
        .append("\tat com.example.")
        .append(module)
        .append('.')
        .append(type)
        .append("Service.handle(")
        .append(type)
        .append("Service.java:")
        .append(line)
        .append(")\n");
    trace
        .append("\tat com.example.")
        .append(module)
        .append('.')
        .append(type)
        .append("Controller.post(")
        .append(type)
        .append("Controller.java:")
        .append(30 + random.nextInt(60))
        .append(")\n");
    int frames = 3 + random.nextInt(5);
    String[] framework = {
      "org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:885)",
      "jakarta.servlet.http.HttpServlet.service(HttpServlet.java:658)",
      "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:162)",
      "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:116)",
      "org.apache.catalina.core.StandardWrapperValve.invoke(StandardWrapperValve.java:174)",
      "org.apache.tomcat.util.net.NioEndpoint$SocketProcessor.doRun(NioEndpoint.java:1791)",
      "java.base/java.lang.Thread.run(Thread.java:1583)"
    };
    for (int f = 0; f < frames; f++) {
      trace.append("\tat ").append(framework[f]).append('\n');
    }
    trace.append("\t... ").append(10 + random.nextInt(40)).append(" more\n");
    return trace.toString();
  }

  private static String leak(Random random) {
    String secret = SECRETS.get(random.nextInt(SECRETS.size()));
    return switch (secret.substring(0, 4)) {
      case "s3cr" -> "postgres://app:" + secret + "@db.internal:5432/orders";
      case "MIIE" -> "\n-----BEGIN PRIVATE KEY-----\n" + secret + "\n-----END PRIVATE KEY-----\n";
      case "Zm9v" -> "Authorization: Bearer " + secret;
      default -> secret;
    };
  }

  private static String hex(Random random, int digits) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < digits; i++) {
      s.append(Character.forDigit(random.nextInt(16), 16));
    }
    return s.toString();
  }

  private static String capitalized(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  /** Writes the fixture: {@code FeedbackCorpus <path>}. */
  public static void main(String[] args) throws IOException {
    Files.writeString(
        Path.of(args[0]), String.join("\n", generate(SEED, COUNT)) + "\n", StandardCharsets.UTF_8);
  }
}
