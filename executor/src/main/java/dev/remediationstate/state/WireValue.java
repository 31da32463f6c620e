package dev.remediationstate.state;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * An enum whose stored and command-line spelling is a lowercase, hyphenated word. Jackson reads
 * and writes the {@link #value()}; {@link #parse} is the only lookup.
 */
public interface WireValue {
  @JsonValue
  String value();

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
