package io.smsgw.smpp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.codec.SmppCommandId;
import io.smsgw.smpp.codec.SmppStatus;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a link leaves its SMSC: a broker stop and a management reconnect() unbind first, so an SMSC that keeps a session
 * until it times out does not refuse the next bind with ESME_RALYBND; and what the bind itself says.
 */
class SmscLinkUnbindTest {

   private static final String LINK_QUEUE = SmsAddresses.smscLinkQueue("sim");

   @TempDir
   Path dir;

   @BeforeEach
   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   private void configureLink(int smscPort, String extra) throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { smppclient1 { password = "password", protocols = [SMPP] } }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", window = 4
                 enquire-link-interval = 200ms, response-timeout = 1s, reconnect-min = 100ms, reconnect-max = 400ms %s }
         }
         """.formatted(smscPort, extra));
      System.setProperty("smsgw.config", file.toString());
   }

   private static void sendMt(TestBroker broker, String smsId) throws JMSException {
      try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
           Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer producer = session.createProducer(session.createQueue(LINK_QUEUE))) {
         Message mt = session.createTextMessage("leaving");
         mt.setStringProperty("smsKind", "MT");
         mt.setStringProperty("smsId", smsId);
         mt.setStringProperty("smsAccount", "smppclient1");
         mt.setStringProperty("smsProtocol", "SMPP");
         mt.setStringProperty("smsSource", "8610086");
         mt.setStringProperty("smsDestination", "8613800138000");
         mt.setIntProperty("smsRegisteredDelivery", 1);
         producer.send(mt);
      }
   }

   private static SmscLinkControlMBean control(TestBroker broker) {
      return (SmscLinkControlMBean) broker.server().getManagementService().getUntypedControl("smsc-link.sim");
   }

   @Test
   void aBrokerStopUnbindsBeforeItCloses() throws Exception {
      int port = JsmppSmsc.freePort();
      try (RawSmsc smsc = new RawSmsc(port)) {
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), () -> "BOUND".equals(control(broker).getState()));
         }
         assertEquals(1, smsc.unbinds.poll(10, TimeUnit.SECONDS), "the SMSC got unbind on the link's connection");
      }
   }

   @Test
   void reconnectUnbindsTheOldSessionBeforeTheNewBind() throws Exception {
      int port = JsmppSmsc.freePort();
      try (RawSmsc smsc = new RawSmsc(port)) {
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), () -> "BOUND".equals(control(broker).getState()));
            control(broker).reconnect();
            Wait.until("bound again", Duration.ofSeconds(10), () -> smsc.binds.get() == 2);
            assertEquals(1, smsc.unbinds.poll(10, TimeUnit.SECONDS), "the first session was unbound");
            Wait.until("link bound", Duration.ofSeconds(10), () -> "BOUND".equals(control(broker).getState()));
         }
      }
   }

   /**
    * An SMSC that answers the submit_sm it holds when it gets unbind, before unbind_resp: those answers settle their MT
    * (acknowledged, not sent again after the restart).
    */
   @Test
   void answersThatComeBeforeUnbindRespSettleTheirMessages() throws Exception {
      int port = JsmppSmsc.freePort();
      try (RawSmsc smsc = new RawSmsc(port)) {
         smsc.answerSubmitsOnUnbind = true;
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), () -> "BOUND".equals(control(broker).getState()));
            sendMt(broker, "00000000000000f1");
            assertNotNull(smsc.submits.poll(10, TimeUnit.SECONDS), "submit_sm at the SMSC");
         }
         assertEquals(1, smsc.unbinds.poll(10, TimeUnit.SECONDS), "unbind sent");
         smsc.answerSubmitsOnUnbind = false;
         try (TestBroker restarted = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound again", Duration.ofSeconds(10), () -> "BOUND".equals(control(restarted).getState()));
            assertEquals(0, restarted.messageCount(LINK_QUEUE), "the MT answered before unbind_resp was acknowledged");
            assertNull(smsc.submits.poll(), "and not sent again");
         }
      }
   }

   private static jakarta.jms.TextMessage receive(TestBroker broker, String queue) throws JMSException {
      try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         return (jakarta.jms.TextMessage) session.createConsumer(session.createQueue(queue)).receive(10_000);
      }
   }

   /**
    * A receipt and an MO the SMSC still sends after management's reconnect() unbound the link, before its unbind_resp:
    * both are stored and answered ESME_ROK, so the SMSC does not keep them (they were answered ESME_RINVBNDSTS, and the
    * SMSC sent them again later, maybe to another gateway).
    */
   @Test
   void receiptsAndMoThatArriveWhileUnbindingAreStoredAndAnswered() throws Exception {
      int port = JsmppSmsc.freePort();
      try (RawSmsc smsc = new RawSmsc(port)) {
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), () -> "BOUND".equals(control(broker).getState()));
            sendMt(broker, "00000000000000f2");
            RawSmsc.Submit submit = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(submit, "submit_sm at the SMSC");
            Wait.until("MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(LINK_QUEUE) == 0);
            smsc.sendOnUnbind.add(RawSmsc.receipt(0x7001, "raw" + submit.sequence(), "DELIVRD", "8613800138000"));
            smsc.sendOnUnbind.add(RawSmsc.mo(0x7002, "8613800138000", "1065712345", "late MO"));
            control(broker).reconnect();
            assertEquals(1, smsc.unbinds.poll(10, TimeUnit.SECONDS), "unbind sent");
            assertEquals(SmppStatus.ESME_ROK, smsc.deliveryAnswers.poll(10, TimeUnit.SECONDS), "the receipt answered");
            assertEquals(SmppStatus.ESME_ROK, smsc.deliveryAnswers.poll(10, TimeUnit.SECONDS), "the MO answered");
            jakarta.jms.TextMessage dr = receive(broker, SmsAddresses.DR);
            assertNotNull(dr, "the receipt's DR");
            assertEquals("00000000000000f2", dr.getStringProperty("smsId"));
            assertEquals("DELIVRD", dr.getStringProperty("smsStatus"));
            jakarta.jms.TextMessage mo = receive(broker, SmsAddresses.MO);
            assertNotNull(mo, "the MO");
            assertEquals("late MO", mo.getText());
            Wait.until("bound again", Duration.ofSeconds(10), () -> "BOUND".equals(control(broker).getState()));
            assertEquals(0, control(broker).getReceiptsUnmatched());
         }
      }
   }

   /**
    * A receipt the SMSC sends while a broker stop unbinds the link: its DR is stored before the SMSC is answered ESME_ROK,
    * and the restarted gateway has it.
    */
   @Test
   void aReceiptThatArrivesWhileAStopUnbindsIsStoredAndAnswered() throws Exception {
      int port = JsmppSmsc.freePort();
      try (RawSmsc smsc = new RawSmsc(port)) {
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), () -> "BOUND".equals(control(broker).getState()));
            sendMt(broker, "00000000000000f3");
            RawSmsc.Submit submit = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(submit, "submit_sm at the SMSC");
            Wait.until("MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(LINK_QUEUE) == 0);
            smsc.sendOnUnbind.add(RawSmsc.receipt(0x7003, "raw" + submit.sequence(), "DELIVRD", "8613800138000"));
         }
         assertEquals(1, smsc.unbinds.poll(10, TimeUnit.SECONDS), "unbind sent");
         assertEquals(SmppStatus.ESME_ROK, smsc.deliveryAnswers.poll(10, TimeUnit.SECONDS), "the receipt answered during the stop");
         try (TestBroker restarted = TestBroker.smpp(dir, "").start()) {
            jakarta.jms.TextMessage dr = receive(restarted, SmsAddresses.DR);
            assertNotNull(dr, "the receipt's DR kept across the restart");
            assertEquals("00000000000000f3", dr.getStringProperty("smsId"));
            assertEquals("DELIVRD", dr.getStringProperty("smsStatus"));
         }
      }
   }

   /** While the link waits for unbind_resp after reconnect() its state says so, not BOUND; then it binds again. */
   @Test
   void theStateShowsUnbindingWhileTheLinkWaitsForUnbindResp() throws Exception {
      int port = JsmppSmsc.freePort();
      try (RawSmsc smsc = new RawSmsc(port)) {
         smsc.answerUnbind = false; // the link waits its whole unbind wait (response-timeout, 1 s here)
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), () -> "BOUND".equals(control(broker).getState()));
            control(broker).reconnect();
            assertEquals(1, smsc.unbinds.poll(10, TimeUnit.SECONDS), "unbind sent");
            Wait.until("UNBINDING shown", Duration.ofSeconds(10), () -> "UNBINDING".equals(control(broker).getState())
               && "UNBINDING".equals(control(broker).getTransmitterState()), () -> control(broker).getState());
            Wait.until("bound again", Duration.ofSeconds(10), () -> "BOUND".equals(control(broker).getState()));
            assertEquals(2, smsc.binds.get());
         }
      }
   }

   /** The next C-Octet String of {@code body}. */
   private static String cString(ByteBuffer body) {
      int start = body.position();
      while (body.get() != 0) {
         // up to the NUL
      }
      return new String(body.array(), start, body.position() - start - 1, StandardCharsets.ISO_8859_1);
   }

   @Test
   void theBindCarriesTheConfiguredAddressRange() throws Exception {
      int port = JsmppSmsc.freePort();
      try (RawSmsc smsc = new RawSmsc(port)) {
         configureLink(port, ", addr-ton = 2, addr-npi = 1, address-range = \"^1065[0-9]*\"");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            byte[] bind = smsc.bindBodies.poll(10, TimeUnit.SECONDS);
            assertNotNull(bind, "bind at the SMSC");
            ByteBuffer body = ByteBuffer.wrap(bind);
            assertEquals("gw", cString(body));
            assertEquals("pw", cString(body));
            assertEquals("", cString(body));
            assertEquals(0x34, body.get());
            assertEquals(2, body.get(), "addr_ton");
            assertEquals(1, body.get(), "addr_npi");
            assertEquals("^1065[0-9]*", cString(body), "address_range");
         }
      }
   }

   @Test
   void withoutAddressRangeSettingsTheBindSaysZeroZeroEmpty() throws Exception {
      int port = JsmppSmsc.freePort();
      try (RawSmsc smsc = new RawSmsc(port)) {
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            byte[] bind = smsc.bindBodies.poll(10, TimeUnit.SECONDS);
            assertNotNull(bind, "bind at the SMSC");
            ByteBuffer body = ByteBuffer.wrap(bind);
            cString(body);
            cString(body);
            cString(body);
            body.get();
            assertEquals(0, body.get(), "addr_ton");
            assertEquals(0, body.get(), "addr_npi");
            assertEquals("", cString(body), "address_range");
         }
      }
   }

   /** An SMSC that answers the bind with generic_nack refused it: said so, and bound again only after the backoff. */
   @Test
   void aGenericNackToTheBindIsARefusedBind() throws Exception {
      int port = JsmppSmsc.freePort();
      try (RawSmsc smsc = new RawSmsc(port)) {
         smsc.bindAnswer = (commandId, seq) -> RawSmsc.frame(SmppCommandId.GENERIC_NACK, SmppStatus.ESME_RINVCMDID, seq, new byte[0]);
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("the refusal in LastError", Duration.ofSeconds(10), () -> !control(broker).getLastError().isEmpty());
            String error = control(broker).getLastError();
            assertTrue(error.contains("bind_transceiver refused: generic_nack ESME_RINVCMDID"), error);
         }
      }
   }
}
