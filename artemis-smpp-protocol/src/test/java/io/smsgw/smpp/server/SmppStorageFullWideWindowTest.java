package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
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
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.codec.Address;
import io.smsgw.smpp.codec.BindRequest;
import io.smsgw.smpp.codec.BindResponse;
import io.smsgw.smpp.codec.BindType;
import io.smsgw.smpp.codec.DeliverSm;
import io.smsgw.smpp.codec.EnquireLink;
import io.smsgw.smpp.codec.EnquireLinkResp;
import io.smsgw.smpp.codec.ShortMessagePdu;
import io.smsgw.smpp.codec.SmppPdu;
import io.smsgw.smpp.codec.SmppStatus;
import io.smsgw.smpp.codec.SubmitSm;
import io.smsgw.smpp.codec.SubmitSmResp;
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
 * A transceiver ESME with a wide window (more submits in flight than the 64 a connection keeps while the storage is
 * full) meets a full store: it is still read. Its deliver_sm_resp settles the MO (not sent again), its enquire_link is
 * answered, the submits past the 64 kept are answered ESME_RMSGQFUL at once, and the 64 kept are stored and answered
 * ESME_ROK once space frees. Before, the connection stopped reading at 64 held PDUs: the MO came again after the
 * response timeout and the enquire_link was never answered.
 */
class SmppStorageFullWideWindowTest {

   private static final long MAX_SIZE = 256 * 1024; // room for more than the 64 kept (about 2.3 KiB each) once emptied
   private static final int MAX_SUBMITS = 2000;
   private static final int PIPELINED = 200;
   private static final int KEPT = 64;
   private static final int FIRST = 1000;
   private static final int RESPONSE_TIMEOUT = 1500;
   private static final Duration DEADLINE = Duration.ofSeconds(30);
   private static final String ESME = "smppclient1";
   private static final String MT = "sms.mt";

   @TempDir
   Path dataDir;
   TestBroker broker;

   @BeforeEach
   void start() throws Exception {
      broker = TestBroker.smpp(dataDir, ";smppEnquireLinkInterval=0;smppResponseTimeout=" + RESPONSE_TIMEOUT)
         .configure(cfg -> cfg.addAddressSetting(MT, new AddressSettings().setMaxSizeBytes(MAX_SIZE)
            .setAddressFullMessagePolicy(AddressFullMessagePolicy.BLOCK).setMaxDeliveryAttempts(-1))).start();
   }

   @AfterEach
   void stop() throws Exception {
      broker.close();
   }

   private RawSmppClient bound() throws Exception {
      RawSmppClient client = new RawSmppClient(broker.port());
      client.send(new BindRequest(1, BindType.TRANSCEIVER, ESME, "password", "", 0x34, 0, 0, ""));
      assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, client.read()).commandStatus());
      return client;
   }

   private static SubmitSm submit(int sequence) {
      return ShortMessagePdu.builder().sequenceNumber(sequence)
         .sourceAddr(new Address((byte) 1, (byte) 1, "8610086"))
         .destinationAddr(new Address((byte) 1, (byte) 1, "8613800138000"))
         .shortMessage(("submit number " + sequence + " of a wide window").getBytes(StandardCharsets.US_ASCII)).buildSubmitSm();
   }

   /** Submits one at a time until one is answered ESME_RMSGQFUL. */
   private void fillUntilRefused(RawSmppClient client) throws Exception {
      for (int i = 1; i <= MAX_SUBMITS; i++) {
         client.send(submit(i + 1));
         SubmitSmResp resp = assertInstanceOf(SubmitSmResp.class, client.read());
         if (resp.commandStatus() != SmppStatus.ESME_ROK) {
            assertEquals(SmppStatus.name(SmppStatus.ESME_RMSGQFUL), SmppStatus.name(resp.commandStatus()));
            return;
         }
      }
      fail("the store never filled");
   }

   private void sendMo(String text) throws Exception {
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

   private AcceptorMeters.Account meters() {
      return AcceptorMeters.account(broker.server(), "SMPP", ESME, "sms.sp.");
   }

   private String state(RawSmppClient client) {
      return PipeliningPeer.serverState(broker.server(), client.localAddress());
   }

   @Test
   void anEsmeWithMoreThan64SubmitsInFlightIsStillReadWhileTheStoreIsFull() throws Exception {
      try (RawSmppClient client = bound()) {
         fillUntilRefused(client);
         Wait.until("the connection paused for storage", DEADLINE, () -> state(client).contains("storageFull=true"), () -> state(client));
         long refusedBefore = meters().refusedFull(StorageOverload.Cause.ADDRESS);

         SmppPdu[] window = new SmppPdu[PIPELINED + 1];
         for (int i = 0; i < PIPELINED; i++) {
            window[i] = submit(FIRST + i);
         }
         window[PIPELINED] = new EnquireLink(FIRST + PIPELINED);
         client.sendTogether(window);
         sendMo("an MO to an ESME with a wide window");

         // Everything the gateway answers before space frees: the refusals past the 64 kept, the enquire_link, the MO.
         List<Integer> refused = new ArrayList<>();
         DeliverSm deliver = null;
         boolean probeAnswered = false;
         while (refused.size() < PIPELINED - KEPT || deliver == null || !probeAnswered) {
            SmppPdu pdu = client.read(10_000);
            int refusals = refused.size();
            boolean delivered = deliver != null;
            boolean probed = probeAnswered;
            assertNotNull(pdu, () -> "the ESME is still read and answered: " + refusals + " refused, MO "
                                     + (delivered ? "" : "not ") + "delivered, enquire_link " + (probed ? "" : "not ")
                                     + "answered; " + state(client));
            if (pdu instanceof SubmitSmResp resp) {
               assertEquals(SmppStatus.name(SmppStatus.ESME_RMSGQFUL), SmppStatus.name(resp.commandStatus()),
                            "submit " + resp.sequenceNumber() + " while the store is full");
               refused.add(resp.sequenceNumber());
            } else if (pdu instanceof EnquireLinkResp probe) {
               assertEquals(FIRST + PIPELINED, probe.sequenceNumber());
               probeAnswered = true;
            } else if (pdu instanceof DeliverSm mo) {
               assertNull(deliver, "the MO is delivered once");
               deliver = mo;
               client.send(mo.response(SmppStatus.ESME_ROK));
            } else {
               fail("unexpected " + pdu);
            }
         }
         for (int i = 0; i < refused.size(); i++) {
            assertEquals(FIRST + KEPT + i, refused.get(i), "the submits past the 64 kept are the ones refused, in order");
         }
         Wait.until("the MO acknowledged by its deliver_sm_resp", DEADLINE,
                    () -> broker.messageCount(SmsAddresses.accountQueue(ESME)) == 0
                          && meters().deliveries().settled(DeliveryCounts.Outcome.OK) == 1,
                    () -> broker.messageCount(SmsAddresses.accountQueue(ESME)) + " MO queued, "
                          + meters().deliveries().settled(DeliveryCounts.Outcome.OK) + " settled OK; " + state(client));
         assertEquals(refusedBefore + PIPELINED - KEPT, meters().refusedFull(StorageOverload.Cause.ADDRESS),
                      "each refusal counted as one of the store, as the submit handler counts them");

         // Twice the response timeout: the MO it answered does not come again, and nothing else is sent meanwhile.
         SmppPdu again = client.read(2 * RESPONSE_TIMEOUT);
         assertNull(again, "nothing more while the store is full, got " + again);
         DeliveryCounts counts = meters().deliveries();
         assertEquals(1, counts.moSent());
         assertEquals(0, counts.moRedelivered());
         assertEquals(0, counts.settled(DeliveryCounts.Outcome.TIMED_OUT));
         String waiting = state(client);
         assertTrue(waiting.contains("storesHeld=" + KEPT) && waiting.contains("autoRead=true"), "the 64 kept wait, reading on: " + waiting);

         // Space again: the 64 kept are stored and answered ESME_ROK, in order.
         emptyTheSubmitQueue();
         for (int i = 0; i < KEPT; i++) {
            SubmitSmResp resp = assertInstanceOf(SubmitSmResp.class, client.read());
            assertEquals(FIRST + i, resp.sequenceNumber(), "the kept submits answered in order");
            assertEquals(SmppStatus.name(SmppStatus.ESME_ROK), SmppStatus.name(resp.commandStatus()), "submit " + (FIRST + i));
         }
         Wait.until("the kept submits stored", DEADLINE, () -> broker.messageCount(MT) == KEPT,
                    () -> broker.messageCount(MT) + " stored");
         client.send(new EnquireLink(FIRST + PIPELINED + 1));
         assertInstanceOf(EnquireLinkResp.class, client.read(), "the connection reads on");
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
