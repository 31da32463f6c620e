package dev.remediationstate.serve;

import dev.remediationstate.failure.InvalidInputException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The namespaces {@code serve} works in: all of them ({@code *}), or a list. Parsed from {@code
 * --namespaces}; empty means the controller's own namespace.
 */
public record WatchScope(boolean all, List<String> namespaces) {
  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  public WatchScope {
    namespaces = List.copyOf(namespaces);
  }

  public static WatchScope parse(String flag, String ownNamespace) {
    String value = flag == null ? "" : flag.trim();
    if (value.equals("*")) {
      return new WatchScope(true, List.of());
    }
    if (value.isEmpty()) {
      return new WatchScope(false, List.of(ownNamespace));
    }
    LinkedHashSet<String> names = new LinkedHashSet<>();
    for (String name : Arrays.asList(value.split(","))) {
      String n = name.trim();
      if (!NAMESPACE.matcher(n).matches()) {
        throw new InvalidInputException(
            "namespaces", "'" + n + "' is not a namespace name; give a comma-separated list or *");
      }
      names.add(n);
    }
    return new WatchScope(false, List.copyOf(names));
  }

  @Override
  public String toString() {
    return all ? "*" : String.join(",", namespaces);
  }
}
