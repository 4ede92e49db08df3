package io.smsgw.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * One entry of the {@code peers} section of {@code sms-gateway.conf}: a peer gateway this gateway exchanges
 * CMPP_FWD with. This gateway keeps one outgoing long connection to it (consuming {@code sms.gw.<code>}) and
 * accepts the peer's own connection when its CONNECT carries Source_Addr = {@code code} and this secret.
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
 */
public record PeerConfig(String code, String host, int port, String sharedSecret, int window, Duration reconnectMin,
                         Duration reconnectMax, Duration responseTimeout) {

   public static final int DEFAULT_PORT = TandemConfig.DEFAULT_FWD_PORT;
   public static final int DEFAULT_WINDOW = 16;
   public static final Duration DEFAULT_RECONNECT_MIN = Duration.ofSeconds(1);
   public static final Duration DEFAULT_RECONNECT_MAX = Duration.ofSeconds(60);
   public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(30);

   public PeerConfig {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(sharedSecret, "sharedSecret");
      Objects.requireNonNull(reconnectMin, "reconnectMin");
      Objects.requireNonNull(reconnectMax, "reconnectMax");
      Objects.requireNonNull(responseTimeout, "responseTimeout");
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
   }

   /** The documented defaults for window, backoff and response timeout. */
   public PeerConfig(String code, String host, int port, String sharedSecret) {
      this(code, host, port, sharedSecret, DEFAULT_WINDOW, DEFAULT_RECONNECT_MIN, DEFAULT_RECONNECT_MAX,
           DEFAULT_RESPONSE_TIMEOUT);
   }

   @Override
   public String toString() {
      return "PeerConfig[" + code + " " + host + ":" + port + " window " + window + "]";
   }
}
