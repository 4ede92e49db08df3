package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.client.JsmppSmsc;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.StreamMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application's MT over JMS whose body is neither a text nor bytes (a MapMessage, an ObjectMessage, a StreamMessage,
 * a Message without body), or is empty (a TextMessage without text or with "", a BytesMessage without bytes), is
 * refused by routing: the application gets a REJECTD report with error 069, the SMSC gets nothing and nothing is billable.
 * Before, all of them left as a binary SMS (data_coding 0x04) made of the body's encoding, or an empty SMS.
 */
class MtBodyRefusalTest {

   private static final String RECIPIENT = "8613800138055";

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   private TestBroker startBroker(int smscPort) throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { app1 { password = "unused", protocols = [SMPP] } }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 400ms }
         }
         routes { mt = [ { prefix = "86138", links = [ sim ] } ] }
         """.formatted(smscPort));
      System.setProperty("smsgw.config", file.toString());
      return TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start();
   }

   private static <M extends Message> M mt(M message, String smsId) throws Exception {
      message.setStringProperty("smsId", smsId);
      message.setStringProperty("smsAccount", "app1");
      message.setStringProperty("smsSource", "10086");
      message.setStringProperty("smsDestination", RECIPIENT);
      return message;
   }

   @Test
   void anMtWhoseBodyIsNeitherTextNorBytesOrIsEmptyIsRejectedAndNothingReachesTheSmsc() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port);
           TestBroker broker = startBroker(port);
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         MessageConsumer billing = RoutingEndToEndTest.billingSubscription(jms);
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageConsumer reports = session.createConsumer(session.createQueue(SmsAddresses.accountQueue("app1")));
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);

         Map<String, Message> refused = new LinkedHashMap<>();
         MapMessage map = session.createMapMessage();
         map.setString("text", "Hello as a map");
         refused.put("00000000000000b1", map);
         refused.put("00000000000000b2", session.createObjectMessage("Hello as an object"));
         StreamMessage stream = session.createStreamMessage();
         stream.writeString("Hello as a stream");
         refused.put("00000000000000b3", stream);
         refused.put("00000000000000b4", session.createMessage());
         refused.put("00000000000000b5", session.createTextMessage());
         refused.put("00000000000000b6", session.createTextMessage(""));
         refused.put("00000000000000b7", session.createBytesMessage());
         try (MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.MT))) {
            for (Map.Entry<String, Message> e : refused.entrySet()) {
               producer.send(mt(e.getValue(), e.getKey()));
            }
            // what the contract allows still goes, after them
            producer.send(mt(session.createTextMessage("Hello as text"), "00000000000000c1"));
            BytesMessage bytes = mt(session.createBytesMessage(), "00000000000000c2");
            bytes.writeBytes(new byte[] {0x01, 0x02, 0x03});
            producer.send(bytes);
         }

         Set<String> reported = new TreeSet<>();
         for (int i = 0; i < refused.size(); i++) {
            Message report = reports.receive(10_000);
            assertNotNull(report, "a report for each refused MT; got " + reported);
            String id = report.getStringProperty("smsId");
            assertEquals("REJECTD", report.getStringProperty("smsStatus"), id);
            assertEquals("069", report.getStringProperty("smsErrorCode"), id);
            assertEquals(RECIPIENT, report.getStringProperty("smsSource"), "a report comes from the recipient");
            reported.add(id);
         }
         assertEquals(new TreeSet<>(refused.keySet()), reported);
         for (int i = 0; i < refused.size(); i++) {
            Message record = billing.receive(10_000);
            assertNotNull(record, "each refusal is recorded, as the link's refusals are");
            assertEquals("REJECTD", record.getStringProperty("smsStatus"));
            assertFalse(record.getBooleanProperty("smsBillable"), "and billable to nobody: " + record.getStringProperty("smsId"));
         }

         Map<Integer, JsmppSmsc.Received> sent = new java.util.HashMap<>(); // by data_coding: the window may reorder them
         for (int i = 0; i < 2; i++) {
            JsmppSmsc.Received submit = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(submit, "the text and the bytes MT still reach the SMSC; got " + sent.keySet());
            sent.put(submit.dataCoding(), submit);
         }
         assertEquals(Set.of(0, 0x04), sent.keySet());
         assertEquals("Hello as text", new String(sent.get(0).shortMessage(), StandardCharsets.ISO_8859_1));
         assertArrayEquals(new byte[] {0x01, 0x02, 0x03}, sent.get(0x04).shortMessage());
         Wait.until("both acknowledged by the link", Duration.ofSeconds(10),
                    () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
         assertNull(smsc.submits.poll(300, TimeUnit.MILLISECONDS), "none of the refused MT reached the SMSC");
         assertNull(reports.receiveNoWait(), "one report each");
      }
   }
}
