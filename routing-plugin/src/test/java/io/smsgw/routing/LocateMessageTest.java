package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.RawFrameSocket;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.CmppAuthenticator;
import io.smsgw.cmpp.codec.CmppCodec;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.CmppTimestamp;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.cmpp.codec.ConnectResp;
import io.smsgw.cmpp.codec.Submit;
import io.smsgw.cmpp.codec.SubmitResp;
import io.smsgw.core.id.CmppMsgId;
import io.smsgw.smpp.client.JsmppSmsc;
import org.jsmpp.bean.MessageState;
import org.jsmpp.util.DeliveryReceiptState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator asks the routing bean where an MT is, knowing only the id the SP quotes: the hex smsId, or the CMPP
 * Msg_Id in decimal. The answer follows the MT as it moves: on its link's queue while the SMSC is unreachable, at the
 * link with the SMSC's id once the SMSC accepted it, then its final state once the receipt came. Real broker with the
 * CMPP acceptor and routing, the SMSC a jSMPP server started late, the SP a byte-level CMPP client.
 */
class LocateMessageTest {

   private static final String ACCOUNT = "900001";
   private static final String SECRET = "secret1";

   @TempDir
   Path dir;
   private int smscPort;

   @BeforeEach
   void writeConfig() throws Exception {
      smscPort = JsmppSmsc.freePort();
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { "900001" { password = "secret1", protocols = [CMPP] } }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 400ms }
         }
         routes { mt = [ { prefix = "86138", links = [ sim ] } ] }
         """.formatted(smscPort));
      System.setProperty("smsgw.config", file.toString());
   }

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   @Test
   void locateFollowsAnMtFromItsLinkQueueToTheSmscAndToItsFinalStateByHexOrDecimalId() throws Exception {
      try (TestBroker broker = TestBroker.cmpp(dir.resolve("broker"), "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start();
           RawFrameSocket sp = connect(broker)) {
         SmsRoutingControlMBean routing = (SmsRoutingControlMBean) broker.server().getManagementService().getUntypedControl("sms-routing");
         long msgId = submit(sp, 2, "8613800138001");
         String hex = CmppMsgId.toHex(msgId);
         String decimal = Long.toUnsignedString(msgId);

         // the SMSC does not listen yet: the MT waits on its link's queue
         Wait.until("locate finds the MT on the link's queue", Duration.ofSeconds(10),
                    () -> locate(routing, hex).contains("\"where\":\"queue\",\"queue\":\"sms.smsc.sim\",\"state\":\"waiting\""),
                    () -> locate(routing, hex));
         String byDecimal = locate(routing, decimal);
         assertTrue(byDecimal.contains("\"smsIds\":[\"" + hex + "\"]"), "the decimal Msg_Id is read as the smsId: " + byDecimal);
         assertTrue(byDecimal.contains("\"queue\":\"sms.smsc.sim\""), "and finds the same MT: " + byDecimal);
         assertTrue(byDecimal.contains("\"destination\":\"8613800138001\""), byDecimal);

         try (JsmppSmsc smsc = new JsmppSmsc(smscPort)) {
            JsmppSmsc.Received atSmsc = smsc.submits.poll(20, TimeUnit.SECONDS);
            assertNotNull(atSmsc, "the MT reached the SMSC once it listened");
            Wait.until("locate finds the MT at the link, its receipt awaited", Duration.ofSeconds(10),
                       () -> locate(routing, hex).contains("\"where\":\"link\",\"link\":\"sim\",\"state\":\"awaiting receipt\",\"smscMessageId\":\""
                                                              + atSmsc.messageId() + "\""),
                       () -> locate(routing, hex));
            String located = locate(routing, decimal);
            assertTrue(located.contains("\"submitTime\":\""), "with the MT's submit time: " + located);
            assertTrue(!located.contains("\"where\":\"queue\""), "no longer on a queue: " + located);
            String bySmscId = locate(routing, atSmsc.messageId());
            assertTrue(bySmscId.contains("\"smsId\":\"" + hex + "\""), "the SMSC's id finds the MT too: " + bySmscId);
            // as an SMSC may write it in a receipt or a log: upper case, leading zeros; the link keys it normalised
            String quoted = locate(routing, "00" + atSmsc.messageId().toUpperCase(java.util.Locale.ROOT));
            assertTrue(quoted.contains("\"smsId\":\"" + hex + "\""), "the SMSC's id as written elsewhere finds it: " + quoted);

            smsc.sendReceipt(atSmsc, DeliveryReceiptState.UNDELIV, MessageState.UNDELIVERABLE);
            Wait.until("locate gives the final state", Duration.ofSeconds(10),
                       () -> locate(routing, decimal).contains("\"where\":\"final\",\"state\":\"UNDELIV\""),
                       () -> locate(routing, decimal));
            String done = locate(routing, hex);
            assertTrue(done.contains("\"account\":\"" + ACCOUNT + "\""), done);
            assertTrue(!done.contains("\"where\":\"link\""), "the receipt ended the wait: " + done);
         }
      }
   }

   @Test
   void anIdTheGatewayDoesNotKnowIsFoundNowhereAndTheAnswerSaysWhatIsKept() throws Exception {
      try (TestBroker broker = TestBroker.cmpp(dir.resolve("broker"), "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start()) {
         SmsRoutingControlMBean routing = (SmsRoutingControlMBean) broker.server().getManagementService().getUntypedControl("sms-routing");
         String answer = routing.locate("00000000000000ab");
         assertTrue(answer.contains("\"found\":[]"), answer);
         assertTrue(answer.contains("final reports of this gateway's accounts since the broker started are kept"), answer);
      }
   }

   private static String locate(SmsRoutingControlMBean routing, String id) {
      try {
         return routing.locate(id);
      } catch (Exception e) {
         throw new IllegalStateException(e);
      }
   }

   private static RawFrameSocket connect(TestBroker broker) throws Exception {
      RawFrameSocket sp = RawFrameSocket.connect(broker.port());
      long timestamp = CmppTimestamp.forConnect(Clock.systemDefaultZone(), ACCOUNT);
      send(sp, new Connect(1, ACCOUNT, CmppAuthenticator.authenticatorSource(ACCOUNT, SECRET, timestamp), 0x30, timestamp));
      assertEquals(0, assertInstanceOf(ConnectResp.class, read(sp)).status());
      return sp;
   }

   private static long submit(RawFrameSocket sp, int sequence, String recipient) throws Exception {
      send(sp, new Submit(sequence, 0L, 1, 1, 1, 0, "TEST", 0, "", 0, 0, 0, 0, ACCOUNT, "02", "000010", "", "",
                          "1065712345", List.of(recipient), 0, "Hello".getBytes(StandardCharsets.US_ASCII), "", ""));
      SubmitResp resp = assertInstanceOf(SubmitResp.class, read(sp));
      assertEquals(CmppResult.OK, resp.result());
      return resp.msgId();
   }

   private static void send(RawFrameSocket socket, CmppPdu pdu) throws Exception {
      socket.send(buf -> CmppCodec.encode(pdu, CmppVersion.V30, buf));
   }

   private static CmppPdu read(RawFrameSocket socket) throws Exception {
      CmppPdu pdu = socket.read(10_000, frame -> CmppCodec.decode(frame, CmppVersion.V30));
      assertNotNull(pdu, "a PDU from the gateway within 10 s");
      return pdu;
   }
}
