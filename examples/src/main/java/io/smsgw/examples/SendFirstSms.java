package io.smsgw.examples;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.smsgw.core.receipt.DeliveryReceipt;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.InterfaceVersion;
import org.jsmpp.bean.MessageType;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.Session;

/**
 * An SMPP 3.4 ESME (jSMPP) that binds to the gateway as a transceiver as {@code smppclient1}, submits
 * one short message with a delivery receipt requested, waits for that receipt (the SMSC behind the
 * gateway sends it; in the quick start, the bundled simulator after about a second) and prints both.
 *
 * <p>{@code mvn -pl examples exec:java -Dexec.mainClass=io.smsgw.examples.SendFirstSms}
 * (optional: {@code -Dsmsgw.host=... -Dsmsgw.smpp.port=...}).
 */
public final class SendFirstSms {

   public static final String SYSTEM_ID = "smppclient1";
   public static final String PASSWORD = "password";
   public static final String SOURCE = "12345";
   public static final String DESTINATION = "8613800138000";
   public static final String TEXT = "Hello from SMPP";
   /** How long {@link #main} waits for the receipt. */
   public static final Duration RECEIPT_TIMEOUT = Duration.ofSeconds(30);

   private static final long RESPONSE_TIMEOUT_MILLIS = 10_000;

   /**
    * What the ESME saw.
    *
    * @param messageId the id from submit_sm_resp
    * @param receipt   the receipt for that id, or null if none came in time
    */
   public record Outcome(String messageId, DeliveryReceipt receipt) {
   }

   private SendFirstSms() {
   }

   public static void main(String[] args) throws Exception {
      String host = System.getProperty("smsgw.host", "localhost");
      int port = Integer.getInteger(QuickStartGateway.SMPP_PORT_PROPERTY, 2775);
      Outcome outcome = send(host, port, TEXT, DESTINATION, RECEIPT_TIMEOUT);
      System.out.println("Submitted \"" + TEXT + "\" to " + DESTINATION + ", message id: " + outcome.messageId());
      DeliveryReceipt receipt = outcome.receipt();
      if (receipt == null) {
         System.out.println("No receipt within " + RECEIPT_TIMEOUT.toSeconds() + " s (is the SMSC link bound? see the gateway log)");
      } else {
         System.out.println("Receipt: " + receipt.state() + " (err " + receipt.error() + ") " + receipt.format());
      }
   }

   /**
    * Binds as a transceiver, submits {@code text} (SMSC default alphabet, receipt requested), waits up to
    * {@code receiptTimeout} for the receipt carrying the id of submit_sm_resp, then unbinds. Other
    * messages delivered meanwhile (receipts of earlier submits, MO) are acknowledged and printed.
    */
   public static Outcome send(String host, int port, String text, String destination, Duration receiptTimeout) throws Exception {
      Inbox inbox = new Inbox();
      SMPPSession session = new SMPPSession();
      session.setTransactionTimer(RESPONSE_TIMEOUT_MILLIS);
      session.setMessageReceiverListener(inbox);
      try {
         session.connectAndBind(host, port, new BindParameter(BindType.BIND_TRX, SYSTEM_ID, PASSWORD, "",
                                                              TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN,
                                                              null, InterfaceVersion.IF_34),
                                RESPONSE_TIMEOUT_MILLIS);
         String messageId = session.submitShortMessage("",
                                                       TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, SOURCE,
                                                       TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, destination,
                                                       new ESMClass(), (byte) 0, (byte) 1, null, null,
                                                       new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE),
                                                       (byte) 0, DataCodings.ZERO, (byte) 0,
                                                       text.getBytes(StandardCharsets.US_ASCII))
                                    .getMessageId();
         return new Outcome(messageId, inbox.awaitReceipt(messageId, receiptTimeout));
      } finally {
         session.unbindAndClose();
      }
   }

   /**
    * Keeps what the gateway delivers. jSMPP answers deliver_sm_resp ESME_ROK once the listener returns, so
    * everything delivered here is acknowledged: receipts the gateway sends again arrive here too.
    */
   private static final class Inbox implements MessageReceiverListener {

      private final BlockingQueue<DeliverSm> received = new LinkedBlockingQueue<>();

      @Override
      public void onAcceptDeliverSm(DeliverSm deliverSm) {
         received.add(deliverSm);
      }

      @Override
      public void onAcceptAlertNotification(AlertNotification alertNotification) {
      }

      @Override
      public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
         throw new ProcessRequestException("data_sm is not expected by this example", 0x03); // ESME_RINVCMDID
      }

      /** The receipt for {@code messageId}, or null at the deadline; prints anything else that arrives. */
      DeliveryReceipt awaitReceipt(String messageId, Duration timeout) throws InterruptedException {
         long deadline = System.nanoTime() + timeout.toNanos();
         while (true) {
            DeliverSm next = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (next == null) {
               return null;
            }
            String content = next.getShortMessage() == null ? "" : new String(next.getShortMessage(), StandardCharsets.ISO_8859_1);
            if (MessageType.SMSC_DEL_RECEIPT.containedIn(next.getEsmClass())) {
               DeliveryReceipt receipt = DeliveryReceipt.parse(content).orElse(null);
               if (receipt != null && messageId.equals(receipt.id())) {
                  return receipt;
               }
               System.out.println("(an earlier receipt: " + content + ")");
            } else {
               System.out.println("(an MO from " + next.getSourceAddr() + " to " + next.getDestAddress() + ": " + content + ")");
            }
         }
      }
   }
}
