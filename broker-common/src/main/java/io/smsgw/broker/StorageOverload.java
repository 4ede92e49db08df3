package io.smsgw.broker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.paging.PagingManager;
import org.apache.activemq.artemis.core.paging.PagingStore;
import org.apache.activemq.artemis.core.server.ActivateCallback;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.core.settings.impl.PageFullMessagePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the broker cannot take a message now (decision 131): the disk is over {@code max-disk-usage}, or the address's
 * memory is full under {@code address-full-policy} BLOCK, FAIL or DROP (or paging is full under a
 * {@code page-full-policy}, or the address is blocked through management). An acceptor answers such a submit with a
 * transient status and stops reading from the connection until the store frees memory; the refusals are logged here
 * per broker: a WARN when they start, a count at most once a minute, an INFO when the store takes messages again.
 */
public final class StorageOverload {

   private static final Logger logger = LoggerFactory.getLogger(StorageOverload.class);
   private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

   /** Why a message was refused. */
   public enum Cause {
      /** The broker's disk is over max-disk-usage (or under min-disk-free). */
      DISK("disk"),
      /** The address's memory (or paging) is full, or the address is blocked through management. */
      ADDRESS("address");

      private final String tag;

      Cause(String tag) {
         this.tag = tag;
      }

      /** The meters' tag value. */
      public String tag() {
         return tag;
      }
   }

   private StorageOverload() {
   }

   /**
    * Why {@code store} cannot take a message now, or null when it can. The common case (neither full nor paging-full)
    * costs the store's own volatile flags and nothing else.
    */
   public static Cause refusal(PagingManager paging, PagingStore store) {
      if (store == null) {
         return paging.isDiskFull() ? Cause.DISK : null; // the management address has no store
      }
      if (!store.isFull() && !store.isPageFull() && !store.isBlockedViaManagement()) {
         return null; // isFull() includes the broker's global size and the disk
      }
      if (paging.isDiskFull()) {
         return Cause.DISK;
      }
      if (store.isBlockedViaManagement()) {
         return Cause.ADDRESS;
      }
      AddressFullMessagePolicy policy = store.getAddressFullMessagePolicy();
      if (policy == AddressFullMessagePolicy.PAGE) {
         // Paging takes it, unless a page limit says to drop or fail it.
         return store.isPageFull() && store.getPageFullMessagePolicy() != null ? Cause.ADDRESS : null;
      }
      return store.isFull() ? Cause.ADDRESS : null;
   }

   /**
    * The gateway's addresses ({@code sms.*}, and {@code submitAddresses} whether they exist yet or not) whose settings
    * drop messages when full: address-full-policy DROP, or PAGE with page-full-policy DROP. Logged as a WARN at start.
    */
   public static List<String> droppingAddresses(ActiveMQServer server, String... submitAddresses) {
      TreeSet<String> names = new TreeSet<>(List.of(submitAddresses));
      for (SimpleString address : server.getPostOffice().getAddresses()) {
         if (address.toString().startsWith("sms.")) {
            names.add(address.toString());
         }
      }
      List<String> dropping = new ArrayList<>();
      for (String name : names) {
         AddressSettings settings = server.getAddressSettingsRepository().getMatch(name);
         if (settings == null) {
            continue;
         }
         if (settings.getAddressFullMessagePolicy() == AddressFullMessagePolicy.DROP) {
            dropping.add(name + " (address-full-policy DROP)");
         } else if (settings.getAddressFullMessagePolicy() == AddressFullMessagePolicy.PAGE
                    && settings.getPageFullMessagePolicy() == PageFullMessagePolicy.DROP) {
            dropping.add(name + " (page-full-policy DROP)");
         }
      }
      return dropping;
   }

   /** Warns once per start about {@link #droppingAddresses}. */
   static void warnDroppingAddresses(ActiveMQServer server) {
      List<String> dropping = droppingAddresses(server, "sms.mt");
      if (!dropping.isEmpty()) {
         logger.warn("Gateway addresses that DROP messages when full: {}. The acceptors refuse submits for a full address "
                        + "(transient status, decision 131), but a report, MO or billing record routed to a full address is "
                        + "lost. Use address-full-policy PAGE (or BLOCK) for sms.# in broker.xml.", String.join(", ", dropping));
      }
   }

   /** How often the count of a storage-full spell is logged; settable for tests. */
   private static volatile long logIntervalNanos = LOG_INTERVAL_NANOS;

   /** Sets how often a spell's refusals are counted in a WARN line (tests: a minute is too long to wait). */
   public static void logInterval(java.time.Duration interval) {
      logIntervalNanos = interval.toNanos();
   }

   /**
    * Logs a refusal of {@code server}'s: one WARN line when the storage starts refusing, then one a minute at most with
    * the count since the previous line, written by the broker's scheduled pool (so refusals right after a line are
    * counted a minute later, not with whatever refusal comes next), and an INFO line once the store takes messages
    * again. Per broker: brokers in one JVM do not share their counts.
    */
   public static void refused(ActiveMQServer server, String protocol, String account, Cause cause, String address) {
      Spells.of(server).refused(protocol, account, cause, address);
   }

   /** One broker's storage-full spell: the refusals not yet logged and the latest of them. */
   private static final class Spells {
      private static final Map<ActiveMQServer, Spells> BY_BROKER = new WeakHashMap<>();
      /** How often a spell checks whether the store takes messages again, and whether its minute is up. */
      private static final long CHECK_MILLIS = 1_000;

      private record Latest(String protocol, String account, Cause cause, String address) {
      }

      private final ActiveMQServer server;
      private final LongAdder pending = new LongAdder();
      private final AtomicBoolean running = new AtomicBoolean();
      private volatile Latest latest;
      /**
       * Of the running spell: written by the refusal that starts it (after winning {@link #running}) and then only by
       * the spell's check on the scheduled pool, so the acceptors take no lock.
       */
      private volatile long startedNanos;
      private volatile long lastLineNanos;
      private volatile long total;
      private volatile ScheduledFuture<?> check;

      private Spells(ActiveMQServer server) {
         this.server = server;
      }

      static Spells of(ActiveMQServer server) {
         synchronized (BY_BROKER) {
            Spells found = BY_BROKER.get(server);
            if (found == null) {
               found = new Spells(server);
               BY_BROKER.put(server, found);
               // The value holds its broker: forgotten when the broker stops, so the weak key can go.
               server.registerActivateCallback(new ActivateCallback() {
                  @Override
                  public void deActivate() {
                     Spells gone;
                     synchronized (BY_BROKER) {
                        gone = BY_BROKER.remove(server);
                     }
                     server.unregisterActivateCallback(this);
                     if (gone != null) {
                        gone.stop();
                     }
                  }
               });
            }
            return found;
         }
      }

      void refused(String protocol, String account, Cause cause, String address) {
         latest = new Latest(protocol, account, cause, address);
         pending.increment();
         if (!running.get() && running.compareAndSet(false, true)) {
            start();
         }
      }

      private void start() {
         Latest first = latest;
         startedNanos = System.nanoTime();
         lastLineNanos = startedNanos;
         total = pending.sumThenReset();
         logger.warn("Storage full ({}) on broker {}: a submit from {} '{}' for {} answered with a transient refusal; the "
                        + "connections refused hold their next submits (up to 64 each; more are refused at once) until the broker frees "
                        + "space, and answers and keep-alives go on. Further refusals are counted here "
                        + "once a minute, and a line says when the store takes messages again",
                     describe(first.cause()), server.getConfiguration().getName(), first.protocol(), first.account(), first.address());
         try {
            check = server.getScheduledPool().scheduleWithFixedDelay(this::check, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
         } catch (RuntimeException e) {
            running.set(false); // the broker stops (no pool, or a pool shut down): nothing more to say
         }
      }

      /** On the broker's scheduled pool: the minute's count when it is up, and the end once the store takes messages. */
      private void check() {
         if (!running.get()) {
            return;
         }
         Latest last = latest;
         boolean free = accepts(last);
         long now = System.nanoTime();
         if (free || now - lastLineNanos >= logIntervalNanos) {
            long count = pending.sumThenReset();
            if (count > 0) {
               total += count;
               logger.warn("Storage full ({}) on broker {}: {} submit(s) answered with a transient refusal in the last {} s, the "
                              + "latest from {} '{}' for {}; their connections hold their next submits until the broker frees space",
                           describe(last.cause()), server.getConfiguration().getName(), count,
                           TimeUnit.NANOSECONDS.toSeconds(now - lastLineNanos + 500_000_000L), last.protocol(), last.account(),
                           last.address());
               lastLineNanos = now;
            }
         }
         if (free && pending.sum() == 0) {
            logger.info("Storage on broker {} takes messages again ({} freed): the acceptors store submits again after {} s "
                           + "of refusals; {} submit(s) were answered with a transient refusal", server.getConfiguration().getName(),
                        last.cause() == Cause.DISK ? "disk" : last.address(),
                        TimeUnit.NANOSECONDS.toSeconds(now - startedNanos + 500_000_000L), total);
            end();
         }
      }

      private void end() {
         ScheduledFuture<?> ending = check;
         if (ending != null) {
            ending.cancel(false);
         }
         running.set(false);
         // A refusal between the check and the end found the spell running: a new spell for it.
         if (pending.sum() > 0 && running.compareAndSet(false, true)) {
            start();
         }
      }

      private void stop() {
         ScheduledFuture<?> running = check;
         if (running != null) {
            running.cancel(false);
         }
      }

      /** Whether the store the latest refusal met would take a message now. */
      private boolean accepts(Latest last) {
         PagingManager paging = server.getPagingManager();
         if (paging == null) {
            return false;
         }
         if (last.cause() == Cause.DISK || last.address() == null) {
            return !paging.isDiskFull();
         }
         try {
            return refusal(paging, paging.getPageStore(SimpleString.of(last.address()))) == null;
         } catch (Exception e) {
            return false;
         }
      }
   }

   private static String describe(Cause cause) {
      return cause == Cause.DISK ? "disk over max-disk-usage" : "address memory full";
   }
}
