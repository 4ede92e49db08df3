package io.smsgw.smpp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.ByteBuffer;
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
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 3.3 SMSC that puts a stray byte after short_message in its deliver_sm: the link answered generic_nack
 * ESME_RINVOPTPARSTREAM (a status 3.3 does not have), and the SMSC sent the MO or receipt again and again. A link that
 * bound as 3.3, or whose SMSC answered the 3.4 bind with sc_interface_version 3.3, now reads no TLVs and ignores what
 * follows the mandatory body; a 3.4 SMSC's deliver_sm is still read with its TLVs.
 */
class SmscLink33TrailingBytesTest {

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

   private static SmscLinkControlMBean control(TestBroker broker) {
      return (SmscLinkControlMBean) broker.server().getManagementService().getUntypedControl("smsc-link.sim");
   }

   private static void sendMt(TestBroker broker, String smsId) throws JMSException {
      try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
           Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer producer = session.createProducer(session.createQueue(LINK_QUEUE))) {
         Message mt = session.createTextMessage("to a 3.3 SMSC");
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

   private static TextMessage receive(TestBroker broker, String queue) throws JMSException {
      try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         return (TextMessage) session.createConsumer(session.createQueue(queue)).receive(10_000);
      }
   }

   /** {@code frame} with {@code trailing} appended and counted in command_length. */
   private static byte[] withTrailing(byte[] frame, byte... trailing) {
      return ByteBuffer.allocate(frame.length + trailing.length).put(frame).put(trailing)
         .putInt(0, frame.length + trailing.length).array();
   }

   /** The command_status of the generic_nack the link sent, or -1 if it sent none. */
   private static int genericNackStatus(RawSmsc smsc) {
      return smsc.frames.stream().filter(f -> ByteBuffer.wrap(f.bytes()).getInt(4) == SmppCommandId.GENERIC_NACK)
         .mapToInt(f -> ByteBuffer.wrap(f.bytes()).getInt(8)).findFirst().orElse(-1);
   }

   @Test
   void a33LinkTakesAnMoAndAReceiptWithAStrayByteAfterShortMessage() throws Exception {
      int port = JsmppSmsc.freePort();
      try (RawSmsc smsc = new RawSmsc(port)) {
         configureLink(port, ", version = \"3.3\"");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("both connections bound", Duration.ofSeconds(10),
                       () -> smsc.binds.get() == 2 && "BOUND".equals(control(broker).getState()));
            smsc.sendRaw(withTrailing(RawSmsc.mo(0x7001, "8613800138000", "1065712345", "MO with a stray NUL"), (byte) 0));
            assertEquals(SmppStatus.ESME_ROK, smsc.deliveryAnswers.poll(10, TimeUnit.SECONDS), "the MO answered");
            TextMessage mo = receive(broker, SmsAddresses.MO);
            assertNotNull(mo, "the MO stored");
            assertEquals("MO with a stray NUL", mo.getText());

            sendMt(broker, "00000000000000d1");
            RawSmsc.Submit submit = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(submit, "submit_sm at the SMSC");
            Wait.until("MT acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(LINK_QUEUE) == 0);
            smsc.sendRaw(withTrailing(RawSmsc.receipt(0x7002, "raw" + submit.sequence(), "DELIVRD", "8613800138000"), (byte) 0));
            assertEquals(SmppStatus.ESME_ROK, smsc.deliveryAnswers.poll(10, TimeUnit.SECONDS), "the receipt answered");
            TextMessage dr = receive(broker, SmsAddresses.DR);
            assertNotNull(dr, "the receipt's DR");
            assertEquals("00000000000000d1", dr.getStringProperty("smsId"));
            assertEquals("DELIVRD", dr.getStringProperty("smsStatus"));
            assertEquals(-1, genericNackStatus(smsc), "no generic_nack");
         }
      }
   }

   @Test
   void a34LinkWhoseSmscAnswers33ReadsNoTlvsEither() throws Exception {
      int port = JsmppSmsc.freePort();
      try (RawSmsc smsc = new RawSmsc(port)) {
         // system_id "raw", then sc_interface_version 0x33
         smsc.bindAnswer = (commandId, seq) -> RawSmsc.frame(commandId | SmppCommandId.RESPONSE_BIT, 0, seq,
            new byte[] {'r', 'a', 'w', 0, 0x02, 0x10, 0x00, 0x01, 0x33});
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), () -> "BOUND".equals(control(broker).getState()));
            assertEquals("3.3", control(broker).getSmscInterfaceVersion());
            smsc.sendRaw(withTrailing(RawSmsc.mo(0x7003, "8613800138000", "1065712345", "from a 3.3 SMSC"), (byte) 0));
            assertEquals(SmppStatus.ESME_ROK, smsc.deliveryAnswers.poll(10, TimeUnit.SECONDS), "the MO answered");
            TextMessage mo = receive(broker, SmsAddresses.MO);
            assertNotNull(mo, "the MO stored");
            assertEquals("from a 3.3 SMSC", mo.getText());
         }
      }
   }

   @Test
   void a34SmscStillHasItsTrailingBytesReadAsTlvs() throws Exception {
      int port = JsmppSmsc.freePort();
      try (RawSmsc smsc = new RawSmsc(port)) {
         configureLink(port, "");
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), () -> "BOUND".equals(control(broker).getState()));
            smsc.sendRaw(withTrailing(RawSmsc.mo(0x7004, "8613800138000", "1065712345", "not a TLV after me"), (byte) 0));
            Wait.until("generic_nack", Duration.ofSeconds(10), () -> genericNackStatus(smsc) != -1);
            assertEquals(SmppStatus.ESME_RINVOPTPARSTREAM, genericNackStatus(smsc));
         }
      }
   }
}
