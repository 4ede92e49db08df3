package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.AcceptorMeters;
import io.smsgw.broker.DeliveryCounts;
import io.smsgw.broker.StorageOverload;
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
import io.smsgw.core.contract.SmsAddresses;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.paging.PagingStore;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SP with a wide window (more SUBMITs in flight than the 64 a connection keeps while the storage is full) meets a
 * full store: it is still read. Its DELIVER_RESP settles the MO (not sent again), its ACTIVE_TEST is answered, the
 * SUBMITs past the 64 kept get Result 8 at once, and the 64 kept are stored and answered Result 0 once space frees.
 * Before, the connection stopped reading at 64 held PDUs: the MO came again after the response timeout and the
 * ACTIVE_TEST was never answered.
 */
class CmppStorageFullWideWindowTest {

   private static final long MAX_SIZE = 256 * 1024; // room for more than the 64 kept once emptied
   private static final int MAX_SUBMITS = 2000;
   private static final int PIPELINED = 200;
   private static final int KEPT = 64;
   private static final int RESPONSE_TIMEOUT = 1500;
   private static final Duration DEADLINE = Duration.ofSeconds(30);
   private static final String SP = "901234";
   private static final String MT = "sms.mt";

   @TempDir
   Path dataDir;
   TestBroker broker;

   @BeforeEach
   void start() throws Exception {
      broker = TestBroker.cmpp(dataDir, ";cmppActiveTestInterval=0;cmppResponseTimeout=" + RESPONSE_TIMEOUT)
         .configure(cfg -> cfg.addAddressSetting(MT, new AddressSettings().setMaxSizeBytes(MAX_SIZE)
            .setAddressFullMessagePolicy(AddressFullMessagePolicy.BLOCK).setMaxDeliveryAttempts(-1))).start();
   }

   @AfterEach
   void stop() throws Exception {
      broker.close();
   }

   private RawCmppClient connected() throws Exception {
      RawCmppClient client = new RawCmppClient(broker.port());
      assertEquals(CmppResult.CONNECT_OK, client.connect(SP, "secret", 0x30).status());
      return client;
   }

   /** SUBMITs one at a time until one is answered Result 8. */
   private void fillUntilRefused(RawCmppClient client) throws Exception {
      for (int i = 0; i < MAX_SUBMITS; i++) {
         int sequence = client.nextSequence();
         client.send(RawCmppClient.ascii(sequence, SP, "submit " + sequence, "13800138000"));
         SubmitResp resp = assertInstanceOf(SubmitResp.class, client.read());
         if (resp.result() != CmppResult.OK) {
            assertEquals(CmppResult.FLOW_CONTROL_ERROR, resp.result());
            return;
         }
      }
      fail("the store never filled");
   }

   private void sendMo(String text) throws Exception {
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

   private AcceptorMeters.Account meters() {
      return AcceptorMeters.account(broker.server(), "CMPP", SP, "sms.sp.");
   }

   private String state(RawCmppClient client) {
      return PipeliningPeer.serverState(broker.server(), client.localAddress());
   }

   @Test
   void anSpWithMoreThan64SubmitsInFlightIsStillReadWhileTheStoreIsFull() throws Exception {
      try (RawCmppClient client = connected()) {
         fillUntilRefused(client);
         Wait.until("the connection paused for storage", DEADLINE, () -> state(client).contains("storageFull=true"), () -> state(client));
         long refusedBefore = meters().refusedFull(StorageOverload.Cause.ADDRESS);

         CmppPdu[] window = new CmppPdu[PIPELINED + 1];
         int first = client.nextSequence();
         window[0] = RawCmppClient.ascii(first, SP, "window " + first, "13800138000");
         for (int i = 1; i < PIPELINED; i++) {
            int sequence = client.nextSequence();
            assertEquals(first + i, sequence);
            window[i] = RawCmppClient.ascii(sequence, SP, "window " + sequence, "13800138000");
         }
         int probe = client.nextSequence();
         window[PIPELINED] = new ActiveTest(probe);
         client.sendTogether(window);
         sendMo("an MO to an SP with a wide window");

         // Everything the gateway answers before space frees: the refusals past the 64 kept, the ACTIVE_TEST, the MO.
         List<Integer> refused = new ArrayList<>();
         Deliver deliver = null;
         boolean probeAnswered = false;
         while (refused.size() < PIPELINED - KEPT || deliver == null || !probeAnswered) {
            CmppPdu pdu = client.read(10_000);
            int refusals = refused.size();
            boolean delivered = deliver != null;
            boolean probed = probeAnswered;
            assertNotNull(pdu, () -> "the SP is still read and answered: " + refusals + " refused, MO " + (delivered ? "" : "not ")
                                     + "delivered, ACTIVE_TEST " + (probed ? "" : "not ") + "answered; " + state(client));
            if (pdu instanceof SubmitResp resp) {
               assertEquals(CmppResult.FLOW_CONTROL_ERROR, resp.result(), "SUBMIT " + resp.sequenceId() + " while the store is full");
               refused.add(resp.sequenceId());
            } else if (pdu instanceof ActiveTestResp answer) {
               assertEquals(probe, answer.sequenceId());
               probeAnswered = true;
            } else if (pdu instanceof Deliver mo) {
               assertNull(deliver, "the MO is delivered once");
               deliver = mo;
               client.send(new DeliverResp(mo.sequenceId(), mo.msgId(), CmppResult.OK));
            } else {
               fail("unexpected " + pdu);
            }
         }
         for (int i = 0; i < refused.size(); i++) {
            assertEquals(first + KEPT + i, refused.get(i), "the SUBMITs past the 64 kept are the ones refused, in order");
         }
         Wait.until("the MO acknowledged by its DELIVER_RESP", DEADLINE,
                    () -> broker.messageCount(SmsAddresses.accountQueue(SP)) == 0
                          && meters().deliveries().settled(DeliveryCounts.Outcome.OK) == 1,
                    () -> broker.messageCount(SmsAddresses.accountQueue(SP)) + " MO queued, "
                          + meters().deliveries().settled(DeliveryCounts.Outcome.OK) + " settled OK; " + state(client));
         assertEquals(refusedBefore + PIPELINED - KEPT, meters().refusedFull(StorageOverload.Cause.ADDRESS),
                      "each refusal counted as one of the store, as the submit handler counts them");

         // Twice the response timeout: the MO it answered does not come again, and nothing else is sent meanwhile.
         CmppPdu again = client.read(2 * RESPONSE_TIMEOUT);
         assertNull(again, "nothing more while the store is full, got " + again);
         DeliveryCounts counts = meters().deliveries();
         assertEquals(1, counts.moSent());
         assertEquals(0, counts.moRedelivered());
         assertEquals(0, counts.settled(DeliveryCounts.Outcome.TIMED_OUT));
         String waiting = state(client);
         assertTrue(waiting.contains("storesHeld=" + KEPT) && waiting.contains("autoRead=true"), "the 64 kept wait, reading on: " + waiting);

         // Space again: the 64 kept are stored and answered Result 0, in order.
         emptyTheSubmitQueue();
         for (int i = 0; i < KEPT; i++) {
            SubmitResp resp = assertInstanceOf(SubmitResp.class, client.read());
            assertEquals(first + i, resp.sequenceId(), "the kept SUBMITs answered in order");
            assertEquals(CmppResult.OK, resp.result(), "SUBMIT " + (first + i));
         }
         Wait.until("the kept SUBMITs stored", DEADLINE, () -> broker.messageCount(MT) == KEPT,
                    () -> broker.messageCount(MT) + " stored");
         client.send(new ActiveTest(client.nextSequence()));
         assertInstanceOf(ActiveTestResp.class, client.read(), "the connection reads on");
      }
   }

   /**
    * Empties sms.mt at once as far as the waiting connection can tell: the store wakes its waiters from its own
    * executor, which is held until every message is deleted. Else a wake-up while the deletion is still under way hands
    * the kept submits over to a store that some of them fill again, and those are refused once more.
    */
   private void emptyTheSubmitQueue() throws Exception {
      PagingStore store = broker.server().getPagingManager().getPageStore(SimpleString.of(MT));
      CountDownLatch release = new CountDownLatch(1);
      store.execute(() -> {
         try {
            release.await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
         } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
         }
      });
      try {
         broker.server().locateQueue(SimpleString.of(MT)).deleteAllReferences();
         Wait.until("sms.mt emptied", DEADLINE, () -> broker.messageCount(MT) == 0 && store.getAddressSize() < MAX_SIZE / 4,
                    () -> broker.messageCount(MT) + " messages, " + store.getAddressSize() + " bytes");
      } finally {
         release.countDown();
      }
   }
}
