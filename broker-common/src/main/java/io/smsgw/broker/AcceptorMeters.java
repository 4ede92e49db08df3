package io.smsgw.broker;

import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.smsgw.core.contract.SmsAddresses;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActivateCallback;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.ServerSession;

/**
 * The SMPP or CMPP acceptors' meters of one broker, per account (tags {@code protocol}, {@code account}): the account's
 * open sessions of that protocol, its submits accepted (stored, answered with status 0) and refused (any other
 * answer), and its deliveries ({@link DeliveryCounts}: MO and reports sent, redelivered, how they ended); per account
 * only (tag {@code account}), what waits on its queue {@code sms.sp.<account>} and what of that is being delivered,
 * read from the broker's queue at the scrape. An account's meters appear with its first bind and stay until the
 * broker stops (its counts are the broker's since that start), so acceptors that are removed, added or restarted by a
 * reload of broker.xml share them and never register an account twice; only accounts that bound get meters.
 * <p>
 * The open sessions are read from the broker's own sessions at the scrape (an account's session is a broker session
 * whose user is the account, on a connection of the protocol), so neither binding nor closing does anything for the
 * meters; one count serves every account's gauge of a scrape. Submits cost one {@link LongAdder} increment.
 */
public final class AcceptorMeters {

   private static final Map<ActiveMQServer, Map<String, AcceptorMeters>> BY_BROKER = new WeakHashMap<>();
   /** Counts of the broker's sessions are reused this long: one scrape reads every account's gauge at once. */
   private static final long SESSION_COUNT_NANOS = TimeUnit.SECONDS.toNanos(1);
   /** The key, among the protocols of a broker, of the per-account queue gauges that every protocol shares. */
   private static final String QUEUES = "";

   /**
    * Why a submit was refused, the {@code cause} tag of {@code sms.gateway.account.submits.refused}: the account's
    * max-submit-rate, its daily-quota, the broker's storage full, or anything else (a malformed or unauthorised submit,
    * routing, a journal error).
    */
   public enum Refusal {
      THROTTLED("throttled"), QUOTA("quota"), STORAGE("storage"), OTHER("other");

      private static final Refusal[] ALL = values();
      private final String tag;

      Refusal(String tag) {
         this.tag = tag;
      }

      public String tag() {
         return tag;
      }
   }

   /** One account's counts of one protocol. */
   public static final class Account {
      private final LongAdder accepted = new LongAdder();
      /** By {@link Refusal#ordinal()}. */
      private final LongAdder[] refused = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()};
      private final LongAdder fullDisk = new LongAdder();
      private final LongAdder fullAddress = new LongAdder();
      private final DeliveryCounts deliveries = new DeliveryCounts();

      /** Counts a submit's answer: {@code ok} for a submit stored and answered with status (Result) 0; else a refusal of cause other. */
      public void submitAnswered(boolean ok) {
         if (ok) {
            accepted.increment();
         } else {
            refused[Refusal.OTHER.ordinal()].increment();
         }
      }

      /** Counts a submit answered with a refusal, by its cause. */
      public void submitRefused(Refusal cause) {
         refused[cause.ordinal()].increment();
      }

      public long accepted() {
         return accepted.sum();
      }

      /** Every refused submit, whatever the cause. */
      public long refused() {
         long sum = 0;
         for (LongAdder count : refused) {
            sum += count.sum();
         }
         return sum;
      }

      /** Submits refused for {@code cause}. */
      public long refused(Refusal cause) {
         return refused[cause.ordinal()].sum();
      }

      /**
       * Counts a submit refused because the broker's storage was full (decision 131); its answer is counted as refused by
       * {@link #submitAnswered} too.
       */
      public void storageFull(StorageOverload.Cause cause) {
         (cause == StorageOverload.Cause.DISK ? fullDisk : fullAddress).increment();
      }

      /** Submits refused because the storage was full, for {@code cause}. */
      public long refusedFull(StorageOverload.Cause cause) {
         return (cause == StorageOverload.Cause.DISK ? fullDisk : fullAddress).sum();
      }

      /** What the account's sessions of this protocol delivered; handed to their {@link WindowedDeliverer}s. */
      public DeliveryCounts deliveries() {
         return deliveries;
      }
   }

   /**
    * The account's queue as the broker has it now, looked up when read (the queue may come and go). Its name is the one
    * the account's acceptor delivers from (its smppAccountQueuePrefix / cmppAccountQueuePrefix, one value for all of
    * them), set at each bind.
    */
   private static final class AccountQueue {
      private final ActiveMQServer server;
      private volatile SimpleString name;

      AccountQueue(ActiveMQServer server, String queue) {
         this.server = server;
         this.name = SimpleString.of(queue);
      }

      void name(String queue) {
         if (!name.toString().equals(queue)) {
            name = SimpleString.of(queue);
         }
      }

      long messages() {
         Queue queue = server.locateQueue(name);
         return queue == null ? 0 : queue.getMessageCount();
      }

      long delivering() {
         Queue queue = server.locateQueue(name);
         return queue == null ? 0 : queue.getDeliveringCount();
      }
   }

   private final ActiveMQServer server;
   private final String protocol;
   private final GatewayMeters meters;
   private final Map<String, Account> accounts = new ConcurrentHashMap<>();
   /** Of the per-broker {@link #QUEUES} entry only: each bound account's queue, metrics or not. */
   private final Map<String, AccountQueue> queues = new ConcurrentHashMap<>();
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
    *
    * @param queuePrefix the acceptor's account queue prefix (smppAccountQueuePrefix, cmppAccountQueuePrefix): the
    *        queue gauges and {@link #deliveries} read {@code <queuePrefix><account>}
    */
   public static Account account(ActiveMQServer server, String protocol, String account, String queuePrefix) {
      of(server, QUEUES).queueGauges(account, queuePrefix + account);
      return of(server, protocol).account(account);
   }

   /** Indexes of {@link #deliveries(ActiveMQServer, String)}. */
   public static final int MO_SENT = 0, REPORTS_SENT = 1, REDELIVERED = 2, OK = 3, THROTTLED = 4, REJECTED = 5,
      INVALID = 6, OTHER = 7, TIMED_OUT = 8, WAITING = 9, IN_FLIGHT = 10, DEAD_LETTERED_REFUSED = 11,
      DEAD_LETTERED_ATTEMPTS = 12;

   /**
    * For management: what was delivered to {@code account}, its SMPP and CMPP sessions together, as {@code long}s at
    * the indexes above: MO sent, reports sent, of those sent again, then how deliveries ended (ok, throttled,
    * rejected, invalid, other, timed out), and from the broker's queue {@code sms.sp.<account>} the messages on it
    * now and those of them delivered and not answered yet; then (appended later, so the indexes before stay) the
    * deliveries that ended with their message sent to the dead-letter address, refused for good by the client and at
    * the last of max-delivery-attempts. Creates nothing: an account that never bound shows 0 sent
    * (and its queue as it is).
    */
   public static long[] deliveries(ActiveMQServer server, String account) {
      return deliveries(server, account, null);
   }

   /**
    * As {@link #deliveries(ActiveMQServer, String)}, reading the waiting and in-flight counts from {@code queue} (the
    * queue routing fills for the account); null: the queue the account's last bind named, else {@code sms.sp.<account>}.
    */
   public static long[] deliveries(ActiveMQServer server, String account, String queue) {
      long[] out = new long[DEAD_LETTERED_ATTEMPTS + 1];
      Map<String, AcceptorMeters> byProtocol;
      synchronized (BY_BROKER) {
         Map<String, AcceptorMeters> found = BY_BROKER.get(server);
         byProtocol = found == null ? Map.of() : new HashMap<>(found);
      }
      for (Map.Entry<String, AcceptorMeters> protocol : byProtocol.entrySet()) {
         Account counts = protocol.getKey().equals(QUEUES) ? null : protocol.getValue().accounts.get(account);
         if (counts == null) {
            continue;
         }
         DeliveryCounts d = counts.deliveries;
         out[MO_SENT] += d.moSent();
         out[REPORTS_SENT] += d.reportsSent();
         out[REDELIVERED] += d.moRedelivered() + d.reportsRedelivered();
         for (DeliveryCounts.Outcome outcome : DeliveryCounts.Outcome.all()) {
            out[OK + outcome.ordinal()] += d.settled(outcome);
         }
         out[DEAD_LETTERED_REFUSED] += d.deadLetteredRefused();
         out[DEAD_LETTERED_ATTEMPTS] += d.deadLetteredAttempts();
      }
      AccountQueue accountQueue;
      if (queue != null) {
         accountQueue = new AccountQueue(server, queue);
      } else {
         AcceptorMeters queues = byProtocol.get(QUEUES);
         AccountQueue bound = queues == null ? null : queues.queues.get(account);
         accountQueue = bound != null ? bound : new AccountQueue(server, SmsAddresses.accountQueue(account));
      }
      out[WAITING] = accountQueue.messages();
      out[IN_FLIGHT] = accountQueue.delivering();
      return out;
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
            for (Refusal cause : Refusal.ALL) {
               meters.counter("account.submits.refused", "Submits answered with a refusal, by cause", found, a -> a.refused(cause),
                              "protocol", protocol, "account", id, "cause", cause.tag());
            }
            for (StorageOverload.Cause cause : StorageOverload.Cause.values()) {
               meters.counter("account.submits.storage.full", "Submits refused with a transient status because the broker's storage was full",
                              found, a -> a.refusedFull(cause), "protocol", protocol, "account", id, "cause", cause.tag());
            }
            deliveryMeters(id, found.deliveries);
            accounts.put(id, found);
         }
         return found;
      }
   }

   private void deliveryMeters(String id, DeliveryCounts d) {
      meters.counter("account.deliveries", "MO sent to the account, first attempts and redeliveries", d, DeliveryCounts::moSent,
                     "protocol", protocol, "account", id, "kind", "mo")
         .counter("account.deliveries", "Status reports sent to the account, first attempts and redeliveries", d,
                  DeliveryCounts::reportsSent, "protocol", protocol, "account", id, "kind", "report")
         .counter("account.deliveries.redelivered", "MO sent again (the broker had handed them over unacknowledged)", d,
                  DeliveryCounts::moRedelivered, "protocol", protocol, "account", id, "kind", "mo")
         .counter("account.deliveries.redelivered", "Reports sent again (the broker had handed them over unacknowledged)", d,
                  DeliveryCounts::reportsRedelivered, "protocol", protocol, "account", id, "kind", "report");
      for (DeliveryCounts.Outcome outcome : DeliveryCounts.Outcome.all()) {
         meters.counter("account.deliveries.settled", "Deliveries to the account by how they ended", d,
                        counts -> counts.settled(outcome), "protocol", protocol, "account", id, "outcome", outcome.tag());
      }
      meters.counter("account.deliveries.dead-lettered", "Deliveries the client refused for good, sent to the dead-letter address",
                     d, DeliveryCounts::deadLetteredRefused, "protocol", protocol, "account", id, "reason", "refused")
         .counter("account.deliveries.dead-lettered", "Deliveries failed at the last of max-delivery-attempts, dead-lettered",
                  d, DeliveryCounts::deadLetteredAttempts, "protocol", protocol, "account", id, "reason", "attempts");
   }

   /** The gauges of the account's queue, once per broker whatever the protocols it binds with. */
   private void queueGauges(String id, String queueName) {
      AccountQueue queue = queues.computeIfAbsent(id, k -> new AccountQueue(server, queueName));
      queue.name(queueName);
      if (!meters.enabled() || accounts.containsKey(id)) {
         return;
      }
      synchronized (this) {
         if (accounts.containsKey(id)) {
            return;
         }
         meters.gauge("account.deliveries.waiting", "Messages on the account's queue, those being delivered included", queue,
                      AccountQueue::messages, "account", id)
            .gauge("account.deliveries.in.flight", "Messages of the account's queue delivered and not answered yet", queue,
                   AccountQueue::delivering, "account", id);
         accounts.put(id, new Account()); // marks the account's gauges as registered
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
