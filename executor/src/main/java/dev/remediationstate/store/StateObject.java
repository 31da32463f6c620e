package dev.remediationstate.store;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The stored form of a state ConfigMap, independent of fabric8: what the transaction reads and
 * writes. {@code binaryData} holds decoded bytes. {@code resourceVersion} and {@code uid} are
 * opaque and null for an object not yet created.
 */
public record StateObject(
    String name,
    Map<String, String> labels,
    Map<String, String> annotations,
    Map<String, String> data,
    Map<String, byte[]> binaryData,
    String resourceVersion,
    String uid) {

  public StateObject {
    labels = frozen(labels);
    annotations = frozen(annotations);
    data = frozen(data);
    binaryData = frozen(binaryData);
  }

  private static <V> Map<String, V> frozen(Map<String, V> map) {
    return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }

  /**
   * The size the API server checks against its 1 MiB ConfigMap limit: the lengths of the values in
   * {@code data} (UTF-8) plus the decoded lengths of {@code binaryData}. Keys and metadata do not
   * count.
   */
  public long apiSize() {
    long size = 0;
    for (String value : data.values()) {
      size += utf8Length(value);
    }
    for (byte[] value : binaryData.values()) {
      size += value.length;
    }
    return size;
  }

  static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
