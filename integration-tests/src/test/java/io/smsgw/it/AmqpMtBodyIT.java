package io.smsgw.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.client.JsmppSmsc;
import javax.jms.BytesMessage;
import javax.jms.Connection;
import javax.jms.DeliveryMode;
import javax.jms.MapMessage;
import javax.jms.Message;
import javax.jms.MessageConsumer;
import javax.jms.MessageProducer;
import javax.jms.Session;
import javax.jms.StreamMessage;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * An application's MT over AMQP (Qpid JMS) on the stock broker with the gateway installed: a TextMessage (an AMQP value
 * that is a string) reaches the SMSC as text, a BytesMessage (a data section) as binary, and a MapMessage, a
 * StreamMessage, an ObjectMessage, a Message without body or a TextMessage without text get a REJECTD report with
 * error 069 instead of leaving as a binary SMS made of their AMQP encoding. The report on a NON_PERSISTENT one is durable.
 */
class AmqpMtBodyIT {

   private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
   /** The shipped configuration's SMPP account: its reports wait on its queue. */
   private static final String ACCOUNT = "smppclient1";
   private static final String RECIPIENT = "8613800138088";

   private static JsmppSmsc smsc;
   private static StockBroker broker;

   /** Shows the broker's log next to any failing test. */
   @RegisterExtension
   static final TestWatcher PRINT_BROKER_LOG_ON_FAILURE = new TestWatcher() {
      @Override
      public void testFailed(ExtensionContext context, Throwable cause) {
         printBrokerLog();
      }
   };

   @BeforeAll
   static void startSmscAndStockBroker() throws Exception {
      smsc = new JsmppSmsc(JsmppSmsc.freePort());
      // its own instance, next to StockBrokerIT's
      Path workDir = Path.of(requiredProperty("smsgw.work.dir")).resolveSibling("stock-broker-amqp-mt");
      broker = StockBroker.create(Path.of(requiredProperty("artemis.home")), workDir, Path.of(requiredProperty("smsgw.plugins.dir")),
                                  Path.of(requiredProperty("smsgw.etc")), smsc.port());
      try {
         broker.start(START_TIMEOUT);
         broker.awaitLogLine("SMS routing active", START_TIMEOUT);
         broker.awaitLogLine("SMSC link sim bound", START_TIMEOUT);
      } catch (Exception | AssertionError e) {
         printBrokerLog();
         throw e;
      }
   }

   @AfterAll
   static void stopStockBrokerAndSmsc() throws Exception {
      try {
         if (broker != null) {
            broker.close();
         }
      } finally {
         if (smsc != null) {
            smsc.close();
         }
      }
   }

   private static <M extends Message> M mt(M message, String smsId) throws Exception {
      message.setStringProperty("smsId", smsId);
      message.setStringProperty("smsAccount", ACCOUNT);
      message.setStringProperty("smsSource", "10086");
      message.setStringProperty("smsDestination", RECIPIENT);
      return message;
   }

   @Test
   void textAndBytesFromQpidJmsReachTheSmscAndOtherBodiesAreRejected() throws Exception {
      try (Connection amqp = new JmsConnectionFactory("amqp://127.0.0.1:" + broker.corePort()).createConnection()) {
         amqp.start();
         Session session = amqp.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageConsumer reports = session.createConsumer(session.createQueue(SmsAddresses.accountQueue(ACCOUNT)));

         Map<String, Message> refused = new LinkedHashMap<>();
         MapMessage map = session.createMapMessage();
         map.setString("text", "Hello as a map");
         refused.put("00000000000000e1", map);
         StreamMessage stream = session.createStreamMessage();
         stream.writeString("Hello as a stream");
         refused.put("00000000000000e2", stream);
         refused.put("00000000000000e3", session.createObjectMessage("Hello as an object"));
         refused.put("00000000000000e4", session.createMessage());
         refused.put("00000000000000e5", session.createTextMessage());
         try (MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.MT))) {
            for (Map.Entry<String, Message> e : refused.entrySet()) {
               producer.send(mt(e.getValue(), e.getKey()));
            }
            // NON_PERSISTENT: routing stores what it makes of it durable, the report included
            MapMessage nonPersistent = session.createMapMessage();
            nonPersistent.setString("text", "Hello as a map, not persistent");
            producer.send(mt(nonPersistent, "00000000000000e6"), DeliveryMode.NON_PERSISTENT, Message.DEFAULT_PRIORITY, 0);
            producer.send(mt(session.createTextMessage("Hello over AMQP"), "00000000000000f1"));
            BytesMessage bytes = mt(session.createBytesMessage(), "00000000000000f2");
            bytes.writeBytes(new byte[] {0x01, 0x02, 0x03});
            producer.send(bytes);
         }

         Set<String> reported = new TreeSet<>();
         for (int i = 0; i < refused.size() + 1; i++) {
            Message report = reports.receive(30_000);
            assertNotNull(report, "a report for each refused MT; got " + reported);
            String id = report.getStringProperty("smsId");
            assertEquals("REJECTD", report.getStringProperty("smsStatus"), id);
            assertEquals("069", report.getStringProperty("smsErrorCode"), id);
            assertEquals(DeliveryMode.PERSISTENT, report.getJMSDeliveryMode(), id);
            reported.add(id);
         }
         Set<String> expected = new TreeSet<>(refused.keySet());
         expected.add("00000000000000e6");
         assertEquals(expected, reported);

         Map<Integer, JsmppSmsc.Received> sent = new HashMap<>(); // by data_coding: the window may reorder them
         for (int i = 0; i < 2; i++) {
            JsmppSmsc.Received submit = smsc.submits.poll(30, TimeUnit.SECONDS);
            assertNotNull(submit, "the text and the bytes MT reach the SMSC; got " + sent.keySet());
            assertEquals(RECIPIENT, submit.destination());
            sent.put(submit.dataCoding(), submit);
         }
         assertEquals(Set.of(0, 0x04), sent.keySet());
         assertEquals("Hello over AMQP", new String(sent.get(0).shortMessage(), StandardCharsets.ISO_8859_1));
         assertArrayEquals(new byte[] {0x01, 0x02, 0x03}, sent.get(0x04).shortMessage());
         assertNull(smsc.submits.poll(300, TimeUnit.MILLISECONDS), "none of the refused MT reached the SMSC");
      }
   }

   private static String requiredProperty(String name) {
      String value = System.getProperty(name);
      if (value == null) {
         throw new IllegalStateException("System property " + name + " is not set (run through mvn verify)");
      }
      return value;
   }

   private static void printBrokerLog() {
      if (broker != null) {
         System.out.println("===== broker log " + broker.logFile() + " =====");
         System.out.println(broker.log());
         System.out.println("===== end of broker log =====");
      }
   }
}
