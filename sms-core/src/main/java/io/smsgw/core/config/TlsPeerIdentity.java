package io.smsgw.core.config;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Which certificate another gateway must present over TLS ({@code tls-peer-name}, {@code tls-peer-sha256} of a
 * {@code peers} entry or the {@code gns} section): checked on the certificate a peer's CONNECT comes with at the
 * acceptor for gateways, and on the certificate the peer's or the tandem's acceptor shows the outgoing link. A trust
 * store vouches only that some trusted party issued a certificate; this ties the certificate to one gateway.
 *
 * <p>A name matches a DNS name of the certificate's subjectAltName, or its subject CN when it has no DNS name
 * (RFC 6125's order), exactly, ignoring case; a wildcard in the certificate matches no configured name (a wildcard
 * certificate names many gateways). A fingerprint is the SHA-256 of the certificate's DER encoding, as
 * {@code keytool -list -v} and {@code openssl x509 -fingerprint -sha256} show it, kept here as 64 upper-case hex
 * digits. Each list holds one or more (several while a certificate is replaced); when both are set the certificate
 * must match one of each.
 *
 * @param names   accepted names; empty = no name check
 * @param sha256  accepted fingerprints, 64 upper-case hex digits each; empty = no fingerprint check
 */
public record TlsPeerIdentity(List<String> names, List<String> sha256) {

   /** No check: any certificate the trust store vouches for (and, outgoing, naming the host) is taken. */
   public static final TlsPeerIdentity NONE = new TlsPeerIdentity(List.of(), List.of());

   public TlsPeerIdentity {
      names = List.copyOf(names);
      sha256 = List.copyOf(sha256);
      for (String fingerprint : sha256) {
         if (fingerprint.length() != 64 || !fingerprint.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'))) {
            throw new IllegalArgumentException("a fingerprint must be 64 upper-case hex digits, got " + fingerprint);
         }
      }
   }

   public boolean isSet() {
      return !names.isEmpty() || !sha256.isEmpty();
   }

   /**
    * {@code text} as a fingerprint (hex, in pairs separated by colons or not, any case), or null when it is no
    * SHA-256 fingerprint (wrong length, no hex digit).
    */
   public static String parseSha256(String text) {
      String hex = text.replace(":", "").replace(" ", "").toUpperCase(Locale.ROOT);
      if (hex.length() != 64 || !hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'))) {
         return null;
      }
      return hex;
   }

   /** The fingerprint of {@code certificate} as operators read it: 32 hex pairs separated by colons. */
   public static String sha256Of(X509Certificate certificate) {
      try {
         byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
         return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
      } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
         throw new IllegalStateException("cannot take the SHA-256 of a certificate", e);
      }
   }

   /**
    * Null when {@code certificate} (the leaf of the chain presented) is this identity, else what does not match, for
    * the log: "its names [a, b] are not tls-peer-name [c]" or "its SHA-256 AB:.. is not a tls-peer-sha256".
    */
   public String mismatch(X509Certificate certificate) {
      if (!names.isEmpty()) {
         List<String> presented = namesOf(certificate);
         boolean named = false;
         for (String name : presented) {
            for (String wanted : names) {
               named |= !name.startsWith("*") && name.equalsIgnoreCase(wanted);
            }
         }
         if (!named) {
            return "its names " + presented + " are not tls-peer-name " + names;
         }
      }
      if (!sha256.isEmpty()) {
         String fingerprint = sha256Of(certificate);
         if (!sha256.contains(fingerprint.replace(":", ""))) {
            return "its SHA-256 " + fingerprint + " is not a tls-peer-sha256";
         }
      }
      return null;
   }

   /** The DNS names of the subjectAltName, or else the subject's CN(s). */
   static List<String> namesOf(X509Certificate certificate) {
      List<String> dns = new ArrayList<>();
      try {
         Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
         if (alternatives != null) {
            for (List<?> alternative : alternatives) {
               if (alternative.size() >= 2 && Integer.valueOf(2).equals(alternative.get(0)) && alternative.get(1) instanceof String name) {
                  dns.add(name);
               }
            }
         }
      } catch (CertificateParsingException unreadable) {
         // no names from an extension that cannot be read: the CN below, or nothing matches
      }
      if (!dns.isEmpty()) {
         return dns;
      }
      try {
         for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
            if (rdn.getType().equalsIgnoreCase("CN") && rdn.getValue() instanceof String cn) {
               dns.add(cn);
            }
         }
      } catch (InvalidNameException unreadable) {
         // nothing matches
      }
      return dns;
   }

   @Override
   public String toString() {
      if (!isSet()) {
         return "any";
      }
      return (names.isEmpty() ? "" : "names " + names) + (names.isEmpty() || sha256.isEmpty() ? "" : ", ")
         + (sha256.isEmpty() ? "" : sha256.size() + " SHA-256 fingerprint(s)");
   }
}
