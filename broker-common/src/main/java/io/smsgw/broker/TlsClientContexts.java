package io.smsgw.broker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.smsgw.core.config.TlsClientConfig;

/**
 * The TLS client contexts of the gateway's outgoing connections (SMSC links, FWD links, the GNS client), built once
 * per start or reload off the event loops: reading a key store and building a context takes milliseconds, too long
 * for a connection attempt on an event loop, and a store that cannot be read should stop the start, not each attempt.
 */
public final class TlsClientContexts {

   private TlsClientContexts() {
   }

   /**
    * The JDK's trusted certificates, or those of the trust store; the client certificate of the key store, if any;
    * and, unless turned off, a check that the server's certificate names the host connected to (Netty's client
    * context does not check it by default: any certificate the trust store vouches for would do); with
    * {@code tls-peer-name} / {@code tls-peer-sha256}, a check that it is that gateway's certificate. A store that
    * cannot be read, or a key store without a usable key, is an {@link IllegalStateException} naming {@code owner}
    * ("SMSC link x", "FWD link to gateway 020001"), the setting and the file, never a password.
    */
   public static SslContext build(String owner, TlsClientConfig config) {
      SslContextBuilder builder = SslContextBuilder.forClient();
      if (!config.trustStore().isEmpty() || config.peer().isSet()) {
         KeyStore store = config.trustStore().isEmpty() ? null // the JDK's, as without a trust store
            : load(owner, "tls-trust-store", config.trustStore(), config.trustStorePassword());
         try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            if (config.peer().isSet()) {
               builder.trustManager(PeerIdentityTrustManager.wrap(trust, config.peer()));
            } else {
               builder.trustManager(trust);
            }
         } catch (GeneralSecurityException e) {
            throw storeProblem(owner, "tls-trust-store", config.trustStore(), e.toString(), e);
         }
      }
      if (!config.keyStore().isEmpty()) {
         clientCertificate(owner, config, builder);
      }
      if (config.verifyHost()) {
         builder.endpointIdentificationAlgorithm("HTTPS");
      }
      try {
         return builder.build();
      } catch (SSLException e) {
         throw new IllegalStateException(owner + ": cannot set up TLS: " + e.getMessage(), e);
      }
   }

   /**
    * The TLS failure in {@code cause} said as one (the SslHandler wraps it in a DecoderException), or null when it
    * is none: a certificate not trusted or naming another host, a server that wants a client certificate. With
    * {@code presentsCertificate} false, a server's refusal for want of one gets a hint to {@code tls-key-store}.
    */
   public static String failure(Throwable cause, boolean presentsCertificate) {
      for (Throwable t = cause; t != null; t = t.getCause()) {
         if (t instanceof SSLException) {
            String message = t.getMessage();
            String hint = "";
            if (!presentsCertificate && message != null
                && (message.contains("certificate_required") || message.contains("bad_certificate"))) {
               hint = "; no client certificate is presented (tls-key-store)";
            }
            return message + hint;
         }
      }
      return null;
   }

   /** The key store's entry {@code tls-key-alias}, or its only key entry, as the certificate presented. */
   private static void clientCertificate(String owner, TlsClientConfig config, SslContextBuilder builder) {
      KeyStore store = load(owner, "tls-key-store", config.keyStore(), config.keyStorePassword());
      try {
         String alias = config.keyAlias();
         if (alias.isEmpty()) {
            List<String> keys = new ArrayList<>();
            for (String each : Collections.list(store.aliases())) {
               if (store.isKeyEntry(each)) {
                  keys.add(each);
               }
            }
            if (keys.size() != 1) {
               throw storeProblem(owner, "tls-key-store", config.keyStore(), keys.isEmpty()
                  ? "it holds no private key (a trust store?)"
                  : "it holds " + keys.size() + " private keys " + keys + ": name one with tls-key-alias", null);
            }
            alias = keys.get(0);
         } else if (!store.isKeyEntry(alias)) {
            throw storeProblem(owner, "tls-key-store", config.keyStore(), "no private key under tls-key-alias \"" + alias + "\"", null);
         }
         Key key = store.getKey(alias, config.keyStorePassword().toCharArray());
         Certificate[] chain = store.getCertificateChain(alias);
         if (!(key instanceof PrivateKey privateKey) || chain == null || chain.length == 0) {
            throw storeProblem(owner, "tls-key-store", config.keyStore(), "entry \"" + alias + "\" is no private key with a certificate", null);
         }
         X509Certificate[] certificates = new X509Certificate[chain.length];
         for (int i = 0; i < chain.length; i++) {
            certificates[i] = (X509Certificate) chain[i];
         }
         builder.keyManager(privateKey, certificates);
      } catch (GeneralSecurityException | ClassCastException e) {
         // UnrecoverableKeyException: the key has a password of its own (JKS), not the store's
         throw storeProblem(owner, "tls-key-store", config.keyStore(), e.toString(), e);
      }
   }

   private static KeyStore load(String owner, String key, String file, String password) {
      try {
         KeyStore store = KeyStore.getInstance(file.toLowerCase(Locale.ROOT).endsWith(".jks") ? "JKS" : "PKCS12");
         try (InputStream in = Files.newInputStream(Path.of(file))) {
            store.load(in, password.isEmpty() ? null : password.toCharArray());
         }
         return store;
      } catch (IOException | GeneralSecurityException e) {
         // "keystore password was incorrect", a file that is no key store...; never the password itself
         throw storeProblem(owner, key, file, e.toString(), e);
      }
   }

   private static IllegalStateException storeProblem(String owner, String key, String file, String what, Exception cause) {
      return new IllegalStateException(owner + ": cannot use its " + key + " \"" + file + "\": " + what, cause);
   }
}
