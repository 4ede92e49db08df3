package io.smsgw.broker;

import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.apache.activemq.artemis.core.server.ActivateCallback;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ServerSession;

/**
 * The SMPP or CMPP acceptors' meters of one broker, per account (tags {@code protocol}, {@code account}): the account's
 * open sessions of that protocol, and its submits accepted (stored, answered with status 0) and refused (any other
 * answer). An account's meters appear with its first bind and stay until the broker stops (its counts are the
 * broker's since that start), so acceptors that are removed, added or restarted by a reload of broker.xml share them
 * and never register an account twice.
 * <p>
 * The open sessions are read from the broker's own sessions at the scrape (an account's session is a broker session
 * whose user is the account, on a connection of the protocol), so neither binding nor closing does anything for the
 * meters; one count serves every account's gauge of a scrape. Submits cost one {@link LongAdder} increment.
 */
public final class AcceptorMeters {

   private static final Map<ActiveMQServer, Map<String, AcceptorMeters>> BY_BROKER = new WeakHashMap<>();
   /** Counts of the broker's sessions are reused this long: one scrape reads every account's gauge at once. */
   private static final long SESSION_COUNT_NANOS = TimeUnit.SECONDS.toNanos(1);

   /** One account's counts of one protocol. */
   public static final class Account {
      private final LongAdder accepted = new LongAdder();
      private final LongAdder refused = new LongAdder();

      /** Counts a submit's answer: {@code ok} for a submit stored and answered with status (Result) 0. */
      public void submitAnswered(boolean ok) {
         (ok ? accepted : refused).increment();
      }

      public long accepted() {
         return accepted.sum();
      }

      public long refused() {
         return refused.sum();
      }
   }

   private final ActiveMQServer server;
   private final String protocol;
   private final GatewayMeters meters;
   private final Map<String, Account> accounts = new ConcurrentHashMap<>();
   private volatile Map<String, Integer> sessionCounts = Map.of();
   private volatile long sessionsCountedAt;
   private volatile boolean sessionsCounted;

   private AcceptorMeters(ActiveMQServer server, String protocol) {
      this.server = server;
      this.protocol = protocol;
      this.meters = GatewayMeters.of(server);
   }

   /**
    * The counts of {@code account} on {@code protocol} ("SMPP", "CMPP") of this broker; its meters are registered on
    * the first call (a bind, not a submit: call once per session and keep the result).
    */
   public static Account account(ActiveMQServer server, String protocol, String account) {
      return of(server, protocol).account(account);
   }

   static AcceptorMeters of(ActiveMQServer server, String protocol) {
      synchronized (BY_BROKER) {
         Map<String, AcceptorMeters> byProtocol = BY_BROKER.get(server);
         if (byProtocol == null) {
            byProtocol = new HashMap<>();
            BY_BROKER.put(server, byProtocol);
            server.registerActivateCallback(new ActivateCallback() {
               @Override
               public void deActivate() {
                  forget(server, this);
               }
            });
         }
         return byProtocol.computeIfAbsent(protocol, p -> new AcceptorMeters(server, p));
      }
   }

   /** The broker stops: its accounts' meters go, and a start of the same broker begins counting at 0. */
   private static void forget(ActiveMQServer server, ActivateCallback callback) {
      Map<String, AcceptorMeters> byProtocol;
      synchronized (BY_BROKER) {
         byProtocol = BY_BROKER.remove(server);
      }
      server.unregisterActivateCallback(callback);
      if (byProtocol != null) {
         byProtocol.values().forEach(m -> m.meters.close());
      }
   }

   private Account account(String id) {
      Account found = accounts.get(id);
      if (found != null) {
         return found;
      }
      synchronized (this) {
         found = accounts.get(id);
         if (found == null) {
            found = new Account();
            meters.gauge("account.sessions", "Open sessions of the account on this protocol", id, this::sessions,
                         "protocol", protocol, "account", id)
               .counter("account.submits", "Submits stored and answered with status 0", found, Account::accepted,
                        "protocol", protocol, "account", id, "outcome", "accepted")
               .counter("account.submits", "Submits answered with a refusal (any status but 0)", found, Account::refused,
                        "protocol", protocol, "account", id, "outcome", "refused");
            accounts.put(id, found);
         }
         return found;
      }
   }

   /** The account's open sessions of this protocol, from a count of the broker's sessions at most a second old. */
   private double sessions(String account) {
      long now = System.nanoTime();
      if (!sessionsCounted || now - sessionsCountedAt > SESSION_COUNT_NANOS) {
         Map<String, Integer> counts = new HashMap<>();
         for (ServerSession session : server.getSessions()) {
            var connection = session.getRemotingConnection();
            if (connection instanceof SmsRemotingConnection && protocol.equals(connection.getProtocolName())
                && session.getUsername() != null) {
               counts.merge(session.getUsername(), 1, Integer::sum);
            }
         }
         sessionCounts = counts;
         sessionsCountedAt = now;
         sessionsCounted = true;
      }
      return sessionCounts.getOrDefault(account, 0);
   }
}
