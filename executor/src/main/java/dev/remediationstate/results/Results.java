package dev.remediationstate.results;

import dev.remediationstate.state.WireValue;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The results of one action, in a fixed order: a public API. Names are the Tekton result names
 * (lowercase, '-'), values are exact strings; booleans are {@code true}/{@code false}.
 */
public final class Results {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*");
  private final Map<String, String> values;

  private Results(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(values);
  }

  public static Results of(Map<String, String> values) {
    Results results = new Results(new LinkedHashMap<>());
    for (Map.Entry<String, String> e : values.entrySet()) {
      results = results.with(e.getKey(), e.getValue());
    }
    return results;
  }

  public static Results empty() {
    return new Results(new LinkedHashMap<>());
  }

  /** Adds a result; enums are written in their wire spelling ({@code in-progress}). */
  public Results with(String name, Object value) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("result name " + name + " is not a Tekton result name");
    }
    Map<String, String> next = new LinkedHashMap<>(values);
    next.put(name, value instanceof WireValue wire ? wire.value() : String.valueOf(value));
    return new Results(next);
  }

  public String get(String name) {
    return values.get(name);
  }

  public Map<String, String> asMap() {
    return values;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Results r && r.values.equals(values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
