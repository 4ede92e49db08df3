package io.smsgw.cmpp.fwd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.CmppCodec;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.CmppTimestamp;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.ConnectResp;
import io.smsgw.cmpp.codec.Fwd;
import io.smsgw.cmpp.codec.FwdResp;
import io.smsgw.cmpp.gns.CmppSocket;
import io.smsgw.core.contract.SmsAddresses;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two gateways, A (001001) and B (020001), peering over CMPP_FWD through their CMPP acceptors. */
class FwdEndToEndTest {

   private static final String A = "001001";
   private static final String B = "020001";
   private static final int RECEIVE_MILLIS = 15_000;

   @TempDir
   Path dir;

   private static void send(String url, String address, MessageSetter setter) throws Exception {
      try (Connection c = new ActiveMQConnectionFactory(url).createConnection();
           Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer p = s.createProducer(s.createQueue(address))) {
         TextMessage m = s.createTextMessage();
         setter.set(m);
         p.send(m);
      }
   }

   private static Message receive(String url, String address) throws Exception {
      return receive(url, address, null, RECEIVE_MILLIS);
   }

   private static Message receive(String url, String address, String selector, long millis) throws Exception {
      try (Connection c = new ActiveMQConnectionFactory(url).createConnection();
           Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageConsumer consumer = s.createConsumer(s.createQueue(address), selector)) {
         c.start();
         return consumer.receive(millis);
      }
   }

   /** The UNDELIV report A made for the MT {@code smsId} it did not forward. */
   private static Message undeliveredAtA(PeerBroker a, String smsId, String errorCode) throws Exception {
      Message report = receive(a.coreUrl(), SmsAddresses.DR, "smsId = '" + smsId + "'", RECEIVE_MILLIS);
      assertNotNull(report, "the sender of " + smsId + " is told");
      assertEquals("DR", report.getStringProperty("smsKind"));
      assertEquals("UNDELIV", report.getStringProperty("smsStatus"));
      assertEquals(errorCode, report.getStringProperty("smsErrorCode"));
      assertEquals("901234", report.getStringProperty("smsAccount"));
      assertEquals("13800138000", report.getStringProperty("smsSource"), "the handset the MT was for");
      return report;
   }

   interface MessageSetter {
      void set(TextMessage m) throws Exception;
   }

   private static void mt(TextMessage m, String smsId, int hops) throws Exception {
      m.setText("Hello from A");
      m.setStringProperty("smsKind", "MT");
      m.setStringProperty("smsId", smsId);
      m.setStringProperty("smsAccount", "901234");
      m.setStringProperty("smsSource", "10661234");
      m.setStringProperty("smsDestination", "13800138000");
      m.setStringProperty("smsServiceId", "HELP");
      m.setStringProperty("smsFeeType", "02");
      m.setStringProperty("smsFeeCode", "000010");
      m.setIntProperty("smsRegisteredDelivery", 1);
      m.setIntProperty("smsHops", hops);
   }

   /** B's DELIVRD report of the MT {@link #mt} wrote, one hop travelled. */
   private static void mtReport(TextMessage m, String smsId) throws Exception {
      m.setText("");
      m.setStringProperty("smsKind", "DR");
      m.setStringProperty("smsId", smsId);
      m.setStringProperty("smsStatus", "DELIVRD");
      m.setStringProperty("smsSource", "13800138000");
      m.setStringProperty("smsDestination", "10661234");
      m.setIntProperty("smsHops", 1);
   }

   @Test
   void messagesAndReportsCrossBothWays() throws Exception {
      int portA = PeerBroker.freePort();
      int portB = PeerBroker.freePort();
      try (PeerBroker a = PeerBroker.start(dir.resolve("a"), A, portA, B, portB, "");
           PeerBroker b = PeerBroker.start(dir.resolve("b"), B, portB, A, portA, "")) {
         send(a.coreUrl(), SmsAddresses.gatewayQueue(B), m -> mt(m, "0123456789abcdef", 0));
         TextMessage mt = (TextMessage) receive(b.coreUrl(), SmsAddresses.MT);
         assertNotNull(mt, "the MT reaches B's sms.mt");
         assertEquals("Hello from A", mt.getText());
         assertEquals("MT", mt.getStringProperty("smsKind"));
         assertEquals("0123456789abcdef", mt.getStringProperty("smsId"));
         assertEquals(A, mt.getStringProperty("smsOriginGateway"));
         assertEquals(1, mt.getIntProperty("smsHops"));
         assertEquals("901234", mt.getStringProperty("smsAccount"));
         assertEquals("10661234", mt.getStringProperty("smsSource"));
         assertEquals("13800138000", mt.getStringProperty("smsDestination"));
         assertEquals("HELP", mt.getStringProperty("smsServiceId"));
         assertEquals("02", mt.getStringProperty("smsFeeType"));
         assertEquals("000010", mt.getStringProperty("smsFeeCode"));
         assertEquals(1, mt.getIntProperty("smsRegisteredDelivery"));

         // B reports the MT back to A (type 2)
         send(b.coreUrl(), SmsAddresses.gatewayQueue(A), m -> mtReport(m, "0123456789abcdef"));
         Message report = receive(a.coreUrl(), SmsAddresses.DR);
         assertNotNull(report, "B's report reaches A's sms.dr");
         assertEquals("DR", report.getStringProperty("smsKind"));
         assertEquals("0123456789abcdef", report.getStringProperty("smsId"));
         assertEquals("DELIVRD", report.getStringProperty("smsStatus"));
         assertEquals(B, report.getStringProperty("smsOriginGateway"));
         assertEquals(2, report.getIntProperty("smsHops"));
         assertNull(report.getStringProperty("smsReportOf"));

         // B forwards an MO to A (type 1), A reports it back (type 3)
         send(b.coreUrl(), SmsAddresses.gatewayQueue(A), m -> {
            m.setText("TD");
            m.setStringProperty("smsKind", "MO");
            m.setStringProperty("smsId", "00000000000000a1");
            m.setStringProperty("smsSource", "13800138000");
            m.setStringProperty("smsDestination", "10661234");
         });
         TextMessage mo = (TextMessage) receive(a.coreUrl(), SmsAddresses.MO);
         assertNotNull(mo, "the MO reaches A's sms.mo");
         assertEquals("TD", mo.getText());
         assertEquals("00000000000000a1", mo.getStringProperty("smsId"));
         assertEquals(B, mo.getStringProperty("smsOriginGateway"));
         assertEquals(1, mo.getIntProperty("smsHops"));

         send(a.coreUrl(), SmsAddresses.gatewayQueue(B), m -> {
            m.setText("");
            m.setStringProperty("smsKind", "DR");
            m.setStringProperty("smsReportOf", "MO");
            m.setStringProperty("smsId", "00000000000000a1");
            m.setStringProperty("smsStatus", "DELIVRD");
            m.setStringProperty("smsSource", "10661234");
            m.setStringProperty("smsDestination", "13800138000");
         });
         Message moReport = receive(b.coreUrl(), SmsAddresses.DR);
         assertNotNull(moReport, "the MO report reaches B's sms.dr");
         assertEquals("MO", moReport.getStringProperty("smsReportOf"));
         assertEquals("00000000000000a1", moReport.getStringProperty("smsId"));
         assertEquals("DELIVRD", moReport.getStringProperty("smsStatus"));
      }
   }

   @Test
   void aPeerWhoseAcceptorSpeaksOnlyCmpp20IsReachedAndAnswersBack() throws Exception {
      int portA = PeerBroker.freePort();
      int portB = PeerBroker.freePort();
      try (PeerBroker a = PeerBroker.start(dir.resolve("a"), A, portA, B, portB, "");
           PeerBroker b = PeerBroker.start(dir.resolve("b"), B, portB, A, portA, "", cfg -> {
              // B's acceptor offers 2.0 only: it answers A's 3.0 CONNECT with Status 4 and Version 0x20
              cfg.getAcceptorConfigurations().removeIf(acceptor -> acceptor.getName().equals("cmpp"));
              try {
                 cfg.addAcceptorConfiguration("cmpp", "tcp://127.0.0.1:" + portB + "?protocols=CMPP;cmppVersion=0x20;cmppAcceptPeers=true");
              } catch (Exception e) {
                 throw new IllegalStateException(e);
              }
           })) {
         send(a.coreUrl(), SmsAddresses.gatewayQueue(B), m -> mt(m, "0123456789abcdee", 0));
         TextMessage mt = (TextMessage) receive(b.coreUrl(), SmsAddresses.MT);
         assertNotNull(mt, "the MT reaches the 2.0 peer");
         assertEquals("0123456789abcdee", mt.getStringProperty("smsId"));
         send(b.coreUrl(), SmsAddresses.gatewayQueue(A), m -> mtReport(m, "0123456789abcdee"));
         Message report = receive(a.coreUrl(), SmsAddresses.DR);
         assertNotNull(report, "the 2.0 peer's report comes back over its own link");
         assertEquals("DELIVRD", report.getStringProperty("smsStatus"));
      }
   }

   @Test
   void aMessageFwdCannotCarryGetsAReportAndDoesNotBlockTheLink() throws Exception {
      int portA = PeerBroker.freePort();
      int portB = PeerBroker.freePort();
      try (PeerBroker a = PeerBroker.start(dir.resolve("a"), A, portA, B, portB, "");
           PeerBroker b = PeerBroker.start(dir.resolve("b"), B, portB, A, portA, "")) {
         send(a.coreUrl(), SmsAddresses.gatewayQueue(B), m -> {
            mt(m, "00000000000000e5", 0);
            m.setStringProperty("smsServiceId", "SERVICE-ID-TOO-LONG"); // Service_Id is 10 octets
         });
         send(a.coreUrl(), SmsAddresses.gatewayQueue(B), m -> mt(m, "not-a-cmpp-id", 0));
         send(a.coreUrl(), SmsAddresses.gatewayQueue(B), m -> mt(m, "00000000000000e6", 0));
         Message mt = receive(b.coreUrl(), SmsAddresses.MT);
         assertNotNull(mt, "the good message still flows");
         assertEquals("00000000000000e6", mt.getStringProperty("smsId"));
         undeliveredAtA(a, "00000000000000e5", "106");
         undeliveredAtA(a, "not-a-cmpp-id", "105");
         assertEquals(0, b.messageCount(SmsAddresses.MT), "the others were not sent");
         Wait.until("A's queue drained", Duration.ofSeconds(10), () -> a.messageCount(SmsAddresses.gatewayQueue(B)) == 0);
      }
   }

   @Test
   void anMtWhosePropertyIsNoNumberGetsAReportAndTheLinkCarriesOn() throws Exception {
      int portA = PeerBroker.freePort();
      int portB = PeerBroker.freePort();
      try (PeerBroker a = PeerBroker.start(dir.resolve("a"), A, portA, B, portB, "");
           PeerBroker b = PeerBroker.start(dir.resolve("b"), B, portB, A, portA, "")) {
         // An application's MTs over JMS with numbers written as words or left empty, between two good ones.
         send(a.coreUrl(), SmsAddresses.gatewayQueue(B), m -> mt(m, "00000000000001e1", 0));
         send(a.coreUrl(), SmsAddresses.gatewayQueue(B), m -> {
            mt(m, "00000000000001e2", 0);
            m.setStringProperty("smsRegisteredDelivery", "yes");
         });
         send(a.coreUrl(), SmsAddresses.gatewayQueue(B), m -> {
            mt(m, "00000000000001e3", 0);
            m.setStringProperty("smsValidityTime", "");
         });
         send(a.coreUrl(), SmsAddresses.gatewayQueue(B), m -> {
            mt(m, "00000000000001e4", 0);
            m.setStringProperty("smsHops", "");
         });
         send(a.coreUrl(), SmsAddresses.gatewayQueue(B), m -> mt(m, "00000000000001e5", 0));

         List<String> atB = new ArrayList<>();
         for (int i = 0; i < 2; i++) {
            Message mt = receive(b.coreUrl(), SmsAddresses.MT);
            assertNotNull(mt, "good MT " + i + " reaches B");
            atB.add(mt.getStringProperty("smsId"));
         }
         Collections.sort(atB);
         assertEquals(List.of("00000000000001e1", "00000000000001e5"), atB);
         for (String id : List.of("00000000000001e2", "00000000000001e3", "00000000000001e4")) {
            undeliveredAtA(a, id, "106"); // FWD cannot carry it
         }
         Wait.until("A's queue drained", Duration.ofSeconds(10), () -> a.messageCount(SmsAddresses.gatewayQueue(B)) == 0);
         assertNull(receive(b.coreUrl(), SmsAddresses.MT, null, 500), "nothing reached B twice");
         FwdLinkControlMBean link = a.fwdLink(B);
         assertEquals("connected", link.getState());
         assertEquals(0, link.getInFlight());
         assertEquals(0, link.getResent(), "no FWD went twice");

         send(a.coreUrl(), SmsAddresses.gatewayQueue(B), m -> mt(m, "00000000000001e6", 0));
         Message later = receive(b.coreUrl(), SmsAddresses.MT);
         assertNotNull(later, "the link still takes messages");
         assertEquals("00000000000001e6", later.getStringProperty("smsId"));
      }
   }

   @Test
   void aLongMtGoesAsConcatenatedPartsThatArriveWholeAndAreReportedEach() throws Exception {
      int portA = PeerBroker.freePort();
      int portB = PeerBroker.freePort();
      try (PeerBroker a = PeerBroker.start(dir.resolve("a"), A, portA, B, portB, "");
           PeerBroker b = PeerBroker.start(dir.resolve("b"), B, portB, A, portA, "")) {
         StringBuilder words = new StringBuilder();
         for (int i = 0; words.length() < 200; i++) {
            words.append("word").append(i).append(' ');
         }
         String text = words.substring(0, 200); // 200 ASCII characters: more than the 159 octets of one FWD
         send(a.coreUrl(), SmsAddresses.gatewayQueue(B), m -> {
            mt(m, "00000000000002a1", 0);
            m.setText(text);
         });
         TextMessage[] parts = new TextMessage[2];
         for (int i = 0; i < 2; i++) {
            TextMessage part = (TextMessage) receive(b.coreUrl(), SmsAddresses.MT);
            assertNotNull(part, "part " + (i + 1) + " reaches B");
            assertEquals("00000000000002a1", part.getStringProperty("smsId"));
            assertEquals(2, part.getIntProperty("smsSegmentTotal"));
            parts[part.getIntProperty("smsSegmentNumber") - 1] = part;
         }
         assertNotNull(parts[0], "part 1");
         assertNotNull(parts[1], "part 2");
         assertEquals(text, parts[0].getText() + parts[1].getText(), "the handset can put the whole text together");
         assertEquals(153, parts[0].getText().length(), "a full 7-bit part");
         byte[] udh = (byte[]) parts[0].getObjectProperty("smsUdh");
         assertArrayEquals(new byte[] {0x05, 0x00, 0x03, udh[3], 0x02, 0x01}, udh, "a concatenation header");
         assertArrayEquals(new byte[] {0x05, 0x00, 0x03, udh[3], 0x02, 0x02}, (byte[]) parts[1].getObjectProperty("smsUdh"),
                           "the same reference on both parts");
         assertEquals("901234", parts[1].getStringProperty("smsAccount"));
         assertEquals(1, parts[1].getIntProperty("smsHops"));
         Wait.until("acknowledged once both parts are answered", Duration.ofSeconds(10),
                    () -> a.messageCount(SmsAddresses.gatewayQueue(B)) == 0);
         assertEquals(0, b.messageCount(SmsAddresses.MT), "each part once");

         // B's SMSC reports each part; both reports come home to A, each for its part
         for (int number = 1; number <= 2; number++) {
            int part = number;
            send(b.coreUrl(), SmsAddresses.gatewayQueue(A), m -> {
               mtReport(m, "00000000000002a1");
               m.setIntProperty("smsSegmentRef", udh[3] & 0xFF);
               m.setIntProperty("smsSegmentTotal", 2);
               m.setIntProperty("smsSegmentNumber", part);
            });
         }
         List<Integer> reported = new ArrayList<>();
         for (int i = 0; i < 2; i++) {
            Message report = receive(a.coreUrl(), SmsAddresses.DR);
            assertNotNull(report, "report " + (i + 1) + " reaches A");
            assertEquals("00000000000002a1", report.getStringProperty("smsId"));
            assertEquals(2, report.getIntProperty("smsSegmentTotal"));
            reported.add(report.getIntProperty("smsSegmentNumber"));
         }
         Collections.sort(reported);
         assertEquals(List.of(1, 2), reported, "one report per part, so A's SP and billing hear of both");
      }
   }

   @Test
   void theHopLimitStopsTheMessageWithAReport() throws Exception {
      int portA = PeerBroker.freePort();
      int portB = PeerBroker.freePort();
      try (PeerBroker a = PeerBroker.start(dir.resolve("a"), A, portA, B, portB, "");
           PeerBroker b = PeerBroker.start(dir.resolve("b"), B, portB, A, portA, "")) {
         send(a.coreUrl(), SmsAddresses.gatewayQueue(B), m -> mt(m, "00000000000000b2", 5));
         Message report = receive(a.coreUrl(), SmsAddresses.DR);
         assertNotNull(report, "a report instead of a sixth hop");
         assertEquals("00000000000000b2", report.getStringProperty("smsId"));
         assertEquals("UNDELIV", report.getStringProperty("smsStatus"));
         assertEquals("IB:0001", report.getStringProperty("smsErrorCode"));
         assertEquals("901234", report.getStringProperty("smsAccount"));
         assertEquals(0, b.messageCount(SmsAddresses.MT), "nothing went to B");
      }
   }

   @Test
   void messagesWaitWhileThePeerIsDownAndFlowWhenItIsBack() throws Exception {
      int portA = PeerBroker.freePort();
      int portB = PeerBroker.freePort();
      try (PeerBroker a = PeerBroker.start(dir.resolve("a"), A, portA, B, portB, "")) {
         send(a.coreUrl(), SmsAddresses.gatewayQueue(B), m -> mt(m, "00000000000000c3", 0));
         // The queue counts a message sent durably once its executor has taken it in, a moment after the send returns.
         Wait.until("the MT waits on A's sms.gw.020001", Duration.ofSeconds(10), () -> a.messageCount(SmsAddresses.gatewayQueue(B)) == 1);
         try (PeerBroker b = PeerBroker.start(dir.resolve("b"), B, portB, A, portA, "")) {
            Message mt = receive(b.coreUrl(), SmsAddresses.MT);
            assertNotNull(mt, "the MT flows once B is up");
            assertEquals("00000000000000c3", mt.getStringProperty("smsId"));
         }
      }
   }

   @Test
   void onlyConfiguredPeersMayConnectAndThePolicyCanRefuse() throws Exception {
      int portA = PeerBroker.freePort();
      int portB = PeerBroker.freePort();
      try (PeerBroker b = PeerBroker.start(dir.resolve("b"), B, portB, A, portA, "")) {
         try (CmppSocket stranger = CmppSocket.connect(portB)) {
            assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, stranger.login("077101", "pair-secret").status(),
                         "an unknown code is answered as a wrong secret");
         }
         try (CmppSocket impostor = CmppSocket.connect(portB)) {
            assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, impostor.login(A, "wrong").status());
         }
         b.peers().setPolicy((from, fwd) -> !fwd.destIds().contains("13900000000"));
         try (CmppSocket peerA = CmppSocket.connect(portB)) {
            ConnectResp resp = peerA.login(A, "pair-secret");
            assertEquals(CmppResult.CONNECT_OK, resp.status());
            peerA.send(fwd(peerA.nextSequence(), "13900000000", 0x11L));
            FwdResp refused = assertInstanceOf(FwdResp.class, peerA.read());
            assertEquals(CmppResult.FWD_WRONG_DECISION, refused.result());
            assertEquals(0x11L, refused.msgId());
            peerA.send(fwd(peerA.nextSequence(), "13800138000", 0x12L));
            FwdResp accepted = assertInstanceOf(FwdResp.class, peerA.read());
            assertEquals(CmppResult.OK, accepted.result());
            Fwd misaddressed = new Fwd(peerA.nextSequence(), A, "077101", 1, Fwd.TYPE_MT, 0x13L, 1, 1, 0, 0, "", 0, "", "",
               0, 0, 0, 0, "", "", "", "", "", "", "", 0, 0, List.of("13800138000"), "", 0, new byte[0], "", "");
            peerA.send(misaddressed);
            assertEquals(CmppResult.FWD_WRONG_DECISION, assertInstanceOf(FwdResp.class, peerA.read()).result(),
                         "a FWD for another gateway is a wrong decision");
            peerA.send(new io.smsgw.cmpp.codec.Terminate(peerA.nextSequence()));
            assertInstanceOf(io.smsgw.cmpp.codec.TerminateResp.class, peerA.read(), "TERMINATE is answered");
         }
         Message stored = receive(b.coreUrl(), SmsAddresses.MT);
         assertNotNull(stored);
         assertEquals("0000000000000012", stored.getStringProperty("smsId"));
         assertEquals(0, b.messageCount(SmsAddresses.MT), "only the accepted FWD was stored");
      }
   }

   @Test
   void aPeersCapturedOrDayOldConnectIsRefused() throws Exception {
      int portA = PeerBroker.freePort();
      int portB = PeerBroker.freePort();
      try (PeerBroker b = PeerBroker.start(dir.resolve("b"), B, portB, A, portA, "")) {
         Connect captured = CmppSocket.connectOf(A, "pair-secret", CmppTimestamp.forConnect(Clock.systemDefaultZone(), A));
         try (CmppSocket peerA = CmppSocket.connect(portB)) {
            assertEquals(CmppResult.CONNECT_OK, peerA.login(captured).status());
            try (CmppSocket replay = CmppSocket.connect(portB)) {
               assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, replay.login(captured).status(), "the same CONNECT again");
               assertTrue(replay.closedByPeer(10_000));
            }
         }
         try (CmppSocket stale = CmppSocket.connect(portB)) {
            long dayOld = CmppTimestamp.of(LocalDateTime.now().minusDays(1));
            assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, stale.login(CmppSocket.connectOf(A, "pair-secret", dayOld)).status());
         }
      }
   }

   @Test
   void aDeliverRespFromAPeerIsIgnoredAndTheLinkStays() throws Exception {
      int portA = PeerBroker.freePort();
      int portB = PeerBroker.freePort();
      try (PeerBroker b = PeerBroker.start(dir.resolve("b"), B, portB, A, portA, "");
           CmppSocket peerA = CmppSocket.connect(portB)) {
         assertEquals(CmppResult.CONNECT_OK, peerA.login(A, "pair-secret").status());
         // a peer gets no DELIVERs, so this answers nothing
         peerA.send(new io.smsgw.cmpp.codec.DeliverResp(peerA.nextSequence(), 0x31L, CmppResult.OK));
         int probe = peerA.nextSequence();
         peerA.send(new io.smsgw.cmpp.codec.ActiveTest(probe));
         assertEquals(probe, assertInstanceOf(io.smsgw.cmpp.codec.ActiveTestResp.class, peerA.read()).sequenceId(),
                      "the link is still up");
      }
   }

   @Test
   void aFwdResentAfterItsAnswerWasLostIsAnsweredButStoredOnce() throws Exception {
      int portA = PeerBroker.freePort();
      int portB = PeerBroker.freePort();
      try (PeerBroker b = PeerBroker.start(dir.resolve("b"), B, portB, A, portA, "")) {
         // The first session's answer counts as lost: A reconnects and sends the same FWD again, as FwdLink does.
         for (int attempt = 1; attempt <= 2; attempt++) {
            try (CmppSocket peerA = CmppSocket.connect(portB)) {
               assertEquals(CmppResult.CONNECT_OK, peerA.login(A, "pair-secret").status());
               peerA.send(fwd(peerA.nextSequence(), "13800138000", 0x21L));
               assertEquals(CmppResult.OK, assertInstanceOf(FwdResp.class, peerA.read()).result(),
                            "attempt " + attempt + " answered Result 0, so A stops resending");
            }
         }
         peerTakesAnotherMessageOfTheSameNumber(portB);
         assertEquals("0000000000000021", receive(b.coreUrl(), SmsAddresses.MT).getStringProperty("smsId"));
         assertEquals("0000000000000022", receive(b.coreUrl(), SmsAddresses.MT).getStringProperty("smsId"),
                      "the next message follows: the resent copy was dropped");
         assertEquals(0, b.messageCount(SmsAddresses.MT));
      }
   }

   /** Another MT (Msg_Id 0x22) to the same handset is not mistaken for a resend. */
   private static void peerTakesAnotherMessageOfTheSameNumber(int portB) throws Exception {
      try (CmppSocket peerA = CmppSocket.connect(portB)) {
         assertEquals(CmppResult.CONNECT_OK, peerA.login(A, "pair-secret").status());
         peerA.send(fwd(peerA.nextSequence(), "13800138000", 0x22L));
         assertEquals(CmppResult.OK, assertInstanceOf(FwdResp.class, peerA.read()).result());
      }
   }

   static Fwd fwd(int sequence, String recipient, long msgId) {
      return fwd(sequence, List.of(recipient), msgId, "", "", 1, 1);
   }

   private static Fwd fwd(int sequence, List<String> recipients, long msgId, String validTime, String atTime, int pkTotal,
                          int pkNumber) {
      return new Fwd(sequence, A, B, 1, Fwd.TYPE_MT, msgId, pkTotal, pkNumber, 0, 0, "HELP", 0, "", "", 0, 0, 0, 0, "901234",
         "01", "", validTime, atTime, "10661234", "", 0, 0, recipients, "", 0, "hi".getBytes(), "", "");
   }

   @Test
   void aZeroFilledFwdWithPkTotalAndPkNumber0IsStoredAsOneMessage() throws Exception {
      // Gateways written in C zero-fill the struct: Pk_total 0, Pk_number 0, no UDH is an ordinary single message
      int portA = PeerBroker.freePort();
      int portB = PeerBroker.freePort();
      try (PeerBroker b = PeerBroker.start(dir.resolve("b"), B, portB, A, portA, "");
           CmppSocket peerA = CmppSocket.connect(portB)) {
         assertEquals(CmppResult.CONNECT_OK, peerA.login(A, "pair-secret").status());
         peerA.send(fwd(peerA.nextSequence(), List.of("13800138000"), 0x49L, "", "", 0, 0));
         FwdResp resp = assertInstanceOf(FwdResp.class, peerA.read());
         assertEquals(CmppResult.OK, resp.result(), "Pk_total 0, Pk_number 0");
         Message stored = receive(b.coreUrl(), SmsAddresses.MT);
         assertNotNull(stored, "stored on sms.mt");
         assertEquals("0000000000000049", stored.getStringProperty("smsId"));
         assertEquals("13800138000", stored.getStringProperty("smsDestination"));
         assertFalse(stored.propertyExists("smsSegmentTotal"), "a whole message, not a segment");
         assertEquals(0, b.messageCount(SmsAddresses.MT), "one message");
      }
   }

   @Test
   void aFwdThatCouldOnlyBeStoredWrongIsRefusedAndNothingIsStored() throws Exception {
      int portA = PeerBroker.freePort();
      int portB = PeerBroker.freePort();
      try (PeerBroker b = PeerBroker.start(dir.resolve("b"), B, portB, A, portA, "");
           CmppSocket peerA = CmppSocket.connect(portB)) {
         assertEquals(CmppResult.CONNECT_OK, peerA.login(A, "pair-secret").status());
         Map<String, Fwd> refused = new LinkedHashMap<>();
         refused.put("two Dest_Ids (DestUsr_tl must be 1)",
                     fwd(peerA.nextSequence(), List.of("13800138000", "13800138001"), 0x41L, "", "", 1, 1));
         refused.put("no Dest_Id", fwd(peerA.nextSequence(), List.of(), 0x42L, "", "", 1, 1));
         refused.put("an invalid Valid_Time", fwd(peerA.nextSequence(), List.of("13800138000"), 0x43L, "tomorrow", "", 1, 1));
         refused.put("an invalid At_Time",
                     fwd(peerA.nextSequence(), List.of("13800138000"), 0x44L, "", "261399120000000+", 1, 1));
         refused.put("Pk_number 0", fwd(peerA.nextSequence(), List.of("13800138000"), 0x45L, "", "", 2, 0));
         refused.put("Pk_number beyond Pk_total", fwd(peerA.nextSequence(), List.of("13800138000"), 0x46L, "", "", 2, 3));
         for (Map.Entry<String, Fwd> bad : refused.entrySet()) {
            peerA.send(bad.getValue());
            FwdResp resp = assertInstanceOf(FwdResp.class, peerA.read());
            assertEquals(CmppResult.STRUCTURE_ERROR, resp.result(), bad.getKey());
            assertEquals(bad.getValue().msgId(), resp.msgId(), bad.getKey());
         }
         // Total_Length longer than DestUsr_tl and Msg_Length make the FWD: its fields cannot be trusted
         int sequence = peerA.nextSequence();
         ByteBuf encoded = Unpooled.buffer();
         CmppCodec.encode(fwd(sequence, "13800138000", 0x48L), CmppVersion.V30, encoded);
         byte[] padded = Arrays.copyOf(ByteBufUtil.getBytes(encoded), encoded.readableBytes() + 4);
         encoded.release();
         ByteBuffer.wrap(padded).putInt(0, padded.length);
         peerA.sendBytes(padded);
         FwdResp lengthError = assertInstanceOf(FwdResp.class, peerA.read());
         assertEquals(CmppResult.MESSAGE_LENGTH_ERROR, lengthError.result());
         assertEquals(sequence, lengthError.sequenceId());

         peerA.send(fwd(peerA.nextSequence(), "13800138000", 0x47L));
         assertEquals(CmppResult.OK, assertInstanceOf(FwdResp.class, peerA.read()).result());
         Message stored = receive(b.coreUrl(), SmsAddresses.MT);
         assertNotNull(stored);
         assertEquals("0000000000000047", stored.getStringProperty("smsId"), "the first message stored is the good one");
         assertEquals("13800138000", stored.getStringProperty("smsDestination"));
         assertEquals(0, b.messageCount(SmsAddresses.MT), "none of the refused FWDs was stored");
      }
   }
}
