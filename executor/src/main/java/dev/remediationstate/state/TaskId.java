package dev.remediationstate.state;

import dev.remediationstate.failure.InvalidInputException;
import java.util.regex.Pattern;

/**
 * A validated task id. It is used both in the ConfigMap name {@code task-{id}-state} and as a label
 * value, so it must be a valid label value and DNS-1123 label: at most {@value #MAX_LENGTH}
 * lowercase alphanumerics or '-', starting and ending with an alphanumeric.
 */
public record TaskId(String value) {
  public static final int MAX_LENGTH = 63;
  private static final Pattern VALID = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  public TaskId {
    if (value == null || value.isEmpty()) {
      throw new InvalidInputException("task-id", "is required");
    }
    if (value.length() > MAX_LENGTH) {
      throw new InvalidInputException(
          "task-id", "is " + value.length() + " characters; at most " + MAX_LENGTH + " allowed");
    }
    if (!VALID.matcher(value).matches()) {
      throw new InvalidInputException(
          "task-id",
          "must be lowercase letters, digits and '-', starting and ending with a letter or"
              + " digit");
    }
  }

  public String configMapName() {
    return "task-" + value + "-state";
  }

  @Override
  public String toString() {
    return value;
  }
}
