package dev.remediationstate.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.remediationstate.failure.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes one file per result into a directory ({@code /tekton/results}, or an Argo output parameter
 * directory): the exact value, no trailing newline, each written to a temporary file in the same
 * directory and renamed into place, so a reader never sees a partial value.
 *
 * <p>Before anything is written the total is checked against the step's share of the termination
 * message, measured as Tekton serializes it: a JSON array of {@code
 * {"key":..,"value":..,"type":1}}.
 */
public final class ResultFiles implements ResultSink {
  /**
   * The results' default share of a step's termination message: the kubelet's 4096 bytes per
   * container less 512 bytes of headroom for the entries Tekton's entrypoint adds itself
   * (StartedAt, ExitCode, Reason: at most 157 bytes; docs/tekton.md has the arithmetic).
   */
  public static final int DEFAULT_LIMIT = 3584;

  private final Path directory;
  private final int limit;

  public ResultFiles(Path directory, int limit) {
    this.directory = directory;
    this.limit = limit;
  }

  /**
   * Checks, before anything is changed, that the directory can take files: creates it when absent
   * and writes and removes one temporary file.
   */
  public void probe() {
    try {
      Files.createDirectories(directory);
      Path temp = Files.createTempFile(directory, ".probe.", ".tmp");
      Files.delete(temp);
    } catch (IOException | SecurityException e) {
      throw new InvalidInputException(
          "results-dir",
          directory
              + " cannot take result files ("
              + e.getClass().getSimpleName()
              + "); nothing was written");
    }
  }

  /** Refuses results larger than the limit; called before the change is committed. */
  public void check(Results results) {
    int size = terminationMessageSize(results);
    if (size > limit) {
      throw new InvalidInputException(
          "results-limit",
          "results need "
              + size
              + " bytes of termination message, over the limit of "
              + limit
              + "; nothing was written");
    }
  }

  @Override
  public void write(Results results) throws IOException {
    check(results);
    Files.createDirectories(directory);
    for (Map.Entry<String, String> e : results.asMap().entrySet()) {
      Path target = directory.resolve(e.getKey());
      Path temp = Files.createTempFile(directory, "." + e.getKey() + ".", ".tmp");
      try {
        Files.write(temp, e.getValue().getBytes(StandardCharsets.UTF_8));
        try {
          Files.move(
              temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException notAtomic) {
          Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temp);
      }
    }
  }

  /** The bytes these results take in a Tekton termination message. */
  public static int terminationMessageSize(Results results) {
    List<Map<String, Object>> entries = new ArrayList<>();
    for (Map.Entry<String, String> e : results.asMap().entrySet()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("key", e.getKey());
      entry.put("value", e.getValue());
      entry.put("type", 1);
      entries.add(entry);
    }
    try {
      return new ObjectMapper().writeValueAsBytes(entries).length;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("results cannot be serialized", e);
    }
  }
}
