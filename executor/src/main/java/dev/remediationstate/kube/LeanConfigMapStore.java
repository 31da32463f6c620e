package dev.remediationstate.kube;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.remediationstate.store.ConflictException;
import dev.remediationstate.store.StateObject;
import dev.remediationstate.store.StateStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The state store on the Kubernetes API without fabric8, for the one-shot actions: one JDK {@link
 * HttpClient} (HTTP/1.1, so the GET and the PUT share one connection and one TLS handshake) and
 * Jackson's streaming parser and generator for the one ConfigMap. The same contract as {@link
 * ConfigMapStateStore}: GET, POST, and PUT carrying the resourceVersion that was read, a 409 is a
 * {@link ConflictException}, every other failure is mapped by {@link ApiFailures} exactly as the
 * fabric8 store's, and nothing is retried here. Each request times out after {@value
 * KubeConnection#REQUEST_TIMEOUT_MILLIS} ms (connect: {@value
 * KubeConnection#CONNECT_TIMEOUT_MILLIS} ms).
 */
public final class LeanConfigMapStore implements StateStore, AutoCloseable {
  private static final JsonFactory JSON = new JsonFactory();
  private static final String JSON_TYPE = "application/json";

  private final HttpClient http;
  private final String configMaps;
  private final String authorization;
  private final String namespace;

  /**
   * @param apiUrl e.g. {@code https://10.96.0.1:443}
   * @param token the bearer token, or null for none
   * @param tls the context to connect with (see {@link InPodTls}); null for plain HTTP
   */
  public LeanConfigMapStore(String apiUrl, String token, SSLContext tls, String namespace) {
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofMillis(KubeConnection.CONNECT_TIMEOUT_MILLIS))
            .followRedirects(HttpClient.Redirect.NEVER);
    if (tls != null) {
      SSLParameters parameters = tls.getDefaultSSLParameters();
      parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
      builder.sslContext(tls).sslParameters(parameters);
    }
    this.http = builder.build();
    String base = apiUrl.endsWith("/") ? apiUrl.substring(0, apiUrl.length() - 1) : apiUrl;
    this.configMaps = base + "/api/v1/namespaces/" + namespace + "/configmaps";
    this.authorization = token == null ? null : "Bearer " + token;
    this.namespace = namespace;
  }

  public String namespace() {
    return namespace;
  }

  @Override
  public Optional<StateObject> read(String name) {
    Answer answer = send("GET", configMaps + "/" + name, null, "get", name, false);
    if (answer.code == 404) {
      return Optional.empty();
    }
    if (answer.code != 200) {
      throw answer.failure("get", name, false);
    }
    return Optional.of(answer.object());
  }

  @Override
  public StateObject create(StateObject object) throws ConflictException {
    Answer answer = send("POST", configMaps, encode(object, null), "create", object.name(), true);
    if (answer.code == 409) {
      throw new ConflictException("configmaps/" + object.name() + " already exists", null);
    }
    if (answer.code != 201 && answer.code != 200) {
      throw answer.failure("create", object.name(), true);
    }
    return answer.object();
  }

  @Override
  public StateObject update(StateObject object, String expectedResourceVersion)
      throws ConflictException {
    if (expectedResourceVersion == null || expectedResourceVersion.isEmpty()) {
      throw new IllegalArgumentException("an update needs the resourceVersion that was read");
    }
    Answer answer =
        send(
            "PUT",
            configMaps + "/" + object.name(),
            encode(object, expectedResourceVersion),
            "update",
            object.name(),
            true);
    if (answer.code == 409) {
      throw new ConflictException("configmaps/" + object.name() + " changed since read", null);
    }
    if (answer.code != 200) {
      throw answer.failure("update", object.name(), true);
    }
    return answer.object();
  }

  /** Closes the client's selector thread, which would otherwise stall the JVM's exit (Java 21+). */
  @Override
  public void close() {
    if (http instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        // Every request has completed; a failed close only costs the exit stall.
      }
    }
  }

  private Answer send(
      String method, String uri, byte[] body, String verb, String name, boolean writing) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(uri))
            .timeout(Duration.ofMillis(KubeConnection.REQUEST_TIMEOUT_MILLIS))
            .header("Accept", JSON_TYPE)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (body != null) {
      request.header("Content-Type", JSON_TYPE);
    }
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      HttpResponse<byte[]> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Answer(
          response.statusCode(),
          response.body(),
          response.headers().firstValue("Retry-After").orElse(null));
    } catch (IOException e) {
      throw noAnswer(e, verb, name, writing);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw noAnswer(e, verb, name, writing);
    }
  }

  private RuntimeException noAnswer(Exception e, String verb, String name, boolean writing) {
    String detail = ApiFailures.firstLine(e.getClass().getSimpleName() + ": " + e.getMessage());
    return ApiFailures.of(
        0, detail, verb, "configmaps/" + name, namespace, writing, Optional.empty(), e);
  }

  /** One response: its status, body and {@code Retry-After} header. */
  private final class Answer {
    final int code;
    final byte[] body;
    final String retryAfterHeader;

    Answer(int code, byte[] body, String retryAfterHeader) {
      this.code = code;
      this.body = body;
      this.retryAfterHeader = retryAfterHeader;
    }

    StateObject object() {
      try {
        return decode(body);
      } catch (IOException e) {
        throw new UncheckedIOException("the API server sent a ConfigMap that is not JSON", e);
      }
    }

    RuntimeException failure(String verb, String name, boolean writing) {
      Status status = Status.parse(body);
      Optional<Duration> retryAfter =
          RetryAfterCapture.parse(retryAfterHeader, ZonedDateTime.now(ZoneOffset.UTC))
              .or(() -> status.retryAfterSeconds);
      return ApiFailures.of(
          code,
          status.message.orElse("HTTP " + code),
          verb,
          "configmaps/" + name,
          namespace,
          writing,
          retryAfter,
          null);
    }
  }

  /** What the failure mapping uses of a Kubernetes {@code Status} body; empty when not one. */
  private static final class Status {
    Optional<String> message = Optional.empty();
    Optional<Duration> retryAfterSeconds = Optional.empty();

    static Status parse(byte[] body) {
      Status status = new Status();
      if (body == null || body.length == 0) {
        return status;
      }
      try (JsonParser p = JSON.createParser(body)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          return status;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken value = p.nextToken();
          if (field.equals("message") && value == JsonToken.VALUE_STRING) {
            status.message = Optional.of(ApiFailures.firstLine(p.getText()));
          } else if (field.equals("details") && value == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String detail = p.currentName();
              JsonToken v = p.nextToken();
              if (detail.equals("retryAfterSeconds")
                  && v == JsonToken.VALUE_NUMBER_INT
                  && p.getIntValue() >= 0) {
                status.retryAfterSeconds = Optional.of(Duration.ofSeconds(p.getIntValue()));
              } else {
                p.skipChildren();
              }
            }
          } else {
            p.skipChildren();
          }
        }
      } catch (IOException e) {
        // Not a Status (a proxy's HTML page, a cut body): the code alone is mapped.
      }
      return status;
    }
  }

  static byte[] encode(StateObject object, String resourceVersion) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("apiVersion", "v1");
      g.writeStringField("kind", "ConfigMap");
      g.writeObjectFieldStart("metadata");
      g.writeStringField("name", object.name());
      if (resourceVersion != null) {
        g.writeStringField("resourceVersion", resourceVersion);
      }
      writeMap(g, "labels", object.labels());
      writeMap(g, "annotations", object.annotations());
      g.writeEndObject();
      writeMap(g, "data", object.data());
      if (!object.binaryData().isEmpty()) {
        g.writeObjectFieldStart("binaryData");
        for (Map.Entry<String, byte[]> e : object.binaryData().entrySet()) {
          g.writeStringField(e.getKey(), Base64.getEncoder().encodeToString(e.getValue()));
        }
        g.writeEndObject();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void writeMap(JsonGenerator g, String field, Map<String, String> map)
      throws IOException {
    if (map.isEmpty()) {
      return;
    }
    g.writeObjectFieldStart(field);
    for (Map.Entry<String, String> e : map.entrySet()) {
      g.writeStringField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
  }

  static StateObject decode(byte[] body) throws IOException {
    String name = null;
    String resourceVersion = null;
    String uid = null;
    Map<String, String> labels = Map.of();
    Map<String, String> annotations = Map.of();
    Map<String, String> data = Map.of();
    Map<String, byte[]> binary = new LinkedHashMap<>();
    try (JsonParser p = JSON.createParser(body)) {
      expect(p.nextToken(), JsonToken.START_OBJECT);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("metadata") && value == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String meta = p.currentName();
            JsonToken v = p.nextToken();
            switch (meta) {
              case "name" -> name = text(p, v);
              case "resourceVersion" -> resourceVersion = text(p, v);
              case "uid" -> uid = text(p, v);
              case "labels" -> labels = strings(p, v);
              case "annotations" -> annotations = strings(p, v);
              default -> p.skipChildren();
            }
          }
        } else if (field.equals("data")) {
          data = strings(p, value);
        } else if (field.equals("binaryData")) {
          strings(p, value).forEach((k, v) -> binary.put(k, Base64.getDecoder().decode(v)));
        } else {
          p.skipChildren();
        }
      }
    }
    return new StateObject(name, labels, annotations, data, binary, resourceVersion, uid);
  }

  private static String text(JsonParser p, JsonToken token) throws IOException {
    return token == JsonToken.VALUE_NULL ? null : p.getValueAsString();
  }

  /** A JSON object of strings (null values dropped); null gives an empty map. */
  private static Map<String, String> strings(JsonParser p, JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_NULL) {
      return Map.of();
    }
    expect(token, JsonToken.START_OBJECT);
    Map<String, String> map = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      JsonToken v = p.nextToken();
      if (v == JsonToken.VALUE_STRING) {
        map.put(key, p.getText());
      } else if (v != JsonToken.VALUE_NULL) {
        throw new IOException("configmap field " + key + " is not a string");
      }
    }
    return map;
  }

  private static void expect(JsonToken actual, JsonToken wanted) throws IOException {
    if (actual != wanted) {
      throw new IOException("expected " + wanted + ", got " + actual);
    }
  }
}
