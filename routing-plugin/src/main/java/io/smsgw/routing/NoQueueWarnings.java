package io.smsgw.routing;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.contract.SmsProperties;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last word on a message the broker found no queue for (Artemis logs that at DEBUG only): an anycast message on an
 * SMS address other than the ingress addresses (whose diverts take everything, so the broker's own result there is
 * always "no bindings") was not stored, and the log says so with its address and smsId (a send of the gateway's own
 * sessions hears it too and refuses; a divert's copy, or a report routed with its billing record, is lost). Routing sends nothing to a missing
 * account queue ({@link AccountQueueKeeper}); this is for whatever else names an address nobody created (a queue an
 * operator deleted, an application's own address). Multicast addresses without subscriptions ({@code sms.billing},
 * {@code sms.dr.intermediate}) drop by design and are not reported. One WARN per interval at most, with the count so
 * far; the rest at DEBUG.
 */
final class NoQueueWarnings {

   private static final Logger logger = LoggerFactory.getLogger(NoQueueWarnings.class);
   private static final SimpleString SMS_PREFIX = SimpleString.of("sms.");
   private static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

   /** Messages not stored for want of a queue since the broker started. */
   final LongAdder dropped = new LongAdder();
   private final AtomicLong nextWarning = new AtomicLong(System.nanoTime());

   /** Called for a message the broker routed to no queue. */
   void check(Message message) {
      SimpleString address = message.getAddressSimpleString();
      if (address == null || message.getRoutingType() != RoutingType.ANYCAST || !address.startsWith(SMS_PREFIX)
          || SmsAddresses.isIngress(address)) {
         return;
      }
      dropped.increment();
      Object id = message.getObjectProperty(SmsProperties.ID);
      long now = System.nanoTime();
      long next = nextWarning.get();
      if (now - next >= 0 && nextWarning.compareAndSet(next, now + WARN_INTERVAL_NANOS)) {
         logger.warn("{} {} not stored: the address {} has no queue; {} not stored so since the broker started (at most one such"
                        + " line per {} s)", kind(message), id, address, dropped.sum(), TimeUnit.NANOSECONDS.toSeconds(WARN_INTERVAL_NANOS));
      } else {
         logger.debug("{} {} not stored: the address {} has no queue", kind(message), id, address);
      }
   }

   private static Object kind(Message message) {
      Object kind = message.getObjectProperty(SmsProperties.KIND);
      return kind == null ? "Message" : kind;
   }
}
