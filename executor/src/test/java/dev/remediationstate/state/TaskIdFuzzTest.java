package dev.remediationstate.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.failure.InvalidInputException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Any string as a task id: accepted only when it is a valid label value and DNS-1123 label. */
class TaskIdFuzzTest {
  static final int TRIES = 3_000;

  @Property(tries = TRIES)
  void acceptsExactlyTheValidIds(@ForAll("ids") String value) {
    boolean valid = value.length() <= 63 && value.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    try {
      TaskId id = new TaskId(value);
      assertTrue(valid, value);
      assertTrue(id.configMapName().length() <= 253);
    } catch (InvalidInputException e) {
      assertTrue(!valid, value);
      assertEquals("task-id", e.field());
    }
  }

  @Provide
  Arbitrary<String> ids() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("abz09-").ofMaxLength(70),
        Arbitraries.strings().withChars("aZ0-._/ \n\u00e9\u0000").ofMaxLength(20),
        Arbitraries.strings().ofMaxLength(80));
  }
}
