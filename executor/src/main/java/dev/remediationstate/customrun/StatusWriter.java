package dev.remediationstate.customrun;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Writes a CustomRun's status through the status subresource, with the resourceVersion read. */
@FunctionalInterface
public interface StatusWriter {
  /** What the API server said. Any other failure is thrown. */
  enum Written {
    WRITTEN,
    /** 409: the object changed since it was read; read it again and decide again. */
    CONFLICT,
    /** 404: the CustomRun is gone. */
    GONE
  }

  /**
   * @param run the CustomRun as read (metadata with its resourceVersion)
   * @param status the whole new {@code .status}
   */
  Written write(com.fasterxml.jackson.databind.JsonNode run, ObjectNode status);
}
