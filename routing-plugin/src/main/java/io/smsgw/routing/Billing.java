package io.smsgw.routing;

import io.smsgw.core.contract.SmsProperties;
import org.apache.activemq.artemis.api.core.Message;

/** The identity of one message's final state: what billing and report deduplication are keyed by. */
final class Billing {

   private Billing() {
   }

   /** smsId, recipient and segment: one final state each (submit_multi shares the smsId across recipients). */
   static String key(Message message) {
      Object segment = message.getObjectProperty(SmsProperties.SEGMENT_NUMBER);
      return RoutingTransformer.string(message, SmsProperties.ID) + ':' + RoutingTransformer.string(message, SmsProperties.SOURCE)
         + ':' + (segment == null ? "0" : segment.toString());
   }
}
