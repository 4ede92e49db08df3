package io.smsgw.smpp.client;

import static io.smsgw.smpp.client.RawSmsc.cString;
import static io.smsgw.smpp.client.RawSmsc.frame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.correlation.CorrelationRecord;
import io.smsgw.correlation.CorrelationStoreConfig;
import io.smsgw.correlation.RocksDbCorrelationStore;
import io.smsgw.correlation.SmsProtocol;
import io.smsgw.smpp.codec.SmppCommandId;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import javax.management.ObjectName;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jsmpp.bean.InterfaceVersion;
import org.jsmpp.bean.OptionalParameter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Receipts and binds as carriers' SMSCs really send them: receipt texts with their fields in another order, keys in
 * upper case or with underscores; ids that differ from submit_sm_resp's in letter case or leading zeros; a bind answer
 * that says the SMSC speaks 3.3 (or says nothing), so it must get no TLVs.
 */
class SmscLinkReceiptInteropTest {

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
                 enquire-link-interval = 2s, response-timeout = 3s, reconnect-min = 100ms, reconnect-max = 400ms %s }
         }
         """.formatted(smscPort, extra));
      System.setProperty("smsgw.config", file.toString());
   }

   private static void sendMt(TestBroker broker, String smsId, String destination, String text) throws JMSException {
      try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
           Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer producer = session.createProducer(session.createQueue(LINK_QUEUE))) {
         Message mt = session.createTextMessage(text);
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

   private static TextMessage receive(TestBroker broker, String queue, long timeoutMillis) throws JMSException {
      try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
         return (TextMessage) consumer.receive(timeoutMillis);
      }
   }

   private static TextMessage receiveDr(TestBroker broker, String smsId) throws JMSException {
      try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageConsumer consumer = session.createConsumer(session.createQueue(SmsAddresses.DR), "smsId = '" + smsId + "'");
         return (TextMessage) consumer.receive(10_000);
      }
   }

   private static SmscLinkControlMBean control(TestBroker broker) {
      return (SmscLinkControlMBean) broker.server().getManagementService().getUntypedControl("smsc-link.sim");
   }

   /** An attribute of the link's bean as JMX shows it to an operator (the console's JMX tab, jconsole, Jolokia). */
   private static String jmx(String attribute) {
      try {
         ObjectName bean = new ObjectName("org.apache.activemq.artemis:broker=\"test-broker\",component=smsc-links,name=\"sim\"");
         return String.valueOf(ManagementFactory.getPlatformMBeanServer().getAttribute(bean, attribute));
      } catch (Exception e) {
         throw new IllegalStateException("reading " + attribute + " of link sim", e);
      }
   }

   /**
    * Receipt texts as several SMSCs write them: text: before stat:, err: before sub:, vendor fields in between, keys in
    * upper case, submit_date/done_date. Each ends its MT with the state it names, whether the SMSC flags it as a receipt
    * or sends it with esm_class 0 (receipts-by-content); an MO that only looks a little like one stays an MO.
    */
   @Test
   void receiptTextsInAnotherOrderInUpperCaseOrWithUnderscoresEndTheirMtAndNearMissesStayMo() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            List<JsmppSmsc.Received> submits = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
               sendMt(broker, "00000000000000f" + i, "861380013810" + i, "variant " + i);
               JsmppSmsc.Received submit = smsc.submits.poll(10, TimeUnit.SECONDS);
               assertNotNull(submit, "submit_sm " + i);
               submits.add(submit);
            }
            Wait.until("MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(LINK_QUEUE) == 0);

            // flagged as a receipt, text before stat and err
            smsc.sendReceiptText(submits.get(0), "id:" + submits.get(0).messageId() + " sub:001 dlvrd:001 submit date:2611280000"
               + " done date:2611280005 text:Hello there stat:DELIVRD err:000");
            TextMessage first = receiveDr(broker, "00000000000000f1");
            assertNotNull(first, "DR of the receipt whose text: comes before stat:");
            assertEquals("DELIVRD", first.getStringProperty("smsStatus"));

            // esm_class 0, upper-case keys, underscores, err before sub
            smsc.sendReceiptAsDefaultMessage(submits.get(1), "ID:" + submits.get(1).messageId() + " ERR:011 SUB:001 DLVRD:000"
               + " SUBMIT_DATE:2611280000 DONE_DATE:2611280005 STAT:UNDELIV TEXT:variant 2");
            TextMessage second = receiveDr(broker, "00000000000000f2");
            assertNotNull(second, "DR of the receipt in upper case with done_date");
            assertEquals("UNDELIV", second.getStringProperty("smsStatus"));
            assertEquals("011", second.getStringProperty("smsErrorCode"));

            // esm_class 0, vendor fields between the fields, text in the middle
            smsc.sendReceiptAsDefaultMessage(submits.get(2), "id:" + submits.get(2).messageId() + " err:000 smsc:CMPP01 sub:001"
               + " dlvrd:001 submit_date:2611280000 done_date:2611280005 text:variant 3 imsi:460001234567 stat:DELIVRD");
            TextMessage third = receiveDr(broker, "00000000000000f3");
            assertNotNull(third, "DR of the receipt with vendor fields and text: in the middle");
            assertEquals("DELIVRD", third.getStringProperty("smsStatus"));

            // what a handset could write: no done date, a done date that is no date, a stat that is no state
            List<String> mo = List.of("ID:5 TEXT:see you STAT:DELIVRD", "id:7 text:meet at done_date:tomorrow stat:DELIVRD",
                                      "id:8 done_date:2611280005 text:hi stat:ok");
            for (String text : mo) {
               smsc.sendMo("8613800138101", "1065712345", text);
            }
            for (String text : mo) {
               TextMessage received = receive(broker, SmsAddresses.MO, 10_000);
               assertNotNull(received, "MO on sms.mo: " + text);
               // data_coding 0 is GSM 7-bit on this link, where the octet of '_' is '§'
               assertEquals(text.replace('_', '§'), received.getText());
            }
            assertEquals(3, control(broker).getReceiptsMatched());
            assertEquals(0, control(broker).getReceiptsUnmatched(), "nothing parked");
            assertEquals(3, control(broker).getMoReceived());
         }
      }
   }

   /**
    * receipt-id-format = as-given: an id of hex digits matches whatever its letter case and leading zeros in the
    * receipt; an id with other letters, whose case may count, still has to match exactly.
    */
   @Test
   void asGivenIdsMatchAcrossLetterCaseAndLeadingZerosButOtherIdsOnlyExactly() throws Exception {
      int port = JsmppSmsc.freePort();
      try (RawSmsc smsc = new RawSmsc(port)) {
         smsc.submitAnswers.add(seq -> frame(SmppCommandId.SUBMIT_SM_RESP, 0, seq, cString("000A1b")));
         smsc.submitAnswers.add(seq -> frame(SmppCommandId.SUBMIT_SM_RESP, 0, seq, cString("123")));
         smsc.submitAnswers.add(seq -> frame(SmppCommandId.SUBMIT_SM_RESP, 0, seq, cString("XyZ9")));
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            for (int i = 1; i <= 3; i++) {
               sendMt(broker, "00000000000000e" + i, "86138001381" + i, "id " + i);
               assertNotNull(smsc.submits.poll(10, TimeUnit.SECONDS), "submit_sm " + i);
            }
            Wait.until("MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(LINK_QUEUE) == 0);

            smsc.sendReceipt("a1B", "DELIVRD", "861380013811");
            TextMessage hex = receiveDr(broker, "00000000000000e1");
            assertNotNull(hex, "\"000A1b\" answered, \"a1B\" in the receipt");
            assertEquals("DELIVRD", hex.getStringProperty("smsStatus"));
            assertEquals("a1b", hex.getStringProperty("smsSmscMessageId"), "the id as the link keys it");

            smsc.sendReceipt("000123", "UNDELIV", "861380013812");
            TextMessage zeros = receiveDr(broker, "00000000000000e2");
            assertNotNull(zeros, "\"123\" answered, \"000123\" in the receipt");
            assertEquals("UNDELIV", zeros.getStringProperty("smsStatus"));

            smsc.sendReceipt("xyz9", "DELIVRD", "861380013813");
            Wait.until("the receipt of another case parked", Duration.ofSeconds(10),
                       () -> control(broker).getReceiptsUnmatched() == 1);
            assertEquals(2, control(broker).getReceiptsMatched());
            smsc.sendReceipt("XyZ9", "DELIVRD", "861380013813");
            TextMessage exact = receiveDr(broker, "00000000000000e3");
            assertNotNull(exact, "an id with other letters matches as given");
            assertEquals(3, control(broker).getReceiptsMatched());
         }
      }
   }

   /**
    * A record an older gateway stored under the id exactly as submit_sm_resp gave it ("0A1C") is still found after the
    * upgrade by a receipt that writes the id the same way, and removed with its final receipt.
    */
   @Test
   void aRecordStoredBeforeTheUpgradeUnderTheIdAsGivenStillMatchesItsReceipt() throws Exception {
      int port = JsmppSmsc.freePort();
      long validity = System.currentTimeMillis() + TimeUnit.HOURS.toMillis(48);
      Path storeDir = dir.resolve(SmscLinkService.STORE_DIRECTORY);
      try (RocksDbCorrelationStore store = RocksDbCorrelationStore.open(CorrelationStoreConfig.builder(storeDir).build())) {
         store.put(new CorrelationRecord("sim", "0A1C", "00000000000000d9", "smppclient1", null, "8610086", "8613800138119",
                                         null, 0, null, null, null, System.currentTimeMillis(), validity, 0, 0, 0, 1,
                                         SmsProtocol.SMPP, "3.4")).toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
      try (RawSmsc smsc = new RawSmsc(port)) {
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), () -> "BOUND".equals(control(broker).getState()));
            smsc.sendReceipt("0A1C", "DELIVRD", "8613800138119");
            TextMessage dr = receiveDr(broker, "00000000000000d9");
            assertNotNull(dr, "DR of the record stored under the old key");
            assertEquals("DELIVRD", dr.getStringProperty("smsStatus"));
            assertEquals("0A1C", dr.getStringProperty("smsSmscMessageId"));
            assertEquals(0, control(broker).getReceiptsUnmatched());
         }
      }
      try (RocksDbCorrelationStore store = RocksDbCorrelationStore.open(CorrelationStoreConfig.builder(storeDir).build())) {
         assertTrue(store.get("sim", "0A1C").toCompletableFuture().get(10, TimeUnit.SECONDS).isEmpty(),
                    "the old record went with its final receipt");
      }
   }

   /**
    * A 3.4 link whose SMSC answers the bind with sc_interface_version 3.3, or without it, sends that SMSC no TLVs: a long
    * text the link would send in message_payload, or with SAR TLVs, goes in parts with a concatenation UDH instead.
    */
   @Test
   void aLinkSendsNoTlvsToAnSmscWhoseBindAnswerSays33OrNothing() throws Exception {
      String text = "a".repeat(153) + "b".repeat(10);
      for (String mode : List.of("payload", "sar")) {
         for (boolean none : List.of(false, true)) {
            int port = JsmppSmsc.freePort();
            try (JsmppSmsc smsc = new JsmppSmsc(port)) {
               if (none) {
                  smsc.answerWithoutVersion = true;
               } else {
                  smsc.answerVersion = InterfaceVersion.IF_33;
               }
               configureLink(port, ", long-messages = " + mode);
               try (TestBroker broker = TestBroker.smpp(dir.resolve(mode + none), "")
                       .configure(cfg -> cfg.setJMXManagementEnabled(true)).start()) {
                  Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
                  String answered = none ? "none" : "3.3";
                  sendMt(broker, "00000000000000c1", "8613800138120", text);
                  List<JsmppSmsc.Received> parts = new ArrayList<>();
                  for (int i = 0; i < 2; i++) {
                     JsmppSmsc.Received part = smsc.submits.poll(10, TimeUnit.SECONDS);
                     assertNotNull(part, mode + "/" + answered + ": part " + (i + 1));
                     parts.add(part);
                  }
                  for (JsmppSmsc.Received part : parts) {
                     assertEquals(0, part.tlvs().length, mode + "/" + answered + ": no TLVs");
                     assertEquals(0x40, part.esmClass() & 0x40, mode + "/" + answered + ": UDH indicator");
                  }
                  byte[] udh = java.util.Arrays.copyOf(parts.get(0).shortMessage(), 6);
                  assertEquals(0x00, udh[1], "concatenation IE");
                  assertEquals(2, udh[4], "two parts");
                  Wait.until("MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(LINK_QUEUE) == 0);
                  assertNull(smsc.submits.poll(), "two parts only");
                  assertEquals(answered, jmx("SmscInterfaceVersion"), "what the link's bean shows");
               }
            }
         }
      }
   }

   /** An SMSC that answers 3.4 still gets the TLVs the link is configured for, and the view says what it answered. */
   @Test
   void aLinkSendsTlvsToAnSmscWhoseBindAnswerSays34() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         configureLink(port, ", long-messages = payload");
         try (TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.setJMXManagementEnabled(true)).start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            String text = "c".repeat(200);
            sendMt(broker, "00000000000000c2", "8613800138121", text);
            JsmppSmsc.Received part = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(part);
            assertEquals(0, part.shortMessage().length, "the text goes in message_payload");
            OptionalParameter payload = null;
            for (OptionalParameter p : part.tlvs()) {
               if (p.tag == OptionalParameter.Tag.MESSAGE_PAYLOAD.code()) {
                  payload = p;
               }
            }
            assertNotNull(payload, "message_payload");
            assertArrayEquals(text.getBytes(StandardCharsets.US_ASCII), ((OptionalParameter.OctetString) payload).getValue());
            assertEquals("3.4", jmx("SmscInterfaceVersion"), "what the link's bean shows");
         }
      }
   }
}
