package io.smsgw.smpp.client;

import static io.smsgw.smpp.client.RawSmsc.cString;
import static io.smsgw.smpp.client.RawSmsc.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.codec.SmppCommandId;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SMSC that gives a message id again (its counter wrapped) while the receipt of the MT it first named is still
 * awaited: the newer MT's record replaces the older one's, and the older MT gets one final UNKNOWN report (110) on
 * sms.dr, as an expired record's MT gets EXPIRED, instead of none.
 */
class SmscLinkReusedIdTest {

   private static final String LINK_QUEUE = SmsAddresses.smscLinkQueue("sim");

   @TempDir
   Path dir;

   @BeforeEach
   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   private void configureLink(int smscPort) throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { smppclient1 { password = "password", protocols = [SMPP] } }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", window = 4
                 enquire-link-interval = 200ms, response-timeout = 1s, reconnect-min = 100ms, reconnect-max = 400ms }
         }
         """.formatted(smscPort));
      System.setProperty("smsgw.config", file.toString());
   }

   static void sendMt(TestBroker broker, String smsId, String destination) throws JMSException {
      try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
           Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer producer = session.createProducer(session.createQueue(LINK_QUEUE))) {
         Message mt = session.createTextMessage("id reused");
         mt.setStringProperty("smsKind", "MT");
         mt.setStringProperty("smsId", smsId);
         mt.setStringProperty("smsAccount", "smppclient1");
         mt.setStringProperty("smsProtocol", "SMPP");
         mt.setStringProperty("smsSource", "8610086");
         mt.setStringProperty("smsDestination", destination);
         mt.setIntProperty("smsRegisteredDelivery", 1);
         producer.send(mt);
      }
   }

   /** Takes {@code count} DRs off sms.dr (each within 10 s), in order of arrival. */
   static List<Message> receiveDrs(TestBroker broker, int count) throws JMSException {
      List<Message> drs = new ArrayList<>();
      try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageConsumer consumer = session.createConsumer(session.createQueue(SmsAddresses.DR));
         for (int i = 0; i < count; i++) {
            Message dr = consumer.receive(10_000);
            assertNotNull(dr, "DR " + (i + 1) + " of " + count);
            drs.add(dr);
         }
      }
      return drs;
   }

   private static void sentAndAcknowledged(RawSmsc smsc, TestBroker broker, String smsId, String destination) throws Exception {
      sendMt(broker, smsId, destination);
      assertNotNull(smsc.submits.poll(10, TimeUnit.SECONDS), "submit_sm of " + smsId + " at the SMSC");
      Wait.until("MT " + smsId + " acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(LINK_QUEUE) == 0);
   }

   @Test
   void anMtWhoseSmscIdIsGivenToAnotherMtGetsOneUnknownReportAndTheNewerMtItsReceipt() throws Exception {
      int port = JsmppSmsc.freePort();
      try (RawSmsc smsc = new RawSmsc(port)) {
         // The SMSC's counter wrapped: the second MT gets the id the first one got.
         smsc.submitAnswers.add(seq -> frame(SmppCommandId.SUBMIT_SM_RESP, 0, seq, cString("7f01")));
         smsc.submitAnswers.add(seq -> frame(SmppCommandId.SUBMIT_SM_RESP, 0, seq, cString("7f01")));
         configureLink(port);
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            sentAndAcknowledged(smsc, broker, "00000000000000a1", "8613800138001");
            sentAndAcknowledged(smsc, broker, "00000000000000a2", "8613800138002");

            Message displaced = receiveDrs(broker, 1).get(0);
            assertEquals("00000000000000a1", displaced.getStringProperty("smsId"), "the older MT's final report");
            assertEquals("UNKNOWN", displaced.getStringProperty("smsStatus"));
            assertEquals("110", displaced.getStringProperty("smsErrorCode"), "UNKNOWN 110: its id went to another MT");
            assertEquals("7f01", displaced.getStringProperty("smsSmscMessageId"));
            assertEquals("8613800138001", displaced.getStringProperty("smsSource"), "the report comes from its handset");

            // The receipt for the id is the newer MT's.
            smsc.sendReceipt("7f01", "DELIVRD", "8613800138002");
            Message delivered = receiveDrs(broker, 1).get(0);
            assertEquals("00000000000000a2", delivered.getStringProperty("smsId"));
            assertEquals("DELIVRD", delivered.getStringProperty("smsStatus"));
            assertEquals(Integer.valueOf(0), smsc.deliveryAnswers.poll(10, TimeUnit.SECONDS), "the receipt answered ESME_ROK");
            assertEquals(0, broker.messageCount(SmsAddresses.DR), "one report each: nothing else on sms.dr");
            assertEquals(0, broker.messageCount(LinkMessages.UNMATCHED_RECEIPTS), "nothing parked");
         }
      }
   }
}
