package io.smsgw.core.runtime;

import java.lang.invoke.MethodHandles;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.smsgw.core.config.AccessProtocol;
import io.smsgw.core.config.Account;
import io.smsgw.core.config.GatewayConfig;
import io.smsgw.core.id.CmppMsgId;
import io.smsgw.core.id.CmppMsgIdGenerator;
import io.smsgw.core.id.IdMark;
import io.smsgw.core.id.ShortMessageIdGenerator;
import io.smsgw.core.rate.RateLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * State shared by every SMPP and CMPP acceptor of one broker: the accounts, how many sessions each
 * account has open (across protocols), per-account submit rate limiters and the message id generators
 * (one CMPP-layout generator, so ids never collide across protocols).
 *
 * <p>Each protocol plugin is loaded by its own ServiceLoader factory; they meet here through
 * {@link #of(Object)}, keyed by the broker instance.
 */
public final class GatewayRuntime {

   private static final Logger logger = LoggerFactory.getLogger(MethodHandles.lookup().lookupClass());
   private static final Map<Object, GatewayRuntime> BY_BROKER = new WeakHashMap<>();
   /** The id marks' directory under the broker's data directory (beside the journal). */
   public static final String ID_MARKS_DIRECTORY = "sms-ids";
   static final String MSG_ID_MARK = "msg-id.mark";
   static final String SHORT_ID_MARK = "short-id.mark";

   private volatile GatewayConfig config;
   private final GatewayClock clock = new GatewayClock();
   private volatile CmppMsgIdGenerator longIds;
   private volatile ShortMessageIdGenerator shortIds = new ShortMessageIdGenerator(clock.asClock());
   private IdMark longMark = IdMark.inMemory();
   private IdMark shortMark = IdMark.inMemory();
   private Path idMarks;
   private ScheduledExecutorService idKeeperPool;
   private ScheduledFuture<?> idKeeper;
   private final ConcurrentHashMap<String, AtomicInteger> openSessions = new ConcurrentHashMap<>();
   /** Open sessions of other gateways (FWD and GNS), by kind and code: apart from accounts, whose ids they could equal. */
   private final ConcurrentHashMap<String, AtomicInteger> gatewaySessions = new ConcurrentHashMap<>();
   private final ConcurrentHashMap<String, RateLimiter> submitLimiters = new ConcurrentHashMap<>();
   /**
    * The logged-in SMPP and CMPP sessions of each account, which a reload that revokes the account ends, with what each
    * logged in with as read at its registration: a session's own fields belong to its event loop, which clears them
    * when a login or bind fails, so the reload thread never reads them.
    */
   private final ConcurrentHashMap<AccountSession, Login> accountSessions = new ConcurrentHashMap<>();
   private final TrafficCounters traffic = new TrafficCounters(clock);
   private final LinkStates links = new LinkStates();
   private final DailyQuotas quotas = new DailyQuotas(clock, this::current);
   private final FinalStates finalStates = new FinalStates();
   private volatile NetworkRoutes networkRoutes;
   private volatile IncomingForwardPolicy forwardPolicy = IncomingForwardPolicy.ACCEPT_ALL;
   private volatile IngressRouting ingressRouting;
   private volatile AcceptedSegments acceptedSegments;
   private volatile AcceptedSegments forwardedSegments;
   private volatile LinkReconfiguration linkReconfiguration;
   private volatile PeerReconfiguration peerReconfiguration;

   /** The runtime of this broker, created on first use. */
   public static GatewayRuntime of(Object broker) {
      synchronized (BY_BROKER) {
         return BY_BROKER.computeIfAbsent(broker, b -> new GatewayRuntime());
      }
   }

   /**
    * An account whose open sessions a reload ended.
    *
    * @param accountId the account
    * @param reason    what the reload revoked: "removed", "password changed", "SMPP no longer allowed" (or CMPP) or
    *                  "address no longer in allowed-ips" (that of the first of its sessions found)
    * @param sessions  how many of its sessions were told to end
    */
   public record RevokedAccount(String accountId, String reason, int sessions) {
   }

   /** What a session logged in with, read once on its own thread when it registered ({@link #loggedIn}). */
   private record Login(Account account, AccessProtocol protocol, InetAddress address) {
   }

   /**
    * Installs a configuration, at start or on reload. The Msg_Id generator is kept while the gateway code
    * stays the same, so a reload never restarts its sequence (a new code's generator starts after the same mark). Each account's submit limiter follows its
    * {@code max-submit-rate} as configured now, for open sessions too: one whose rate changed gets a new limiter, the
    * others keep theirs (and what they used of it). The open sessions of accounts the new configuration removes or
    * revokes (password, protocols, allowed-ips) are told to end; returned, one entry per account.
    */
   public synchronized List<RevokedAccount> configure(GatewayConfig newConfig) {
      GatewayConfig previous = config;
      if (previous == null || !previous.code().equals(newConfig.code()) || longIds == null) {
         this.longIds = new CmppMsgIdGenerator(newConfig.codeValue(), clock.asClock(), longMark);
         longIds.keepAhead(); // the first block reserved here, not by the first submit's event loop
      }
      this.config = newConfig;
      // After the new configuration is visible: a limiter made concurrently from the previous one is on its key
      // already (or its making holds the key), and compute waits for it and replaces it.
      for (String id : submitLimiters.keySet()) {
         if (newConfig.accounts().find(id).isEmpty()) {
            submitLimiters.remove(id);
         }
      }
      for (Account account : newConfig.accounts().all()) {
         submitLimiters.computeIfPresent(account.id(), (id, limiter) ->
            limiter.permitsPerSecond() == account.maxSubmitRate() ? limiter : new RateLimiter(account.maxSubmitRate()));
      }
      return previous == null ? List.of() : endRevokedSessions(newConfig);
   }

   /**
    * Keeps the message id generators' high-water marks in {@code directory} (the broker's data directory's
    * {@value #ID_MARKS_DIRECTORY}), so that a restart never issues an id at or before one issued before it, whatever
    * the wall clock says (docs/decisions.md, "Message ids survive restarts and clocks going back"). Called at each
    * broker start before the configuration loads; reserves the first block now and keeps the marks a block ahead from
    * {@code scheduler} (the broker's scheduled pool: the keeper ends with it), so the ids' threads never write the
    * files. Without a call (tests, embedded runtimes without a broker) the generators' state is in memory only.
    *
    * @throws java.io.UncheckedIOException a mark cannot be read or written: the gateway does not start
    */
   public synchronized void persistIds(Path directory, ScheduledExecutorService scheduler) {
      // Open the marks again at each start of the broker (a new scheduled pool), not only for a new directory: a broker
      // started again in this JVM (shared-store failback) must go on after what another run on the same data issued.
      boolean newStart = scheduler != null && scheduler != idKeeperPool;
      if (!directory.equals(idMarks) || newStart) {
         IdMark longs = IdMark.open(directory.resolve(MSG_ID_MARK));
         IdMark shorts = IdMark.open(directory.resolve(SHORT_ID_MARK));
         this.longMark = longs;
         this.shortMark = shorts;
         this.shortIds = new ShortMessageIdGenerator(clock.asClock(), shorts);
         GatewayConfig current = config;
         if (current != null) {
            this.longIds = new CmppMsgIdGenerator(current.codeValue(), clock.asClock(), longs);
         }
         this.idMarks = directory;
      }
      keepIdsAhead();
      if (scheduler != null && scheduler != idKeeperPool) {
         if (idKeeper != null) {
            idKeeper.cancel(false);
         }
         longMark.executor(scheduler);
         shortMark.executor(scheduler);
         long period = IdMark.BLOCK_SECONDS / 4;
         try {
            idKeeper = scheduler.scheduleAtFixedRate(this::keepIdsAheadLogged, period, period, TimeUnit.SECONDS);
            idKeeperPool = scheduler;
         } catch (RejectedExecutionException e) {
            idKeeper = null; // a pool shutting down: the issuing threads extend the marks themselves
         }
      }
   }

   private void keepIdsAhead() {
      CmppMsgIdGenerator longs = longIds;
      if (longs != null) {
         longs.keepAhead();
      }
      shortIds.keepAhead();
   }

   private void keepIdsAheadLogged() {
      try {
         keepIdsAhead();
      } catch (RuntimeException e) {
         logger.warn("Could not extend the message id marks in {}: retried in {} s (an id beyond them writes it itself)",
                     idMarks, IdMark.BLOCK_SECONDS / 4, e);
      }
   }

   /** Tells the sessions the configuration no longer admits to end, each once; one entry per account. */
   private List<RevokedAccount> endRevokedSessions(GatewayConfig newConfig) {
      Map<String, RevokedAccount> revoked = new LinkedHashMap<>();
      for (Map.Entry<AccountSession, Login> entry : accountSessions.entrySet()) {
         AccountSession session = entry.getKey();
         Login login = entry.getValue();
         String reason = revocation(login, newConfig);
         if (reason != null && accountSessions.remove(session, login)) {
            session.endForRevokedAccount();
            String id = login.account().id();
            revoked.merge(id, new RevokedAccount(id, reason, 1),
                          (a, b) -> new RevokedAccount(a.accountId(), a.reason(), a.sessions() + 1));
         }
      }
      return new ArrayList<>(revoked.values());
   }

   /** Why {@code config} no longer admits the session's login, or null when it does. */
   private static String revocation(Login login, GatewayConfig config) {
      Account loggedIn = login.account();
      Account now = config.accounts().find(loggedIn.id()).orElse(null);
      if (now == null) {
         return "removed";
      }
      if (!now.password().equals(loggedIn.password())) {
         return "password changed";
      }
      if (!now.allowsProtocol(login.protocol())) {
         return login.protocol() + " no longer allowed";
      }
      InetAddress address = login.address();
      if (address != null && !now.allowsIp(address)) {
         return "address no longer in allowed-ips";
      }
      return null;
   }

   /**
    * A session logged in as {@code session.account()} (after {@link #tryOpenSession}): kept so that a reload revoking
    * the account ends it. False, and not kept, when a reload since the login's check revoked it already; the login is
    * then refused (the caller gives its session count back). Called on the session's own thread: its account, protocol
    * and address are read here, once, and kept for the reloads (which never read the session's fields).
    */
   public boolean loggedIn(AccountSession session) {
      Account account = session.account();
      if (account == null) {
         return false; // its login failed meanwhile
      }
      Login login = new Login(account, session.protocol(), session.remoteAddress());
      accountSessions.put(session, login);
      // Read after the put: a reload either sees the session in the map or has installed what is read here.
      GatewayConfig current = config;
      if (current != null && revocation(login, current) != null) {
         accountSessions.remove(session, login);
         return false;
      }
      return true;
   }

   /** The session ended (or its login failed after {@link #loggedIn}). */
   public void loggedOut(AccountSession session) {
      accountSessions.remove(session);
   }

   /** The account as configured now; {@code account} itself once no longer configured (its sessions are ending). */
   public Account current(Account account) {
      GatewayConfig current = config;
      if (current == null) {
         return account;
      }
      return current.accounts().find(account.id()).orElse(account);
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
    * The account's limiter, shared by its SUBMITs and CANCELs over every session, at the account's
    * {@code max-submit-rate} as configured now: {@code account} only names it (a session passes the account it logged
    * in with, which a reload may have changed since). A reload that changes the rate replaces the limiter, so callers
    * look it up per request instead of keeping one from the login.
    */
   public RateLimiter submitLimiter(Account account) {
      RateLimiter limiter = submitLimiters.get(account.id());
      // get first: computeIfAbsent's capturing lambda would be allocated on every request
      return limiter != null ? limiter
                             : submitLimiters.computeIfAbsent(account.id(), id -> new RateLimiter(current(account).maxSubmitRate()));
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

   /**
    * The parts of MT this gateway forwarded that a peer gateway answered Result 0 to (the FWD links' forward records),
    * once the FWD link service opened its store (failing while it is closed); else null. Same questions as
    * {@link #acceptedSegments()}, about peers instead of SMSCs: routing asks it before it reports an MT that ends on an
    * {@code sms.gw.*} queue.
    */
   public AcceptedSegments forwardedSegments() {
      return forwardedSegments;
   }

   /** Registers the FWD links' forward records (when the FWD link service opens their store). */
   public void forwardedSegments(AcceptedSegments segments) {
      this.forwardedSegments = segments;
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
