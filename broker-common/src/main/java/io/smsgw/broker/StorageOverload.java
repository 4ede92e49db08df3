package io.smsgw.broker;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.paging.PagingManager;
import org.apache.activemq.artemis.core.paging.PagingStore;
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
 * at most once a minute, not once per submit.
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

   private static final LongAdder refusedSinceLog = new LongAdder();
   private static final AtomicLong nextLog = new AtomicLong(System.nanoTime());

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

   /**
    * Logs a refusal: one WARN line at most once a minute for the whole broker (a client retrying at wire speed
    * would otherwise flood the log), the count of those since the last line with it.
    */
   public static void refused(String protocol, String account, Cause cause, String address) {
      refusedSinceLog.increment();
      long now = System.nanoTime();
      long next = nextLog.get();
      if (now - next >= 0 && nextLog.compareAndSet(next, now + LOG_INTERVAL_NANOS)) {
         long count = refusedSinceLog.sumThenReset();
         logger.warn("Storage full ({}): {} submit(s) answered with a transient refusal in the last minute, the latest "
                        + "from {} '{}' for {}; their connections stop reading until the broker frees space",
                     cause == Cause.DISK ? "disk over max-disk-usage" : "address memory full", count, protocol, account, address);
      }
   }
}
