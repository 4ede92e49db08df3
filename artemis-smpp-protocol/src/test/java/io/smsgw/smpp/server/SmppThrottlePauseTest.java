package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.AcceptorMeters;
import io.smsgw.broker.testing.HandOverGate;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.codec.BindRequest;
import io.smsgw.smpp.codec.BindResponse;
import io.smsgw.smpp.codec.BindType;
import io.smsgw.smpp.codec.DeliverSm;
import io.smsgw.smpp.codec.EnquireLink;
import io.smsgw.smpp.codec.EnquireLinkResp;
import io.smsgw.smpp.codec.SmppPdu;
import io.smsgw.smpp.codec.SmppStatus;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A throttling pause is authoritative and account-wide: once the gateway has read an ESME's ESME_RTHROTTLED, no
 * deliver_sm reaches any bind of that account until the pause is over, not one the broker handed over just before the
 * answer was processed, nor one another bind of the account has room for. The pause (2 s) is far longer than what the
 * tests do inside it; they never measure time, they check that nothing arrived before an enquire_link_resp the gateway
 * wrote after the delivery in question would have been written.
 */
class SmppThrottlePauseTest {

   private static final Duration DEADLINE = Duration.ofSeconds(20);
   private static final String ESME = "smppclient1";
   private static final String QUEUE = SmsAddresses.accountQueue(ESME);

   @TempDir
   Path dir;

   private static void sendMo(Connection jms, String text) throws Exception {
      try (Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer producer = session.createProducer(session.createQueue(QUEUE))) {
         TextMessage message = session.createTextMessage(text);
         message.setStringProperty("smsKind", "MO");
         message.setStringProperty("smsSource", "8613800138002");
         message.setStringProperty("smsDestination", "8610086");
         producer.send(message);
      }
   }

   private static RawSmppClient bound(TestBroker broker) throws Exception {
      RawSmppClient client = new RawSmppClient(broker.port());
      client.send(new BindRequest(1, BindType.RECEIVER, ESME, "password", "", 0x34, 0, 0, ""));
      assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, client.read()).commandStatus());
      return client;
   }

   private static String text(DeliverSm deliver) {
      return new String(deliver.shortMessage(), StandardCharsets.US_ASCII);
   }

   /**
    * Two enquire_link round trips: a deliver_sm the gateway had handed to its writer before the first was read is
    * written before the second's answer (the writer writes in order, on the event loop), so it is among what this
    * returns. The deliver_sm read on the way, if any.
    */
   private static List<DeliverSm> deliveriesBeforeTwoEnquireLinks(RawSmppClient client, int sequence) throws Exception {
      List<DeliverSm> seen = new ArrayList<>();
      for (int probe = sequence; probe < sequence + 2; probe++) {
         client.send(new EnquireLink(probe));
         while (true) {
            SmppPdu pdu = client.read();
            if (pdu instanceof DeliverSm deliver) {
               seen.add(deliver);
            } else if (pdu instanceof EnquireLinkResp resp && resp.sequenceNumber() == probe) {
               break;
            }
         }
      }
      return seen;
   }

   private static long throttled(TestBroker broker) {
      return AcceptorMeters.deliveries(broker.server(), ESME)[AcceptorMeters.THROTTLED];
   }

   @Test
   void aDeliverSmHandedOverWhileTheThrottlingAnswerIsProcessedWaitsForThePauseAndUsesNoAttempt() throws Exception {
      // The second hand-over stops after the credit check (the window has room) until the throttling answer to the
      // first has been counted on the event loop; then it reaches the session. Before, it was written at once.
      HandOverGate gate = new HandOverGate(QUEUE, 2, () -> throttled(broker()) >= 1);
      try (TestBroker broker = started(TestBroker.smpp(dir, ";smppEnquireLinkInterval=0;smppWindowSize=2;smppThrottlePause=2000")
                                          .configure(cfg -> {
                                             cfg.registerBrokerPlugin(gate);
                                             TestBroker.withDeadLetterQueue(cfg);
                                             cfg.getAddressSettings().get("sms.#").setMaxDeliveryAttempts(1);
                                          }));
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         try (RawSmppClient client = bound(broker)) {
            sendMo(jms, "first");
            DeliverSm first = assertInstanceOf(DeliverSm.class, client.read());
            assertEquals("first", text(first));
            // Sent from another thread: the broker may hand it over on the sending thread, which the gate stops.
            CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
               try {
                  sendMo(jms, "second");
               } catch (Exception e) {
                  throw new IllegalStateException(e);
               }
            });
            gate.awaitHolding(); // its credit check passed: the window has room, no pause yet
            client.send(first.response(SmppStatus.ESME_RTHROTTLED));
            gate.awaitPassed();
            second.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);

            assertEquals(List.of(), deliveriesBeforeTwoEnquireLinks(client, 100).stream().map(SmppThrottlePauseTest::text).toList(),
                         "no deliver_sm inside the pause, not even one handed over before the throttling answer was read");

            // The pause ends by itself: the held one goes, then the throttled one again; both taken.
            List<String> after = new ArrayList<>();
            while (after.size() < 2) {
               SmppPdu pdu = client.read((int) DEADLINE.toMillis());
               DeliverSm deliver = assertInstanceOf(DeliverSm.class, pdu, "a deliver_sm after the pause");
               after.add(text(deliver));
               client.send(deliver.response(SmppStatus.ESME_ROK));
            }
            assertEquals(List.of("second", "first"), after);
            Wait.until("both acknowledged", DEADLINE, () -> broker.messageCount(QUEUE) == 0);
            assertEquals(0, broker.messageCount(TestBroker.DEAD_LETTERS));
            long[] counts = AcceptorMeters.deliveries(broker.server(), ESME);
            assertEquals(3, counts[AcceptorMeters.MO_SENT]);
            assertEquals(1, counts[AcceptorMeters.THROTTLED]);
            assertEquals(2, counts[AcceptorMeters.OK]);
            assertEquals(1, counts[AcceptorMeters.REDELIVERED], "only the throttled MO came again");
         }
      }
   }

   /**
    * A deliver_sm held through a pause longer than smppResponseTimeout was never sent: it is not overdue, not put back
    * as unanswered (which would count a timed-out attempt and bring it twice), and its timeout runs from its write.
    */
   @Test
   void aDeliverSmHeldThroughAPauseLongerThanTheResponseTimeoutIsNotTimedOut() throws Exception {
      HandOverGate gate = new HandOverGate(QUEUE, 2, () -> throttled(broker()) >= 1);
      try (TestBroker broker = started(TestBroker.smpp(dir, ";smppEnquireLinkInterval=0;smppWindowSize=2;smppThrottlePause=2000;smppResponseTimeout=300")
                                          .configure(cfg -> cfg.registerBrokerPlugin(gate)));
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
           RawSmppClient client = bound(broker)) {
         sendMo(jms, "first");
         DeliverSm first = assertInstanceOf(DeliverSm.class, client.read());
         CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
            try {
               sendMo(jms, "second");
            } catch (Exception e) {
               throw new IllegalStateException(e);
            }
         });
         gate.awaitHolding();
         client.send(first.response(SmppStatus.ESME_RTHROTTLED));
         gate.awaitPassed();
         second.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);

         List<String> after = new ArrayList<>();
         while (after.size() < 2) {
            DeliverSm deliver = assertInstanceOf(DeliverSm.class, client.read((int) DEADLINE.toMillis()), "a deliver_sm after the pause");
            after.add(text(deliver));
            client.send(deliver.response(SmppStatus.ESME_ROK));
         }
         assertEquals(List.of("second", "first"), after);
         Wait.until("both acknowledged", DEADLINE, () -> broker.messageCount(QUEUE) == 0);
         long[] counts = AcceptorMeters.deliveries(broker.server(), ESME);
         assertEquals(0, counts[AcceptorMeters.TIMED_OUT], "the held deliver_sm was not overdue");
         assertEquals(3, counts[AcceptorMeters.MO_SENT], "each sent once, the throttled one twice");
      }
   }

   @Test
   void aThrottlingAnswerOnOneBindPausesEveryBindOfTheAccount() throws Exception {
      try (TestBroker broker = started(TestBroker.smpp(dir, ";smppEnquireLinkInterval=0;smppWindowSize=1;smppThrottlePause=2000"));
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         sendMo(jms, "one");
         sendMo(jms, "two");
         try (RawSmppClient throttling = bound(broker)) {
            DeliverSm one = assertInstanceOf(DeliverSm.class, throttling.read());
            try (RawSmppClient other = bound(broker)) {
               DeliverSm two = assertInstanceOf(DeliverSm.class, other.read());
               assertEquals(List.of("one", "two"), List.of(text(one), text(two)));

               throttling.send(one.response(SmppStatus.ESME_RTHROTTLED));
               Wait.until("the throttling answer read", DEADLINE, () -> throttled(broker) == 1);
               // The other bind takes its MO: its window has room again, and the throttled one waits on the queue.
               other.send(two.response(SmppStatus.ESME_ROK));
               Wait.until("the other bind's MO acknowledged", DEADLINE, () -> broker.messageCount(QUEUE) == 1);
               // The broker tries to hand the waiting MO over now, and whatever it hands over reaches a writer
               // before the enquire_links below are answered.
               var queue = broker.server().locateQueue(SimpleString.of(QUEUE));
               queue.deliverAsync();
               assertTrue(queue.flushExecutor(), "the queue's delivery round ran");
               assertEquals(List.of(), deliveriesBeforeTwoEnquireLinks(other, 200).stream().map(SmppThrottlePauseTest::text).toList(),
                            "the other bind of the throttling account gets nothing during the pause");
               assertEquals(List.of(), deliveriesBeforeTwoEnquireLinks(throttling, 300).stream().map(SmppThrottlePauseTest::text).toList(),
                            "nor does the bind that throttled");

               // After the pause the MO goes to one of them, once, and is taken.
               DeliverSm again = null;
               RawSmppClient receiver = null;
               long deadline = System.nanoTime() + DEADLINE.toNanos();
               while (again == null && System.nanoTime() < deadline) {
                  for (RawSmppClient client : List.of(throttling, other)) {
                     SmppPdu pdu = client.read(50);
                     if (pdu != null) {
                        again = assertInstanceOf(DeliverSm.class, pdu);
                        receiver = client;
                        break;
                     }
                  }
               }
               assertNotNull(again, "the throttled MO after the pause");
               assertEquals("one", text(again));
               receiver.send(again.response(SmppStatus.ESME_ROK));
               Wait.until("all acknowledged", DEADLINE, () -> broker.messageCount(QUEUE) == 0);
               long[] counts = AcceptorMeters.deliveries(broker.server(), ESME);
               assertEquals(3, counts[AcceptorMeters.MO_SENT]);
               assertEquals(1, counts[AcceptorMeters.THROTTLED]);
            }
         }
      }
   }

   private TestBroker current;

   private TestBroker broker() {
      return current;
   }

   private TestBroker started(TestBroker broker) throws Exception {
      current = broker;
      return broker.start();
   }
}
