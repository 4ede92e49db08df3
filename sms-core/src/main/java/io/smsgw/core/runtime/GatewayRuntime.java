package io.smsgw.core.runtime;

import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.smsgw.core.config.Account;
import io.smsgw.core.config.GatewayConfig;
import io.smsgw.core.id.CmppMsgId;
import io.smsgw.core.id.CmppMsgIdGenerator;
import io.smsgw.core.id.ShortMessageIdGenerator;
import io.smsgw.core.rate.RateLimiter;

/**
 * State shared by every SMPP and CMPP acceptor of one broker: the accounts, how many sessions each
 * account has open (across protocols), per-account submit rate limiters and the message id generators
 * (one CMPP-layout generator, so ids never collide across protocols).
 *
 * <p>Each protocol plugin is loaded by its own ServiceLoader factory; they meet here through
 * {@link #of(Object)}, keyed by the broker instance.
 */
public final class GatewayRuntime {

   private static final Map<Object, GatewayRuntime> BY_BROKER = new WeakHashMap<>();

   private volatile GatewayConfig config;
   private volatile CmppMsgIdGenerator longIds;
   private final ShortMessageIdGenerator shortIds = new ShortMessageIdGenerator();
   private final ConcurrentHashMap<String, AtomicInteger> openSessions = new ConcurrentHashMap<>();
   /** Open sessions of other gateways (FWD and GNS), by kind and code: apart from accounts, whose ids they could equal. */
   private final ConcurrentHashMap<String, AtomicInteger> gatewaySessions = new ConcurrentHashMap<>();
   private final ConcurrentHashMap<String, RateLimiter> submitLimiters = new ConcurrentHashMap<>();
   private final GatewayClock clock = new GatewayClock();
   private final TrafficCounters traffic = new TrafficCounters(clock);
   private final LinkStates links = new LinkStates();
   private final DailyQuotas quotas = new DailyQuotas(clock);
   private final FinalStates finalStates = new FinalStates();
   private volatile NetworkRoutes networkRoutes;
   private volatile IncomingForwardPolicy forwardPolicy = IncomingForwardPolicy.ACCEPT_ALL;
   private volatile IngressRouting ingressRouting;
   private volatile AcceptedSegments acceptedSegments;
   private volatile LinkReconfiguration linkReconfiguration;
   private volatile PeerReconfiguration peerReconfiguration;

   /** The runtime of this broker, created on first use. */
   public static GatewayRuntime of(Object broker) {
      synchronized (BY_BROKER) {
         return BY_BROKER.computeIfAbsent(broker, b -> new GatewayRuntime());
      }
   }

   /**
    * Installs a configuration, at start or on reload. The Msg_Id generator is kept while the gateway code
    * stays the same, so a reload never restarts its sequence.
    */
   public synchronized void configure(GatewayConfig newConfig) {
      GatewayConfig previous = config;
      if (previous == null || !previous.code().equals(newConfig.code()) || longIds == null) {
         this.longIds = new CmppMsgIdGenerator(newConfig.codeValue());
      }
      this.config = newConfig;
      submitLimiters.clear();
   }

   public boolean isConfigured() {
      return config != null;
   }

   public GatewayConfig config() {
      return config;
   }

   public Optional<Account> findAccount(String accountId) {
      GatewayConfig current = config;
      return current == null ? Optional.empty() : current.accounts().find(accountId);
   }

   /** Counts a new session for the account unless that would exceed its max-sessions. */
   public boolean tryOpenSession(Account account) {
      return tryIncrement(openSessions.computeIfAbsent(account.id(), id -> new AtomicInteger()), account.maxSessions());
   }

   public void closeSession(String accountId) {
      AtomicInteger count = openSessions.get(accountId);
      if (count != null) {
         count.decrementAndGet();
      }
   }

   public int openSessions(String accountId) {
      AtomicInteger count = openSessions.get(accountId);
      return count == null ? 0 : count.get();
   }

   /**
    * Counts a new session of another gateway ({@code key}: its kind and code, e.g. {@code fwd:020001}) unless it
    * already has {@code max}; {@link #closeGatewaySession} gives it back.
    */
   public boolean tryOpenGatewaySession(String key, int max) {
      return tryIncrement(gatewaySessions.computeIfAbsent(key, k -> new AtomicInteger()), max);
   }

   public void closeGatewaySession(String key) {
      AtomicInteger count = gatewaySessions.get(key);
      if (count != null) {
         count.decrementAndGet();
      }
   }

   public int openGatewaySessions(String key) {
      AtomicInteger count = gatewaySessions.get(key);
      return count == null ? 0 : count.get();
   }

   private static boolean tryIncrement(AtomicInteger count, int max) {
      while (true) {
         int current = count.get();
         if (current >= max) {
            return false;
         }
         if (count.compareAndSet(current, current + 1)) {
            return true;
         }
      }
   }

   /**
    * The account's limiter, shared by its SUBMITs and CANCELs over every session. A reload replaces it, so callers look
    * it up per request instead of keeping one from the login.
    */
   public RateLimiter submitLimiter(Account account) {
      RateLimiter limiter = submitLimiters.get(account.id());
      // get first: computeIfAbsent's capturing lambda would be allocated on every request
      return limiter != null ? limiter
                             : submitLimiters.computeIfAbsent(account.id(), id -> new RateLimiter(account.maxSubmitRate()));
   }

   /** The gateway's days: the zone of the daily quota and of CMPP QUERY's days, and the clock they are read from. */
   public GatewayClock clock() {
      return clock;
   }

   public DailyQuotas quotas() {
      return quotas;
   }

   public LinkStates links() {
      return links;
   }

   /** The final states of the latest MT of this gateway's accounts, for SMPP query_sm (filled by routing). */
   public FinalStates finalStates() {
      return finalStates;
   }

   public TrafficCounters traffic() {
      return traffic;
   }

   /** The network's routes (the route cache of the {@code gns} role), once a protocol module registered them. */
   public Optional<NetworkRoutes> networkRoutes() {
      return Optional.ofNullable(networkRoutes);
   }

   /** Registers the network's routes (null withdraws them, e.g. when the broker stops). */
   public void networkRoutes(NetworkRoutes routes) {
      this.networkRoutes = routes;
   }

   /** Withdraws {@code routes} if they are still the registered ones. */
   public synchronized void withdrawNetworkRoutes(NetworkRoutes routes) {
      if (networkRoutes == routes) {
         networkRoutes = null;
      }
   }

   /** What forwarded messages from peer gateways are accepted; accept-all until the routing plugin sets one. */
   public IncomingForwardPolicy forwardPolicy() {
      return forwardPolicy;
   }

   /** Installs the policy for forwarded messages (null restores accept-all). */
   public void forwardPolicy(IncomingForwardPolicy policy) {
      this.forwardPolicy = policy == null ? IncomingForwardPolicy.ACCEPT_ALL : policy;
   }

   /** The routing plugin's rules for the gateway's own senders; null while no routing plugin runs. */
   public IngressRouting ingressRouting() {
      return ingressRouting;
   }

   /** Installs the routing rules the gateway's own senders apply before they store (null: none, send as is). */
   public void ingressRouting(IngressRouting routing) {
      this.ingressRouting = routing;
   }

   /** The SMSC links' accepted segments, once their link service started (failing while its store is closed); else null. */
   public AcceptedSegments acceptedSegments() {
      return acceptedSegments;
   }

   /** Registers the links' accepted segments (at each start of the link service). */
   public void acceptedSegments(AcceptedSegments segments) {
      this.acceptedSegments = segments;
   }

   /** What applies a reloaded {@code links} section to the running SMSC links; null while no link service runs. */
   public LinkReconfiguration linkReconfiguration() {
      return linkReconfiguration;
   }

   /** Registers the link service's side of a reload (when it starts). */
   public void linkReconfiguration(LinkReconfiguration reconfiguration) {
      this.linkReconfiguration = reconfiguration;
   }

   /** Withdraws {@code reconfiguration} if it is still the registered one (the link service stops). */
   public synchronized void withdrawLinkReconfiguration(LinkReconfiguration reconfiguration) {
      if (linkReconfiguration == reconfiguration) {
         linkReconfiguration = null;
      }
   }

   /** What applies a reloaded {@code peers} section to the running FWD links; null while no FWD link service runs. */
   public PeerReconfiguration peerReconfiguration() {
      return peerReconfiguration;
   }

   /** Registers the FWD link service's side of a reload (when it starts). */
   public void peerReconfiguration(PeerReconfiguration reconfiguration) {
      this.peerReconfiguration = reconfiguration;
   }

   /** Withdraws {@code reconfiguration} if it is still the registered one (the FWD link service stops). */
   public synchronized void withdrawPeerReconfiguration(PeerReconfiguration reconfiguration) {
      if (peerReconfiguration == reconfiguration) {
         peerReconfiguration = null;
      }
   }

   /** The next 64-bit CMPP-layout Msg_Id (protocols.md §1.9) of this gateway. */
   public long nextMsgId() {
      return longIds.next();
   }

   /** {@code count} consecutive Msg_Ids (a CMPP group send); returns the first. */
   public long nextMsgIdBlock(int count) {
      return longIds.nextBlock(count);
   }

   /**
    * A new SMPP message id: 16 hex digits of a CMPP-layout Msg_Id for 3.4 sessions, 8 hex digits of a
    * 32-bit id for 3.3 sessions (whose ids must fit 8 characters).
    */
   public String nextSmppMessageId(boolean version34) {
      return version34 ? CmppMsgId.toHex(longIds.next()) : ShortMessageIdGenerator.toHex(shortIds.next());
   }
}
