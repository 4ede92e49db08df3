package io.smsgw.routing;

import java.util.Arrays;

import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.receipt.DeliveryState;
import io.smsgw.core.runtime.IngressRouting;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;

/**
 * Turns a copy of a final report into the billing record on the multicast address {@code sms.billing}: the
 * report's properties plus {@code smsBillable} (per the billing policy) and {@code smsRecordTime}. Its
 * duplicate id (smsId, recipient, segment), or the one its DR was checked by on {@code sms.dr}, makes the
 * broker drop a second record for the same final state, whether the receipt came twice or again after a crash.
 * Used by {@link DrRouteTransformer} for the billing copy of each report (Artemis applies no other divert once
 * an exclusive one took a message).
 */
final class BillingTransformer {

   public static final SimpleString BILLABLE = SimpleString.of("smsBillable");
   public static final SimpleString RECORD_TIME = SimpleString.of("smsRecordTime");

   public static final SimpleString ROLLUP = SimpleString.of("smsRollup");

   private static final SimpleString[] STATES = Arrays.stream(DeliveryState.values()).map(s -> SimpleString.of(s.stat()))
      .toArray(SimpleString[]::new);

   private final SmsRouter router;

   BillingTransformer(SmsRouter router) {
      this.router = router;
   }

   /**
    * @param state       the report's state as routing read it
    * @param key         the report's {@link Billing#key}
    * @param checkedOnDr whether the DR was already checked by its duplicate id on {@code sms.dr}, together
    *                    with this copy (then the record needs no duplicate id of its own)
    * @param counts      where the record's {@code billed} (and {@code billable}) go, to be incremented once it is stored
    */
   Message transform(Message message, DeliveryState state, String key, boolean checkedOnDr, IngressRouting.Counts counts) {
      // The record names the state routing read ("delivered" is DELIVRD), so its status and smsBillable agree;
      // a word routing does not know (a CMPP code such as MB:0001) is kept as it came.
      SimpleString canonical = STATES[state.ordinal()];
      if (state != DeliveryState.UNKNOWN && !canonical.equals(message.getObjectProperty(SmsProperties.STATUS))) {
         message.putStringProperty(SmsProperties.STATUS, canonical);
      }
      String feeType = RoutingTransformer.string(message, SmsProperties.FEE_TYPE);
      boolean billable = router.billing().isBillable(state, feeType);
      message.putBooleanProperty(BILLABLE, billable);
      message.putLongProperty(RECORD_TIME, System.currentTimeMillis());
      if (!checkedOnDr) {
         message.putStringProperty(Message.HDR_DUPLICATE_DETECTION_ID, SimpleString.of("bill:" + key));
      }
      // billed is every record written (what a CDR reader finds on sms.billing), billable the ones to charge
      AccountCounters counters = router.counters(RoutingTransformer.account(message));
      counts.add(counters.billed);
      if (billable) {
         counts.add(counters.billable);
      }
      RoutingTransformer.to(message, SmsAddresses.BILLING, RoutingType.MULTICAST);
      rollUp(message, state);
      return message;
   }

   /** The segment of a long message: once every segment has a final state, one rolled-up record follows. */
   private void rollUp(Message record, DeliveryState state) {
      Object total = record.getObjectProperty(SmsProperties.SEGMENT_TOTAL);
      Object number = record.getObjectProperty(SmsProperties.SEGMENT_NUMBER);
      Object reference = record.getObjectProperty(SmsProperties.SEGMENT_REF);
      if (!(total instanceof Number t) || t.intValue() < 2 || !(number instanceof Number n)) {
         return;
      }
      int ref = reference instanceof Number r ? r.intValue() : 0;
      String key = SegmentRollup.key(RoutingTransformer.account(record), RoutingTransformer.string(record, SmsProperties.SOURCE), ref, t.intValue());
      SegmentRollup.Completed completed = router.rollup.offer(key, RoutingTransformer.string(record, SmsProperties.ID), n.intValue(),
                                                              t.intValue(), state == DeliveryState.DELIVRD, System.currentTimeMillis());
      if (completed != null) {
         router.rolledUp(record, completed);
      }
   }
}
