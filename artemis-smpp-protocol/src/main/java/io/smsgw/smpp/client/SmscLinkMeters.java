package io.smsgw.smpp.client;

import java.util.concurrent.atomic.AtomicLong;

import io.smsgw.broker.GatewayMeters;
import io.smsgw.correlation.CorrelationStore;

/**
 * The meters of an SMSC link (tag {@code link}) and of the receipt correlation store, read from the counters and states
 * the link keeps for its management bean ({@link SmscLinkControl}); docs/metrics.md lists them.
 */
final class SmscLinkMeters {

   private SmscLinkMeters() {
   }

   static void register(GatewayMeters meters, SmscLink link) {
      String id = link.config().id();
      meters.gauge("link.bound", "1 while the link's bind of this role is bound (a transceiver bind is both roles)", link,
                   l -> l.transmitterState() == SmscLink.BindState.BOUND ? 1 : 0, "link", id, "role", "transmitter")
         .gauge("link.bound", "1 while the link's bind of this role is bound (a transceiver bind is both roles)", link,
                l -> l.receiverState() == SmscLink.BindState.BOUND ? 1 : 0, "link", id, "role", "receiver")
         .gauge("link.in.flight", "Messages sent to the SMSC and not yet settled (the link's window in use)", link,
                SmscLink::inFlightMessages, "link", id)
         .gauge("link.window", "The link's window", link, l -> l.config().window(), "link", id);
      count(meters, "link.submits", "submit_sm sent to the SMSC", link.submitted, "link", id);
      count(meters, "link.responses", "submit_sm_resp by outcome", link.accepted, "link", id, "outcome", "ok");
      count(meters, "link.responses", "submit_sm_resp by outcome", link.refused, "link", id, "outcome", "refused");
      count(meters, "link.responses", "submit_sm_resp by outcome", link.throttled, "link", id, "outcome", "throttled");
      count(meters, "link.receipts", "Receipts by correlation result", link.receiptsMatched, "link", id, "result", "matched");
      count(meters, "link.receipts", "Receipts by correlation result", link.receiptsUnmatched, "link", id, "result", "unmatched");
      count(meters, "link.receipts", "Receipts by correlation result", link.receiptsRematched, "link", id, "result", "rematched");
      count(meters, "link.receipts", "Receipts by correlation result", link.parkedReceiptsExhausted, "link", id, "result", "exhausted");
      count(meters, "link.receipts", "Receipts by correlation result", link.receiptsNotFromRecipient, "link", id, "result", "not-from-recipient");
      count(meters, "link.mo", "MO received from the SMSC", link.moReceived, "link", id);
      count(meters, "link.reconnects", "Connections to the SMSC opened again", link.reconnects, "link", id);
      count(meters, "link.expired.throttled", "Parts still throttled when their MT expired", link.expiredThrottled, "link", id);
      count(meters, "link.failures", "Store operations that failed", link.recordRemovalsFailed, "link", id, "kind", "record-removal");
      count(meters, "link.failures", "Store operations that failed", link.expiredReportsFailed, "link", id, "kind", "expired-report");
      count(meters, "link.failures", "Store operations that failed", link.parkedLookupsFailed, "link", id, "kind", "parked-lookup");
      count(meters, "link.failures", "Store operations that failed", link.recordPutsFailed, "link", id, "kind", "record-put");
      count(meters, "link.expired.unsent", "Parts past their MT's validity before their first send", link.expiredUnsent, "link", id);
      count(meters, "link.consumer.reopened", "Queue consumers re-created after the broker closed one", link.consumerReopened, "link", id);
      count(meters, "link.refused.disk.full", "MO, receipts and reports not stored because the broker's disk was full",
            link.refusedDiskFull, "link", id);
   }

   private static void count(GatewayMeters meters, String name, String description, AtomicLong counter, String... tags) {
      meters.counter(name, description, counter, AtomicLong::get, tags);
   }

   /** Records waiting in the correlation store for their receipts. */
   static void register(GatewayMeters meters, CorrelationStore store) {
      meters.gauge("correlation.records", "Correlation records stored, waiting for their final receipt", store,
                   CorrelationStore::size);
      meters.counter("correlation.records.displaced", "Records replaced by another MT's under a reused SMSC message id",
                     store, CorrelationStore::displacedRecords);
   }
}
