package io.smsgw.routing;

import io.smsgw.core.contract.ReportKeys;
import io.smsgw.core.contract.SmsProperties;
import org.apache.activemq.artemis.api.core.Message;

/** The identity of one message's final state: what billing and report deduplication are keyed by. */
final class Billing {

   private Billing() {
   }

   /** smsId, recipient and segment: one final state each (submit_multi shares the smsId across recipients). */
   static String key(Message message) {
      return ReportKeys.key(RoutingTransformer.string(message, SmsProperties.ID), RoutingTransformer.string(message, SmsProperties.SOURCE),
                            message.getObjectProperty(SmsProperties.SEGMENT_NUMBER));
   }

   /**
    * Whether this copy of a report carries the duplicate id its DR was already checked by on {@code sms.dr}
    * (decision 36): the broker checked the DR before the divert made any copy, and routes the copies in the
    * same transaction, so a copy needs no duplicate id of its own.
    */
   static boolean checkedOnDr(Message copy, String key) {
      Object id = copy.getObjectProperty(Message.HDR_DUPLICATE_DETECTION_ID);
      return id != null && id.toString().equals(ReportKeys.REPORT_PREFIX + key);
   }
}
