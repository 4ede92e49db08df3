package io.smsgw.broker;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
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
      return load(owner, config).context();
   }

   /**
    * What a context was built from: the SHA-256 of each store file's bytes ("" for a store not configured). The setting
    * names a path, and operators renew a certificate by replacing the file at that path: a reload compares these to
    * notice it, since the configuration's text is the same.
    */
   public record Stores(String trustStore, String keyStore) {

      /** The settings ({@code tls-trust-store}, {@code tls-key-store}) whose file differs from {@code before}'s. */
      public List<String> changedSince(Stores before) {
         List<String> changed = new ArrayList<>(2);
         if (!trustStore.equals(before.trustStore)) {
            changed.add("tls-trust-store");
         }
         if (!keyStore.equals(before.keyStore)) {
            changed.add("tls-key-store");
         }
         return changed;
      }
   }

   /** A context and the store files' digests it was built from (each file read once, so both say the same). */
   public record Loaded(SslContext context, Stores stores) {
   }

   /**
    * The digests of the store files as they are now, without building a context: what a reload compares with the
    * {@link Loaded#stores()} of a running connection. A file that cannot be read is the same
    * {@link IllegalStateException} as in {@link #build}.
    */
   public static Stores stores(String owner, TlsClientConfig config) {
      return new Stores(digest(read(owner, "tls-trust-store", config.trustStore())),
                        digest(read(owner, "tls-key-store", config.keyStore())));
   }

   /** {@link #build}, with the digests of the bytes the context was built from. */
   public static Loaded load(String owner, TlsClientConfig config) {
      byte[] trustBytes = read(owner, "tls-trust-store", config.trustStore());
      byte[] keyBytes = read(owner, "tls-key-store", config.keyStore());
      SslContextBuilder builder = SslContextBuilder.forClient();
      if (trustBytes != null || config.peer().isSet()) {
         KeyStore store = trustBytes == null ? null // the JDK's, as without a trust store
            : load(owner, "tls-trust-store", config.trustStore(), trustBytes, config.trustStorePassword());
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
      if (keyBytes != null) {
         clientCertificate(owner, config, keyBytes, builder);
      }
      if (config.verifyHost()) {
         builder.endpointIdentificationAlgorithm("HTTPS");
      }
      try {
         return new Loaded(builder.build(), new Stores(digest(trustBytes), digest(keyBytes)));
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
   private static void clientCertificate(String owner, TlsClientConfig config, byte[] bytes, SslContextBuilder builder) {
      KeyStore store = load(owner, "tls-key-store", config.keyStore(), bytes, config.keyStorePassword());
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

   /** The file's bytes; null when the setting is empty (none configured). */
   private static byte[] read(String owner, String key, String file) {
      if (file.isEmpty()) {
         return null;
      }
      try {
         return Files.readAllBytes(Path.of(file));
      } catch (IOException | RuntimeException e) {
         throw storeProblem(owner, key, file, e.toString(), e);
      }
   }

   private static String digest(byte[] bytes) {
      if (bytes == null) {
         return "";
      }
      try {
         return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
      } catch (GeneralSecurityException e) {
         throw new IllegalStateException("SHA-256 is missing from this JDK", e);
      }
   }

   private static KeyStore load(String owner, String key, String file, byte[] bytes, String password) {
      try {
         KeyStore store = KeyStore.getInstance(file.toLowerCase(Locale.ROOT).endsWith(".jks") ? "JKS" : "PKCS12");
         store.load(new ByteArrayInputStream(bytes), password.isEmpty() ? null : password.toCharArray());
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
