package io.smsgw.core.contract;

import org.apache.activemq.artemis.api.core.SimpleString;

/**
 * Default address names of the message contract (docs/message-contract.md). Admins may rename them
 * through acceptor parameters; code must go through these constants or the configured names, never
 * through literals of its own.
 */
public final class SmsAddresses {

   /** Anycast ingress for mobile-terminated messages (SP/ESME/application to handset). */
   public static final String MT = "sms.mt";
   /** Anycast ingress for mobile-originated messages (handset to SP). */
   public static final String MO = "sms.mo";
   /** Anycast ingress for delivery receipts coming back from SMSCs or peer gateways. */
   public static final String DR = "sms.dr";
   /** Multicast address that carries one billing record per message and final state. */
   public static final String BILLING = "sms.billing";

   /**
    * Anycast queue where MT and MO wait while the tandem gateway is asked for their route (a route-cache miss);
    * the routing plugin moves them on once it answers.
    */
   public static final String ROUTE_PENDING = "sms.route.pending";

   /**
    * Anycast queue that MT expire to from the addresses where they wait (with the routing plugin): the plugin turns
    * each into its EXPIRED report and removes it in one transaction. Anything else expired there stays for an operator.
    */
   public static final String EXPIRED = "sms.expired";

   /** Prefix of the per-account queue that holds an account's MO messages and status reports. */
   public static final String ACCOUNT_PREFIX = "sms.sp.";
   /** Prefix of the per-link queue an upstream SMSC link consumes. */
   public static final String SMSC_LINK_PREFIX = "sms.smsc.";
   /** Prefix of the per-peer queue a CMPP_FWD link consumes. */
   public static final String GATEWAY_PREFIX = "sms.gw.";

   /** {@value #MT} as a {@code SimpleString}, the broker's type for addresses; immutable, so one instance serves every message. */
   public static final SimpleString MT_ADDRESS = SimpleString.of(MT);
   /** {@value #MO} as a {@code SimpleString}. */
   public static final SimpleString MO_ADDRESS = SimpleString.of(MO);
   /** {@value #DR} as a {@code SimpleString}. */
   public static final SimpleString DR_ADDRESS = SimpleString.of(DR);

   private SmsAddresses() {
   }

   /** Whether {@code address} is one of the three ingress addresses ({@value #MT}, {@value #MO}, {@value #DR}). */
   public static boolean isIngress(SimpleString address) {
      return MT_ADDRESS.equals(address) || DR_ADDRESS.equals(address) || MO_ADDRESS.equals(address);
   }

   public static String accountQueue(String accountId) {
      return ACCOUNT_PREFIX + accountId;
   }

   public static String smscLinkQueue(String linkId) {
      return SMSC_LINK_PREFIX + linkId;
   }

   public static String gatewayQueue(String gatewayId) {
      return GATEWAY_PREFIX + gatewayId;
   }
}
