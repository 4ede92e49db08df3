package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import java.time.Duration;

import io.smsgw.broker.AcceptorMeters;
import io.smsgw.broker.DeliveryCounts;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.codec.BindRequest;
import io.smsgw.smpp.codec.BindResponse;
import io.smsgw.smpp.codec.BindType;
import io.smsgw.smpp.codec.DeliverSm;
import io.smsgw.smpp.codec.SmppStatus;
import io.smsgw.smpp.codec.Unbind;
import io.smsgw.smpp.codec.UnbindResp;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.activemq.artemis.utils.collections.LinkedListIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An MO the ESME receives and never answers before a clean unbind was sent: it comes again on the next bind as a
 * redelivery, and after the address's max-delivery-attempts it is dead-lettered instead of looping for ever.
 */
class SmppUnbindRedeliveryTest {

   private static final Duration DEADLINE = Duration.ofSeconds(30);
   private static final String ESME = "smppclient1";
   private static final int MAX_ATTEMPTS = 3;

   @TempDir
   Path dataDir;

   @Test
   void anMoUnansweredAtEachUnbindCountsItsAttemptsAndIsDeadLetteredAtTheLast() throws Exception {
      String queue = SmsAddresses.accountQueue(ESME);
      // The unbind waits 200 ms for the deliver_sm_resp that never comes, far less than the response timeout: the MO goes
      // back with the broker session's close, not as overdue.
      try (TestBroker broker = TestBroker.smpp(dataDir, ";smppEnquireLinkInterval=0;smppResponseTimeout=30000;smppUnbindDrainTimeout=200").configure(cfg -> {
         TestBroker.withDeadLetterQueue(cfg);
         cfg.getAddressSettings().get("sms.#").setMaxDeliveryAttempts(MAX_ATTEMPTS);
      }).start()) {
         sendMo(broker, "a poison MO");
         for (int round = 1; round <= MAX_ATTEMPTS; round++) {
            try (RawSmppClient client = new RawSmppClient(broker.port())) {
               client.send(new BindRequest(1, BindType.RECEIVER, ESME, "password", "", 0x34, 0, 0, ""));
               assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, client.read()).commandStatus());
               assertInstanceOf(DeliverSm.class, client.read());
               client.send(new Unbind(2));
               assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(UnbindResp.class, client.read()).commandStatus());
               client.closedByServer(10_000);
            }
            Wait.until("the session gone", DEADLINE, () -> broker.consumerCount(queue) == 0);
            int attempts = round;
            if (round < MAX_ATTEMPTS) {
               Wait.until("the MO back on the queue having counted attempt " + round, DEADLINE,
                          () -> deliveryCount(broker, queue) == attempts, () -> "delivery count " + deliveryCount(broker, queue));
            }
         }
         Wait.until("the MO dead-lettered at its last attempt", DEADLINE,
                    () -> broker.messageCount(queue) == 0 && broker.messageCount(TestBroker.DEAD_LETTERS) == 1,
                    () -> "queue " + broker.messageCount(queue) + ", dead letters " + broker.messageCount(TestBroker.DEAD_LETTERS));
         DeliveryCounts counts = AcceptorMeters.account(broker.server(), "SMPP", ESME, "sms.sp.").deliveries();
         assertEquals(MAX_ATTEMPTS, counts.moSent());
         assertEquals(MAX_ATTEMPTS - 1, counts.moRedelivered(), "every bind after the first sent it again");
      }
   }

   private static void sendMo(TestBroker broker, String text) throws Exception {
      try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
           Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.accountQueue(ESME)))) {
         TextMessage message = session.createTextMessage(text);
         message.setStringProperty("smsKind", "MO");
         message.setStringProperty("smsSource", "8613800138002");
         message.setStringProperty("smsDestination", "8610086");
         producer.send(message);
      }
   }

   /** The broker's delivery count of the one message waiting on the queue, -1 when none waits. */
   private static int deliveryCount(TestBroker broker, String queueName) {
      Queue queue = broker.server().locateQueue(SimpleString.of(queueName));
      try (LinkedListIterator<MessageReference> refs = queue.browserIterator()) {
         return refs.hasNext() ? refs.next().getDeliveryCount() : -1;
      } catch (Exception e) {
         throw new IllegalStateException(e);
      }
   }
}
