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
 */
public record GatewayConfig(String code, String name, AccountRegistry accounts, java.util.List<SmscLinkConfig> links,
                            RouteConfig routes, BillingPolicy billing, TandemConfig tandem, GnsClientConfig gns) {

   public static final String DEFAULT_NAME = "sms-gateway";
   public static final int CODE_LENGTH = 6;

   public GatewayConfig {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(accounts, "accounts");
      links = java.util.List.copyOf(links);
      Objects.requireNonNull(routes, "routes");
      Objects.requireNonNull(billing, "billing");
      if (!isGatewayCode(code)) {
         throw new IllegalArgumentException("gateway code must be 6 digits, got " + code);
      }
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
