package io.smsgw.core.config;

import java.util.Objects;

/**
 * How one of the gateway's outgoing connections uses TLS: an SMSC link, a FWD link to a peer gateway, the connection
 * to the tandem (GNS). The same keys in each section ({@code tls}, {@code tls-trust-store}, ...), read and checked
 * the same way. {@link #toString()} never shows the passwords.
 *
 * @param enabled            connect with TLS
 * @param trustStore         PKCS12 or JKS file with the certificates to trust; "" = the JDK's defaults
 * @param trustStorePassword its password; "" = none
 * @param keyStore           PKCS12 or JKS file with the client certificate and key presented for mutual TLS; "" = none
 * @param keyStorePassword   its password (also the key's); "" = none
 * @param keyAlias           the key store entry to present; "" = its only key entry
 * @param verifyHost         the server's certificate must name the configured host
 * @param peer               which certificate the other gateway must present, in both directions (a peer's entry or
 *                           {@code gns}: {@code tls-peer-name}, {@code tls-peer-sha256}); {@link TlsPeerIdentity#NONE}
 *                           for SMSC links
 */
public record TlsClientConfig(boolean enabled, String trustStore, String trustStorePassword, String keyStore,
                              String keyStorePassword, String keyAlias, boolean verifyHost, TlsPeerIdentity peer) {

   /** Plain text. */
   public static final TlsClientConfig NONE = new TlsClientConfig(false, "", "", "", "", "", true);

   public TlsClientConfig {
      Objects.requireNonNull(trustStore, "trustStore");
      Objects.requireNonNull(trustStorePassword, "trustStorePassword");
      Objects.requireNonNull(keyStore, "keyStore");
      Objects.requireNonNull(keyStorePassword, "keyStorePassword");
      Objects.requireNonNull(keyAlias, "keyAlias");
      Objects.requireNonNull(peer, "peer");
   }

   /** Without a pinned identity (SMSC links). */
   public TlsClientConfig(boolean enabled, String trustStore, String trustStorePassword, String keyStore,
                          String keyStorePassword, String keyAlias, boolean verifyHost) {
      this(enabled, trustStore, trustStorePassword, keyStore, keyStorePassword, keyAlias, verifyHost, TlsPeerIdentity.NONE);
   }

   @Override
   public String toString() {
      if (!enabled) {
         return "TlsClientConfig[off]";
      }
      return "TlsClientConfig[trustStore=" + (trustStore.isEmpty() ? "(JDK)" : trustStore)
         + (keyStore.isEmpty() ? "" : ", keyStore=" + keyStore + (keyAlias.isEmpty() ? "" : " (" + keyAlias + ")"))
         + ", verifyHost=" + verifyHost + (peer.isSet() ? ", peer=" + peer : "") + "]";
   }
}
