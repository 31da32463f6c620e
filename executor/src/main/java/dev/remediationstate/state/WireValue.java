package dev.remediationstate.state;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * An enum whose stored and command-line spelling is its constant name in lowercase with '-' for '_'
 * ({@code MISSING_FEATURE} is {@code missing-feature}). Jackson reads and writes the {@link
 * #value()}; {@link #parse} is the only lookup.
 */
public interface WireValue {
  String name();

  @JsonValue
  default String value() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static <E extends Enum<E> & WireValue> Optional<E> parse(Class<E> type, String value) {
    return Arrays.stream(type.getEnumConstants()).filter(e -> e.value().equals(value)).findFirst();
  }

  /** The accepted spellings, for error messages: "a, b or c". */
  static <E extends Enum<E> & WireValue> String choices(Class<E> type) {
    String all =
        Arrays.stream(type.getEnumConstants())
            .map(WireValue::value)
            .collect(Collectors.joining(", "));
    int last = all.lastIndexOf(", ");
    return last < 0 ? all : all.substring(0, last) + " or " + all.substring(last + 2);
  }
}
