package io.smsgw.core.config;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import io.smsgw.core.text.SmsEncoding;

/**
 * One SP/ESME account, shared by both acceptors: the SMPP system_id or CMPP SP_Id, its password
 * (SMPP bind password, CMPP shared secret) and what it may do. Empty allow-lists mean "any".
 * {@link #toString()} never shows the password.
 *
 * @param id             SMPP system_id / CMPP Source_Addr
 * @param password       SMPP password / CMPP shared secret
 * @param protocols      acceptors it may use
 * @param maxSessions    concurrent binds/connections, >= 1
 * @param sourcePrefixes allowed source_addr / Src_Id prefixes; empty = any
 * @param serviceIds     allowed CMPP Service_Id values; empty = any
 * @param maxSubmitRate  SMS parts per second (each part to each recipient counts), 0 = unlimited
 * @param allowedIps     address blocks it may connect from; empty = any
 * @param dailyQuota     SMS parts per calendar day (each part to each recipient counts), 0 = unlimited
 * @param mtRoutes       prefixes of the MT routes it may use; empty = any
 * @param maxMessageParts   the most SMS parts one submitted message may become, 1 to 255
 * @param thirdPartyBilling whether a CMPP SUBMIT may charge a number other than its recipient (Fee_UserType 3)
 * @param brokerRoles    the Artemis roles its SMPP/CMPP sessions act with when the broker's security manager
 *                       authorizes subjects (JAAS, basic); default {@code [esme, <id>]} (decision 92)
 * @param smppDefaultAlphabet what SMPP data_coding 0 means in its submits and deliveries: GSM7 (unpacked), LATIN1 or
 *                       ASCII; null = the acceptor's {@code smppDefaultAlphabet}
 * @param cmppDeliverOver140 whether this CMPP SP takes a DELIVER of Msg_Fmt 8 or 15 over the specification's 140
 *                       octets: a part of a longer MO that no Msg_Fmt holds within the limits then goes whole in up to
 *                       255 octets instead of being dead-lettered (decision 102)
 * @param cmppSourceDefault the service numbers (its local MO routes) a CMPP SUBMIT's Src_Id must start with when
 *                       {@code sourcePrefixes} is empty, as the CMPP specification has Src_Id be the SP's service code
 *                       or a longer number beginning with it; empty = any. Not applied to SMPP submits (decision 134)
 */
public record Account(String id, String password, Set<AccessProtocol> protocols, int maxSessions,
                      List<String> sourcePrefixes, Set<String> serviceIds, int maxSubmitRate,
                      List<CidrBlock> allowedIps, int dailyQuota, List<String> mtRoutes, int maxMessageParts,
                      boolean thirdPartyBilling, List<String> brokerRoles, SmsEncoding smppDefaultAlphabet,
                      boolean cmppDeliverOver140, List<String> cmppSourceDefault) {

   /** The shared role broker.xml's example lets send to {@code sms.mt}. */
   public static final String DEFAULT_SHARED_ROLE = "esme";

   public static final int DEFAULT_MAX_SESSIONS = 4;
   public static final int UNLIMITED_RATE = 0;
   /**
    * Default {@code max-message-parts}: a long text of up to 1,530 GSM characters or 670 UCS2 ones. One submit can
    * otherwise carry a message_payload of ~64 KB, which upstream becomes up to 255 SMS.
    */
   public static final int DEFAULT_MAX_MESSAGE_PARTS = 10;
   /** The concatenation header numbers parts in one octet. */
   public static final int MAX_MESSAGE_PARTS_LIMIT = 255;

   public Account {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(password, "password");
      if (protocols.isEmpty()) {
         throw new IllegalArgumentException("account " + id + " must allow at least one protocol");
      }
      if (maxSessions < 1) {
         throw new IllegalArgumentException("account " + id + ": maxSessions must be >= 1, got " + maxSessions);
      }
      if (maxSubmitRate < 0) {
         throw new IllegalArgumentException("account " + id + ": maxSubmitRate must be >= 0, got " + maxSubmitRate);
      }
      protocols = Collections.unmodifiableSet(EnumSet.copyOf(protocols));
      sourcePrefixes = List.copyOf(sourcePrefixes);
      cmppSourceDefault = List.copyOf(cmppSourceDefault);
      serviceIds = Set.copyOf(serviceIds);
      allowedIps = List.copyOf(allowedIps);
      mtRoutes = List.copyOf(mtRoutes);
      brokerRoles = brokerRoles == null ? defaultBrokerRoles(id) : List.copyOf(brokerRoles);
      if (smppDefaultAlphabet != null && smppDefaultAlphabet != SmsEncoding.GSM7 && smppDefaultAlphabet != SmsEncoding.ASCII
          && smppDefaultAlphabet != SmsEncoding.LATIN1) {
         throw new IllegalArgumentException("account " + id + ": smppDefaultAlphabet must be GSM7, ASCII or LATIN1, got "
            + smppDefaultAlphabet);
      }
      if (dailyQuota < 0) {
         throw new IllegalArgumentException("account " + id + ": dailyQuota must be >= 0, got " + dailyQuota);
      }
      if (maxMessageParts < 1 || maxMessageParts > MAX_MESSAGE_PARTS_LIMIT) {
         throw new IllegalArgumentException("account " + id + ": maxMessageParts must be between 1 and "
            + MAX_MESSAGE_PARTS_LIMIT + ", got " + maxMessageParts);
      }
   }

   /** An account whose CMPP submits are held to no service numbers beyond its {@code sourcePrefixes}. */
   public Account(String id, String password, Set<AccessProtocol> protocols, int maxSessions,
                  List<String> sourcePrefixes, Set<String> serviceIds, int maxSubmitRate,
                  List<CidrBlock> allowedIps, int dailyQuota, List<String> mtRoutes, int maxMessageParts,
                  boolean thirdPartyBilling, List<String> brokerRoles, SmsEncoding smppDefaultAlphabet,
                  boolean cmppDeliverOver140) {
      this(id, password, protocols, maxSessions, sourcePrefixes, serviceIds, maxSubmitRate, allowedIps, dailyQuota, mtRoutes,
           maxMessageParts, thirdPartyBilling, brokerRoles, smppDefaultAlphabet, cmppDeliverOver140, List.of());
   }

   /** This account with {@code numbers} as the Src_Id prefixes of its CMPP submits while it lists no source-prefixes. */
   public Account withCmppSourceDefault(List<String> numbers) {
      return new Account(id, password, protocols, maxSessions, sourcePrefixes, serviceIds, maxSubmitRate, allowedIps,
                         dailyQuota, mtRoutes, maxMessageParts, thirdPartyBilling, brokerRoles, smppDefaultAlphabet,
                         cmppDeliverOver140, numbers);
   }

   /** An account whose SP takes DELIVERs within the specification's limits only. */
   public Account(String id, String password, Set<AccessProtocol> protocols, int maxSessions,
                  List<String> sourcePrefixes, Set<String> serviceIds, int maxSubmitRate,
                  List<CidrBlock> allowedIps, int dailyQuota, List<String> mtRoutes, int maxMessageParts,
                  boolean thirdPartyBilling, List<String> brokerRoles, SmsEncoding smppDefaultAlphabet) {
      this(id, password, protocols, maxSessions, sourcePrefixes, serviceIds, maxSubmitRate, allowedIps, dailyQuota, mtRoutes,
           maxMessageParts, thirdPartyBilling, brokerRoles, smppDefaultAlphabet, false);
   }

   /** An account with the acceptor's default alphabet. */
   public Account(String id, String password, Set<AccessProtocol> protocols, int maxSessions,
                  List<String> sourcePrefixes, Set<String> serviceIds, int maxSubmitRate,
                  List<CidrBlock> allowedIps, int dailyQuota, List<String> mtRoutes, int maxMessageParts,
                  boolean thirdPartyBilling, List<String> brokerRoles) {
      this(id, password, protocols, maxSessions, sourcePrefixes, serviceIds, maxSubmitRate, allowedIps, dailyQuota, mtRoutes,
           maxMessageParts, thirdPartyBilling, brokerRoles, null);
   }

   /** What SMPP data_coding 0 means for this account's sessions on an acceptor whose own default is {@code acceptorDefault}. */
   public SmsEncoding smppDefaultAlphabet(SmsEncoding acceptorDefault) {
      return smppDefaultAlphabet == null ? acceptorDefault : smppDefaultAlphabet;
   }

   /** An account with the default broker roles. */
   public Account(String id, String password, Set<AccessProtocol> protocols, int maxSessions,
                  List<String> sourcePrefixes, Set<String> serviceIds, int maxSubmitRate,
                  List<CidrBlock> allowedIps, int dailyQuota, List<String> mtRoutes, int maxMessageParts,
                  boolean thirdPartyBilling) {
      this(id, password, protocols, maxSessions, sourcePrefixes, serviceIds, maxSubmitRate, allowedIps, dailyQuota, mtRoutes,
           maxMessageParts, thirdPartyBilling, null);
   }

   /** {@code broker-roles} when the account sets none: broker.xml's example, the shared role and its own. */
   public static List<String> defaultBrokerRoles(String id) {
      return List.of(DEFAULT_SHARED_ROLE, id);
   }

   /** An account with the default longest message and without third-party billing. */
   public Account(String id, String password, Set<AccessProtocol> protocols, int maxSessions,
                  List<String> sourcePrefixes, Set<String> serviceIds, int maxSubmitRate,
                  List<CidrBlock> allowedIps, int dailyQuota, List<String> mtRoutes) {
      this(id, password, protocols, maxSessions, sourcePrefixes, serviceIds, maxSubmitRate, allowedIps, dailyQuota, mtRoutes,
           DEFAULT_MAX_MESSAGE_PARTS, false);
   }

   /** An account without daily quota and route restrictions (the original eight settings). */
   public Account(String id, String password, Set<AccessProtocol> protocols, int maxSessions,
                  List<String> sourcePrefixes, Set<String> serviceIds, int maxSubmitRate, List<CidrBlock> allowedIps) {
      this(id, password, protocols, maxSessions, sourcePrefixes, serviceIds, maxSubmitRate, allowedIps, 0, List.of());
   }

   /**
    * Whether MT may use the route with this prefix, however either is written ("86138", "+86138" and "0086138" are
    * one route: {@link RouteConfig#normalisePrefix}).
    */
   public boolean allowsRoute(String routePrefix) {
      if (mtRoutes.isEmpty()) {
         return true;
      }
      for (String allowed : mtRoutes) {
         if (RouteConfig.samePrefix(allowed, routePrefix)) {
            return true;
         }
      }
      return false;
   }

   /** An account with every optional field at its default: both protocols, 4 sessions, no limits. */
   public static Account withDefaults(String id, String password) {
      return new Account(id, password, EnumSet.allOf(AccessProtocol.class), DEFAULT_MAX_SESSIONS,
         List.of(), Set.of(), UNLIMITED_RATE, List.of());
   }

   public boolean allowsProtocol(AccessProtocol protocol) {
      return protocols.contains(protocol);
   }

   /** Whether a submit may use this source address (SMPP source_addr; for CMPP see {@link #allowsCmppSource}). */
   public boolean allowsSource(String sourceAddress) {
      return startsWithAny(sourceAddress, sourcePrefixes);
   }

   /**
    * Whether a CMPP SUBMIT may use this Src_Id: one of its {@code source-prefixes}, or without them one of its service
    * numbers ({@link #cmppSourceDefault}).
    */
   public boolean allowsCmppSource(String srcId) {
      return startsWithAny(srcId, cmppSourcePrefixes());
   }

   /** The Src_Id prefixes a CMPP SUBMIT is held to: its source-prefixes, else its service numbers; empty = any. */
   public List<String> cmppSourcePrefixes() {
      return sourcePrefixes.isEmpty() ? cmppSourceDefault : sourcePrefixes;
   }

   private static boolean startsWithAny(String address, List<String> prefixes) {
      if (prefixes.isEmpty()) {
         return true;
      }
      if (address == null) {
         return false;
      }
      for (String prefix : prefixes) {
         if (address.startsWith(prefix)) {
            return true;
         }
      }
      return false;
   }

   /** Whether a CMPP submit may use this Service_Id. */
   public boolean allowsServiceId(String serviceId) {
      return serviceIds.isEmpty() || serviceId != null && serviceIds.contains(serviceId);
   }

   /** Whether a connection from {@code address} is allowed. */
   public boolean allowsIp(InetAddress address) {
      if (allowedIps.isEmpty()) {
         return true;
      }
      for (CidrBlock block : allowedIps) {
         if (block.contains(address)) {
            return true;
         }
      }
      return false;
   }

   public boolean hasSubmitRateLimit() {
      return maxSubmitRate != UNLIMITED_RATE;
   }

   /** Compares a presented SMPP password in constant time. */
   public boolean passwordMatches(String presented) {
      return presented != null && MessageDigest.isEqual(
         password.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
   }

   @Override
   public String toString() {
      return "Account[id=" + id + ", password=****, protocols=" + protocols + ", maxSessions=" + maxSessions
         + ", sourcePrefixes=" + sourcePrefixes + ", serviceIds=" + serviceIds + ", maxSubmitRate=" + maxSubmitRate
         + ", allowedIps=" + allowedIps + ", dailyQuota=" + dailyQuota + ", mtRoutes=" + mtRoutes
         + ", maxMessageParts=" + maxMessageParts + ", thirdPartyBilling=" + thirdPartyBilling
         + (smppDefaultAlphabet == null ? "" : ", smppDefaultAlphabet=" + smppDefaultAlphabet)
         + ", cmppDeliverOver140=" + cmppDeliverOver140
         + (cmppSourceDefault.isEmpty() ? "" : ", cmppSourceDefault=" + cmppSourceDefault) + "]";
   }
}
