package dev.remediationstate.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engines' own admission checks over every shipped document, the ones a CRD schema cannot
 * express: Tekton's SetDefaults + Validate at tektoncd/pipeline v1.15.0
 * (kube-testenv/tekton-validate), and Argo's workflow/validate at v3.7.18 and v4.0.5
 * (kube-testenv/argo-lint-v3, -v4; v4.1.2 is not on the Go module proxy here). Each validator is
 * built once per content and cached (kube-testenv/go-build-cached.sh). Skipped with one line where
 * Go is absent. Each also gets one broken document, so a validator that accepts everything fails.
 */
class ManifestValidatorsIT {
  private static final Pattern SUMMARY = Pattern.compile("(\\d+) valid, (\\d+) failed");

  @TempDir Path scratch;

  @Test
  void tektonValidationAcceptsEveryShippedTektonDocument() throws Exception {
    Result shipped = run("tekton-validate", shippedFiles());
    assertEquals(0, shipped.code(), shipped.out());
    assertTrue(shipped.valid() >= 8, shipped.out());

    Path broken = scratch.resolve("broken-task.yaml");
    Files.writeString(
        broken,
        """
        apiVersion: tekton.dev/v1
        kind: Task
        metadata:
          name: broken
        spec:
          steps:
            - name: run
              image: busybox
              args: ["$(params.undeclared)"]
        """);
    Result refused = run("tekton-validate", List.of(broken));
    assertEquals(1, refused.code(), refused.out());
    assertTrue(refused.out().contains("params.undeclared"), refused.out());
  }

  @Test
  void argoV3ValidationAcceptsEveryShippedArgoDocument() throws Exception {
    checkArgo("argo-lint-v3");
  }

  @Test
  void argoV4ValidationAcceptsEveryShippedArgoDocument() throws Exception {
    checkArgo("argo-lint-v4");
    // v4 removed CronWorkflow spec.schedule: what shipped before is refused.
    String cron =
        Files.readString(Manifests.root().resolve("tasks/argo/gc-cronworkflow.yaml"))
            .replace("  schedules:\n    - \"0 */6 * * *\"", "  schedule: \"0 */6 * * *\"");
    Path old = scratch.resolve("old-cron.yaml");
    Files.writeString(old, cron);
    Result refused = run("argo-lint-v4", List.of(old));
    assertEquals(1, refused.code(), refused.out());
  }

  private void checkArgo(String validator) throws Exception {
    Result shipped = run(validator, shippedFiles());
    assertEquals(0, shipped.code(), shipped.out());
    assertTrue(shipped.valid() >= 3, shipped.out());

    Path broken = scratch.resolve("broken-template.yaml");
    Files.writeString(
        broken,
        """
        apiVersion: argoproj.io/v1alpha1
        kind: WorkflowTemplate
        metadata:
          name: broken
        spec:
          templates:
            - name: main
              container:
                image: busybox
                command: [echo, "{{inputs.parameters.nope}}"]
        """);
    Result refused = run(validator, List.of(broken));
    assertEquals(1, refused.code(), refused.out());
  }

  private record Result(int code, String out, int valid) {}

  private static List<Path> shippedFiles() {
    List<Path> files = new ArrayList<>();
    for (Path file : Manifests.yamlFiles("tasks", "examples")) {
      if (!file.getFileName().toString().equals("kustomization.yaml")
          && !Manifests.kustomizeConfigurations().contains(file)) {
        files.add(file);
      }
    }
    return files;
  }

  /** Builds (or reuses) the validator, runs it over the files, and reads its summary line. */
  private Result run(String validator, List<Path> files) throws IOException, InterruptedException {
    Path root = Manifests.root();
    Path log = scratch.resolve(validator + "-build.log");
    Process build =
        new ProcessBuilder(
                "bash",
                root.resolve("kube-testenv/go-build-cached.sh").toString(),
                root.resolve("kube-testenv/" + validator).toString(),
                validator)
            .redirectError(log.toFile())
            .start();
    String bin = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    int built = build.waitFor();
    assumeTrue(built != 3, "skipped: Go is not on PATH, so " + validator + " cannot be built");
    assertEquals(0, built, validator + " did not build: " + Files.readString(log));
    List<String> command = new ArrayList<>(List.of(bin));
    files.forEach(f -> command.add(f.toString()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = process.waitFor();
    Matcher m = SUMMARY.matcher(out);
    int valid = m.find() ? Integer.parseInt(m.group(1)) : -1;
    return new Result(code, out, valid);
  }
}
