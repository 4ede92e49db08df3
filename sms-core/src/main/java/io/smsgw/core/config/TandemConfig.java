package io.smsgw.core.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code tandem} section of {@code sms-gateway.conf}, present only on the tandem gateway (the GNS of
 * CMPP): the gateways of the network and the authoritative MT and MO routes it answers with.
 *
 * @param gateways  the network's gateways by 6-digit code, in file order
 * @param mtRoutes  number segments and the gateway that serves them
 * @param moRoutes  SP_Codes and, per region of the asking gateway, the gateway that serves them
 */
public record TandemConfig(Map<String, Gateway> gateways, List<MtRoute> mtRoutes, List<MoRoute> moRoutes) {

   /** Default FWD port of a gateway (ISMG to ISMG, long connections). */
   public static final int DEFAULT_FWD_PORT = 7930;

   public TandemConfig {
      gateways = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(gateways));
      mtRoutes = List.copyOf(mtRoutes);
      moRoutes = List.copyOf(moRoutes);
   }

   public Optional<Gateway> gateway(String code) {
      return Optional.ofNullable(gateways.get(code));
   }

   /**
    * One gateway of the network. {@link #toString()} never shows the secret.
    *
    * @param code         6-digit ISMG code, its CONNECT Source_Addr towards the tandem
    * @param host         IPv4 address of its FWD acceptor (Gateway_IP in route answers)
    * @param port         port of its FWD acceptor
    * @param region       the region it belongs to; MO routes are chosen by the asking gateway's region
    * @param sharedSecret the secret its CONNECT to the tandem is authenticated with
    * @param allowedIps   addresses its CONNECT to the tandem may come from: its {@code allowed-ips}, else {@code host}
    * @param maxSessions  GNS sessions it may have open with the tandem at once
    */
   public record Gateway(String code, String host, int port, String region, String sharedSecret, List<CidrBlock> allowedIps,
                         int maxSessions) {

      /** One connection, and one more to reconnect while the old one is not yet seen dead. */
      public static final int DEFAULT_MAX_SESSIONS = 2;

      public Gateway {
         Objects.requireNonNull(code, "code");
         Objects.requireNonNull(host, "host");
         Objects.requireNonNull(region, "region");
         Objects.requireNonNull(sharedSecret, "sharedSecret");
         allowedIps = List.copyOf(allowedIps);
         if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions must be at least 1, got " + maxSessions);
         }
      }

      /** CONNECTs from {@code host} only, at most 2 at once. */
      public Gateway(String code, String host, int port, String region, String sharedSecret) {
         this(code, host, port, region, sharedSecret, PeerConfig.literalAddress(host), DEFAULT_MAX_SESSIONS);
      }

      @Override
      public String toString() {
         return "Gateway[" + code + " " + host + ":" + port + " region " + region + "]";
      }
   }

   /**
    * Numbers whose segment lies in [start, end] are served by {@code gateway}. Start and end have the same
    * number of digits (at most 9), e.g. the 7-digit segments "1380000".."1389999".
    *
    * @param areaCode province code written as the provincial capital's area code ("" if unknown)
    * @param userType 0 GoTone, 1 Shenzhouxing, 2 M-Zone
    */
   public record MtRoute(String start, String end, String gateway, String areaCode, int userType) {

      public MtRoute {
         Objects.requireNonNull(start, "start");
         Objects.requireNonNull(end, "end");
         Objects.requireNonNull(gateway, "gateway");
         Objects.requireNonNull(areaCode, "areaCode");
      }
   }

   /**
    * MO for {@code spCode} (and longer numbers starting with it) from a gateway of one of {@code regions}
    * goes to {@code gateway}; empty regions = every region.
    *
    * @param accessType 0: the gateway is the SP's primary access point, 1: a mirror
    */
   public record MoRoute(String spCode, String spId, String serviceId, String gateway, Set<String> regions,
                         int accessType) {

      public MoRoute {
         Objects.requireNonNull(spCode, "spCode");
         Objects.requireNonNull(spId, "spId");
         Objects.requireNonNull(serviceId, "serviceId");
         Objects.requireNonNull(gateway, "gateway");
         regions = Set.copyOf(regions);
      }

      /** Whether a gateway of {@code region} is answered with this route. */
      public boolean servesRegion(String region) {
         return regions.isEmpty() || regions.contains(region);
      }
   }
}
