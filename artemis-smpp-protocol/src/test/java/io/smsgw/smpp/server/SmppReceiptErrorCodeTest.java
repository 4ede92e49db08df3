package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.SmppConstants;
import com.cloudhopper.smpp.SmppSession;
import com.cloudhopper.smpp.SmppSessionConfiguration;
import com.cloudhopper.smpp.impl.DefaultSmppClient;
import com.cloudhopper.smpp.impl.DefaultSmppSessionHandler;
import com.cloudhopper.smpp.pdu.DeliverSm;
import com.cloudhopper.smpp.pdu.PduRequest;
import com.cloudhopper.smpp.pdu.PduResponse;
import com.cloudhopper.smpp.util.DeliveryReceipt;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.joda.time.DateTimeZone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reports whose error code is longer than a receipt's 3-character err: (an SMSC's vendor status 1024, a 5-digit network
 * error code, the hop limit's IB:0001) and one whose state is a peer gateway's CMPP code (MB:0005) reach a real
 * cloudhopper receiver as receipts it parses: cloudhopper refuses an err: over 3 characters and an unknown stat: word,
 * and the ESME would lose the receipt.
 */
class SmppReceiptErrorCodeTest {

   @TempDir
   Path dir;

   /** Collects the deliver_sm a cloudhopper session receives and answers them. */
   static final class Inbox extends DefaultSmppSessionHandler {
      final BlockingQueue<DeliverSm> received = new LinkedBlockingQueue<>();

      @Override
      public PduResponse firePduRequestReceived(PduRequest request) {
         if (request instanceof DeliverSm deliver) {
            received.add(deliver);
         }
         return request.createResponse();
      }
   }

   @Test
   void cloudhopperParsesEveryReceiptWithAThreeCharacterErr() throws Exception {
      try (TestBroker broker = TestBroker.smpp(dir, "").start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         Inbox inbox = new Inbox();
         SmppSessionConfiguration cfg = new SmppSessionConfiguration(SmppBindType.RECEIVER, "smppclient1", "password");
         cfg.setHost("127.0.0.1");
         cfg.setPort(broker.port());
         cfg.setInterfaceVersion(SmppConstants.VERSION_3_4);
         cfg.setWindowSize(16);
         SmppSession receiver = new DefaultSmppClient().bind(cfg, inbox);
         try {
            report(jms, "00000000000007a1", "UNDELIV", "IB:0001");  // the hop limit
            report(jms, "00000000000007a2", "REJECTD", "1024");     // an SMSC's vendor status 0x400, in decimal
            report(jms, "00000000000007a3", "UNDELIV", "65535");    // a network_error_code as the link writes it
            report(jms, "00000000000007a4", "MB:0005", null);       // a peer gateway's CMPP Stat, as stored before
            Map<String, String> receipts = new TreeMap<>();
            for (int i = 0; i < 4; i++) {
               DeliverSm deliver = inbox.received.poll(10, TimeUnit.SECONDS);
               assertNotNull(deliver, "receipt " + (i + 1) + " of 4");
               String text = new String(deliver.getShortMessage(), StandardCharsets.US_ASCII);
               DeliveryReceipt parsed = DeliveryReceipt.parseShortMessage(text, DateTimeZone.UTC); // throws on an err: over 3
               assertEquals(3, parsed.getRawErrorCode().length(), text);
               receipts.put(parsed.getMessageId(), DeliveryReceipt.toStateText(parsed.getState()) + " " + parsed.getRawErrorCode());
            }
            assertEquals(Map.of("00000000000007a1", "UNDELIV 001", "00000000000007a2", "REJECTD 999",
                                "00000000000007a3", "UNDELIV 999", "00000000000007a4", "REJECTD 005"), receipts,
                         "the digits of a CMPP code, 999 for a number over 999, and MB:xxxx (the SMSC refused it) as REJECTD");
            Wait.until("every receipt answered", Duration.ofSeconds(10),
                       () -> broker.messageCount(SmsAddresses.accountQueue("smppclient1")) == 0);
         } finally {
            receiver.unbind(5000);
         }
      }
   }

   private static void report(Connection jms, String id, String status, String errorCode) throws Exception {
      try (Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.accountQueue("smppclient1")))) {
         TextMessage message = session.createTextMessage("Hello");
         message.setStringProperty("smsKind", "DR");
         message.setStringProperty("smsId", id);
         message.setStringProperty("smsStatus", status);
         if (errorCode != null) {
            message.setStringProperty("smsErrorCode", errorCode);
         }
         message.setStringProperty("smsSource", "8613800138070");
         message.setStringProperty("smsDestination", "8610086");
         producer.send(message);
      }
   }
}
