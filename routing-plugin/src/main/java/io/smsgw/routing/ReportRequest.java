package io.smsgw.routing;

import io.smsgw.core.contract.SmsMessageReader;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.receipt.DeliveryState;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;

/**
 * Whether the submitter of an MT asked for the final report routing is about to send it: the MT's
 * {@code smsRegisteredDelivery}, copied onto its report, read as its protocol defines it (docs/decisions.md,
 * "Reports only for submitters that asked for them"). The gateway asks the SMSC for a receipt and bills every final
 * state whatever this says; only the copy for the account's queue depends on it.
 */
final class ReportRequest {

   private static final SimpleString CMPP = SimpleString.of("CMPP");
   /** SMPP registered_delivery bits 1-0, the SMSC delivery receipt. */
   private static final int SMPP_RECEIPT_BITS = 0x03;
   private static final int SMPP_NONE = 0;
   private static final int SMPP_FAILURE_ONLY = 2;
   /** CMPP 2.0's "make an SMC billing record only": no report for the SP (3.0 dropped the value). */
   private static final int CMPP_BILLING_ONLY = 2;

   private ReportRequest() {
   }

   /**
    * Whether a report in final state {@code state} reaches the submitter. Absent, or no number (an application's MT
    * without it, a report an application sends itself): yes, as before the gateway read the property. CMPP
    * ({@code smsProtocol} CMPP): 0 and 2.0's 2 no, any other value yes. Everything else (SMPP 3.3 and 3.4, applications)
    * by SMPP's bits 1-0: 0 no, 1 and the reserved 3 yes, 2 only when the message was not delivered. Reports in an
    * intermediate state are decided by {@link io.smsgw.core.contract.IntermediateNotifications}.
    */
   static boolean wanted(Message report, DeliveryState state) {
      // Absent or no number reads as -1, which every branch below reports (CMPP: not 0 or 2; SMPP: bits 1-0 are 3).
      int request = SmsMessageReader.intOrElse(report, SmsProperties.REGISTERED_DELIVERY, -1);
      if (isCmpp(report.getObjectProperty(SmsProperties.PROTOCOL))) {
         return request != 0 && request != CMPP_BILLING_ONLY;
      }
      return switch (request & SMPP_RECEIPT_BITS) {
         case SMPP_NONE -> false;
         case SMPP_FAILURE_ONLY -> state != DeliveryState.DELIVRD;
         default -> true;
      };
   }

   private static boolean isCmpp(Object protocol) {
      return protocol instanceof SimpleString s ? CMPP.equals(s) : protocol != null && "CMPP".equals(protocol.toString());
   }
}
