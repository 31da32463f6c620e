package dev.remediationstate.log;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.remediationstate.failure.InvalidInputException;
import org.junit.jupiter.api.Test;

class LogLevelsTest {
  @Test
  void anUnknownLevelIsAConfigurationErrorNotASilentFallback() {
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> LogLevels.requireValid("bogus"));
    assertEquals("RS_LOG_LEVEL", e.field());
    assertDoesNotThrow(() -> LogLevels.requireValid("Debug"));
    assertDoesNotThrow(() -> LogLevels.requireValid(null));
  }
}
