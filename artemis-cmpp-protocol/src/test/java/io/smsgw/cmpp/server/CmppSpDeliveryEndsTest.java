package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;

import io.smsgw.broker.AcceptorMeters;
import io.smsgw.broker.DeliveryCounts;
import io.smsgw.broker.testing.PipeliningPeer;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.ActiveTest;
import io.smsgw.cmpp.codec.ActiveTestResp;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.Deliver;
import io.smsgw.cmpp.codec.DeliverResp;
import io.smsgw.cmpp.codec.SubmitResp;
import io.smsgw.cmpp.codec.Terminate;
import io.smsgw.cmpp.codec.TerminateResp;
import io.smsgw.core.contract.SmsAddresses;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.activemq.artemis.utils.collections.LinkedListIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How an SP (which always both submits and receives) gets its DELIVERs when its session is paused or ends: a full store
 * holds back its SUBMITs, not its DELIVER_RESP or ACTIVE_TEST; a DELIVER it never answers before TERMINATE comes again
 * as a redelivery and is dead-lettered at the address's max-delivery-attempts.
 */
class CmppSpDeliveryEndsTest {

   private static final Duration DEADLINE = Duration.ofSeconds(30);
   private static final String SP = "901234";
   private static final String MT = "sms.mt";

   @TempDir
   Path dir;

   private static RawCmppClient connected(TestBroker broker) throws Exception {
      RawCmppClient client = new RawCmppClient(broker.port());
      assertEquals(CmppResult.CONNECT_OK, client.connect(SP, "secret", 0x30).status());
      return client;
   }

   private static void sendMo(TestBroker broker, String text) throws Exception {
      try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
           Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.accountQueue(SP)))) {
         TextMessage message = session.createTextMessage(text);
         message.setStringProperty("smsKind", "MO");
         message.setStringProperty("smsSource", "13800138005");
         message.setStringProperty("smsDestination", "1065712345");
         producer.send(message);
      }
   }

   private static DeliveryCounts counts(TestBroker broker) {
      return AcceptorMeters.account(broker.server(), "CMPP", SP, "sms.sp.").deliveries();
   }

   @Test
   void aFullStoreHoldsBackSubmitsButNotTheDeliverRespOrActiveTest() throws Exception {
      try (TestBroker broker = TestBroker.cmpp(dir, ";cmppActiveTestInterval=0;cmppResponseTimeout=1500").configure(
              cfg -> cfg.addAddressSetting(MT, new AddressSettings().setMaxSizeBytes(16 * 1024)
                 .setAddressFullMessagePolicy(AddressFullMessagePolicy.BLOCK).setMaxDeliveryAttempts(-1))).start();
           RawCmppClient client = connected(broker)) {
         for (int i = 0; ; i++) {
            assertTrue(i < 400, "the store never filled");
            int sequence = client.nextSequence();
            client.send(RawCmppClient.ascii(sequence, SP, "submit " + sequence, "13800138000"));
            if (assertInstanceOf(SubmitResp.class, client.read()).result() != CmppResult.OK) {
               break;
            }
         }
         Wait.until("the connection paused for storage", DEADLINE,
                    () -> PipeliningPeer.serverState(broker.server(), client.localAddress()).contains("storageFull=true"));
         int waiting = client.nextSequence();
         client.send(RawCmppClient.ascii(waiting, SP, "waits for space", "13800138000"));
         sendMo(broker, "an MO while the store is full");
         Deliver deliver = assertInstanceOf(Deliver.class, client.read());
         client.send(new DeliverResp(deliver.sequenceId(), deliver.msgId(), CmppResult.OK));
         client.send(new ActiveTest(client.nextSequence()));
         CmppPdu answer = client.read(5_000);
         assertInstanceOf(ActiveTestResp.class, answer, "ACTIVE_TEST answered while the store is full, got " + answer);
         Wait.until("the MO acknowledged by its DELIVER_RESP", DEADLINE,
                    () -> broker.messageCount(SmsAddresses.accountQueue(SP)) == 0 && counts(broker).settled(DeliveryCounts.Outcome.OK) == 1);
         assertEquals(0, counts(broker).moRedelivered());

         broker.server().locateQueue(SimpleString.of(MT)).deleteAllReferences();
         SubmitResp stored = assertInstanceOf(SubmitResp.class, client.read());
         assertEquals(waiting, stored.sequenceId());
         assertEquals(CmppResult.OK, stored.result(), "the SUBMIT that waited is stored once the store frees");

         // TERMINATE while a SUBMIT waits: the SUBMIT is answered (Result 8, still full) before TERMINATE_RESP.
         for (int i = 0; ; i++) {
            assertTrue(i < 400, "the store never filled again");
            int sequence = client.nextSequence();
            client.send(RawCmppClient.ascii(sequence, SP, "submit " + sequence, "13800138000"));
            if (assertInstanceOf(SubmitResp.class, client.read()).result() != CmppResult.OK) {
               break;
            }
         }
         int last = client.nextSequence();
         client.send(RawCmppClient.ascii(last, SP, "waits, then the end", "13800138000"));
         client.send(new Terminate(client.nextSequence()));
         SubmitResp refused = assertInstanceOf(SubmitResp.class, client.read());
         assertEquals(last, refused.sequenceId());
         assertEquals(CmppResult.FLOW_CONTROL_ERROR, refused.result());
         assertInstanceOf(TerminateResp.class, client.read());
      }
   }

   @Test
   void aDeliverUnansweredAtEachTerminateCountsItsAttemptsAndIsDeadLetteredAtTheLast() throws Exception {
      String queue = SmsAddresses.accountQueue(SP);
      int maxAttempts = 3;
      // TERMINATE waits 200 ms for the DELIVER_RESP that never comes, far less than the response timeout: the MO goes
      // back with the broker session's close, not as overdue.
      try (TestBroker broker = TestBroker.cmpp(dir, ";cmppActiveTestInterval=0;cmppResponseTimeout=30000;cmppTerminateDrainTimeout=200").configure(cfg -> {
         TestBroker.withDeadLetterQueue(cfg);
         cfg.getAddressSettings().get("sms.#").setMaxDeliveryAttempts(maxAttempts);
      }).start()) {
         sendMo(broker, "a poison MO");
         for (int round = 1; round <= maxAttempts; round++) {
            try (RawCmppClient client = connected(broker)) {
               assertInstanceOf(Deliver.class, client.read());
               client.send(new Terminate(client.nextSequence()));
               assertInstanceOf(TerminateResp.class, client.read());
               client.closedByServer(10_000);
            }
            Wait.until("the session gone", DEADLINE, () -> broker.consumerCount(queue) == 0);
            int attempts = round;
            if (round < maxAttempts) {
               Wait.until("the MO back on the queue having counted attempt " + round, DEADLINE,
                          () -> deliveryCount(broker, queue) == attempts, () -> "delivery count " + deliveryCount(broker, queue));
            }
         }
         Wait.until("the MO dead-lettered at its last attempt", DEADLINE,
                    () -> broker.messageCount(queue) == 0 && broker.messageCount(TestBroker.DEAD_LETTERS) == 1,
                    () -> "queue " + broker.messageCount(queue) + ", dead letters " + broker.messageCount(TestBroker.DEAD_LETTERS));
         assertEquals(maxAttempts, counts(broker).moSent());
         assertEquals(maxAttempts - 1, counts(broker).moRedelivered());
      }
   }

   private static int deliveryCount(TestBroker broker, String queueName) {
      try (LinkedListIterator<MessageReference> refs = broker.server().locateQueue(SimpleString.of(queueName)).browserIterator()) {
         return refs.hasNext() ? refs.next().getDeliveryCount() : -1;
      } catch (Exception e) {
         throw new IllegalStateException(e);
      }
   }
}
