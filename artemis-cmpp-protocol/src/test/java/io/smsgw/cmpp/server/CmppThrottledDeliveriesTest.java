package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.AcceptorMeters;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.ActiveTest;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.Deliver;
import io.smsgw.cmpp.codec.DeliverResp;
import io.smsgw.core.contract.SmsAddresses;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SP that answers DELIVER with Result 8 (flow control) slows its session down for {@code cmppThrottlePause}, and the
 * MO comes again without the attempt counting toward max-delivery-attempts. Before, it came again at once and an SP
 * that kept answering 8 sent it to the dead-letter address after max-delivery-attempts answers.
 */
class CmppThrottledDeliveriesTest {

   private static final Duration TIMEOUT = Duration.ofSeconds(10);
   private static final String SP = "901234";

   @TempDir
   Path dir;

   private static Deliver nextDeliver(RawCmppClient client) throws Exception {
      for (;;) {
         CmppPdu pdu = client.read();
         if (pdu instanceof ActiveTest test) {
            client.send(test.response());
            continue;
         }
         return assertInstanceOf(Deliver.class, pdu);
      }
   }

   @Test
   void anMoAnsweredWithFlowControlMoreOftenThanMaxDeliveryAttemptsComesAgainAfterAPauseAndIsTaken() throws Exception {
      long pauseMillis = 200;
      String queue = SmsAddresses.accountQueue(SP);
      try (TestBroker broker = TestBroker.cmpp(dir, ";cmppThrottlePause=" + pauseMillis).configure(cfg -> {
         TestBroker.withDeadLetterQueue(cfg);
         cfg.getAddressSettings().get("sms.#").setMaxDeliveryAttempts(2);
      }).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
           RawCmppClient client = new RawCmppClient(broker.port())) {
         assertEquals(CmppResult.CONNECT_OK, client.connect(SP, "secret", 0x30).status());
         try (Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
              MessageProducer producer = session.createProducer(session.createQueue(queue))) {
            TextMessage mo = session.createTextMessage("busy");
            mo.setStringProperty("smsKind", "MO");
            mo.setStringProperty("smsSource", "13800138005");
            mo.setStringProperty("smsDestination", "1065712345");
            producer.send(mo);
         }
         Deliver deliver = nextDeliver(client);
         for (int attempt = 1; attempt <= 3; attempt++) {
            assertEquals("busy", new String(deliver.msgContent(), StandardCharsets.US_ASCII));
            client.send(new DeliverResp(deliver.sequenceId(), deliver.msgId(), CmppResult.FLOW_CONTROL_ERROR));
            long answeredAt = System.nanoTime();
            deliver = nextDeliver(client);
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - answeredAt);
            assertTrue(waitedMillis >= pauseMillis - 20, "attempt " + attempt + ": no DELIVER for the pause after Result 8; came after "
                                                          + waitedMillis + " ms");
         }
         assertEquals("busy", new String(deliver.msgContent(), StandardCharsets.US_ASCII), "the fourth attempt");
         client.send(new DeliverResp(deliver.sequenceId(), deliver.msgId(), CmppResult.OK));
         Wait.until("acknowledged", TIMEOUT, () -> broker.messageCount(queue) == 0);
         assertEquals(0, broker.messageCount(TestBroker.DEAD_LETTERS), "flow control answers do not use up attempts");
         long[] counts = AcceptorMeters.deliveries(broker.server(), SP);
         assertEquals(3, counts[AcceptorMeters.THROTTLED]);
         assertEquals(3, counts[AcceptorMeters.REDELIVERED]);
         assertEquals(0, counts[AcceptorMeters.DEAD_LETTERED_ATTEMPTS]);
      }
   }
}
