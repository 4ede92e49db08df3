package io.smsgw.broker;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

import io.smsgw.core.config.TlsPeerIdentity;

/**
 * The trust store's check of the server's certificate (path, validity, and the host name when the engine asks for
 * it), then the pinned identity of the other gateway: a certificate any trusted party issued is not enough when the
 * operator named the gateway's own. Runs inside the handshake, so a mismatch fails it as an untrusted certificate
 * does: the same WARN once per episode, {@code LastError} and backoff, and no CONNECT (with its authenticator) is
 * ever written to that server.
 */
final class PeerIdentityTrustManager extends X509ExtendedTrustManager {

   private final X509ExtendedTrustManager trusted;
   private final TlsPeerIdentity identity;

   private PeerIdentityTrustManager(X509ExtendedTrustManager trusted, TlsPeerIdentity identity) {
      this.trusted = trusted;
      this.identity = identity;
   }

   static TrustManager wrap(TrustManagerFactory factory, TlsPeerIdentity identity) {
      for (TrustManager manager : factory.getTrustManagers()) {
         if (manager instanceof X509ExtendedTrustManager x509) {
            return new PeerIdentityTrustManager(x509, identity);
         }
      }
      throw new IllegalStateException("the JDK's trust manager factory made no X509ExtendedTrustManager");
   }

   @Override
   public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      trusted.checkServerTrusted(chain, authType, engine);
      checkIdentity(chain);
   }

   @Override
   public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      trusted.checkServerTrusted(chain, authType, socket);
      checkIdentity(chain);
   }

   @Override
   public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      trusted.checkServerTrusted(chain, authType);
      checkIdentity(chain);
   }

   private void checkIdentity(X509Certificate[] chain) throws CertificateException {
      String mismatch = identity.mismatch(chain[0]);
      if (mismatch != null) {
         throw new CertificateException("the certificate of " + chain[0].getSubjectX500Principal().getName()
                                        + " is not the configured gateway's: " + mismatch);
      }
   }

   // A client context: the other side is always a server.

   @Override
   public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      trusted.checkClientTrusted(chain, authType, engine);
   }

   @Override
   public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      trusted.checkClientTrusted(chain, authType, socket);
   }

   @Override
   public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      trusted.checkClientTrusted(chain, authType);
   }

   @Override
   public X509Certificate[] getAcceptedIssuers() {
      return trusted.getAcceptedIssuers();
   }
}
