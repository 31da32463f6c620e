package dev.remediationstate.argoplugin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * The bearer token the agent sends: {@code argoexec agent init} writes a random one per plugin
 * before the sidecars start, and each sidecar sees its own at {@code /var/run/argo/token}. Read
 * once; until the file is readable every check fails and the plugin is not ready. Compared in
 * constant time.
 */
final class PluginToken {
  private final Path file;
  private volatile byte[] expected;

  PluginToken(Path file) {
    this.file = file;
  }

  /** True once the token has been read; tries to read it if not. */
  boolean loaded() {
    if (expected == null) {
      try {
        String token = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (!token.isEmpty()) {
          expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        }
      } catch (IOException | SecurityException e) {
        return false;
      }
    }
    return expected != null;
  }

  /** True when {@code authorization} (the header's value, may be null) carries the token. */
  boolean accepts(String authorization) {
    byte[] want = expected;
    return want != null
        && authorization != null
        && MessageDigest.isEqual(want, authorization.getBytes(StandardCharsets.UTF_8));
  }

  Path file() {
    return file;
  }
}
