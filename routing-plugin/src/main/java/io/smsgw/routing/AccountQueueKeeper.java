package io.smsgw.routing;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.smsgw.broker.AccountQueues;
import io.smsgw.core.config.AccessProtocol;
import io.smsgw.core.config.Account;
import io.smsgw.core.config.GatewayConfig;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.runtime.IngressRouting;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure no MO or report is dropped for want of its account's queue (decision 168): every configured account's queue {@code sms.sp.<account>} is created when routing starts and
 * on each reload before the reloaded accounts and routes go live, off any event loop ({@link #createConfigured}); and
 * routing asks {@link #target} before it sends an MO or report there. A queue that is missing all the same (an operator
 * deleted it, an application's own account name nobody consumes yet) is never the target: the message waits on the
 * transformer's unrouted queue instead, with a WARN, and a configured account's queue is created on the broker's
 * executor, so what follows finds it. Creating a queue waits for the bindings journal, which a send on a link's or an
 * acceptor's event loop must not.
 */
final class AccountQueueKeeper {

   private static final Logger logger = LoggerFactory.getLogger(AccountQueueKeeper.class);
   private static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

   private final ActiveMQServer server;
   private final SmsRouter router;
   /** Queues whose creation was handed to the broker's executor and has not finished. */
   private final Set<String> creating = ConcurrentHashMap.newKeySet();
   /** One WARN per interval at most for messages parked for want of a queue; the rest go to DEBUG. */
   private final AtomicLong nextWarning = new AtomicLong(System.nanoTime());
   /** The same for reports whose account no longer has their MT's protocol. */
   private final AtomicLong nextStrandedWarning = new AtomicLong(System.nanoTime());
   /**
    * The protocols reloads took from each account since routing started (both for an account a reload removed), less
    * those a later reload gave back: their reports no longer go to the account's queue.
    */
   private final Map<String, Set<AccessProtocol>> revokedProtocols = new ConcurrentHashMap<>();
   private static final SimpleString SMPP = SimpleString.of("SMPP");
   private static final SimpleString CMPP = SimpleString.of("CMPP");

   AccountQueueKeeper(ActiveMQServer server, SmsRouter router) {
      this.server = server;
      this.router = router;
   }

   /**
    * Where an MO or report for {@code account} goes: the account's queue when it exists (one map lookup), else
    * {@code parking}, a durable queue where it waits for an operator. A configured account's missing queue is created
    * meanwhile, on the broker's executor.
    */
   String target(String account, String parking, Message message) {
      String queue = router.accountQueue(account);
      if (AccountQueues.hasQueue(server, SimpleString.of(queue))) {
         return queue;
      }
      boolean configured = router.runtime().findAccount(account).isPresent();
      if (configured && creating.add(queue)) {
         server.getExecutorFactory().getExecutor().execute(() -> create(account, queue));
      }
      String why = configured ? "was missing; it is being created for what comes next" : "does not exist and '" + account
         + "' is no configured account (configure it, or consume " + queue + " once to create it)";
      long now = System.nanoTime();
      long next = nextWarning.get();
      if (now - next >= 0 && nextWarning.compareAndSet(next, now + WARN_INTERVAL_NANOS)) {
         logger.warn("{} {} waits on {}: the queue {} {} (at most one such line per {} s)", kind(message),
                     message.getObjectProperty(SmsProperties.ID), parking, queue, why, TimeUnit.NANOSECONDS.toSeconds(WARN_INTERVAL_NANOS));
      } else {
         logger.debug("{} {} waits on {}: the queue {} {}", kind(message), message.getObjectProperty(SmsProperties.ID), parking, queue, why);
      }
      return parking;
   }

   /**
    * Where a report for {@code account} goes: as {@link #target}, except a report of an MT submitted over a protocol a
    * reload took from the account (or the account, removed): no session of that protocol binds again and no other
    * session's filter takes it (decision 164), so it waits on {@code parking} at once, counted and with a WARN, instead
    * of on the account's queue for ever. Until a reload takes a protocol from an account, nothing but one check of an
    * empty map; then one map lookup per report, and one property read for an account in it.
    */
   String reportTarget(String account, String parking, Message message, IngressRouting.Counts counts) {
      Set<AccessProtocol> revoked = revokedProtocols.isEmpty() ? null : revokedProtocols.get(account);
      AccessProtocol protocol = revoked == null ? null : protocol(message.getObjectProperty(SmsProperties.PROTOCOL));
      if (protocol != null) {
         Account now = router.runtime().findAccount(account).orElse(null);
         if (revoked.contains(protocol) && (now == null || !now.allowsProtocol(protocol))) {
            counts.add(router.reportsWithoutSession); // once stored
            long at = System.nanoTime();
            long next = nextStrandedWarning.get();
            String why = now == null ? "was removed" : "no longer allows " + protocol;
            if (at - next >= 0 && nextStrandedWarning.compareAndSet(next, at + WARN_INTERVAL_NANOS)) {
               logger.warn("Report {} waits on {}: account '{}' {}, so no session can take the report of an MT submitted "
                           + "over {} (at most one such line per {} s)", message.getObjectProperty(SmsProperties.ID), parking,
                           account, why, protocol, TimeUnit.NANOSECONDS.toSeconds(WARN_INTERVAL_NANOS));
            } else {
               logger.debug("Report {} waits on {}: account '{}' {}", message.getObjectProperty(SmsProperties.ID), parking, account, why);
            }
            return parking;
         }
      }
      return target(account, parking, message);
   }

   /** The acceptor protocol a report's {@code smsProtocol} names (as the gateway writes it), or null for any other. */
   static AccessProtocol protocol(Object smsProtocol) {
      if (smsProtocol == null) {
         return null;
      }
      if (SMPP.equals(smsProtocol) || "SMPP".equals(smsProtocol)) {
         return AccessProtocol.SMPP;
      }
      if (CMPP.equals(smsProtocol) || "CMPP".equals(smsProtocol)) {
         return AccessProtocol.CMPP;
      }
      return null;
   }

   /**
    * After a reload that applied: notes the protocols it took from each account (both for an account it removed), whose
    * reports go to the unrouted queue from now on, and forgets those an account has again.
    */
   void accountsChanged(GatewayConfig previous, GatewayConfig next) {
      if (previous != null) {
         for (Account account : previous.accounts().all()) {
            Set<AccessProtocol> gone = StrandedReports.removed(account, next);
            if (!gone.isEmpty()) {
               // sets never changed once in the map (routing threads read them): a new one for each change
               revokedProtocols.merge(account.id(), gone, (had, more) -> {
                  Set<AccessProtocol> union = java.util.EnumSet.copyOf(had);
                  union.addAll(more);
                  return union;
               });
            }
         }
      }
      for (Account account : next.accounts().all()) {
         revokedProtocols.computeIfPresent(account.id(), (id, gone) -> {
            if (gone.stream().noneMatch(account::allowsProtocol)) {
               return gone;
            }
            Set<AccessProtocol> left = java.util.EnumSet.copyOf(gone);
            left.removeIf(account::allowsProtocol);
            return left.isEmpty() ? null : left;
         });
      }
   }

   /** The protocols reloads took from each account (and did not give back), as noted by {@link #accountsChanged}. */
   Map<String, Set<AccessProtocol>> revokedProtocols() {
      return Map.copyOf(revokedProtocols);
   }

   private static Object kind(Message message) {
      Object kind = message.getObjectProperty(SmsProperties.KIND);
      return kind == null ? "Message" : kind;
   }

   private void create(String account, String queue) {
      try {
         AccountQueues.create(server, router.accountQueuePrefix(), account);
         logger.info("Created the queue {} of account '{}' for its MO and reports", queue, account);
      } catch (Exception e) {
         logger.warn("Could not create the queue {} of account '{}'", queue, account, e);
      } finally {
         creating.remove(queue);
      }
   }

   /**
    * Creates the queue of every account of {@code config} that has none: when routing starts and on each reload before
    * its accounts and routes go live, on the reloading thread (never an event loop). A failure is logged; the routing-time check
    * covers that account.
    */
   void createConfigured(GatewayConfig config) {
      int created = 0;
      for (var account : config.accounts().all()) {
         String queue = router.accountQueue(account.id());
         if (AccountQueues.hasQueue(server, SimpleString.of(queue))) {
            continue;
         }
         try {
            AccountQueues.create(server, router.accountQueuePrefix(), account.id());
            created++;
         } catch (Exception e) {
            logger.warn("Could not create the queue {} of account '{}'", queue, account.id(), e);
         }
      }
      if (created > 0) {
         logger.info("Created the queues of {} configured account(s) for their MO and reports", created);
      }
   }
}
