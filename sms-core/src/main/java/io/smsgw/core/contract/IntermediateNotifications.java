package io.smsgw.core.contract;

import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;

/**
 * Whether an MT (or a report, which carries the MT's properties) asked for intermediate notifications: SMPP 3.4
 * registered_delivery bit 4 (0x10, 5.2.17) from an ESME of this gateway. Read by the SMSC links, which then ask the SMSC
 * for them, and by routing, which then sends reports in an intermediate state (ENROUTE, ACCEPTD) to the account
 * (docs/decisions.md, "Intermediate notifications for SMPP 3.4 ESMEs that ask for them").
 */
public final class IntermediateNotifications {

   /** SMPP 3.4 registered_delivery bit 4: intermediate notification requested. */
   public static final int REGISTERED_DELIVERY_BIT = 0x10;
   private static final SimpleString SMPP = SimpleString.of("SMPP");
   private static final SimpleString SMPP_33 = SimpleString.of("3.3");

   private IntermediateNotifications() {
   }

   /**
    * True only for {@code smsProtocol} SMPP, a version other than 3.3 (which defines only 0 and 1), no
    * {@code smsOriginGateway} (the MT never crossed gateways: CMPP_FWD carries no intermediate report, so nothing changes
    * there) and an {@code smsRegisteredDelivery} with bit 0x10. CMPP has no intermediate report (an SP would read
    * ENROUTE as a final Stat), and applications got none before, so neither asks.
    */
   public static boolean requested(Message message) {
      if (!is(SMPP, message.getObjectProperty(SmsProperties.PROTOCOL))
         || is(SMPP_33, message.getObjectProperty(SmsProperties.PROTOCOL_VERSION))
         || message.getObjectProperty(SmsProperties.ORIGIN_GATEWAY) != null) {
         return false;
      }
      // Absent or no number: nothing asked for (0 has no bit set).
      return (SmsMessageReader.intOrElse(message, SmsProperties.REGISTERED_DELIVERY, 0) & REGISTERED_DELIVERY_BIT) != 0;
   }

   private static boolean is(SimpleString expected, Object value) {
      return value instanceof SimpleString s ? expected.equals(s) : value != null && expected.toString().equals(value.toString());
   }
}
