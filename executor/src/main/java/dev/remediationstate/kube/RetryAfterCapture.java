package dev.remediationstate.kube;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Remembers the {@code Retry-After} of the latest 429 or 503 response, which fabric8 does not
 * expose on its exceptions. The store takes it ({@link #take()}) when it maps the failure. Accepts
 * delay-seconds and HTTP-dates; anything else is ignored. The client is used by one thread per
 * process, so "the latest" is the failure being mapped.
 */
final class RetryAfterCapture implements Interceptor {
  static final String NAME = "remediation-state-retry-after";

  private final AtomicReference<Duration> latest = new AtomicReference<>();
  private final Supplier<ZonedDateTime> now;

  RetryAfterCapture(Supplier<ZonedDateTime> now) {
    this.now = now;
  }

  @Override
  public void after(
      HttpRequest request,
      HttpResponse<?> response,
      AsyncBody.Consumer<List<ByteBuffer>> consumer) {
    if (response.code() == 429 || response.code() == 503) {
      latest.set(parse(response.header("Retry-After"), now.get()).orElse(null));
    }
  }

  /** The latest hint, cleared so it applies to one failure only. */
  Optional<Duration> take() {
    return Optional.ofNullable(latest.getAndSet(null));
  }

  static Optional<Duration> parse(String value, ZonedDateTime now) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    String v = value.trim();
    if (v.chars().allMatch(Character::isDigit)) {
      return v.length() > 9 ? Optional.empty() : Optional.of(Duration.ofSeconds(Long.parseLong(v)));
    }
    try {
      Duration until =
          Duration.between(now, ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
      return Optional.of(until.isNegative() ? Duration.ZERO : until);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
