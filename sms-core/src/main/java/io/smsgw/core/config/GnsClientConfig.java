package io.smsgw.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code gns} section of {@code sms-gateway.conf}: how this gateway reaches the tandem gateway (GNS)
 * for routes. It connects with CMPP CONNECT, Source_Addr = its own {@code gateway.code} and this secret.
 * {@link #toString()} never shows the secret.
 *
 * @param host          tandem gateway host
 * @param port          port of the tandem's acceptor for gateways ({@code cmppAcceptPeers=true}), which answers GNS
 *                      (default 7930, that acceptor's port in the shipped broker.xml; not the 9168 of the CMPP 3.0
 *                      port table, where the tandem listens only if given an acceptor there)
 * @param sharedSecret  CONNECT secret, the tandem's {@code tandem.gateways.<code>.shared-secret}
 * @param refresh       the whole route cache is reloaded this often; zero = only on (re)connect
 * @param queryTimeout  a route query unanswered this long fails
 * @param reconnectMin  first reconnect delay; doubles up to reconnectMax
 * @param reconnectMax  longest reconnect delay
 * @param tls           how the connection uses TLS ({@code tls}, {@code tls-trust-store}, ... as an SMSC link's)
 * @param verifyIsmg    whether the tandem's AuthenticatorISMG is checked ({@code verify-ismg}, true): a CONNECT_RESP
 *                      that does not prove the tandem knows the shared secret is refused; false only for another
 *                      vendor's tandem that hashes Status at another width
 */
public record GnsClientConfig(String host, int port, String sharedSecret, Duration refresh, Duration queryTimeout,
                              Duration reconnectMin, Duration reconnectMax, TlsClientConfig tls, boolean verifyIsmg) {

   /** The tandem's acceptor for gateways: its SP acceptor (7890) refuses them (decision 90). */
   public static final int DEFAULT_PORT = TandemConfig.DEFAULT_FWD_PORT;
   public static final Duration DEFAULT_REFRESH = Duration.ofMinutes(10);
   public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(5);
   public static final Duration DEFAULT_RECONNECT_MIN = Duration.ofSeconds(1);
   public static final Duration DEFAULT_RECONNECT_MAX = Duration.ofSeconds(60);

   public GnsClientConfig {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(sharedSecret, "sharedSecret");
      Objects.requireNonNull(refresh, "refresh");
      Objects.requireNonNull(queryTimeout, "queryTimeout");
      Objects.requireNonNull(reconnectMin, "reconnectMin");
      Objects.requireNonNull(reconnectMax, "reconnectMax");
      Objects.requireNonNull(tls, "tls");
      if (port < 1 || port > 65535) {
         throw new IllegalArgumentException("port must be 1-65535, got " + port);
      }
      if (queryTimeout.isZero() || queryTimeout.isNegative()) {
         throw new IllegalArgumentException("queryTimeout must be positive, got " + queryTimeout);
      }
      if (reconnectMin.isZero() || reconnectMin.isNegative() || reconnectMax.compareTo(reconnectMin) < 0) {
         throw new IllegalArgumentException("need 0 < reconnectMin <= reconnectMax, got " + reconnectMin + ", " + reconnectMax);
      }
      if (refresh.isNegative()) {
         throw new IllegalArgumentException("refresh must not be negative, got " + refresh);
      }
   }

   /** Checking the tandem's AuthenticatorISMG. */
   public GnsClientConfig(String host, int port, String sharedSecret, Duration refresh, Duration queryTimeout,
                          Duration reconnectMin, Duration reconnectMax, TlsClientConfig tls) {
      this(host, port, sharedSecret, refresh, queryTimeout, reconnectMin, reconnectMax, tls, true);
   }

   /** Without TLS. */
   public GnsClientConfig(String host, int port, String sharedSecret, Duration refresh, Duration queryTimeout,
                          Duration reconnectMin, Duration reconnectMax) {
      this(host, port, sharedSecret, refresh, queryTimeout, reconnectMin, reconnectMax, TlsClientConfig.NONE);
   }

   /** The documented defaults for refresh, timeouts and backoff. */
   public GnsClientConfig(String host, int port, String sharedSecret) {
      this(host, port, sharedSecret, DEFAULT_REFRESH, DEFAULT_QUERY_TIMEOUT, DEFAULT_RECONNECT_MIN, DEFAULT_RECONNECT_MAX);
   }

   @Override
   public String toString() {
      return "GnsClientConfig[" + host + ":" + port + " refresh " + refresh + " query-timeout " + queryTimeout
         + (tls.enabled() ? " TLS" : "") + (verifyIsmg ? "" : " verify-ismg=false") + "]";
   }
}
