package io.smsgw.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One entry of the {@code peers} section of {@code sms-gateway.conf}: a peer gateway this gateway exchanges
 * CMPP_FWD with. This gateway keeps one outgoing long connection to it (consuming {@code sms.gw.<code>}) and
 * accepts the peer's own connection when its CONNECT carries Source_Addr = {@code code} and this secret, comes
 * from one of {@code allowedIps} and arrives on an acceptor with {@code cmppAcceptPeers=true}.
 * {@link #toString()} never shows the secret.
 *
 * @param code            the peer's 6-digit gateway code (Destination_Id of what we forward to it)
 * @param host            host of the peer's FWD acceptor
 * @param port            its port (7930 by default)
 * @param sharedSecret    secret of both CONNECTs: ours to the peer and the peer's to us
 * @param window          messages sent without all their FWD_RESPs yet (a long message's parts count once)
 * @param reconnectMin    first reconnect delay; doubles up to reconnectMax
 * @param reconnectMax    longest reconnect delay
 * @param responseTimeout a FWD or ACTIVE_TEST unanswered this long counts as lost
 * @param allowedIps      addresses the peer's CONNECT may come from: its {@code allowed-ips}, or else the addresses
 *                        {@code host} resolved to when the configuration was loaded; empty = none (a host that did
 *                        not resolve)
 * @param maxSessions     FWD sessions the peer may have open with this gateway at once
 * @param tls             how the outgoing link uses TLS ({@code tls}, {@code tls-trust-store}, ... as an SMSC link's)
 * @param verifyIsmg      whether the outgoing link checks the peer's AuthenticatorISMG ({@code verify-ismg}, true): a
 *                        CONNECT_RESP that does not prove the peer knows the shared secret is refused; false only for
 *                        another vendor's ISMG that hashes Status at another width
 * @param reportWait      {@code report-wait}: how long after an MT's own deadline (its validity, or 48 h from the forward
 *                        without one) plus one hour (the peer's own grace before it reports EXPIRED) this gateway still
 *                        waits for the peer's final report on an MT forwarded to it, before it makes the MT's final
 *                        report itself (UNKNOWN, error 112); the allowance for a peer link that was down meanwhile
 */
public record PeerConfig(String code, String host, int port, String sharedSecret, int window, Duration reconnectMin,
                         Duration reconnectMax, Duration responseTimeout, List<CidrBlock> allowedIps, int maxSessions,
                         TlsClientConfig tls, boolean verifyIsmg, Duration reportWait) {

   public static final int DEFAULT_PORT = TandemConfig.DEFAULT_FWD_PORT;
   public static final int DEFAULT_WINDOW = 16;
   public static final Duration DEFAULT_RECONNECT_MIN = Duration.ofSeconds(1);
   public static final Duration DEFAULT_RECONNECT_MAX = Duration.ofSeconds(60);
   public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(30);
   /** A peer keeps one connection; the second lets it reconnect while its old one is not yet seen dead here. */
   public static final int DEFAULT_MAX_SESSIONS = 2;
   /** Default {@code report-wait}: a day beyond the peer's own deadline for its EXPIRED report. */
   public static final Duration DEFAULT_REPORT_WAIT = Duration.ofHours(24);

   public PeerConfig {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(sharedSecret, "sharedSecret");
      Objects.requireNonNull(reconnectMin, "reconnectMin");
      Objects.requireNonNull(reconnectMax, "reconnectMax");
      Objects.requireNonNull(responseTimeout, "responseTimeout");
      Objects.requireNonNull(tls, "tls");
      Objects.requireNonNull(reportWait, "reportWait");
      allowedIps = List.copyOf(allowedIps);
      if (!GatewayConfig.isGatewayCode(code)) {
         throw new IllegalArgumentException("peer code must be 6 digits, got " + code);
      }
      if (port < 1 || port > 65535) {
         throw new IllegalArgumentException("port must be 1-65535, got " + port);
      }
      if (window < 1) {
         throw new IllegalArgumentException("window must be at least 1, got " + window);
      }
      if (reconnectMin.isZero() || reconnectMin.isNegative() || reconnectMax.compareTo(reconnectMin) < 0) {
         throw new IllegalArgumentException("need 0 < reconnectMin <= reconnectMax, got " + reconnectMin + ", " + reconnectMax);
      }
      if (responseTimeout.isZero() || responseTimeout.isNegative()) {
         throw new IllegalArgumentException("responseTimeout must be positive, got " + responseTimeout);
      }
      if (maxSessions < 1) {
         throw new IllegalArgumentException("maxSessions must be at least 1, got " + maxSessions);
      }
      if (reportWait.isNegative()) {
         throw new IllegalArgumentException("reportWait must not be negative, got " + reportWait);
      }
   }

   /** The default {@code report-wait}. */
   public PeerConfig(String code, String host, int port, String sharedSecret, int window, Duration reconnectMin,
                     Duration reconnectMax, Duration responseTimeout, List<CidrBlock> allowedIps, int maxSessions,
                     TlsClientConfig tls, boolean verifyIsmg) {
      this(code, host, port, sharedSecret, window, reconnectMin, reconnectMax, responseTimeout, allowedIps, maxSessions, tls,
           verifyIsmg, DEFAULT_REPORT_WAIT);
   }

   /** Checking the peer's AuthenticatorISMG. */
   public PeerConfig(String code, String host, int port, String sharedSecret, int window, Duration reconnectMin,
                     Duration reconnectMax, Duration responseTimeout, List<CidrBlock> allowedIps, int maxSessions,
                     TlsClientConfig tls) {
      this(code, host, port, sharedSecret, window, reconnectMin, reconnectMax, responseTimeout, allowedIps, maxSessions, tls,
           true);
   }

   /** Without TLS. */
   public PeerConfig(String code, String host, int port, String sharedSecret, int window, Duration reconnectMin,
                     Duration reconnectMax, Duration responseTimeout, List<CidrBlock> allowedIps, int maxSessions) {
      this(code, host, port, sharedSecret, window, reconnectMin, reconnectMax, responseTimeout, allowedIps, maxSessions,
           TlsClientConfig.NONE);
   }

   /** Connections allowed from {@code host} only when it is an address literal (no DNS lookup here), at most 2. */
   public PeerConfig(String code, String host, int port, String sharedSecret, int window, Duration reconnectMin,
                     Duration reconnectMax, Duration responseTimeout) {
      this(code, host, port, sharedSecret, window, reconnectMin, reconnectMax, responseTimeout, literalAddress(host),
           DEFAULT_MAX_SESSIONS);
   }

   /** The documented defaults for window, backoff and response timeout. */
   public PeerConfig(String code, String host, int port, String sharedSecret) {
      this(code, host, port, sharedSecret, DEFAULT_WINDOW, DEFAULT_RECONNECT_MIN, DEFAULT_RECONNECT_MAX,
           DEFAULT_RESPONSE_TIMEOUT);
   }

   /** {@code host} as a one-address block when it is an IP literal, else nothing. */
   public static List<CidrBlock> literalAddress(String host) {
      try {
         return List.of(CidrBlock.parse(host));
      } catch (IllegalArgumentException notALiteral) {
         return List.of();
      }
   }

   /**
    * What the outgoing link uses (all but {@code allowedIps} and {@code maxSessions}, which incoming CONNECTs are
    * checked against as soon as a reload installs them).
    */
   public LinkSettings linkSettings() {
      return new LinkSettings(code, host, port, sharedSecret, window, reconnectMin, reconnectMax, responseTimeout, tls,
                              verifyIsmg);
   }

   /** What the outgoing link uses, compared on reload; {@link #toString()} never shows the secret. */
   public record LinkSettings(String code, String host, int port, String sharedSecret, int window, Duration reconnectMin,
                              Duration reconnectMax, Duration responseTimeout, TlsClientConfig tls, boolean verifyIsmg) {
      @Override
      public String toString() {
         return "LinkSettings[code=" + code + ", host=" + host + ", port=" + port + ", sharedSecret=***, window=" + window
            + ", reconnectMin=" + reconnectMin + ", reconnectMax=" + reconnectMax + ", responseTimeout=" + responseTimeout
            + ", tls=" + tls + ", verifyIsmg=" + verifyIsmg + "]";
      }
   }

   @Override
   public String toString() {
      return "PeerConfig[" + code + " " + host + ":" + port + " window " + window + (tls.enabled() ? " TLS" : "")
         + (verifyIsmg ? "" : " verify-ismg=false")
         + (reportWait.equals(DEFAULT_REPORT_WAIT) ? "" : " report-wait=" + reportWait) + "]";
   }
}
