package io.smsgw.cmpp.fwd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Path;

import io.smsgw.core.contract.SmsAddresses;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.activemq.artemis.jms.client.ActiveMQMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text codings across CMPP_FWD between two gateways: a 7-bit MT segment with an accent crosses whole, one no Msg_Fmt
 * holds gets a report with its own code, and 8-bit SIM data keeps its class as Msg_Fmt 3.
 */
class FwdTextCodingTest {

   private static final String A = "001001";
   private static final String B = "020001";
   private static final byte[] UDH = {0x05, 0x00, 0x03, 0x2B, 0x02, 0x01};

   @TempDir
   Path dir;

   private interface Body {
      Message make(Session session) throws Exception;
   }

   private static void sendMt(PeerBroker a, String smsId, Body body, boolean segment) throws Exception {
      try (Connection c = new ActiveMQConnectionFactory(a.coreUrl()).createConnection();
           Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer p = s.createProducer(s.createQueue(SmsAddresses.gatewayQueue(B)))) {
         Message m = body.make(s);
         m.setStringProperty("smsKind", "MT");
         m.setStringProperty("smsId", smsId);
         m.setStringProperty("smsAccount", "901234");
         m.setStringProperty("smsProtocol", "SMPP");
         m.setStringProperty("smsSource", "10661234");
         m.setStringProperty("smsDestination", "13800138000");
         if (segment) {
            m.setIntProperty("smsDataCoding", 0);
            m.setIntProperty("smsSegmentRef", 0x2B);
            m.setIntProperty("smsSegmentTotal", 2);
            m.setIntProperty("smsSegmentNumber", 1);
            ((ActiveMQMessage) m).getCoreMessage().putBytesProperty(SimpleString.of("smsUdh"), UDH);
         }
         p.send(m);
      }
   }

   private static Message receive(PeerBroker broker, String address, String smsId) throws Exception {
      try (Connection c = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
           Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageConsumer consumer = s.createConsumer(s.createQueue(address), "smsId = '" + smsId + "'")) {
         c.start();
         return consumer.receive(15_000);
      }
   }

   @Test
   void segmentsCrossInAFormatThatHoldsThemAndSimDataKeepsItsClass() throws Exception {
      int portA = PeerBroker.freePort();
      int portB = PeerBroker.freePort();
      try (PeerBroker a = PeerBroker.start(dir.resolve("a"), A, portA, B, portB, "");
           PeerBroker b = PeerBroker.start(dir.resolve("b"), B, portB, A, portA, "")) {
         // an ESME's 7-bit part: 153 characters, 312 octets as UCS2, 160 as GBK
         String accented = "a".repeat(152) + "é";
         sendMt(a, "00000000000000f1", s -> s.createTextMessage(accented), true);
         // GBK has no £ and UCS2 needs 312 octets
         sendMt(a, "00000000000000f2", s -> s.createTextMessage("£".repeat(153)), true);
         byte[] ota = {0x02, 0x70, 0x00, 0x00, 0x10};
         sendMt(a, "00000000000000f3", s -> {
            BytesMessage m = s.createBytesMessage();
            m.writeBytes(ota);
            m.setIntProperty("smsDataCoding", 0xF6);
            return m;
         }, false);

         TextMessage mt = (TextMessage) receive(b, SmsAddresses.MT, "00000000000000f1");
         assertNotNull(mt, "the segment reached B, not a report 106");
         assertEquals(accented, mt.getText());
         assertEquals(2, mt.getIntProperty("smsSegmentTotal"));
         assertArrayEquals(UDH, (byte[]) mt.getObjectProperty("smsUdh"));

         Message report = receive(a, SmsAddresses.DR, "00000000000000f2");
         assertNotNull(report, "the sender is told");
         assertEquals("UNDELIV", report.getStringProperty("smsStatus"));
         assertEquals("108", report.getStringProperty("smsErrorCode"));

         BytesMessage sim = (BytesMessage) receive(b, SmsAddresses.MT, "00000000000000f3");
         assertNotNull(sim);
         assertEquals(0xF6, sim.getIntProperty("smsDataCoding"), "Msg_Fmt 3 across, 0xF6 again, not 0x04");
         byte[] body = new byte[(int) sim.getBodyLength()];
         sim.readBytes(body);
         assertArrayEquals(ota, body);
      }
   }
}
