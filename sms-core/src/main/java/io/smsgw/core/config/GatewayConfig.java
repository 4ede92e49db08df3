package io.smsgw.core.config;

import java.util.Objects;

/**
 * The gateway configuration ({@code sms-gateway.conf}): this gateway's identity and its accounts.
 *
 * @param code     6-digit ISMG code, e.g. "001001"; its numeric value goes into CMPP Msg_Ids
 * @param name     free-form name for logs and management
 * @param accounts SP/ESME accounts
 * @param links    outbound SMSC links, in file order
 * @param routes   MT and MO routes
 * @param billing  which final states and fee types are billable
 * @param tandem   the tandem gateway (GNS) role: network gateways and authoritative routes; null when absent
 * @param gns      how to reach the tandem gateway for routes; null when absent
 * @param peers    peer gateways exchanging CMPP_FWD with this one, by code in file order; empty when absent
 * @param maxHops  {@code gateway.max-hops}: a message is not forwarded when its NodesCount would exceed this
 */
public record GatewayConfig(String code, String name, AccountRegistry accounts, java.util.List<SmscLinkConfig> links,
                            RouteConfig routes, BillingPolicy billing, TandemConfig tandem, GnsClientConfig gns,
                            java.util.Map<String, PeerConfig> peers, int maxHops) {

   public static final String DEFAULT_NAME = "sms-gateway";
   public static final int CODE_LENGTH = 6;
   /** Default {@code gateway.max-hops}. */
   public static final int DEFAULT_MAX_HOPS = 5;

   public GatewayConfig {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(accounts, "accounts");
      links = java.util.List.copyOf(links);
      Objects.requireNonNull(routes, "routes");
      Objects.requireNonNull(billing, "billing");
      peers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(peers));
      if (maxHops < 1) {
         throw new IllegalArgumentException("maxHops must be at least 1, got " + maxHops);
      }
      if (!isGatewayCode(code)) {
         throw new IllegalArgumentException("gateway code must be 6 digits, got " + code);
      }
   }

   /** A configuration without peer gateways. */
   public GatewayConfig(String code, String name, AccountRegistry accounts, java.util.List<SmscLinkConfig> links,
                        RouteConfig routes, BillingPolicy billing, TandemConfig tandem, GnsClientConfig gns) {
      this(code, name, accounts, links, routes, billing, tandem, gns, java.util.Map.of(), DEFAULT_MAX_HOPS);
   }

   /** A configuration without the tandem and GNS roles. */
   public GatewayConfig(String code, String name, AccountRegistry accounts, java.util.List<SmscLinkConfig> links,
                        RouteConfig routes, BillingPolicy billing) {
      this(code, name, accounts, links, routes, billing, null, null);
   }

   /** A configuration without SMSC links. */
   public GatewayConfig(String code, String name, AccountRegistry accounts) {
      this(code, name, accounts, java.util.List.of(), RouteConfig.NONE, BillingPolicy.DEFAULT);
   }

   /** Whether this gateway is the tandem gateway (has a {@code tandem} section). */
   public boolean isTandem() {
      return tandem != null;
   }

   /** The peer gateway with this code, if configured. */
   public java.util.Optional<PeerConfig> peer(String peerCode) {
      return java.util.Optional.ofNullable(peers.get(peerCode));
   }

   /** The code as a number, as it appears in CMPP Msg_Ids ("001001" → 1001). */
   public int codeValue() {
      return Integer.parseInt(code);
   }

   static boolean isGatewayCode(String code) {
      if (code == null || code.length() != CODE_LENGTH) {
         return false;
      }
      for (int i = 0; i < CODE_LENGTH; i++) {
         char c = code.charAt(i);
         if (c < '0' || c > '9') {
            return false;
         }
      }
      return true;
   }
}
