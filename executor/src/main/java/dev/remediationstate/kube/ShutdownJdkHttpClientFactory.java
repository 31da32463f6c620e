package dev.remediationstate.kube;

import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientImpl;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * fabric8's JDK HttpClient factory, whose close also closes the JDK clients it built, on Java 21+
 * (where {@link HttpClient} is {@link AutoCloseable}). fabric8 only stops its executor and leaves
 * the client's selector thread waiting in native code, and the JVM's exit then waits 300 ms for
 * threads in native code: a fifth of a short process's wall time. On Java 17 the client has no
 * close and the stall stays.
 */
final class ShutdownJdkHttpClientFactory extends JdkHttpClientFactory {
  private final List<HttpClient> built = new ArrayList<>();

  @Override
  protected HttpClient.Builder createNewHttpClientBuilder() {
    return new Recording(super.createNewHttpClientBuilder());
  }

  @Override
  protected void closeHttpClient(JdkHttpClientImpl client) {
    super.closeHttpClient(client);
    synchronized (built) {
      for (HttpClient jdkClient : built) {
        if (jdkClient instanceof AutoCloseable closeable) {
          try {
            closeable.close();
          } catch (Exception e) {
            // Every request has completed; a failed close only costs the exit stall.
          }
        }
      }
      built.clear();
    }
  }

  /** Builds like the given builder and remembers what it built. */
  private final class Recording implements HttpClient.Builder {
    private final HttpClient.Builder delegate;

    Recording(HttpClient.Builder delegate) {
      this.delegate = delegate;
    }

    @Override
    public HttpClient build() {
      HttpClient client = delegate.build();
      synchronized (built) {
        built.add(client);
      }
      return client;
    }

    @Override
    public HttpClient.Builder cookieHandler(CookieHandler cookieHandler) {
      delegate.cookieHandler(cookieHandler);
      return this;
    }

    @Override
    public HttpClient.Builder connectTimeout(Duration duration) {
      delegate.connectTimeout(duration);
      return this;
    }

    @Override
    public HttpClient.Builder sslContext(SSLContext sslContext) {
      delegate.sslContext(sslContext);
      return this;
    }

    @Override
    public HttpClient.Builder sslParameters(SSLParameters sslParameters) {
      delegate.sslParameters(sslParameters);
      return this;
    }

    @Override
    public HttpClient.Builder executor(Executor executor) {
      delegate.executor(executor);
      return this;
    }

    @Override
    public HttpClient.Builder followRedirects(HttpClient.Redirect policy) {
      delegate.followRedirects(policy);
      return this;
    }

    @Override
    public HttpClient.Builder version(HttpClient.Version version) {
      delegate.version(version);
      return this;
    }

    @Override
    public HttpClient.Builder priority(int priority) {
      delegate.priority(priority);
      return this;
    }

    @Override
    public HttpClient.Builder proxy(ProxySelector proxySelector) {
      delegate.proxy(proxySelector);
      return this;
    }

    @Override
    public HttpClient.Builder authenticator(Authenticator authenticator) {
      delegate.authenticator(authenticator);
      return this;
    }
  }
}
