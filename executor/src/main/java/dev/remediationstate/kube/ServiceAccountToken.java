package dev.remediationstate.kube;

import io.fabric8.kubernetes.client.OAuthTokenProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The pod's ServiceAccount token as fabric8 asks for it on every request, re-read from its file at
 * most once per {@code maxAge}. The kubelet rotates a projected token in place (at 80 % of its
 * life, an hour by default) and the API server refuses it once expired when token extension is off,
 * so a long-running {@code serve} must not keep the token it started with. fabric8 does not re-read
 * a token given as a value: its refresh only re-reads kubeconfig files. A file that cannot be read
 * (mid-rotation) keeps the last token.
 */
final class ServiceAccountToken implements OAuthTokenProvider {
  static final Duration MAX_AGE = Duration.ofMinutes(1);

  private final Path file;
  private final Duration maxAge;
  private final LongSupplier nanos;
  private String token;
  private long readAt;

  /** {@code initial} is the token already read and checked by the caller. */
  ServiceAccountToken(Path file, String initial, Duration maxAge, LongSupplier nanos) {
    this.file = file;
    this.maxAge = maxAge;
    this.nanos = nanos;
    this.token = initial;
    this.readAt = nanos.getAsLong();
  }

  @Override
  public synchronized String getToken() {
    long now = nanos.getAsLong();
    if (now - readAt >= maxAge.toNanos()) {
      readAt = now;
      InPodConnection.readFile(file).ifPresent(fresh -> token = fresh);
    }
    return token;
  }
}
