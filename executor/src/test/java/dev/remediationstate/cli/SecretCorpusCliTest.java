package dev.remediationstate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remediationstate.state.TaskId;
import dev.remediationstate.store.FakeStateStore;
import dev.remediationstate.store.StateObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, defect 5: a corpus of real-format secrets (built at run time, so no literal token sits
 * in the repository) across the redaction families, put into every input field of every action.
 * None is stored (any key of any object, compressed keys decompressed), printed on stdout, written
 * to a result file, or printed on stderr (the one-line error and the JSON log lines).
 */
class SecretCorpusCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TaskId TASK = new TaskId("secrets");
  @TempDir Path dir;

  /** One secret: the text put into a field, and the part of it that must never come out. */
  record Secret(String family, String text, String value) {}

  private static final Random RANDOM = new Random(20261202);

  private static String chars(String alphabet, int n) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < n; i++) {
      out.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return out.toString();
  }

  private static final String ALNUM =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final String UPPER_NUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  private static final String HEX = "0123456789abcdef";
  private static final String B64 = ALNUM + "+/";
  private static final String URLSAFE = ALNUM + "_-";

  private static Secret bare(String family, String value) {
    return new Secret(family, value, value);
  }

  private static Secret in(String family, String before, String value, String after) {
    return new Secret(family, before + value + after, value);
  }

  static List<Secret> corpus() {
    List<Secret> s = new ArrayList<>();
    for (String p : List.of("p", "o", "u", "s", "r")) {
      s.add(bare("github-token", "gh" + p + "_" + chars(ALNUM, 36)));
    }
    s.add(
        bare("github-token", "github_" + "pat_11" + chars(UPPER_NUM, 20) + "_" + chars(ALNUM, 59)));
    s.add(bare("gitlab-token", "gl" + "pat-" + chars(URLSAFE, 20)));
    s.add(bare("gitlab-token", "gl" + "dt-" + chars(URLSAFE, 24)));
    for (String p : List.of("AKIA", "ASIA", "AROA")) {
      s.add(bare("aws-access-key-id", p + chars(UPPER_NUM, 16)));
    }
    s.add(in("aws-secret-access-key", "aws_secret_access_key=", chars(B64, 40), ""));
    s.add(in("aws-secret-access-key", "AWS_SECRET_ACCESS_KEY: \"", chars(B64, 40), "\""));
    for (String p : List.of("b", "p", "a")) {
      s.add(bare("slack-token", "xox" + p + "-" + chars(HEX, 12) + "-" + chars(ALNUM, 24)));
    }
    s.add(
        bare(
            "slack-webhook",
            "https://hooks.slack.com/services/T"
                + chars(UPPER_NUM, 8)
                + "/B"
                + chars(UPPER_NUM, 8)
                + "/"
                + chars(ALNUM, 24)));
    s.add(bare("stripe-key", "sk_" + "live_" + chars(ALNUM, 24)));
    s.add(bare("stripe-key", "rk_" + "live_" + chars(ALNUM, 24)));
    s.add(bare("stripe-key", "sk_" + "test_" + chars(ALNUM, 24)));
    s.add(bare("google-api-key", "AI" + "za" + chars(URLSAFE, 35)));
    s.add(in("google-api-key", "key=", "AI" + "za" + chars(URLSAFE, 35), "&q=1"));
    s.add(bare("npm-token", "npm_" + chars(ALNUM, 36)));
    s.add(in("npm-token", "//registry.npmjs.org/:_authToken=", "npm_" + chars(ALNUM, 36), ""));
    s.add(bare("pypi-token", "pypi-" + "AgEIcHlwaS5vcmc" + chars(URLSAFE, 60)));
    s.add(bare("sendgrid-key", "SG." + chars(URLSAFE, 22) + "." + chars(URLSAFE, 43)));
    s.add(bare("api-key", "sk-" + "proj-" + chars(URLSAFE, 48)));
    s.add(bare("api-key", "sk-" + "ant-api03-" + chars(URLSAFE, 86)));
    s.add(bare("twilio-key", "SK" + chars(HEX, 32)));
    s.add(bare("digitalocean-token", "dop_" + "v1_" + chars(HEX, 64)));
    s.add(bare("shopify-token", "shpat_" + chars(HEX, 32)));
    s.add(in("basic-auth", "Authorization: Basic ", chars(B64, 28) + "==", ""));
    s.add(in("bearer-token", "Authorization: Bearer ", chars(ALNUM, 30) + "7", ""));
    s.add(
        bare(
            "jwt",
            "eyJ" + chars(URLSAFE, 20) + ".eyJ" + chars(URLSAFE, 30) + "." + chars(URLSAFE, 43)));
    s.add(in("url-password", "postgres://app:", chars(ALNUM, 14), "@db.internal:5432/orders"));
    s.add(in("url-password", "https://deploy:", chars(ALNUM, 18), "@git.example.com/r.git"));
    s.add(
        in(
            "private-key",
            "-----BEGIN RSA " + "PRIVATE KEY-----\n",
            chars(B64, 64) + "\n" + chars(B64, 40),
            "\n-----END RSA " + "PRIVATE KEY-----"));
    s.add(in("password", "password: ", "hunter" + chars(ALNUM, 8), ""));
    s.add(in("password", "DB_PASSWORD=\"", chars(ALNUM, 10) + "!x", "\""));
    s.add(in("password", "passwd=", chars(ALNUM, 12), " in the config"));
    s.add(in("password", "\"admin_pwd\": \"", chars(ALNUM, 12), "\""));
    s.add(in("secret", "api_key=", chars(ALNUM, 32), ""));
    s.add(in("secret", "client_secret: ", chars(URLSAFE, 40), ""));
    s.add(in("secret", "X_AUTH_TOKEN=", chars(HEX, 40), ""));
    s.add(in("secret", "SECRET_KEY_BASE=", chars(HEX, 64), ""));
    return s;
  }

  /** One way to put a secret into the input: the command line, given the secret's text. */
  record Field(String name, Function<String, String[]> command) {}

  private static String finding(String field, String value) {
    ObjectNode f = JSON.createObjectNode();
    f.put("severity", "high").put("issueType", "bug").put("description", "finding");
    switch (field) {
      case "criteriaNotMet", "reproductionSteps" -> f.putArray(field).add("first").add(value);
      case "unknown-field-name" -> f.put(value, "x");
      default -> f.put(field, value);
    }
    return f.toString();
  }

  private static String[] record(String feedback, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of("record-feedback", "--task-id", TASK.value(), "--feedback", feedback));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  static List<Field> fields() {
    List<Field> fields = new ArrayList<>();
    for (String f :
        List.of(
            "description",
            "criteriaNotMet",
            "reproductionSteps",
            "expectedBehavior",
            "actualBehavior",
            "sourceRef",
            "author",
            "fingerprint",
            "severity",
            "issueType",
            "verdict",
            "unknown-field-name")) {
      fields.add(new Field("feedback." + f, v -> record(finding(f, v))));
    }
    fields.add(new Field("--author", v -> record(finding("description", "d"), "--author", v)));
    fields.add(
        new Field(
            "--request-id",
            v -> record(finding("sourceRef", "req-" + v.length()), "--request-id", v)));
    fields.add(
        new Field(
            "next-iteration --request-id",
            v -> new String[] {"next-iteration", "--task-id", TASK.value(), "--request-id", v}));
    fields.add(new Field("--task-id", v -> new String[] {"gate", "--task-id", v}));
    fields.add(
        new Field("--namespace", v -> new String[] {"show", "--task-id", TASK.value(), "-n", v}));
    fields.add(
        new Field(
            "--max-iterations",
            v -> new String[] {"init", "--task-id", TASK.value(), "--max-iterations", v}));
    fields.add(
        new Field(
            "--metadata value",
            v -> new String[] {"init", "--task-id", "other", "--metadata", "repo=" + v}));
    fields.add(
        new Field(
            "--metadata key",
            v -> new String[] {"init", "--task-id", "other", "--metadata", v + "=x"}));
    return fields;
  }

  @Test
  void noSecretOfTheCorpusIsStoredEchoedOrLogged() throws IOException {
    List<Secret> corpus = corpus();
    List<Field> fields = fields();
    assertTrue(corpus.size() >= 40, "corpus size " + corpus.size());
    Set<String> families = new LinkedHashSet<>();
    corpus.forEach(s -> families.add(s.family()));
    assertTrue(families.size() >= 20, "families " + families);
    List<String> leaks = new ArrayList<>();
    int runs = 0;
    PrintStream systemErr = System.err;
    for (Secret secret : corpus) {
      FakeStateStore memory = new FakeStateStore();
      FakeWiring cli = new FakeWiring(memory);
      assertEquals(0, cli.run("init", "--task-id", TASK.value()).exitCode());
      assertEquals(0, cli.run("next-iteration", "--task-id", TASK.value()).exitCode());
      for (Field field : fields) {
        Path results = Files.createTempDirectory(dir, "r");
        String[] base = field.command().apply(secret.text());
        String[] args =
            Stream.concat(Stream.of(base), Stream.of("--results-dir", results.toString()))
                .toArray(String[]::new);
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        FakeWiring.Run run;
        System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
        try {
          run = cli.run(args);
        } finally {
          System.setErr(systemErr);
        }
        runs++;
        String where = secret.family() + " in " + field.name();
        check(leaks, where + " (stdout)", run.out(), secret);
        check(leaks, where + " (stderr)", run.err(), secret);
        check(leaks, where + " (log)", logs.toString(StandardCharsets.UTF_8), secret);
        try (Stream<Path> files = Files.list(results)) {
          for (Path file : files.toList()) {
            check(
                leaks,
                where + " (result " + file.getFileName() + ")",
                Files.readString(file),
                secret);
          }
        }
        for (StateObject object : memory.objects().values()) {
          check(leaks, where + " (stored " + object.name() + ")", stored(object), secret);
        }
      }
    }
    assertTrue(runs >= corpus.size() * fields.size());
    assertEquals(
        List.of(),
        leaks.subList(0, Math.min(20, leaks.size())),
        leaks.size() + " leaks in " + runs + " runs");
  }

  private static void check(List<String> leaks, String where, String text, Secret secret) {
    if (text.contains(secret.value())) {
      leaks.add(where);
    }
  }

  /** Every key and value of the object, compressed values decompressed. */
  private static String stored(StateObject o) throws IOException {
    StringBuilder all = new StringBuilder();
    o.labels().forEach((k, v) -> all.append(k).append('=').append(v).append('\n'));
    o.annotations().forEach((k, v) -> all.append(k).append('=').append(v).append('\n'));
    o.data().forEach((k, v) -> all.append(k).append('=').append(v).append('\n'));
    for (Map.Entry<String, byte[]> e : o.binaryData().entrySet()) {
      all.append(e.getKey()).append('=');
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(e.getValue()))) {
        all.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException notGzip) {
        all.append(new String(e.getValue(), StandardCharsets.UTF_8));
      }
      all.append('\n');
    }
    return all.toString();
  }
}
