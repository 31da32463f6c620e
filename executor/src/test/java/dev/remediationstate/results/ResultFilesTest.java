package dev.remediationstate.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.remediationstate.failure.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultFilesTest {
  @TempDir Path dir;

  @Test
  void writesOneFilePerResultWithTheExactValue() throws Exception {
    new ResultFiles(dir, 4096).write(Results.empty().with("decision", "stop").with("iteration", 3));
    assertEquals("stop", Files.readString(dir.resolve("decision")));
    assertEquals("3", Files.readString(dir.resolve("iteration")));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(2, files.count());
    }
  }

  @Test
  void replacesAnEarlierValue() throws Exception {
    Files.writeString(dir.resolve("decision"), "continue\n");
    new ResultFiles(dir, 4096).write(Results.empty().with("decision", "complete"));
    assertEquals("complete", Files.readString(dir.resolve("decision")));
  }

  @Test
  void refusesResultsOverTheTerminationMessageShareAndWritesNone() {
    Results big = Results.empty().with("a", "x".repeat(100)).with("b", "y".repeat(100));
    int size = ResultFiles.terminationMessageSize(big);
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> new ResultFiles(dir, size - 1).write(big));
    assertEquals("results-limit", e.field());
    assertFalse(Files.exists(dir.resolve("a")));
  }

  @Test
  void measuresAsTektonSerializesTheTerminationMessage() {
    assertEquals(
        "[{\"key\":\"k\",\"value\":\"v\",\"type\":1}]".length(),
        ResultFiles.terminationMessageSize(Results.empty().with("k", "v")));
  }

  @Test
  void resultNamesMustBeTektonNames() {
    assertThrows(IllegalArgumentException.class, () -> Results.empty().with("Bad_Name", "x"));
  }
}
