package io.smsgw.smpp.client;

import static io.smsgw.smpp.client.RawSmsc.bytes;
import static io.smsgw.smpp.client.RawSmsc.cString;
import static io.smsgw.smpp.client.RawSmsc.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.codec.SmppCommandId;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A link against an SMSC whose answers break the letter of SMPP in small ways SMSCs in the wild do (an id without its
 * NUL, a padding byte, an empty body, a generic_nack to enquire_link), written byte for byte by {@link RawSmsc}. Each
 * answer settles what it answers: a part answered once is not resent after response-timeout (a duplicate on the
 * handset), a bind answered is bound, a probe answered keeps the connection. Also receipts in a vendor's words.
 */
class SmscLinkAnswersTest {

   private static final String LINK_QUEUE = SmsAddresses.smscLinkQueue("sim");

   @TempDir
   Path dir;

   @BeforeEach
   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   private void configureLink(int smscPort) throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { smppclient1 { password = "password", protocols = [SMPP] } }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", window = 4
                 enquire-link-interval = 200ms, response-timeout = 1s, reconnect-min = 100ms, reconnect-max = 400ms }
         }
         """.formatted(smscPort));
      System.setProperty("smsgw.config", file.toString());
   }

   private static void sendMt(TestBroker broker, String smsId, String destination) throws JMSException {
      try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
           Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer producer = session.createProducer(session.createQueue(LINK_QUEUE))) {
         Message mt = session.createTextMessage("answered sloppily");
         mt.setStringProperty("smsKind", "MT");
         mt.setStringProperty("smsId", smsId);
         mt.setStringProperty("smsAccount", "smppclient1");
         mt.setStringProperty("smsProtocol", "SMPP");
         mt.setStringProperty("smsSource", "8610086");
         mt.setStringProperty("smsDestination", destination);
         mt.setIntProperty("smsRegisteredDelivery", 1);
         producer.send(mt);
      }
   }

   private static TextMessage receiveDr(TestBroker broker) throws JMSException {
      try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageConsumer consumer = session.createConsumer(session.createQueue(SmsAddresses.DR));
         return (TextMessage) consumer.receive(10_000);
      }
   }

   private static SmscLinkControlMBean control(TestBroker broker) {
      return (SmscLinkControlMBean) broker.server().getManagementService().getUntypedControl("smsc-link.sim");
   }

   private static byte[] submitSmResp(int status, int seq, byte[] body) {
      return frame(SmppCommandId.SUBMIT_SM_RESP, status, seq, body);
   }

   private static byte[] concat(byte[] a, byte[] b) {
      return ByteBuffer.allocate(a.length + b.length).put(a).put(b).array();
   }

   /** Sends one MT, waits until the broker has it acknowledged, and checks it went out once on the first bind. */
   private static void sentOnceAndAcknowledged(RawSmsc smsc, TestBroker broker, String smsId) throws Exception {
      sendMt(broker, smsId, "8613800138000");
      RawSmsc.Submit submit = smsc.submits.poll(10, TimeUnit.SECONDS);
      assertNotNull(submit, "submit_sm at the SMSC");
      Wait.until("MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(LINK_QUEUE) == 0);
      assertNull(smsc.submits.poll(), "the part was not resent: its answer settled it");
      assertEquals(1, smsc.binds.get(), "no rebind");
   }

   /**
    * A bind response no bind waits for (an SMSC that answers a bind twice, or sends one unasked) refuses nothing: the bound
    * connection stays, and the submit_sm in flight is answered on it and not sent again. Before, the link logged "refused
    * the TRANSCEIVER bind: ESME_ROK", closed the connection, bound again and sent the submit_sm a second time. Found by
    * SmscLinkFuzzTest.
    */
   @Test
   void aBindResponseWhileBoundIsIgnoredAndTheSubmitInFlightIsNotSentAgain() throws Exception {
      int port = JsmppSmsc.freePort();
      try (RawSmsc smsc = new RawSmsc(port)) {
         smsc.holdSubmits = true;
         configureLink(port);
         try (TestBroker broker = TestBroker.smpp(dir, "").start(); LogCapture log = LogCapture.start()) {
            sendMt(broker, "00000000000000f1", "8613800138000");
            RawSmsc.Submit submit = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(submit, "submit_sm at the SMSC");
            smsc.sendRaw(frame(SmppCommandId.BIND_TRANSCEIVER_RESP, 0, 0x4242, cString("raw")));
            smsc.sendRaw(frame(SmppCommandId.ENQUIRE_LINK, 0, 0x4243, new byte[0]));
            Wait.until("the enquire_link after it answered, or the connection closed", Duration.ofSeconds(10),
                       () -> smsc.ended.contains(submit.connection()) || smsc.frames.stream().anyMatch(
                          f -> ByteBuffer.wrap(f.bytes()).getInt(4) == SmppCommandId.ENQUIRE_LINK_RESP && ByteBuffer.wrap(f.bytes()).getInt(12) == 0x4243));
            assertFalse(smsc.ended.contains(submit.connection()), () -> "the bound connection stays: " + log.lines("sim"));

            smsc.sendRaw(submitSmResp(0, submit.sequence(), cString("a1b2f1")));
            Wait.until("MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(LINK_QUEUE) == 0);
            assertEquals(1, smsc.binds.get(), "no rebind");
            assertNull(smsc.submits.poll(), "the submit_sm in flight was not sent again");
            assertEquals(0, log.count("refused"), () -> log.lines("sim").toString());
         }
      }
   }

   @Test
   void aSubmitSmRespWhoseMessageIdLacksItsNulSettlesThePartAndItsReceiptMatches() throws Exception {
      int port = JsmppSmsc.freePort();
      try (RawSmsc smsc = new RawSmsc(port)) {
         smsc.submitAnswers.add(seq -> submitSmResp(0, seq, bytes("a1b2c3")));
         configureLink(port);
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            sentOnceAndAcknowledged(smsc, broker, "00000000000000e1");
            assertEquals(1, control(broker).getAccepted());

            smsc.sendReceipt("a1b2c3", "DELIVRD", "8613800138000");
            TextMessage dr = receiveDr(broker);
            assertNotNull(dr, "the receipt matched the id read up to the end of the frame");
            assertEquals("00000000000000e1", dr.getStringProperty("smsId"));
            assertEquals("DELIVRD", dr.getStringProperty("smsStatus"));
         }
      }
   }

   @Test
   void aSubmitSmRespWithAPaddingByteAfterItsIdSettlesThePart() throws Exception {
      int port = JsmppSmsc.freePort();
      try (RawSmsc smsc = new RawSmsc(port)) {
         smsc.submitAnswers.add(seq -> submitSmResp(0, seq, concat(cString("a1b2c4"), new byte[] {0})));
         configureLink(port);
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            sentOnceAndAcknowledged(smsc, broker, "00000000000000e2");
            assertEquals(1, control(broker).getAccepted());

            smsc.sendReceipt("a1b2c4", "DELIVRD", "8613800138000");
            TextMessage dr = receiveDr(broker);
            assertNotNull(dr);
            assertEquals("00000000000000e2", dr.getStringProperty("smsId"));
         }
      }
   }

   /** ESME_ROK and not one body byte: accepted without a message id, so an UNKNOWN (107) report, once. */
   @Test
   void anAcceptingSubmitSmRespWithAnEmptyBodySettlesThePartAsAcceptedWithoutAnId() throws Exception {
      int port = JsmppSmsc.freePort();
      try (RawSmsc smsc = new RawSmsc(port)) {
         smsc.submitAnswers.add(seq -> submitSmResp(0, seq, new byte[0]));
         configureLink(port);
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            sentOnceAndAcknowledged(smsc, broker, "00000000000000e3");
            TextMessage dr = receiveDr(broker);
            assertNotNull(dr, "a final report");
            assertEquals("00000000000000e3", dr.getStringProperty("smsId"));
            assertEquals("UNKNOWN", dr.getStringProperty("smsStatus"));
            assertEquals(SmscLink.NO_MESSAGE_ID_ERROR, dr.getStringProperty("smsErrorCode"));
         }
      }
   }

   /**
    * ESME_ROK with a message_id of 300 characters, more than a correlation record holds: no receipt can be matched to
    * it, so it ends as a part accepted without an id (UNKNOWN 107), once, and the bind stays. Before, storing its record
    * threw on the event loop: the transmitter was closed, the part sent again, and its MT never acknowledged.
    */
   @Test
   void anAcceptingSubmitSmRespWithAnIdTooLongToRecordSettlesThePartAsAcceptedWithoutAnId() throws Exception {
      int port = JsmppSmsc.freePort();
      try (RawSmsc smsc = new RawSmsc(port)) {
         smsc.submitAnswers.add(seq -> submitSmResp(0, seq, cString("7".repeat(300))));
         configureLink(port);
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            sentOnceAndAcknowledged(smsc, broker, "00000000000000e9");
            TextMessage dr = receiveDr(broker);
            assertNotNull(dr, "a final report");
            assertEquals("00000000000000e9", dr.getStringProperty("smsId"));
            assertEquals("UNKNOWN", dr.getStringProperty("smsStatus"));
            assertEquals(SmscLink.NO_MESSAGE_ID_ERROR, dr.getStringProperty("smsErrorCode"));
            assertEquals(1, control(broker).getAccepted());
            assertEquals(0, control(broker).getWindowInUse());
         }
      }
   }

   /** A throttling answer whose id lacks its NUL is throttling: retried on the same bind, not after a rebind. */
   @Test
   void aThrottlingAnswerWhoseIdLacksItsNulIsRetriedOnTheSameBind() throws Exception {
      int port = JsmppSmsc.freePort();
      try (RawSmsc smsc = new RawSmsc(port)) {
         smsc.submitAnswers.add(seq -> submitSmResp(0x58, seq, bytes("0")));
         configureLink(port);
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            sendMt(broker, "00000000000000e4", "8613800138000");
            RawSmsc.Submit first = smsc.submits.poll(10, TimeUnit.SECONDS);
            RawSmsc.Submit retry = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(first);
            assertNotNull(retry, "the throttled part is tried again");
            Wait.until("MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(LINK_QUEUE) == 0);
            assertEquals(1, retry.connection(), "retried after the throttling backoff, not resent after a rebind");
            assertEquals(1, smsc.binds.get());
            assertEquals(1, control(broker).getThrottled());
            assertNull(smsc.submits.poll(), "sent twice in all");
         }
      }
   }

   @Test
   void aBindResponseWhoseSystemIdLacksItsNulBindsTheLink() throws Exception {
      int port = JsmppSmsc.freePort();
      try (RawSmsc smsc = new RawSmsc(port)) {
         smsc.bindAnswer = (commandId, seq) -> frame(commandId | SmppCommandId.RESPONSE_BIT, 0, seq, bytes("SMSC"));
         configureLink(port);
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), () -> "BOUND".equals(control(broker).getState()),
                       () -> "binds " + smsc.binds.get() + ", last error " + control(broker).getLastError());
            sentOnceAndAcknowledged(smsc, broker, "00000000000000e5");
         }
      }
   }

   /**
    * A receipt (esm_class 0x04, not flagged intermediate) with a vendor's word for "buffered" is not final: the MT's
    * record stays and the real DELIVRD after it still matches, instead of being parked as unmatched.
    */
   @Test
   void aBufferedReceiptInAVendorsWordsLeavesTheMtOpenForItsDeliveredReceipt() throws Exception {
      int port = JsmppSmsc.freePort();
      try (RawSmsc smsc = new RawSmsc(port)) {
         smsc.submitAnswers.add(seq -> submitSmResp(0, seq, cString("b0ffed")));
         configureLink(port);
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            sentOnceAndAcknowledged(smsc, broker, "00000000000000e6");
            for (String word : new String[] {"BUFFRED", "BUFFERD", "ACKED"}) {
               smsc.sendReceipt("b0ffed", word, "8613800138000");
               TextMessage report = receiveDr(broker);
               assertNotNull(report, word);
               assertEquals(word.equals("ACKED") ? "ACCEPTD" : "ENROUTE", report.getStringProperty("smsStatus"), word);
            }
            smsc.sendReceipt("b0ffed", "DELIVRD", "8613800138000");
            TextMessage dr = receiveDr(broker);
            assertNotNull(dr, "the final receipt still matches its MT");
            assertEquals("00000000000000e6", dr.getStringProperty("smsId"));
            assertEquals("DELIVRD", dr.getStringProperty("smsStatus"));
            assertEquals(0, broker.messageCount("sms.dr.unmatched"), "nothing parked");
         }
      }
   }

   /** ESME_RSYSERR: the SMSC's own passing fault, so the part is tried again, not reported REJECTD. */
   @Test
   void aSystemErrorAnswerIsRetriedNotRejected() throws Exception {
      assertRetriedOnTheSameBind(0x08, "00000000000000e7");
   }

   /** ESME_RX_T_APPN: the SMSC's application cannot take it now; the same. */
   @Test
   void aTemporaryAppErrorAnswerIsRetriedNotRejected() throws Exception {
      assertRetriedOnTheSameBind(0x64, "00000000000000e8");
   }

   private void assertRetriedOnTheSameBind(int status, String smsId) throws Exception {
      int port = JsmppSmsc.freePort();
      try (RawSmsc smsc = new RawSmsc(port)) {
         smsc.submitAnswers.add(seq -> submitSmResp(status, seq, new byte[0]));
         configureLink(port);
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            sendMt(broker, smsId, "8613800138000");
            assertNotNull(smsc.submits.poll(10, TimeUnit.SECONDS));
            RawSmsc.Submit retry = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(retry, "tried again after a backoff");
            assertEquals(1, retry.connection());
            Wait.until("MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(LINK_QUEUE) == 0);
            SmscLinkControlMBean control = control(broker);
            assertEquals(1, control.getAccepted());
            assertEquals(0, control.getRefused(), "no REJECTD report");
            assertEquals(0, broker.messageCount(SmsAddresses.DR), "no report: the SMSC took it on the second try");
         }
      }
   }

   /** A part the SMSC answers with a system error until the MT's validity has passed ends EXPIRED, as when throttled. */
   @Test
   void aPartAnsweredWithSystemErrorsUntilItsValidityEndsExpired() throws Exception {
      int port = JsmppSmsc.freePort();
      try (RawSmsc smsc = new RawSmsc(port)) {
         for (int i = 0; i < 1_000; i++) {
            smsc.submitAnswers.add(seq -> submitSmResp(0x08, seq, new byte[0]));
         }
         configureLink(port);
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            long validity = System.currentTimeMillis() + 1_500;
            try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
                 Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
                 MessageProducer producer = session.createProducer(session.createQueue(LINK_QUEUE))) {
               Message mt = session.createTextMessage("never taken");
               mt.setStringProperty("smsKind", "MT");
               mt.setStringProperty("smsId", "00000000000000e9");
               mt.setStringProperty("smsAccount", "smppclient1");
               mt.setStringProperty("smsProtocol", "SMPP");
               mt.setStringProperty("smsSource", "8610086");
               mt.setStringProperty("smsDestination", "8613800138000");
               mt.setIntProperty("smsRegisteredDelivery", 1);
               mt.setLongProperty("smsValidityTime", validity);
               producer.send(mt);
            }
            TextMessage dr = receiveDr(broker);
            assertNotNull(dr, "EXPIRED report");
            assertEquals("00000000000000e9", dr.getStringProperty("smsId"));
            assertEquals("EXPIRED", dr.getStringProperty("smsStatus"));
            assertEquals(0, control(broker).getRefused());
            Wait.until("MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(LINK_QUEUE) == 0);
         }
      }
   }

   /** ESME_RINVBNDSTS: the SMSC lost the bind; the link binds again and resends, and the MT is not reported REJECTD. */
   @Test
   void anInvalidBindStatusAnswerMakesTheLinkRebindAndResend() throws Exception {
      int port = JsmppSmsc.freePort();
      try (RawSmsc smsc = new RawSmsc(port)) {
         smsc.submitAnswers.add(seq -> submitSmResp(0x04, seq, new byte[0]));
         configureLink(port);
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            sendMt(broker, "00000000000000ea", "8613800138000");
            assertEquals(1, smsc.submits.poll(10, TimeUnit.SECONDS).connection());
            RawSmsc.Submit resent = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(resent, "resent");
            assertEquals(2, resent.connection(), "after a fresh bind");
            Wait.until("MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(LINK_QUEUE) == 0);
            assertEquals(2, smsc.binds.get());
            SmscLinkControlMBean control = control(broker);
            assertEquals(1, control.getAccepted());
            assertEquals(0, control.getRefused(), "no REJECTD report");
            assertEquals(0, broker.messageCount(SmsAddresses.DR));
         }
      }
   }

   /**
    * An SMSC that takes binds but answers every submit_sm ESME_RINVBNDSTS made the link rebind and resend the part until
    * its validity (48 h by default), a copy at each rebind if the SMSC delivered it after all, and no report. Now a part
    * so answered max-unanswered-attempts times (3) ends REJECTD with the status (004) and its MT is acknowledged; the
    * log says WARN once for the whole episode, not per part, and INFO when the SMSC accepts again.
    */
   @Test
   void aPartAnsweredInvalidBindStatusOnEveryBindEndsRejectedAfterItsAttempts() throws Exception {
      int port = JsmppSmsc.freePort();
      try (RawSmsc smsc = new RawSmsc(port); LogCapture log = LogCapture.start()) {
         for (int i = 0; i < 6; i++) {
            smsc.submitAnswers.add(seq -> submitSmResp(0x04, seq, new byte[0])); // then the default: accepted
         }
         configureLink(port);
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            for (String smsId : new String[] {"00000000000000eb", "00000000000000ec"}) {
               sendMt(broker, smsId, "8613800138000");
               TextMessage dr = receiveDr(broker);
               assertNotNull(dr, "a final report for " + smsId);
               assertEquals(smsId, dr.getStringProperty("smsId"));
               assertEquals("REJECTD", dr.getStringProperty("smsStatus"));
               assertEquals("004", dr.getStringProperty("smsErrorCode"));
               Wait.until("MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(LINK_QUEUE) == 0);
            }
            assertEquals(6, smsc.submits.size(), "each part went three times");
            assertEquals(2, control(broker).getRefused());
            sentOnceAndAcknowledgedOnALaterBind(smsc, broker, "00000000000000ed");
            assertEquals(1, log.count("answers submit_sm ESME_RINVBNDSTS again after a new bind"), "one WARN for the episode");
            Wait.until("the recovery logged", Duration.ofSeconds(10),
                       () -> log.count("submit_sm accepted again after") == 1);
         }
      }
   }

   private static void sentOnceAndAcknowledgedOnALaterBind(RawSmsc smsc, TestBroker broker, String smsId) throws Exception {
      smsc.submits.clear();
      sendMt(broker, smsId, "8613800138000");
      assertNotNull(smsc.submits.poll(10, TimeUnit.SECONDS), "submit_sm at the SMSC");
      Wait.until("MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(LINK_QUEUE) == 0);
      assertNull(smsc.submits.poll(), "accepted at once");
      assertEquals(1, control(broker).getAccepted());
   }

   /** A generic_nack to enquire_link answers it: the link keeps the connection and probes again later. */
   @Test
   void aGenericNackToEnquireLinkKeepsTheConnection() throws Exception {
      int port = JsmppSmsc.freePort();
      try (RawSmsc smsc = new RawSmsc(port)) {
         smsc.enquireLinkAnswer = seq -> frame(SmppCommandId.GENERIC_NACK, 0x03, seq, new byte[0]);
         assertProbesAnsweredOnOneConnection(smsc, port);
      }
   }

   /** An enquire_link_resp with a stray byte after its header answers the probe too. */
   @Test
   void anEnquireLinkRespWithABodyKeepsTheConnection() throws Exception {
      int port = JsmppSmsc.freePort();
      try (RawSmsc smsc = new RawSmsc(port)) {
         smsc.enquireLinkAnswer = seq -> frame(SmppCommandId.ENQUIRE_LINK_RESP, 0, seq, new byte[] {0});
         assertProbesAnsweredOnOneConnection(smsc, port);
      }
   }

   /**
    * An unanswered probe ends the connection after response-timeout (1 s), so one connection gets one probe; an
    * answered one lets the next go out after the next 200 ms of silence.
    */
   private void assertProbesAnsweredOnOneConnection(RawSmsc smsc, int port) throws Exception {
      configureLink(port);
      try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
         Wait.until("three probes answered on one connection", Duration.ofSeconds(10),
                    () -> smsc.mostEnquireLinksOnOneConnection() >= 3,
                    () -> "binds " + smsc.binds.get() + ", probes per connection " + smsc.enquireLinks);
         assertEquals(1, smsc.binds.get(), "never reconnected");
      }
   }
}
