package dev.remediationstate.log;

import dev.remediationstate.failure.InvalidInputException;
import java.util.Locale;
import org.slf4j.event.Level;

/**
 * The level threshold: {@code RS_LOG_LEVEL} (error, warn, info, debug, trace; default info) for
 * this project's loggers; third-party loggers (fabric8) log at warn and above unless the level is
 * debug or trace. {@link #set} lets {@code --verbose} raise it after start-up.
 */
public final class LogLevels {
  private static final String OWN = "dev.remediationstate.";
  private static final Level CONFIGURED = parse(System.getenv("RS_LOG_LEVEL"));
  private static volatile Level threshold = CONFIGURED;

  LogLevels() {}

  public static void set(Level level) {
    threshold = level;
  }

  /** Back to the configured level ({@code RS_LOG_LEVEL}), undoing {@link #set}. */
  public static void reset() {
    threshold = CONFIGURED;
  }

  static Level parse(String value) {
    if (value == null || value.isBlank()) {
      return Level.INFO;
    }
    try {
      return Level.valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return Level.INFO;
    }
  }

  /**
   * Refuses an {@code RS_LOG_LEVEL} that is not a level, instead of silently logging at info: every
   * command calls it before it does anything.
   */
  public static void requireValid() {
    requireValid(System.getenv("RS_LOG_LEVEL"));
  }

  static void requireValid(String value) {
    if (value == null || value.isBlank()) {
      return;
    }
    try {
      Level.valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          "RS_LOG_LEVEL", "must be one of error, warn, info, debug or trace");
    }
  }

  boolean enabled(String logger, Level level) {
    Level limit = threshold;
    if (!logger.startsWith(OWN) && limit.toInt() > Level.DEBUG.toInt()) {
      limit = Level.WARN;
    }
    return level.toInt() >= limit.toInt();
  }
}
