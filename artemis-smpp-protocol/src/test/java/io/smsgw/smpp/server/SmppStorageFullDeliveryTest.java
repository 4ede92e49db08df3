package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import io.smsgw.broker.AcceptorMeters;
import io.smsgw.broker.DeliveryCounts;
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
import io.smsgw.smpp.codec.Unbind;
import io.smsgw.smpp.codec.UnbindResp;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transceiver ESME whose submits meet a full store (decision 131) still receives: its deliver_sm_resp settles the MO
 * at once, its enquire_link is answered, the MO is not sent twice and the connection stays open; the submit sent while
 * the store is full waits and is stored once it frees, and an unbind is answered after that submit's refusal.
 */
class SmppStorageFullDeliveryTest {

   private static final long MAX_SIZE = 16 * 1024;
   private static final int MAX_SUBMITS = 400;
   private static final Duration DEADLINE = Duration.ofSeconds(30);
   private static final String ESME = "smppclient1";
   private static final String MT = "sms.mt";

   @TempDir
   Path dataDir;
   TestBroker broker;

   @BeforeEach
   void start() throws Exception {
      // A short response timeout: before, it ran out while the deliver_sm_resp stayed unread, and the MO came again.
      broker = TestBroker.smpp(dataDir, ";smppEnquireLinkInterval=0;smppResponseTimeout=1500")
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
         .shortMessage(("submit number " + sequence + " of a flood").getBytes(StandardCharsets.US_ASCII)).buildSubmitSm();
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

   private DeliveryCounts counts() {
      return AcceptorMeters.account(broker.server(), "SMPP", ESME, "sms.sp.").deliveries();
   }

   private boolean storageFull(RawSmppClient client) {
      return PipeliningPeer.serverState(broker.server(), client.localAddress()).contains("storageFull=true");
   }

   @Test
   void aTransceiverWhoseSubmitsMeetAFullStoreStillSettlesItsMoAndIsAnswered() throws Exception {
      try (RawSmppClient client = bound()) {
         fillUntilRefused(client);
         Wait.until("the connection paused for storage", DEADLINE, () -> storageFull(client));
         // A submit that has to wait for space, then the MO the ESME receives meanwhile.
         client.send(submit(MAX_SUBMITS + 10));
         sendMo("an MO while the store is full");
         DeliverSm deliver = assertInstanceOf(DeliverSm.class, client.read());
         client.send(deliver.response(SmppStatus.ESME_ROK));
         client.send(new EnquireLink(MAX_SUBMITS + 11));
         SmppPdu answer = client.read((int) DEADLINE.toMillis());
         assertInstanceOf(EnquireLinkResp.class, answer, "enquire_link answered while the store is full, got " + answer);
         Wait.until("the MO acknowledged by its deliver_sm_resp", DEADLINE,
                    () -> broker.messageCount(SmsAddresses.accountQueue(ESME)) == 0 && counts().settled(DeliveryCounts.Outcome.OK) == 1,
                    () -> PipeliningPeer.serverState(broker.server(), client.localAddress()));
         assertTrue(storageFull(client), "the submit still waits for space");

         // Settled, so it can no longer time out and come again; the ESME is answered, not taken for silent.
         client.send(new EnquireLink(MAX_SUBMITS + 12));
         assertInstanceOf(EnquireLinkResp.class, client.read());
         assertEquals(1, counts().moSent());
         assertEquals(0, counts().moRedelivered());
         assertEquals(0, counts().settled(DeliveryCounts.Outcome.TIMED_OUT));

         // Space again: the waiting submit is stored and answered.
         broker.server().locateQueue(SimpleString.of(MT)).deleteAllReferences();
         SubmitSmResp stored = assertInstanceOf(SubmitSmResp.class, client.read());
         assertEquals(MAX_SUBMITS + 10, stored.sequenceNumber());
         assertEquals(SmppStatus.name(SmppStatus.ESME_ROK), SmppStatus.name(stored.commandStatus()));
         Wait.until("the waiting submit stored", DEADLINE, () -> broker.messageCount(MT) == 1);
      }
   }

   @Test
   void anUnbindWhileASubmitWaitsForSpaceIsAnsweredAfterTheSubmitsRefusal() throws Exception {
      try (RawSmppClient client = bound()) {
         fillUntilRefused(client);
         Wait.until("the connection paused for storage", DEADLINE, () -> storageFull(client));
         client.send(submit(MAX_SUBMITS + 10));
         client.send(new Unbind(MAX_SUBMITS + 11));
         SubmitSmResp refused = assertInstanceOf(SubmitSmResp.class, client.read());
         assertEquals(MAX_SUBMITS + 10, refused.sequenceNumber());
         assertEquals(SmppStatus.name(SmppStatus.ESME_RMSGQFUL), SmppStatus.name(refused.commandStatus()),
                      "the waiting submit is refused as the store is still full, never left unanswered");
         UnbindResp unbound = assertInstanceOf(UnbindResp.class, client.read());
         assertEquals(SmppStatus.ESME_ROK, unbound.commandStatus());
      }
   }
}
