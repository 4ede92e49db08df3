package io.smsgw.cmpp.server;

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
import io.smsgw.cmpp.codec.ActiveTest;
import io.smsgw.cmpp.codec.ActiveTestResp;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.Deliver;
import io.smsgw.cmpp.codec.DeliverResp;
import io.smsgw.core.contract.SmsAddresses;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DELIVER_RESP Result 8 pauses every connection of the SP, and nothing goes out in the pause, not even a DELIVER the
 * broker handed over just before the answer was processed. As SmppThrottlePauseTest: a 2 s pause, no time measured;
 * "nothing arrived" means nothing before the answers to two ACTIVE_TESTs sent after the hand-over in question.
 */
class CmppThrottlePauseTest {

   private static final Duration DEADLINE = Duration.ofSeconds(20);
   private static final String SP = "901234";
   private static final String QUEUE = SmsAddresses.accountQueue(SP);

   @TempDir
   Path dir;
   private TestBroker current;

   private TestBroker started(TestBroker broker) throws Exception {
      current = broker;
      return broker.start();
   }

   private static void sendMo(Connection jms, String text) {
      try (Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer producer = session.createProducer(session.createQueue(QUEUE))) {
         TextMessage mo = session.createTextMessage(text);
         mo.setStringProperty("smsKind", "MO");
         mo.setStringProperty("smsSource", "13800138005");
         mo.setStringProperty("smsDestination", "1065712345");
         producer.send(mo);
      } catch (Exception e) {
         throw new IllegalStateException(e);
      }
   }

   private static RawCmppClient connected(TestBroker broker) throws Exception {
      RawCmppClient client = new RawCmppClient(broker.port());
      assertEquals(CmppResult.CONNECT_OK, client.connect(SP, "secret", 0x30).status());
      return client;
   }

   private static String text(Deliver deliver) {
      return new String(deliver.msgContent(), StandardCharsets.US_ASCII);
   }

   private static Deliver nextDeliver(RawCmppClient client, int timeoutMillis) throws Exception {
      for (;;) {
         CmppPdu pdu = client.read(timeoutMillis);
         if (pdu instanceof ActiveTest test) {
            client.send(test.response());
            continue;
         }
         return pdu == null ? null : assertInstanceOf(Deliver.class, pdu);
      }
   }

   /** The texts of the DELIVERs read before the answers to two ACTIVE_TESTs (see SmppThrottlePauseTest). */
   private static List<String> deliveriesBeforeTwoActiveTests(RawCmppClient client, int sequence) throws Exception {
      List<String> seen = new ArrayList<>();
      for (int probe = sequence; probe < sequence + 2; probe++) {
         client.send(new ActiveTest(probe));
         while (true) {
            CmppPdu pdu = client.read();
            if (pdu instanceof Deliver deliver) {
               seen.add(text(deliver));
            } else if (pdu instanceof ActiveTestResp resp && resp.sequenceId() == probe) {
               break;
            } else if (pdu instanceof ActiveTest test) {
               client.send(test.response());
            }
         }
      }
      return seen;
   }

   private static long throttled(TestBroker broker) {
      return AcceptorMeters.deliveries(broker.server(), SP)[AcceptorMeters.THROTTLED];
   }

   @Test
   void aDeliverHandedOverWhileResult8IsProcessedWaitsForThePause() throws Exception {
      HandOverGate gate = new HandOverGate(QUEUE, 2, () -> throttled(current) >= 1);
      try (TestBroker broker = started(TestBroker.cmpp(dir, ";cmppWindowSize=2;cmppThrottlePause=2000")
                                          .configure(cfg -> cfg.registerBrokerPlugin(gate)));
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
           RawCmppClient client = connected(broker)) {
         sendMo(jms, "first");
         Deliver first = nextDeliver(client, 10_000);
         assertEquals("first", text(first));
         CompletableFuture<Void> second = CompletableFuture.runAsync(() -> sendMo(jms, "second"));
         gate.awaitHolding();
         client.send(new DeliverResp(first.sequenceId(), first.msgId(), CmppResult.FLOW_CONTROL_ERROR));
         gate.awaitPassed();
         second.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);

         assertEquals(List.of(), deliveriesBeforeTwoActiveTests(client, 100),
                      "no DELIVER inside the pause, not even one handed over before Result 8 was read");

         List<String> after = new ArrayList<>();
         while (after.size() < 2) {
            Deliver deliver = nextDeliver(client, (int) DEADLINE.toMillis());
            assertNotNull(deliver, "a DELIVER after the pause");
            after.add(text(deliver));
            client.send(new DeliverResp(deliver.sequenceId(), deliver.msgId(), CmppResult.OK));
         }
         assertEquals(List.of("second", "first"), after);
         Wait.until("both acknowledged", DEADLINE, () -> broker.messageCount(QUEUE) == 0);
      }
   }

   @Test
   void result8OnOneConnectionPausesEveryConnectionOfTheSp() throws Exception {
      try (TestBroker broker = started(TestBroker.cmpp(dir, ";cmppWindowSize=1;cmppThrottlePause=2000"));
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         sendMo(jms, "one");
         sendMo(jms, "two");
         try (RawCmppClient throttling = connected(broker)) {
            Deliver one = nextDeliver(throttling, 10_000);
            try (RawCmppClient other = connected(broker)) {
               Deliver two = nextDeliver(other, 10_000);
               assertEquals(List.of("one", "two"), List.of(text(one), text(two)));

               throttling.send(new DeliverResp(one.sequenceId(), one.msgId(), CmppResult.FLOW_CONTROL_ERROR));
               Wait.until("Result 8 read", DEADLINE, () -> throttled(broker) == 1);
               other.send(new DeliverResp(two.sequenceId(), two.msgId(), CmppResult.OK));
               Wait.until("the other connection's MO acknowledged", DEADLINE, () -> broker.messageCount(QUEUE) == 1);
               var queue = broker.server().locateQueue(SimpleString.of(QUEUE));
               queue.deliverAsync();
               assertTrue(queue.flushExecutor(), "the queue's delivery round ran");
               assertEquals(List.of(), deliveriesBeforeTwoActiveTests(other, 200),
                            "the SP's other connection gets nothing during the pause");
               assertEquals(List.of(), deliveriesBeforeTwoActiveTests(throttling, 300), "nor does the one that throttled");

               Deliver again = null;
               RawCmppClient receiver = null;
               long deadline = System.nanoTime() + DEADLINE.toNanos();
               while (again == null && System.nanoTime() < deadline) {
                  for (RawCmppClient client : List.of(throttling, other)) {
                     Deliver deliver = nextDeliver(client, 50);
                     if (deliver != null) {
                        again = deliver;
                        receiver = client;
                        break;
                     }
                  }
               }
               assertNotNull(again, "the throttled MO after the pause");
               assertEquals("one", text(again));
               receiver.send(new DeliverResp(again.sequenceId(), again.msgId(), CmppResult.OK));
               Wait.until("all acknowledged", DEADLINE, () -> broker.messageCount(QUEUE) == 0);
               assertEquals(3, AcceptorMeters.deliveries(broker.server(), SP)[AcceptorMeters.MO_SENT]);
            }
         }
      }
   }
}
