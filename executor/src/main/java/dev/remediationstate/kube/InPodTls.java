package dev.remediationstate.kube;

import dev.remediationstate.log.PhaseMarks;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS context of an in-pod client: it trusts exactly the certificates in the ServiceAccount's
 * {@code ca.crt} and nothing else. The JDK's {@code cacerts} is never read (the default context is
 * never built), no client key is loaded, and the random source is {@code NativePRNGNonBlocking}
 * ({@code /dev/urandom}), which never waits for entropy.
 */
final class InPodTls {
  private InPodTls() {}

  static SSLContext trustingOnly(Path caFile) throws IOException, GeneralSecurityException {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    int n = 0;
    try (InputStream in = Files.newInputStream(caFile)) {
      for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trusted.setCertificateEntry("ca-" + n++, cert);
      }
    }
    if (n == 0) {
      throw new CertificateException("no certificate in " + caFile);
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
    factory.init(trusted);
    X509ExtendedTrustManager pkix = null;
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509ExtendedTrustManager extended) {
        pkix = extended;
      }
    }
    if (pkix == null) {
      throw new GeneralSecurityException("the PKIX trust manager factory gave no X.509 manager");
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(
        null,
        new TrustManager[] {new MarkingTrustManager(pkix)},
        SecureRandom.getInstance("NativePRNGNonBlocking"));
    return context;
  }

  /**
   * Delegates every check; marks the phase "tls" once the server's chain is verified (benchmark
   * only, see {@link PhaseMarks}).
   */
  private static final class MarkingTrustManager extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager delegate;

    MarkingTrustManager(X509ExtendedTrustManager delegate) {
      this.delegate = delegate;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      delegate.checkServerTrusted(chain, authType, engine);
      PhaseMarks.mark("tls");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      delegate.checkServerTrusted(chain, authType, socket);
      PhaseMarks.mark("tls");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      delegate.checkServerTrusted(chain, authType);
      PhaseMarks.mark("tls");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      delegate.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      delegate.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }
  }
}
