package dev.remediationstate.log;

import dev.remediationstate.feedback.Redactor;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Map;
import org.slf4j.MDC;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * Writes one JSON object per log event to stderr: time, level, logger, message, every MDC entry
 * (taskId, action, iteration, resourceVersion, attempt) and the error, if any. Stdout is kept for
 * results.
 */
final class JsonLinesLogger extends LegacyAbstractLogger {
  private static final long serialVersionUID = 1L;

  private final transient LogLevels levels;

  JsonLinesLogger(String name, LogLevels levels) {
    this.name = name;
    this.levels = levels;
  }

  private boolean enabled(Level level) {
    return levels.enabled(name, level);
  }

  @Override
  public boolean isTraceEnabled() {
    return enabled(Level.TRACE);
  }

  @Override
  public boolean isDebugEnabled() {
    return enabled(Level.DEBUG);
  }

  @Override
  public boolean isInfoEnabled() {
    return enabled(Level.INFO);
  }

  @Override
  public boolean isWarnEnabled() {
    return enabled(Level.WARN);
  }

  @Override
  public boolean isErrorEnabled() {
    return enabled(Level.ERROR);
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(
      Level level, Marker marker, String pattern, Object[] args, Throwable error) {
    StringBuilder line = new StringBuilder(160).append('{');
    field(line, "time", Instant.now().toString());
    field(line, "level", level.toString());
    field(line, "logger", name);
    field(
        line, "message", Redactor.redact(MessageFormatter.basicArrayFormat(pattern, args)).text());
    Map<String, String> mdc = MDC.getCopyOfContextMap();
    if (mdc != null) {
      mdc.forEach((k, v) -> field(line, k, v));
    }
    if (error != null) {
      field(line, "error", Redactor.redact(error.toString()).text());
    }
    line.append('}');
    PrintStream err = System.err;
    synchronized (err) {
      err.println(line);
    }
  }

  private static void field(StringBuilder line, String key, String value) {
    if (line.length() > 1) {
      line.append(',');
    }
    quote(line, key);
    line.append(':');
    quote(line, value == null ? "" : value);
  }

  static void quote(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
