package io.smsgw.routing;

import io.smsgw.core.contract.SmsProperties;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;

/**
 * A report the gateway makes from its MT (no route, a refusal, expiry) comes from the MT's recipient and goes to its
 * sender: the addresses change places, and so do their type of number and numbering plan, which belong to the address
 * (an alphanumeric sender's TON 5 must not land on the handset's number).
 */
final class ReportAddresses {

   private ReportAddresses() {
   }

   /** Swaps source and destination of {@code message} with their TON and NPI; a value absent on one side is absent on the other. */
   static void swap(Message message) {
      swap(message, SmsProperties.SOURCE, SmsProperties.DESTINATION);
      swap(message, SmsProperties.SOURCE_TON, SmsProperties.DESTINATION_TON);
      swap(message, SmsProperties.SOURCE_NPI, SmsProperties.DESTINATION_NPI);
   }

   private static void swap(Message message, SimpleString a, SimpleString b) {
      Object valueA = message.removeProperty(a);
      Object valueB = message.removeProperty(b);
      if (valueB != null) {
         message.putObjectProperty(a, valueB);
      }
      if (valueA != null) {
         message.putObjectProperty(b, valueA);
      }
   }
}
