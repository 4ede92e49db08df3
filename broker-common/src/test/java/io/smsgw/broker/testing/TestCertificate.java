package io.smsgw.broker.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate made in the test with the JDK alone (no keytool process, no BouncyCastle): an EC P-256
 * key and an X.509 v3 certificate for {@code CN=<name>} valid for 127.0.0.1 and localhost, written as a PKCS12 key
 * store (what an acceptor's {@code keyStorePath} names) and a PKCS12 trust store holding only the certificate (what
 * a client or a {@code needClientAuth} acceptor's {@code trustStorePath} names). Both stores use {@link #PASSWORD}.
 */
public final class TestCertificate {

   public static final String PASSWORD = "changeit";

   private final KeyPair keys;
   private final X509Certificate certificate;
   private final Path keyStore;
   private final Path trustStore;

   private TestCertificate(KeyPair keys, X509Certificate certificate, Path keyStore, Path trustStore) {
      this.keys = keys;
      this.certificate = certificate;
      this.keyStore = keyStore;
      this.trustStore = trustStore;
   }

   /** Makes the key and certificate and writes {@code <dir>/<name>.p12} and {@code <dir>/<name>-trust.p12}. */
   public static TestCertificate create(Path dir, String name) {
      return create(dir, name, der(0x30, der(0x87, new byte[] {127, 0, 0, 1}), der(0x82, "localhost".getBytes(StandardCharsets.US_ASCII))));
   }

   /**
    * Like {@link #create}, but the certificate is valid for the host name {@code host} alone (its only subject
    * alternative name), not for 127.0.0.1 or localhost: a peer that checks the name it connected to refuses it there.
    */
   public static TestCertificate createForHost(Path dir, String host) {
      return create(dir, host, der(0x30, der(0x82, host.getBytes(StandardCharsets.US_ASCII))));
   }

   private static TestCertificate create(Path dir, String name, byte[] altNames) {
      try {
         KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
         generator.initialize(new ECGenParameterSpec("secp256r1"));
         KeyPair keys = generator.generateKeyPair();
         X509Certificate certificate = selfSigned(keys, name, altNames);

         KeyStore store = KeyStore.getInstance("PKCS12");
         store.load(null, null);
         store.setKeyEntry(name, keys.getPrivate(), PASSWORD.toCharArray(), new java.security.cert.Certificate[] {certificate});
         Path keyStore = write(store, dir.resolve(name + ".p12"));

         KeyStore trust = KeyStore.getInstance("PKCS12");
         trust.load(null, null);
         trust.setCertificateEntry(name, certificate);
         Path trustStore = write(trust, dir.resolve(name + "-trust.p12"));
         return new TestCertificate(keys, certificate, keyStore, trustStore);
      } catch (GeneralSecurityException e) {
         throw new IllegalStateException("making a test certificate", e);
      } catch (IOException e) {
         throw new UncheckedIOException(e);
      }
   }

   public Path keyStore() {
      return keyStore;
   }

   public Path trustStore() {
      return trustStore;
   }

   public X509Certificate certificate() {
      return certificate;
   }

   /**
    * A PKCS12 trust store at {@code file} holding all of {@code certificates}: an acceptor trusting several gateways,
    * as one trusting their common CA would.
    */
   public static Path trustStoreOf(Path file, TestCertificate... certificates) {
      try {
         KeyStore trust = KeyStore.getInstance("PKCS12");
         trust.load(null, null);
         for (int i = 0; i < certificates.length; i++) {
            trust.setCertificateEntry("trusted-" + i, certificates[i].certificate);
         }
         return write(trust, file);
      } catch (GeneralSecurityException e) {
         throw new IllegalStateException("writing a trust store", e);
      } catch (IOException e) {
         throw new UncheckedIOException(e);
      }
   }

   /** Acceptor URL parameters for mutual TLS: this certificate, and clients presenting one {@code trustStore} holds. */
   public String mutualAcceptorParameters(Path trustStore) {
      return acceptorParameters() + ";needClientAuth=true;trustStorePath=" + trustStore + ";trustStorePassword="
         + PASSWORD + ";trustStoreType=PKCS12";
   }

   /** Acceptor URL parameters for TLS with this certificate, to append to {@code protocols=...}. */
   public String acceptorParameters() {
      return ";sslEnabled=true;keyStorePath=" + keyStore + ";keyStorePassword=" + PASSWORD + ";keyStoreType=PKCS12";
   }

   /** Acceptor URL parameters for mutual TLS: this certificate, and only clients presenting {@code client}'s. */
   public String mutualAcceptorParameters(TestCertificate client) {
      return acceptorParameters() + ";needClientAuth=true;trustStorePath=" + client.trustStore() + ";trustStorePassword="
         + PASSWORD + ";trustStoreType=PKCS12";
   }

   /** A client's TLS context that trusts this certificate only and presents none of its own. */
   public SSLContext clientContext() {
      return context(null, this);
   }

   /** A TLS context presenting {@code own} (null: none) and trusting {@code trusted} only. */
   public static SSLContext context(TestCertificate own, TestCertificate trusted) {
      try {
         KeyManagerFactory keyManagers = null;
         if (own != null) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("own", own.keys.getPrivate(), PASSWORD.toCharArray(), new java.security.cert.Certificate[] {own.certificate});
            keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(store, PASSWORD.toCharArray());
         }
         KeyStore trust = KeyStore.getInstance("PKCS12");
         trust.load(null, null);
         trust.setCertificateEntry("trusted", trusted.certificate);
         TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
         trustManagers.init(trust);
         SSLContext context = SSLContext.getInstance("TLS");
         context.init(keyManagers == null ? null : keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
         return context;
      } catch (GeneralSecurityException | IOException e) {
         throw new IllegalStateException("building a TLS context", e);
      }
   }

   private static Path write(KeyStore store, Path file) throws IOException, GeneralSecurityException {
      try (OutputStream out = Files.newOutputStream(file)) {
         store.store(out, PASSWORD.toCharArray());
      }
      return file;
   }

   // ---------------------------------------------------------------- the certificate in DER (RFC 5280)

   private static final byte[] ECDSA_WITH_SHA256 = {0x06, 0x08, 0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x04, 0x03, 0x02};
   private static final byte[] COMMON_NAME = {0x06, 0x03, 0x55, 0x04, 0x03};
   private static final byte[] SUBJECT_ALT_NAME = {0x06, 0x03, 0x55, 0x1D, 0x11};
   private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

   private static X509Certificate selfSigned(KeyPair keys, String name, byte[] altNames) throws GeneralSecurityException {
      byte[] algorithm = der(0x30, ECDSA_WITH_SHA256);
      byte[] subject = der(0x30, der(0x31, der(0x30, COMMON_NAME, der(0x0C, name.getBytes(StandardCharsets.UTF_8)))));
      Instant now = Instant.now();
      byte[] validity = der(0x30, utcTime(now.minus(1, ChronoUnit.DAYS)), utcTime(now.plus(2, ChronoUnit.DAYS)));
      byte[] extensions = der(0xA3, der(0x30, der(0x30, SUBJECT_ALT_NAME, der(0x04, altNames))));
      byte[] tbs = der(0x30,
                       der(0xA0, der(0x02, new byte[] {2})),                     // version 3
                       der(0x02, new BigInteger(63, new SecureRandom()).add(BigInteger.ONE).toByteArray()),
                       algorithm,
                       subject,                                                  // issuer: itself
                       validity,
                       subject,
                       keys.getPublic().getEncoded(),                            // SubjectPublicKeyInfo
                       extensions);
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(keys.getPrivate());
      signer.update(tbs);
      byte[] signature = signer.sign();
      byte[] bits = new byte[signature.length + 1]; // BIT STRING: no unused bits
      System.arraycopy(signature, 0, bits, 1, signature.length);
      byte[] encoded = der(0x30, tbs, algorithm, der(0x03, bits));
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(encoded));
   }

   private static byte[] utcTime(Instant instant) {
      return der(0x17, UTC_TIME.format(instant).getBytes(StandardCharsets.US_ASCII));
   }

   /** One DER element: tag, definite length, then the parts' bytes one after the other. */
   private static byte[] der(int tag, byte[]... parts) {
      ByteArrayOutputStream content = new ByteArrayOutputStream();
      for (byte[] part : parts) {
         content.writeBytes(part);
      }
      int length = content.size();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(tag);
      if (length < 0x80) {
         out.write(length);
      } else if (length < 0x100) {
         out.write(0x81);
         out.write(length);
      } else {
         out.write(0x82);
         out.write(length >>> 8);
         out.write(length);
      }
      out.writeBytes(content.toByteArray());
      return out.toByteArray();
   }
}
