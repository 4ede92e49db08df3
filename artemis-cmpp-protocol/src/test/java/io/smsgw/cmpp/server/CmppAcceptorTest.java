package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.DeliveryHold;
import io.smsgw.broker.testing.HeldQueueStall;
import io.smsgw.broker.testing.SessionCreationGate;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.ActiveTest;
import io.smsgw.cmpp.codec.ActiveTestResp;
import io.smsgw.cmpp.codec.Cancel;
import io.smsgw.cmpp.codec.CancelResp;
import io.smsgw.cmpp.codec.CmppAuthenticator;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.CmppTimestamp;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.ConnectResp;
import io.smsgw.cmpp.codec.Deliver;
import io.smsgw.cmpp.codec.DeliverResp;
import io.smsgw.cmpp.codec.Query;
import io.smsgw.cmpp.codec.QueryResp;
import io.smsgw.cmpp.codec.StatusReport;
import io.smsgw.cmpp.codec.SubmitResp;
import io.smsgw.cmpp.codec.Terminate;
import io.smsgw.cmpp.codec.TerminateResp;
import io.smsgw.core.concat.SplitReference;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.id.CmppMsgId;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.activemq.artemis.junit.EmbeddedActiveMQExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CMPP acceptor on a real broker, driven at byte level with the project's codec in both versions:
 * CONNECT and its refusals, SUBMIT to sms.mt, DELIVER of reports and MO, ACTIVE_TEST, TERMINATE, QUERY,
 * CANCEL, malformed input. Interop with a third-party SP lives in the SMSGate test module.
 */
class CmppAcceptorTest {

   /** Its refusal tests all connect from 127.0.0.1: no failed-login penalties here (CmppLoginPenaltyTest tests those). */
   @RegisterExtension
   static final EmbeddedActiveMQExtension server = new EmbeddedActiveMQExtension(
      TestBroker.configuration(TestBroker.tempDataDir(), "CMPP", ";cmppMaxPduSize=4096;cmppWindowSize=2;cmppConnectTimeout=1000;cmppAuthFailureLimit=100"));
   static TestBroker broker;
   static Connection jms;

   @BeforeAll
   static void start() throws Exception {
      broker = TestBroker.wrap(server.getServer(), "CMPP");
      jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
      jms.start();
   }

   @AfterAll
   static void stop() throws Exception {
      jms.close();
   }

   private static RawCmppClient connected(int version) throws Exception {
      RawCmppClient client = new RawCmppClient(broker.port());
      assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", version).status());
      return client;
   }

   private static TextMessage receiveMt(String smsId) throws JMSException {
      try (Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageConsumer consumer = session.createConsumer(session.createQueue(SmsAddresses.MT), "smsId = '" + smsId + "'")) {
         return (TextMessage) consumer.receive(10_000);
      }
   }

   private static void sendToSp(String account, String text, String... properties) throws JMSException {
      sendToSp(jms, account, text, properties);
   }

   private static void sendToSp(Connection jms, String account, String text, String... properties) throws JMSException {
      try (Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.accountQueue(account)))) {
         TextMessage message = session.createTextMessage(text);
         for (int i = 0; i < properties.length; i += 2) {
            message.setStringProperty(properties[i], properties[i + 1]);
         }
         producer.send(message);
      }
   }

   @ParameterizedTest
   @ValueSource(ints = {0x20, 0x21, 0x30})
   void connectSucceedsWithAVerifiableIsmgAuthenticator(int version) throws Exception {
      try (RawCmppClient client = new RawCmppClient(broker.port())) {
         long timestamp = CmppTimestamp.forConnect(Clock.systemDefaultZone(), "901234");
         byte[] source = CmppAuthenticator.authenticatorSource("901234", "secret", timestamp);
         client.send(new io.smsgw.cmpp.codec.Connect(7, "901234", source, version, timestamp));
         ConnectResp resp = assertInstanceOf(ConnectResp.class, client.read());
         assertEquals(CmppResult.CONNECT_OK, resp.status());
         assertEquals(0x30, resp.version());
         CmppVersion negotiated = CmppVersion.fromByte(version);
         assertTrue(CmppAuthenticator.verifyIsmg(resp, source, "secret".getBytes(StandardCharsets.US_ASCII), negotiated));
         String json = broker.server().getActiveMQServerControl().listConnections("", 1, 100);
         assertTrue(json.contains("\"protocol\":\"CMPP\""), json);
         assertTrue(json.contains("\"clientID\":\"901234\""), json);
      }
   }

   @Test
   void connectRefusalsCarryTheSpecStatusAndClose() throws Exception {
      try (RawCmppClient client = new RawCmppClient(broker.port())) {
         assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, client.connect("999999", "secret", 0x30).status(),
                      "an unknown SP_Id is answered as a wrong secret: a prober cannot tell which SP_Ids exist");
         assertTrue(client.closedByServer(10_000));
      }
      try (RawCmppClient client = new RawCmppClient(broker.port())) {
         assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, client.connect("901234", "wrong", 0x30).status());
         assertTrue(client.closedByServer(10_000));
      }
      try (RawCmppClient client = new RawCmppClient(broker.port())) {
         ConnectResp resp = client.connect("901234", "secret", 0x31);
         assertEquals(CmppResult.CONNECT_VERSION_TOO_HIGH, resp.status());
         assertEquals(0x30, resp.version(), "the server tells its own version");
      }
      try (RawCmppClient client = new RawCmppClient(broker.port())) {
         // an SMPP-only account is not an SP
         assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, client.connect("esme9", "pw9", 0x30).status());
      }
   }

   /** A CONNECT of {@code sp} with a right authenticator for the Timestamp of {@code time} (gateway's zone). */
   private static io.smsgw.cmpp.codec.Connect connectAt(String sp, String secret, java.time.ZonedDateTime time) {
      long timestamp = CmppTimestamp.of(time.withZoneSameInstant(java.time.ZoneId.systemDefault()).toLocalDateTime());
      return new io.smsgw.cmpp.codec.Connect(1, sp, CmppAuthenticator.authenticatorSource(sp, secret, timestamp), 0x30, timestamp);
   }

   private static ConnectResp answer(io.smsgw.cmpp.codec.Connect connect) throws Exception {
      return answer(broker, connect);
   }

   private static ConnectResp answer(TestBroker broker, io.smsgw.cmpp.codec.Connect connect) throws Exception {
      try (RawCmppClient client = new RawCmppClient(broker.port())) {
         client.send(connect);
         ConnectResp resp = assertInstanceOf(ConnectResp.class, client.read());
         if (resp.status() != CmppResult.CONNECT_OK) {
            assertTrue(client.closedByServer(10_000), "a refused CONNECT closes the connection");
         }
         return resp;
      }
   }

   @Test
   void aConnectWithADayOldTimestampIsRefusedAsAnAuthenticationFailure() throws Exception {
      java.time.ZonedDateTime now = java.time.ZonedDateTime.now();
      assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, answer(connectAt("901241", "secret41", now.minusDays(1))).status(),
                   "a day-old CONNECT, authenticator right for its Timestamp");
      assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, answer(connectAt("901241", "secret41", now.plusHours(1))).status(),
                   "an hour ahead of the gateway's clock");
      assertEquals(CmppResult.CONNECT_OK, answer(connectAt("901241", "secret41", now.minusSeconds(60))).status(),
                   "a minute behind is within cmppConnectTimeSkew's default 900 s");
   }

   @Test
   void withCmppConnectReplayCheckTheSameConnectSentAgainIsRefusedEvenWhileTheFirstSessionIsOpen(
         @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
      long timestamp = CmppTimestamp.forConnect(Clock.systemDefaultZone(), "901234");
      io.smsgw.cmpp.codec.Connect captured = new io.smsgw.cmpp.codec.Connect(
         9, "901234", CmppAuthenticator.authenticatorSource("901234", "secret", timestamp), 0x30, timestamp);
      try (TestBroker broker = TestBroker.cmpp(dir, ";cmppConnectReplayCheck=true").start()) {
         theSameConnectIsTakenOnce(broker, captured);
      }
   }

   private static void theSameConnectIsTakenOnce(TestBroker broker, io.smsgw.cmpp.codec.Connect captured) throws Exception {
      try (RawCmppClient sp = new RawCmppClient(broker.port())) {
         sp.send(captured);
         assertEquals(CmppResult.CONNECT_OK, assertInstanceOf(ConnectResp.class, sp.read()).status(), "the SP's own CONNECT");
         assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, answer(broker, captured).status(), "the same bytes from someone else");
         sp.send(new Terminate(10));
         assertInstanceOf(TerminateResp.class, sp.read());
      }
      assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, answer(broker, captured).status(), "and after the SP left");
      try (RawCmppClient sp = new RawCmppClient(broker.port())) {
         assertEquals(CmppResult.CONNECT_OK, sp.connect("901234", "secret", 0x30).status(), "a new CONNECT of the SP's");
      }
   }

   /**
    * Off by default: CMPP's authenticator changes once a second, so an SP opening several connections in one second (its
    * client's channels at start-up) sends the same CONNECT each time, and each must be taken.
    */
   @Test
   void byDefaultAnSpMayOpenSeveralConnectionsWithinOneTimestampSecond() throws Exception {
      long timestamp = CmppTimestamp.of(java.time.LocalDateTime.now());
      io.smsgw.cmpp.codec.Connect same = new io.smsgw.cmpp.codec.Connect(
         9, "901234", CmppAuthenticator.authenticatorSource("901234", "secret", timestamp), 0x30, timestamp);
      try (RawCmppClient first = new RawCmppClient(broker.port()); RawCmppClient second = new RawCmppClient(broker.port())) {
         first.send(same);
         assertEquals(CmppResult.CONNECT_OK, assertInstanceOf(ConnectResp.class, first.read()).status(), "the first channel");
         second.send(same);
         assertEquals(CmppResult.CONNECT_OK, assertInstanceOf(ConnectResp.class, second.read()).status(),
                      "the second channel, same second, same authenticator");
      }
   }

   @Test
   void fromAnAddressOutsideTheAllowlistARightAndAWrongSecretGetTheSameStatus() throws Exception {
      try (RawCmppClient client = new RawCmppClient(broker.port())) {
         assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, client.connect("901242", "secret42", 0x30).status(),
                      "answered as a wrong secret, so an allowlisted account's id is not told apart from an unknown one");
         assertTrue(client.closedByServer(10_000));
      }
      try (RawCmppClient client = new RawCmppClient(broker.port())) {
         assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, client.connect("901242", "wrong", 0x30).status(),
                      "a wrong secret from a disallowed address is not told apart from the right one");
         assertTrue(client.closedByServer(10_000));
      }
   }

   @Test
   void withCmppConnectTimeSkew0OldAndRepeatedConnectsAreAccepted(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
      io.smsgw.cmpp.codec.Connect old = connectAt("901241", "secret41", java.time.ZonedDateTime.now().minusDays(3));
      try (TestBroker lenient = TestBroker.cmpp(dir, ";cmppConnectTimeSkew=0").start()) {
         for (int i = 0; i < 2; i++) {
            try (RawCmppClient client = new RawCmppClient(lenient.port())) {
               client.send(old);
               assertEquals(CmppResult.CONNECT_OK, assertInstanceOf(ConnectResp.class, client.read()).status(), "CONNECT " + (i + 1));
            }
         }
      }
   }

   @Test
   void connectionsOverTheAccountLimitAreRefused() throws Exception {
      try (RawCmppClient first = new RawCmppClient(broker.port())) {
         assertEquals(CmppResult.CONNECT_OK, first.connect("901235", "secret5", 0x30).status());
         try (RawCmppClient second = new RawCmppClient(broker.port())) {
            assertEquals(CmppResult.CONNECT_OTHER_ERROR, second.connect("901235", "secret5", 0x30).status());
         }
      }
   }

   @ParameterizedTest
   @ValueSource(ints = {0x20, 0x30})
   void submitBecomesADurableMtWithEveryField(int version) throws Exception {
      try (RawCmppClient client = connected(version)) {
         byte[] chinese = "你好，世界".getBytes(StandardCharsets.UTF_16BE);
         client.send(RawCmppClient.submit(client.nextSequence(), "901234", "10657123451", "TEST", 8, chinese, "13800138000"));
         SubmitResp resp = assertInstanceOf(SubmitResp.class, client.read());
         assertEquals(CmppResult.OK, resp.result());
         CmppMsgId id = CmppMsgId.decode(resp.msgId());
         assertEquals(1001, id.gatewayCode(), "gateway code 001001 from sms-gateway.conf");
         TextMessage mt = receiveMt(CmppMsgId.toHex(resp.msgId()));
         assertNotNull(mt);
         assertEquals("你好，世界", mt.getText());
         assertEquals("901234", mt.getStringProperty("smsAccount"));
         assertEquals("CMPP", mt.getStringProperty("smsProtocol"));
         assertEquals(version == 0x30 ? "3.0" : "2.0", mt.getStringProperty("smsProtocolVersion"));
         assertEquals("10657123451", mt.getStringProperty("smsSource"));
         assertEquals("13800138000", mt.getStringProperty("smsDestination"));
         assertEquals("TEST", mt.getStringProperty("smsServiceId"));
         assertEquals("02", mt.getStringProperty("smsFeeType"));
         assertEquals("000010", mt.getStringProperty("smsFeeCode"));
         assertEquals(0, mt.getIntProperty("smsFeeUserType"));
         assertEquals(1, mt.getIntProperty("smsRegisteredDelivery"));
         assertEquals(8, mt.getIntProperty("smsDataCoding"));
      }
   }

   /**
    * SP clients (SMSGate among them) put a whole GSM data coding with a message class in Msg_Fmt for a flash SMS: the
    * text is read in its alphabet (the default one as ASCII) and the class goes on in smsDataCoding.
    */
   @Test
   void aMsgFmtWithAMessageClassKeepsItsClass() throws Exception {
      try (RawCmppClient client = connected(0x30)) {
         client.send(RawCmppClient.submit(client.nextSequence(), "901234", "1065712345", "TEST", 0x18,
                                          "闪信".getBytes(StandardCharsets.UTF_16BE), "13800138002"));
         SubmitResp ucs2 = assertInstanceOf(SubmitResp.class, client.read());
         assertEquals(CmppResult.OK, ucs2.result());
         TextMessage flash = receiveMt(CmppMsgId.toHex(ucs2.msgId()));
         assertEquals("闪信", flash.getText());
         assertEquals(0x18, flash.getIntProperty("smsDataCoding"), "UCS2, class 0");
         client.send(RawCmppClient.submit(client.nextSequence(), "901234", "1065712345", "TEST", 0xF0,
                                          "Flash".getBytes(StandardCharsets.US_ASCII), "13800138002"));
         SubmitResp ascii = assertInstanceOf(SubmitResp.class, client.read());
         assertEquals(CmppResult.OK, ascii.result());
         TextMessage text = receiveMt(CmppMsgId.toHex(ascii.msgId()));
         assertEquals("Flash", text.getText());
         assertEquals(0xF0, text.getIntProperty("smsDataCoding"), "default alphabet, class 0");
         // As with Msg_Fmt 0: 159 ASCII characters are one SMS in the default alphabet, 160 are refused.
         client.send(RawCmppClient.submit(client.nextSequence(), "901234", "1065712345", "TEST", 0x10,
                                          "f".repeat(159).getBytes(StandardCharsets.US_ASCII), "13800138003"));
         assertEquals(CmppResult.OK, assertInstanceOf(SubmitResp.class, client.read()).result(), "159 characters");
         client.send(RawCmppClient.submit(client.nextSequence(), "901234", "1065712345", "TEST", 0x10,
                                          "f".repeat(160).getBytes(StandardCharsets.US_ASCII), "13800138003"));
         assertEquals(CmppResult.MESSAGE_TOO_LONG, assertInstanceOf(SubmitResp.class, client.read()).result(), "160 characters");
      }
   }

   @Test
   void gbkTextIsDecoded() throws Exception {
      try (RawCmppClient client = connected(0x30)) {
         byte[] gbk = "短信网关".getBytes(java.nio.charset.Charset.forName("GBK"));
         client.send(RawCmppClient.submit(client.nextSequence(), "901234", "1065712345", "TEST", 15, gbk, "13800138001"));
         SubmitResp resp = assertInstanceOf(SubmitResp.class, client.read());
         assertEquals("短信网关", receiveMt(CmppMsgId.toHex(resp.msgId())).getText());
      }
   }

   @Test
   void groupSendMakesOneMessagePerRecipientWithConsecutiveIds() throws Exception {
      try (RawCmppClient client = connected(0x30)) {
         client.send(RawCmppClient.ascii(client.nextSequence(), "901234", "Hello group", "13800138002", "13800138003", "13800138004"));
         SubmitResp resp = assertInstanceOf(SubmitResp.class, client.read());
         assertEquals(CmppResult.OK, resp.result());
         Set<String> recipients = new HashSet<>();
         for (int i = 0; i < 3; i++) {
            TextMessage mt = receiveMt(CmppMsgId.toHex(resp.msgId() + i));
            assertNotNull(mt, "recipient " + i);
            assertEquals("Hello group", mt.getText());
            recipients.add(mt.getStringProperty("smsDestination"));
         }
         assertEquals(Set.of("13800138002", "13800138003", "13800138004"), recipients);
      }
   }

   @Test
   void submitRefusalsUseTheSpecResults() throws Exception {
      try (RawCmppClient client = connected(0x30)) {
         client.send(RawCmppClient.submit(client.nextSequence(), "901234", "1066000000", "TEST", 0, new byte[] {'x'}, "13800138000"));
         assertEquals(CmppResult.SRC_ID_ERROR, assertInstanceOf(SubmitResp.class, client.read()).result());
         client.send(RawCmppClient.submit(client.nextSequence(), "901299", "1065712345", "TEST", 0, new byte[] {'x'}, "13800138000"));
         assertEquals(CmppResult.MSG_SRC_ERROR, assertInstanceOf(SubmitResp.class, client.read()).result());
         client.send(RawCmppClient.submit(client.nextSequence(), "901234", "1065712345", "TEST", 0, new byte[] {'x'}));
         assertEquals(CmppResult.DEST_TERMINAL_ID_ERROR, assertInstanceOf(SubmitResp.class, client.read()).result());
      }
      try (RawCmppClient limited = new RawCmppClient(broker.port())) {
         Wait.until("901235 free again", Duration.ofSeconds(10), () -> broker.server().getRemotingService().getConnections().stream()
            .noneMatch(c -> "901235".equals(c.getClientID())));
         assertEquals(CmppResult.CONNECT_OK, limited.connect("901235", "secret5", 0x30).status());
         limited.send(RawCmppClient.submit(limited.nextSequence(), "901235", "1065799", "OTHER", 0, new byte[] {'x'}, "13800138000"));
         assertEquals(CmppResult.SERVICE_ID_ERROR, assertInstanceOf(SubmitResp.class, limited.read()).result());
         int throttled = 0;
         for (int i = 0; i < 5; i++) {
            limited.send(RawCmppClient.submit(limited.nextSequence(), "901235", "1065799", "NEWS", 0, new byte[] {'x'}, "13800138000"));
         }
         for (int i = 0; i < 5; i++) {
            if (assertInstanceOf(SubmitResp.class, limited.read()).result() == CmppResult.FLOW_CONTROL_ERROR) {
               throttled++;
            }
         }
         assertTrue(throttled >= 2, "limit 2/s, 5 in a burst: " + throttled + " refused with Result 8");
      }
   }

   /** How many messages on sms.mt are for one of these recipients (stored ones, whoever submitted them). */
   private static int storedFor(String... recipients) throws JMSException {
      String selector = "smsDestination IN ('" + String.join("','", recipients) + "')";
      try (Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           jakarta.jms.QueueBrowser browser = session.createBrowser(session.createQueue(SmsAddresses.MT), selector)) {
         return java.util.Collections.list(browser.getEnumeration()).size();
      }
   }

   private static io.smsgw.cmpp.codec.Submit segment(int sequence, int pkTotal, int pkNumber, String recipient) {
      return new io.smsgw.cmpp.codec.Submit(sequence, 0L, pkTotal, pkNumber, 1, 0, "TEST", 0, "", 0, 0, 0, 0, "901234", "02",
                                            "000010", "", "", "1065712345", java.util.List.of(recipient), 0,
                                            "part".getBytes(StandardCharsets.US_ASCII), "", "");
   }

   @Test
   void aSubmitWithAnInvalidNumberOrSegmentNumberIsRefusedWhole() throws Exception {
      try (RawCmppClient client = connected(0x30)) {
         client.send(RawCmppClient.ascii(client.nextSequence(), "901234", "to letters", "abc"));
         assertEquals(CmppResult.DEST_TERMINAL_ID_ERROR, assertInstanceOf(SubmitResp.class, client.read()).result());
         client.send(RawCmppClient.ascii(client.nextSequence(), "901234", "one bad among good", "13800138070", "1380013807x",
                                         "13800138071"));
         assertEquals(CmppResult.DEST_TERMINAL_ID_ERROR, assertInstanceOf(SubmitResp.class, client.read()).result(),
                      "one invalid number refuses the whole group send");
         client.send(segment(client.nextSequence(), 2, 0, "13800138072"));
         assertEquals(CmppResult.STRUCTURE_ERROR, assertInstanceOf(SubmitResp.class, client.read()).result(), "Pk_number 0");
         client.send(segment(client.nextSequence(), 2, 3, "13800138073"));
         assertEquals(CmppResult.STRUCTURE_ERROR, assertInstanceOf(SubmitResp.class, client.read()).result(),
                      "Pk_number beyond Pk_total");

         client.send(segment(client.nextSequence(), 2, 2, "+8613800138074"));
         SubmitResp accepted = assertInstanceOf(SubmitResp.class, client.read());
         assertEquals(CmppResult.OK, accepted.result(), "the last of two parts, to a number written with +86");
         TextMessage mt = receiveMt(CmppMsgId.toHex(accepted.msgId()));
         assertEquals("+8613800138074", mt.getStringProperty("smsDestination"));
         assertEquals(0, storedFor("abc", "13800138070", "1380013807x", "13800138071", "13800138072", "13800138073"),
                      "nothing of the refused submits was stored");
      }
   }

   @Test
   void aZeroFilledSubmitWithPkTotalAndPkNumber0IsStoredAsOneMessage() throws Exception {
      // SP clients written in C zero-fill the struct: Pk_total 0, Pk_number 0, no UDH is an ordinary single message
      try (RawCmppClient client = connected(0x30)) {
         client.send(segment(client.nextSequence(), 0, 0, "13800138075"));
         SubmitResp resp = assertInstanceOf(SubmitResp.class, client.read());
         assertEquals(CmppResult.OK, resp.result(), "Pk_total 0, Pk_number 0");
         client.send(segment(client.nextSequence(), 1, 0, "13800138076"));
         SubmitResp one = assertInstanceOf(SubmitResp.class, client.read());
         assertEquals(CmppResult.OK, one.result(), "Pk_total 1, Pk_number 0");
         assertEquals(1, storedFor("13800138075"), "one MT");
         TextMessage mt = receiveMt(CmppMsgId.toHex(resp.msgId()));
         assertNotNull(mt);
         assertEquals("part", mt.getText());
         assertFalse(mt.propertyExists("smsSegmentTotal"), "stored as a whole message, not as a segment");
         assertNotNull(receiveMt(CmppMsgId.toHex(one.msgId())));
      }
   }

   @Test
   void refusedGroupSendsGiveTheirRatePermitsBack() throws Exception {
      // 901237 may submit 3 recipients a second (a burst of 3): a refused group must not use any of them up.
      try (RawCmppClient client = new RawCmppClient(broker.port())) {
         assertEquals(CmppResult.CONNECT_OK, client.connect("901237", "secret7", 0x30).status());
         client.send(new io.smsgw.cmpp.codec.Submit(client.nextSequence(), 0L, 1, 1, 1, 0, "TEST", 0, "", 0, 0, 0, 0, "901237",
                                "02", "000010", "tomorrow", "", "1065777",
                                java.util.List.of("13800138080", "13800138081", "13800138082"), 0, new byte[] {'x'}, "", ""));
         assertEquals(CmppResult.STRUCTURE_ERROR, assertInstanceOf(SubmitResp.class, client.read()).result(),
                      "refused for its ValId_Time");
         client.send(RawCmppClient.submit(client.nextSequence(), "901237", "1065777", "TEST", 0, new byte[] {'x'},
                                          "13800138083", "13800138084", "13800138085", "13800138086"));
         assertEquals(CmppResult.FLOW_CONTROL_ERROR, assertInstanceOf(SubmitResp.class, client.read()).result(),
                      "four recipients are more than the rate allows at once");
         client.send(RawCmppClient.submit(client.nextSequence(), "901237", "1065777", "TEST", 0, new byte[] {'x'},
                                          "13800138087", "13800138088", "13800138089"));
         SubmitResp resp = assertInstanceOf(SubmitResp.class, client.read());
         assertEquals(CmppResult.OK, resp.result(), "the SP still has its full rate after two refused group sends");
         for (int i = 0; i < 3; i++) {
            assertNotNull(receiveMt(CmppMsgId.toHex(resp.msgId() + i)));
         }
      }
   }

   @Test
   void aGroupSendBeyondTheDailyQuotaIsRefusedWholeAndRefusedSubmitsDoNotCount() throws Exception {
      try (RawCmppClient client = new RawCmppClient(broker.port())) {
         assertEquals(CmppResult.CONNECT_OK, client.connect("901236", "secret6", 0x30).status());
         // Refused after the SP's rules were checked (a user data header longer than the content): it must not
         // use up any of the day's quota.
         client.send(new io.smsgw.cmpp.codec.Submit(client.nextSequence(), 0L, 1, 1, 1, 0, "TEST", 0, "", 0, 0, 1, 4, "901236", "02", "000010",
                                "", "", "1065766", java.util.List.of("13800138050", "13800138051"), 0, new byte[] {5, 0, 3}, "", ""));
         assertEquals(CmppResult.STRUCTURE_ERROR, assertInstanceOf(SubmitResp.class, client.read()).result());
         client.send(RawCmppClient.submit(client.nextSequence(), "901236", "1065766", "TEST", 0, new byte[] {'x'},
                                          "13800138050", "13800138051", "13800138052"));
         assertEquals(CmppSubmitHandler.RESULT_DAILY_QUOTA_EXHAUSTED, assertInstanceOf(SubmitResp.class, client.read()).result());
         client.send(RawCmppClient.submit(client.nextSequence(), "901236", "1065766", "TEST", 0, new byte[] {'x'},
                                          "13800138050", "13800138051"));
         assertEquals(CmppResult.OK, assertInstanceOf(SubmitResp.class, client.read()).result());
      }
   }

   @ParameterizedTest
   @ValueSource(ints = {0x20, 0x30})
   void statusReportsAndMoArriveAsDeliverAndAreAcknowledgedOnResult0(int version) throws Exception {
      try (RawCmppClient client = connected(version)) {
         client.send(RawCmppClient.ascii(client.nextSequence(), "901234", "Report me", "13800138005"));
         SubmitResp submitted = assertInstanceOf(SubmitResp.class, client.read());
         String smsId = CmppMsgId.toHex(submitted.msgId());
         assertNotNull(receiveMt(smsId));
         sendToSp("901234", "", "smsKind", "DR", "smsId", smsId, "smsStatus", "DELIVRD",
                  "smsSource", "13800138005", "smsDestination", "1065712345", "smsServiceId", "TEST");
         Deliver report = assertInstanceOf(Deliver.class, client.read());
         assertEquals(Deliver.STATUS_REPORT, report.registeredDelivery());
         CmppVersion v = CmppVersion.fromByte(version);
         assertEquals(v == CmppVersion.V30 ? 71 : 60, report.msgContent().length);
         StatusReport content = StatusReport.parse(report.msgContent(), v).orElseThrow();
         assertEquals(submitted.msgId(), content.msgId(), "the report carries the Msg_Id of SUBMIT_RESP");
         assertEquals("DELIVRD", content.stat());
         assertEquals("13800138005", content.destTerminalId());
         assertEquals("1065712345", report.destId());
         client.send(new DeliverResp(report.sequenceId(), report.msgId(), CmppResult.OK));

         sendToSp("901234", "Reply from the handset", "smsKind", "MO", "smsSource", "13800138005", "smsDestination", "1065712345");
         Deliver mo = assertInstanceOf(Deliver.class, client.read());
         assertEquals(0, mo.registeredDelivery());
         assertEquals("Reply from the handset", new String(mo.msgContent(), StandardCharsets.US_ASCII));
         assertEquals("13800138005", mo.srcTerminalId());
         client.send(new DeliverResp(mo.sequenceId(), mo.msgId(), CmppResult.OK));
         Wait.until("both acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.accountQueue("901234")) == 0);
      }
   }

   /**
    * What identifies each DELIVER to the SP, by its content: its Msg_Id. Reads {@code count} DELIVERs without
    * answering any.
    */
   private static java.util.Map<String, Long> msgIdsOfUnanswered(RawCmppClient client, int count) throws Exception {
      java.util.Map<String, Long> ids = new java.util.HashMap<>();
      for (int i = 0; i < count; i++) {
         Deliver deliver = assertInstanceOf(Deliver.class, client.read());
         assertEquals(null, ids.put(label(deliver), deliver.msgId()), "one DELIVER per message or part: " + label(deliver));
      }
      return ids;
   }

   /** "report", "part N/T" of a long MO, or an MO's text. */
   private static String label(Deliver deliver) {
      byte[] content = deliver.msgContent();
      return deliver.registeredDelivery() == Deliver.STATUS_REPORT ? "report"
         : deliver.tpUdhi() == 1 ? "part " + content[5] + "/" + content[4] : new String(content, StandardCharsets.US_ASCII);
   }

   /**
    * The at-least-once cases: the SP never answers (its DELIVER_RESP lost, it closed first) and the broker restarts. An
    * SP that drops DELIVERs by Msg_Id must recognise each one coming again: same Msg_Id on every attempt, another for
    * every other message or part, and a report's own Msg_Id is not the MT's it reports on.
    */
   @Test
   void aDeliverSentAgainCarriesTheMsgIdOfTheFirstAttemptAlsoAfterARestart(@org.junit.jupiter.api.io.TempDir Path dir)
         throws Exception {
      String queue = SmsAddresses.accountQueue("901234");
      long mtMsgId;
      long issuedMoId;
      java.util.Map<String, Long> first;
      try (TestBroker own = TestBroker.cmpp(dir, ";cmppWindowSize=16").start();
           Connection app = new ActiveMQConnectionFactory(own.coreUrl()).createConnection()) {
         try (RawCmppClient client = new RawCmppClient(own.port())) {
            assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
            client.send(RawCmppClient.ascii(client.nextSequence(), "901234", "Report me", "13800138061"));
            mtMsgId = assertInstanceOf(SubmitResp.class, client.read()).msgId();
         }
         // An MO as the SMSC links and routing give it an smsId: a Msg_Id of this gateway's.
         issuedMoId = new CmppMsgId(3, 14, 15, 9, 26, CmppMsgId.decode(mtMsgId).gatewayCode(), 0xBEEF).toLong();
         sendToSp(app, "901234", "mo with an id", "smsKind", "MO", "smsId", CmppMsgId.toHex(issuedMoId),
                  "smsSource", "13800138061", "smsDestination", "1065712345");
         sendToSp(app, "901234", "mo one", "smsKind", "MO", "smsSource", "13800138061", "smsDestination", "1065712345");
         sendToSp(app, "901234", "mo two", "smsKind", "MO", "smsSource", "13800138061", "smsDestination", "1065712345");
         sendToSp(app, "901234", gsmText(400), "smsKind", "MO", "smsSource", "13800138061", "smsDestination", "1065712345");
         sendToSp(app, "901234", gsmText(800), "smsKind", "MO", "smsSource", "13800138061", "smsDestination", "1065712345");
         sendToSp(app, "901234", "", "smsKind", "DR", "smsId", CmppMsgId.toHex(mtMsgId), "smsStatus", "DELIVRD",
                  "smsSource", "13800138061", "smsDestination", "1065712345", "smsServiceId", "TEST");
         int delivers = 3 + 3 + 6 + 1; // three MO, one in three parts, one in six, a report
         try (RawCmppClient client = new RawCmppClient(own.port())) {
            assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
            first = msgIdsOfUnanswered(client, delivers);
         } // closed before any DELIVER_RESP
         assertEquals(delivers, new HashSet<>(first.values()).size(), "a Msg_Id of its own for each message and part: " + first);
         assertFalse(first.containsValue(mtMsgId), "the report's own Msg_Id is not the MT's");

         try (RawCmppClient client = new RawCmppClient(own.port())) {
            assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
            assertEquals(first, msgIdsOfUnanswered(client, delivers), "the same Msg_Ids on the next connection");
         }
         assertEquals(issuedMoId, first.get("mo with an id"), "an MO's smsId issued by the gateway is its Msg_Id");
         int gateway = CmppMsgId.decode(mtMsgId).gatewayCode();
         first.values().forEach(id -> assertEquals(gateway, CmppMsgId.decode(id).gatewayCode(), "the gateway's code in " + id));
         first.forEach((label, id) -> assertTrue(id == issuedMoId || CmppMsgId.decode(id).month() == 0 || CmppMsgId.decode(id).month() > 12,
                                                 label + ": no month of an id the gateway issues (an MT's Msg_Id, an MO's smsId)"));
         Wait.until("every message back on the queue", Duration.ofSeconds(10), () -> own.messageCount(queue) == 6
            && own.consumerCount(queue) == 0);
      }
      try (TestBroker restarted = TestBroker.cmpp(dir, ";cmppWindowSize=16").start();
           RawCmppClient client = new RawCmppClient(restarted.port())) {
         assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
         java.util.Map<String, Long> again = new java.util.HashMap<>();
         for (int i = 0; i < first.size(); i++) {
            Deliver deliver = assertInstanceOf(Deliver.class, client.read());
            again.put(label(deliver), deliver.msgId());
            client.send(new DeliverResp(deliver.sequenceId(), deliver.msgId(), CmppResult.OK));
         }
         assertEquals(first, again, "the same Msg_Ids after the broker restarted");
         Wait.until("acknowledged", Duration.ofSeconds(10), () -> restarted.messageCount(queue) == 0);
      }
   }

   @Test
   void anMoSegmentSentWithSarTlvsReachesTheSpWithAConcatenationHeader() throws Exception {
      // A long MO the SMSC split with SAR TLVs: segment properties, protocol SMPP, no smsUdh. CMPP knows only the UDH.
      try (RawCmppClient client = connected(0x30)) {
         sendToSp("901234", "first half ", "smsKind", "MO", "smsProtocol", "SMPP", "smsSource", "13800138012",
                  "smsDestination", "1065712345", "smsSegmentRef", "7", "smsSegmentTotal", "2", "smsSegmentNumber", "1");
         Deliver deliver = assertInstanceOf(Deliver.class, client.read());
         assertEquals(1, deliver.tpUdhi());
         byte[] expected = {0x05, 0x00, 0x03, 0x07, 0x02, 0x01, 'f', 'i', 'r', 's', 't', ' ', 'h', 'a', 'l', 'f', ' '};
         assertArrayEquals(expected, deliver.msgContent());
         client.send(new DeliverResp(deliver.sequenceId(), deliver.msgId(), CmppResult.OK));
         Wait.until("acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.accountQueue("901234")) == 0);
      }
   }

   @Test
   void aFullGsmPartOfALongMoReachesTheSp() throws Exception {
      // a 7-bit part from the SMSC link: 153 characters after a 6-octet UDH, 159 octets as CMPP ASCII
      byte[] udh = {0x05, 0x00, 0x03, 0x2B, 0x02, 0x01};
      String part = "p".repeat(153);
      try (RawCmppClient client = connected(0x30)) {
         try (Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
              MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.accountQueue("901234")))) {
            TextMessage mo = session.createTextMessage(part);
            mo.setStringProperty("smsKind", "MO");
            mo.setStringProperty("smsSource", "13800138011");
            mo.setStringProperty("smsDestination", "1065712345");
            ((org.apache.activemq.artemis.jms.client.ActiveMQMessage) mo).getCoreMessage().putBytesProperty("smsUdh", udh);
            producer.send(mo);
         }
         Deliver deliver = assertInstanceOf(Deliver.class, client.read());
         assertEquals(1, deliver.tpUdhi());
         assertEquals(0, deliver.msgFmt());
         byte[] content = deliver.msgContent();
         assertEquals(159, content.length);
         assertArrayEquals(udh, java.util.Arrays.copyOf(content, udh.length));
         assertEquals(part, new String(content, udh.length, content.length - udh.length, StandardCharsets.US_ASCII));
         client.send(new DeliverResp(deliver.sequenceId(), deliver.msgId(), CmppResult.OK));
         Wait.until("acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.accountQueue("901234")) == 0);
      }
   }

   /** {@code length} characters of plain text that GSM 7-bit holds: too long for one DELIVER above 159. */
   static String gsmText(int length) {
      return "The quick brown fox jumps over the lazy dog 0123456789. ".repeat(length / 40 + 1).substring(0, length);
   }

   /** {@code length} Chinese characters: UCS2, too long for one DELIVER above 70. */
   static String ucs2Text(int length) {
      return "长短信按段送达，每段都带着拼接头。".repeat(length / 10 + 1).substring(0, length);
   }

   /** The texts of concatenated DELIVERs, joined by UDH reference once every part is in. */
   private static final class Reassembly {
      final java.util.Map<Integer, java.util.TreeMap<Integer, String>> parts = new java.util.HashMap<>();
      final java.util.Map<Integer, Integer> totals = new java.util.HashMap<>();

      /** Checks the part's header and size and keeps its text; returns its reference. */
      int add(Deliver part) {
         assertEquals(1, part.tpUdhi(), "TP_udhi of a part");
         assertEquals(0, part.registeredDelivery());
         byte[] content = part.msgContent();
         assertTrue(content.length <= (part.msgFmt() == 0 ? 159 : 140), content.length + " octets in Msg_Fmt " + part.msgFmt());
         assertArrayEquals(new byte[] {0x05, 0x00, 0x03}, java.util.Arrays.copyOf(content, 3), "concatenation UDH, IE 0x00");
         int reference = content[3] & 0xFF;
         totals.put(reference, (int) content[4]);
         String text = new String(content, 6, content.length - 6,
                                  part.msgFmt() == 0 ? StandardCharsets.US_ASCII : StandardCharsets.UTF_16BE);
         parts.computeIfAbsent(reference, r -> new java.util.TreeMap<>()).put((int) content[5], text);
         return reference;
      }

      boolean complete(int reference) {
         return totals.containsKey(reference) && parts.get(reference).size() == totals.get(reference);
      }

      String text(int reference) {
         assertTrue(complete(reference), "every part of reference " + reference + ": " + parts.get(reference));
         return String.join("", parts.get(reference).values());
      }
   }

   @Test
   void aLongMoReachesTheSpAsConcatenatedDeliversWithinTheWindow() throws Exception {
      String gsm = gsmText(300);
      String ucs2 = ucs2Text(100);
      sendToSp("901234", gsm, "smsKind", "MO", "smsId", "00000000000001a1", "smsSource", "13800138013", "smsDestination", "1065712345");
      sendToSp("901234", ucs2, "smsKind", "MO", "smsId", "00000000000001a2", "smsSource", "13800138013", "smsDestination", "1065712345");
      int gsmReference = SplitReference.of("00000000000001a1");
      int ucs2Reference = SplitReference.of("00000000000001a2");
      try (RawCmppClient client = connected(0x30)) {
         Deliver first = assertInstanceOf(Deliver.class, client.read());
         Deliver second = assertInstanceOf(Deliver.class, client.read());
         assertEquals(null, client.read(300), "window of 2 DELIVERs, parts included");
         Reassembly received = new Reassembly();
         java.util.List<Deliver> unanswered = new java.util.ArrayList<>(java.util.List.of(first, second));
         int delivers = 0;
         while (!received.complete(gsmReference) || !received.complete(ucs2Reference)) {
            if (unanswered.isEmpty()) {
               unanswered.add(assertInstanceOf(Deliver.class, client.read()));
            }
            Deliver part = unanswered.remove(0);
            received.add(part);
            delivers++;
            client.send(new DeliverResp(part.sequenceId(), part.msgId(), CmppResult.OK));
         }
         assertEquals(gsm, received.text(gsmReference), "the GSM text, its reference from the smsId");
         assertEquals(ucs2, received.text(ucs2Reference), "the UCS2 text");
         assertEquals(4, delivers, "153 + 147 GSM characters, 67 + 33 UCS2 characters");
         Wait.until("both MOs acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.accountQueue("901234")) == 0);
         assertEquals(null, client.read(300), "nothing delivered twice");
      }
   }

   @Test
   void aRefusedPartBringsTheWholeLongMoBackUnderTheSameReference() throws Exception {
      String gsm = gsmText(300);
      sendToSp("901234", gsm, "smsKind", "MO", "smsId", "00000000000001b3", "smsSource", "13800138014", "smsDestination", "1065712345");
      int reference = SplitReference.of("00000000000001b3");
      try (RawCmppClient client = connected(0x30)) {
         Reassembly firstRound = new Reassembly();
         Deliver part1 = assertInstanceOf(Deliver.class, client.read());
         Deliver part2 = assertInstanceOf(Deliver.class, client.read());
         firstRound.add(part1);
         firstRound.add(part2);
         assertTrue(firstRound.complete(reference), "both parts of the first attempt");
         assertTrue(part1.msgId() != part2.msgId(), "each part has a Msg_Id of its own");
         client.send(new DeliverResp(part1.sequenceId(), part1.msgId(), CmppResult.OK));
         client.send(new DeliverResp(part2.sequenceId(), part2.msgId(), 9));

         // The whole MO comes again, the part already accepted included, under the same reference and Msg_Ids.
         Reassembly secondRound = new Reassembly();
         while (!secondRound.complete(reference)) {
            Deliver part = assertInstanceOf(Deliver.class, client.read());
            assertEquals(reference, secondRound.add(part));
            assertEquals((part.msgContent()[5] == part1.msgContent()[5] ? part1 : part2).msgId(), part.msgId(), "the part's Msg_Id of the first attempt");
            client.send(new DeliverResp(part.sequenceId(), part.msgId(), CmppResult.OK));
         }
         assertEquals(gsm, secondRound.text(reference));
         Wait.until("acknowledged once every part got Result 0", Duration.ofSeconds(10),
                    () -> broker.messageCount(SmsAddresses.accountQueue("901234")) == 0);
      }
   }

   @Test
   void noPartOfALongMoGoesOutAfterTerminateAndTheWholeMoComesOnTheNextConnect() throws Exception {
      String gsm = gsmText(400); // three DELIVERs
      sendToSp("901234", gsm, "smsKind", "MO", "smsId", "00000000000001b7", "smsSource", "13800138015", "smsDestination", "1065712345");
      int reference = SplitReference.of("00000000000001b7");
      try (RawCmppClient client = connected(0x30)) {
         Deliver part1 = assertInstanceOf(Deliver.class, client.read());
         assertInstanceOf(Deliver.class, client.read());
         // The SP terminates, and answers part 1 while terminating: that frees room in the window of 2, but part 3
         // must not go out (together in one write, the answer is read before TERMINATE_RESP can be sent).
         client.sendTogether(new Terminate(79), new DeliverResp(part1.sequenceId(), part1.msgId(), CmppResult.OK));
         io.smsgw.cmpp.codec.CmppPdu next = client.read();
         assertInstanceOf(TerminateResp.class, next, "no DELIVER after TERMINATE, got " + next.commandName());
         assertTrue(client.closedByServer(10_000));
      }
      try (RawCmppClient client = connected(0x30)) {
         Reassembly again = new Reassembly();
         while (!again.complete(reference)) {
            Deliver part = assertInstanceOf(Deliver.class, client.read());
            assertEquals(reference, again.add(part));
            client.send(new DeliverResp(part.sequenceId(), part.msgId(), CmppResult.OK));
         }
         assertEquals(gsm, again.text(reference), "the whole MO on the next connection");
         Wait.until("acknowledged once every part got Result 0", Duration.ofSeconds(10),
                    () -> broker.messageCount(SmsAddresses.accountQueue("901234")) == 0);
         assertEquals(null, client.read(300), "nothing after it");
      }
   }

   /** Three MO for SP 901234 on {@code target}, "mo " and the last two digits of these smsIds. */
   private static void sendMos(TestBroker target, String... smsIds) throws Exception {
      try (Connection app = new ActiveMQConnectionFactory(target.coreUrl()).createConnection()) {
         for (String smsId : smsIds) {
            sendToSp(app, "901234", "mo " + smsId.substring(14), "smsKind", "MO", "smsId", smsId,
                     "smsSource", "13800138042", "smsDestination", "1065712345");
         }
      }
   }

   /**
    * The SP has three DELIVERs and terminates before it answers them: its DELIVER_RESPs follow the TERMINATE in the same
    * write, in a write of their own, or only once it has read TERMINATE_RESP (before it closes the socket). Each answer
    * acknowledges its MO: none comes again on the next CONNECT. Before, the broker session closed at once on TERMINATE
    * and the answers found their MO back on the queue.
    */
   @ParameterizedTest
   @ValueSource(strings = {"with the TERMINATE", "after the TERMINATE", "after TERMINATE_RESP"})
   void deliverRespsSentAfterTheTerminateAcknowledgeTheirMos(String when, @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
      String queue = SmsAddresses.accountQueue("901234");
      try (TestBroker own = TestBroker.cmpp(dir, ";cmppWindowSize=5;cmppTerminateDrainTimeout=300").start()) {
         sendMos(own, "00000000000000f1", "00000000000000f2", "00000000000000f3");
         try (RawCmppClient client = new RawCmppClient(own.port())) {
            assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
            DeliverResp[] answers = new DeliverResp[3];
            for (int i = 0; i < answers.length; i++) {
               Deliver mo = assertInstanceOf(Deliver.class, client.read());
               answers[i] = new DeliverResp(mo.sequenceId(), mo.msgId(), CmppResult.OK);
            }
            Terminate terminate = new Terminate(client.nextSequence());
            switch (when) {
               case "with the TERMINATE" -> {
                  client.sendTogether(terminate, answers[0], answers[1], answers[2]);
                  assertInstanceOf(TerminateResp.class, client.read());
               }
               case "after the TERMINATE" -> {
                  client.send(terminate);
                  client.sendTogether(answers);
                  assertInstanceOf(TerminateResp.class, client.read());
               }
               default -> {
                  // The gateway waits up to cmppTerminateDrainTimeout for them, then answers the TERMINATE; they still
                  // count until the socket closes.
                  client.send(terminate);
                  assertInstanceOf(TerminateResp.class, client.read());
                  client.sendTogether(answers);
               }
            }
            assertTrue(client.closedByServer(10_000), "the gateway closes once every DELIVER is answered");
         }
         Wait.until("the three MO acknowledged", Duration.ofSeconds(10), () -> own.messageCount(queue) == 0);
         try (RawCmppClient client = new RawCmppClient(own.port())) {
            assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
            assertEquals(null, client.read(300), "no MO again on the next CONNECT");
         }
      }
   }

   /**
    * An SP that terminates and never answers its DELIVERs still gets TERMINATE_RESP, after cmppTerminateDrainTimeout
    * (300 ms here, far below the 60 s response timeout), and the connection closes; nothing is lost: the three MO come
    * on the next CONNECT.
    */
   @Test
   void anSpThatNeverAnswersGetsTerminateRespAfterTheDrainTimeoutAndItsMosComeOnTheNextConnect(@org.junit.jupiter.api.io.TempDir Path dir)
         throws Exception {
      String queue = SmsAddresses.accountQueue("901234");
      try (TestBroker own = TestBroker.cmpp(dir, ";cmppWindowSize=5;cmppTerminateDrainTimeout=300").start()) {
         sendMos(own, "00000000000000f4", "00000000000000f5", "00000000000000f6");
         try (RawCmppClient client = new RawCmppClient(own.port())) {
            assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
            for (int i = 0; i < 3; i++) {
               assertInstanceOf(Deliver.class, client.read());
            }
            client.send(new Terminate(client.nextSequence()));
            io.smsgw.cmpp.codec.CmppPdu answer = client.read(10_000);
            assertInstanceOf(TerminateResp.class, answer, "TERMINATE answered within the drain timeout, not the response timeout");
            assertTrue(client.closedByServer(10_000), "and the connection closed by the gateway");
         }
         try (RawCmppClient client = new RawCmppClient(own.port())) {
            assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
            Set<String> again = new HashSet<>();
            for (int i = 0; i < 3; i++) {
               Deliver mo = assertInstanceOf(Deliver.class, client.read());
               again.add(new String(mo.msgContent(), StandardCharsets.US_ASCII));
               client.send(new DeliverResp(mo.sequenceId(), mo.msgId(), CmppResult.OK));
            }
            assertEquals(Set.of("mo f4", "mo f5", "mo f6"), again, "every MO on the next CONNECT");
            Wait.until("acknowledged", Duration.ofSeconds(10), () -> own.messageCount(queue) == 0);
         }
      }
   }

   /**
    * The SP answers the DELIVER it has and terminates in one write, while the broker is handing over the next MO (held
    * at that step until the gateway reads the TERMINATE) and a third waits on the queue. The MO handed over then was
    * written after the TERMINATE, before TERMINATE_RESP: no DELIVER may follow a TERMINATE, and both MO must come on
    * the next connection, the answered one not again.
    */
   @Test
   void noDeliverHandedOverWhileTheTerminateIsReadGoesOutAndItComesOnTheNextConnect(@org.junit.jupiter.api.io.TempDir Path dir)
         throws Exception {
      String queue = SmsAddresses.accountQueue("901234");
      DeliveryHold hold = new DeliveryHold(message -> "00000000000000c2".equals(message.getStringProperty("smsId")));
      try (TestBroker own = TestBroker.cmpp(dir, ";cmppWindowSize=2").configure(cfg -> cfg.registerBrokerPlugin(hold)).start();
           Connection app = new ActiveMQConnectionFactory(own.coreUrl()).createConnection()) {
         own.server().getRemotingService().addIncomingInterceptor((CmppInterceptor) (pdu, connection) -> {
            if (pdu instanceof Terminate) {
               hold.release(); // on the event loop, as it reads the TERMINATE
            }
            return true;
         });
         for (String smsId : List.of("00000000000000c1", "00000000000000c2", "00000000000000c3")) {
            sendToSp(app, "901234", "mo " + smsId.substring(14), "smsKind", "MO", "smsId", smsId,
                     "smsSource", "13800138041", "smsDestination", "1065712345");
         }
         try (RawCmppClient client = new RawCmppClient(own.port())) {
            assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
            Deliver first = assertInstanceOf(Deliver.class, client.read());
            assertEquals("mo c1", new String(first.msgContent(), StandardCharsets.US_ASCII));
            hold.awaitHeld();
            client.sendTogether(new DeliverResp(first.sequenceId(), first.msgId(), CmppResult.OK), new Terminate(client.nextSequence()));
            io.smsgw.cmpp.codec.CmppPdu next = client.read();
            assertInstanceOf(TerminateResp.class, next, "no DELIVER after TERMINATE, got " + next.commandName());
            assertThrows(java.io.IOException.class, () -> client.read(10_000), "nothing after TERMINATE_RESP; the connection closes");
         }
         try (RawCmppClient client = new RawCmppClient(own.port())) {
            assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
            Set<String> again = new HashSet<>();
            for (int i = 0; i < 2; i++) {
               Deliver mo = assertInstanceOf(Deliver.class, client.read());
               again.add(new String(mo.msgContent(), StandardCharsets.US_ASCII));
               client.send(new DeliverResp(mo.sequenceId(), mo.msgId(), CmppResult.OK));
            }
            assertEquals(Set.of("mo c2", "mo c3"), again, "the MO not answered, on the next connection");
            Wait.until("acknowledged", Duration.ofSeconds(10), () -> own.messageCount(queue) == 0);
            assertEquals(null, client.read(300), "the answered MO not again");
         }
      }
   }

   /**
    * The broker's hand-over of an MO to an SP is held (a queue thread slow to get there) while the SP ends its session,
    * by TERMINATE or by dropping the connection. Stopping and closing the broker session waits for that hand-over; it
    * must not do so on the event loop, which also reads the other SP's connection here (one event loop for the
    * acceptor): its ACTIVE_TEST is answered while the hold lasts. Once the hand-over goes on, the session ends as
    * before, and every MO not answered comes on the next CONNECT.
    */
   @ParameterizedTest
   @ValueSource(booleans = {true, false})
   void anSpEndingItsSessionDuringAHeldHandOverDoesNotHoldUpTheOtherConnectionsOfItsEventLoop(
         boolean terminate, @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
      String queue = SmsAddresses.accountQueue("901234");
      DeliveryHold hold = new DeliveryHold(message -> "00000000000000e2".equals(message.getStringProperty("smsId")));
      CountDownLatch ending = new CountDownLatch(1);
      org.apache.activemq.artemis.core.server.plugin.ActiveMQServerSessionPlugin closing =
         new org.apache.activemq.artemis.core.server.plugin.ActiveMQServerSessionPlugin() {
            @Override
            public void beforeCloseSession(org.apache.activemq.artemis.core.server.ServerSession session, boolean failed) {
               if ("901234".equals(session.getUsername())) {
                  ending.countDown(); // the close after the dropped connection has begun
               }
            }
         };
      try (TestBroker own = TestBroker.cmpp(dir, ";cmppWindowSize=2;remotingThreads=1").configure(cfg -> {
              cfg.registerBrokerPlugin(hold);
              cfg.registerBrokerPlugin(closing);
           }).start();
           Connection app = new ActiveMQConnectionFactory(own.coreUrl()).createConnection()) {
         own.server().getRemotingService().addIncomingInterceptor((CmppInterceptor) (pdu, connection) -> {
            if (pdu instanceof Terminate) {
               ending.countDown(); // on the event loop, before the session acts on the TERMINATE
            }
            return true;
         });
         for (String smsId : List.of("00000000000000e1", "00000000000000e2", "00000000000000e3")) {
            sendToSp(app, "901234", "mo " + smsId.substring(14), "smsKind", "MO", "smsId", smsId,
                     "smsSource", "13800138041", "smsDestination", "1065712345");
         }
         try (RawCmppClient other = new RawCmppClient(own.port())) {
            assertEquals(CmppResult.CONNECT_OK, other.connect("901237", "secret7", 0x30).status());
            RawCmppClient client = new RawCmppClient(own.port());
            try {
               assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
               Deliver first = assertInstanceOf(Deliver.class, client.read());
               assertEquals("mo e1", new String(first.msgContent(), StandardCharsets.US_ASCII));
               hold.awaitHeld();
               if (terminate) {
                  client.sendTogether(new DeliverResp(first.sequenceId(), first.msgId(), CmppResult.OK), new Terminate(client.nextSequence()));
               } else {
                  client.close();
               }
               assertTrue(ending.await(10, TimeUnit.SECONDS), "the session is ending");
               other.send(new ActiveTest(801));
               // Well within the hold (30 s at most): before the fix this event loop waited for the hand-over.
               io.smsgw.cmpp.codec.CmppPdu probe = other.read(10_000);
               assertInstanceOf(ActiveTestResp.class, probe, "the other SP answered while the hand-over is held");
               assertTrue(own.hasSessionOf("901234"), "the hand-over is still held, so the session has not ended yet");
               hold.release();
               if (terminate) {
                  io.smsgw.cmpp.codec.CmppPdu next = client.read();
                  assertInstanceOf(TerminateResp.class, next, "TERMINATE answered once the hand-over went on, got " + next.commandName());
                  assertTrue(client.closedByServer(10_000), "nothing after TERMINATE_RESP; the connection closes");
               }
            } finally {
               client.close();
            }
            Wait.until("the session closed", Duration.ofSeconds(10), () -> !own.hasSessionOf("901234"));
            other.send(new Terminate(other.nextSequence()));
            assertInstanceOf(TerminateResp.class, other.read());
         }
         try (RawCmppClient client = new RawCmppClient(own.port())) {
            assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
            Set<String> again = new HashSet<>();
            int expected = terminate ? 2 : 3;
            for (int i = 0; i < expected; i++) {
               Deliver mo = assertInstanceOf(Deliver.class, client.read());
               again.add(new String(mo.msgContent(), StandardCharsets.US_ASCII));
               client.send(new DeliverResp(mo.sequenceId(), mo.msgId(), CmppResult.OK));
            }
            assertEquals(terminate ? Set.of("mo e2", "mo e3") : Set.of("mo e1", "mo e2", "mo e3"), again,
                         "every MO not answered, on the next CONNECT");
            Wait.until("acknowledged", Duration.ofSeconds(10), () -> own.messageCount(queue) == 0);
            assertEquals(null, client.read(300), "an answered MO not again");
         }
      }
   }

   @Test
   void refusedDeliversComeAgainAndTheWindowHolds() throws Exception {
      for (int i = 1; i <= 3; i++) {
         sendToSp("901234", "mo " + i, "smsKind", "MO", "smsSource", "13800138006", "smsDestination", "1065712345");
      }
      try (RawCmppClient client = connected(0x30)) {
         Deliver first = assertInstanceOf(Deliver.class, client.read());
         Deliver second = assertInstanceOf(Deliver.class, client.read());
         assertEquals(null, client.read(300), "window of 2");
         client.send(new DeliverResp(first.sequenceId(), first.msgId(), 9));
         client.send(new DeliverResp(second.sequenceId(), second.msgId(), CmppResult.OK));
         Set<String> accepted = new HashSet<>();
         accepted.add(new String(second.msgContent(), StandardCharsets.US_ASCII));
         while (accepted.size() < 3) {
            Deliver next = assertInstanceOf(Deliver.class, client.read());
            accepted.add(new String(next.msgContent(), StandardCharsets.US_ASCII));
            client.send(new DeliverResp(next.sequenceId(), next.msgId(), CmppResult.OK));
         }
         assertEquals(Set.of("mo 1", "mo 2", "mo 3"), accepted);
         Wait.until("queue drained", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.accountQueue("901234")) == 0);
      }
   }

   @Test
   void aDeliverTheCodecRefusesIsDeadLetteredAndTheConnectionStays(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
      String queue = SmsAddresses.accountQueue("901234");
      try (TestBroker dlq = TestBroker.cmpp(dir, "").configure(TestBroker::withDeadLetterQueue).start();
           RawCmppClient client = new RawCmppClient(dlq.port());
           Connection app = new ActiveMQConnectionFactory(dlq.coreUrl()).createConnection()) {
         assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
         // Service_Id holds 10 octets: this MO cannot be a DELIVER
         sendToSp(app, "901234", "unfit", "smsKind", "MO", "smsSource", "13800138010", "smsDestination", "1065712345",
                  "smsServiceId", "SERVICE-TOO-LONG");
         sendToSp(app, "901234", "fine", "smsKind", "MO", "smsSource", "13800138010", "smsDestination", "1065712345");
         Deliver mo = assertInstanceOf(Deliver.class, client.read());
         assertEquals("fine", new String(mo.msgContent(), StandardCharsets.US_ASCII));
         client.send(new DeliverResp(mo.sequenceId(), mo.msgId(), CmppResult.OK));
         client.send(new ActiveTest(client.nextSequence()));
         assertInstanceOf(ActiveTestResp.class, client.read(), "the connection is still up");
         Wait.until("the unfit MO dead-lettered, the queue empty", Duration.ofSeconds(10),
                    () -> dlq.messageCount(TestBroker.DEAD_LETTERS) == 1 && dlq.messageCount(queue) == 0);
         assertFalse(client.closedByServer(300));
      }
   }

   /** A CONNECT whose answer is not waited for. */
   private static RawCmppClient connectUnanswered(int port, String sp, String secret) throws Exception {
      RawCmppClient client = new RawCmppClient(port);
      long timestamp = CmppTimestamp.forConnect(Clock.systemDefaultZone(), sp);
      client.send(new io.smsgw.cmpp.codec.Connect(1, sp, CmppAuthenticator.authenticatorSource(sp, secret, timestamp),
                                                  0x30, timestamp));
      return client;
   }

   @Test
   void aSessionCreatedAfterTheSocketClosedIsNotLeftBehind(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
      try (TestBroker racing = SessionCreationGate.loginClosedMidway(
              TestBroker.cmpp(dir, ""), port -> connectUnanswered(port, "901234", "secret"), SessionCreationGate.Then.CREATE)) {
         Wait.until("no session and no consumer left for 901234", Duration.ofSeconds(10),
                    () -> !racing.hasSessionOf("901234") && racing.consumerCount(SmsAddresses.accountQueue("901234")) == 0);
      }
   }

   @Test
   void aSessionWhoseConsumerFailsAfterTheSocketClosedIsNotLeftBehind(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
      try (TestBroker racing = SessionCreationGate.loginClosedMidway(
              TestBroker.cmpp(dir, ""), port -> connectUnanswered(port, "901234", "secret"), SessionCreationGate.Then.FAIL_CONSUMER)) {
         Wait.until("no session left for 901234", Duration.ofSeconds(10), () -> !racing.hasSessionOf("901234"));
      }
   }

   @Test
   void aConnectFailingAfterTheSocketClosedGivesItsSessionBackOnce(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
      try (TestBroker racing = SessionCreationGate.loginClosedMidway(
              TestBroker.cmpp(dir, ""), port -> connectUnanswered(port, "901235", "secret5"), SessionCreationGate.Then.FAIL_SESSION);
           RawCmppClient first = new RawCmppClient(racing.port());
           RawCmppClient second = new RawCmppClient(racing.port())) {
         assertEquals(CmppResult.CONNECT_OK, first.connect("901235", "secret5", 0x30).status());
         assertEquals(CmppResult.CONNECT_OTHER_ERROR, second.connect("901235", "secret5", 0x30).status(),
                      "max-sessions 1 still holds");
      }
   }

   @Test
   void activeTestIsAnsweredAndTerminateEndsTheSession() throws Exception {
      try (RawCmppClient client = connected(0x30)) {
         client.send(new ActiveTest(77));
         assertEquals(77, assertInstanceOf(ActiveTestResp.class, client.read()).sequenceId());
         client.send(new Terminate(78));
         assertEquals(78, assertInstanceOf(TerminateResp.class, client.read()).sequenceId());
         assertTrue(client.closedByServer(10_000));
      }
   }

   @Test
   void silentSpsAreProbedNTimesThenDisconnected(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
      try (TestBroker quick = TestBroker.cmpp(dir, ";cmppActiveTestInterval=300;cmppResponseTimeout=300;cmppActiveTestRetries=2").start();
           RawCmppClient client = new RawCmppClient(quick.port())) {
         assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
         assertInstanceOf(ActiveTest.class, client.read());
         assertInstanceOf(ActiveTest.class, client.read());
         assertTrue(client.closedByServer(10_000), "closed after N unanswered ACTIVE_TESTs");
      }
   }

   @Test
   void queryReportsTheAccountsCountersAndCancelRemovesHeldMessages() throws Exception {
      try (RawCmppClient client = connected(0x30)) {
         client.send(RawCmppClient.submit(client.nextSequence(), "901234", "1065712345", "QRY", 0, "count me".getBytes(StandardCharsets.US_ASCII), "13800138007", "13800138008"));
         SubmitResp resp = assertInstanceOf(SubmitResp.class, client.read());
         String today = java.time.LocalDate.now().format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE);
         client.send(new Query(client.nextSequence(), today, Query.TYPE_BY_SERVICE, "QRY", ""));
         QueryResp counters = assertInstanceOf(QueryResp.class, client.read());
         assertEquals(2, counters.mtTlMsg());
         assertEquals(2, counters.mtWt(), "no final state yet");

         sendToSp("901234", "count this MO", "smsKind", "MO", "smsSource", "13800138007", "smsDestination", "1065712345",
                  "smsServiceId", "QRY");
         Deliver mo = assertInstanceOf(Deliver.class, client.read());
         client.send(new DeliverResp(mo.sequenceId(), mo.msgId(), CmppResult.OK));
         Wait.until("MO counted", Duration.ofSeconds(10), () -> {
            try {
               client.send(new Query(client.nextSequence(), today, Query.TYPE_BY_SERVICE, "QRY", ""));
               return assertInstanceOf(QueryResp.class, client.read()).moScs() == 1;
            } catch (Exception e) {
               return false;
            }
         });

         client.send(new Cancel(client.nextSequence(), resp.msgId() + 1));
         assertEquals(CmppResult.CANCEL_SUCCESS, assertInstanceOf(CancelResp.class, client.read()).successId());
         client.send(new Cancel(client.nextSequence(), resp.msgId() + 1));
         assertEquals(CmppResult.CANCEL_FAILURE, assertInstanceOf(CancelResp.class, client.read()).successId());
         assertNotNull(receiveMt(CmppMsgId.toHex(resp.msgId())), "the other recipient's message stays");
      }
   }

   /**
    * A CANCEL sent with a TERMINATE in one write, while the held queue's delivery is stuck (a consumer hanging in a
    * network write) until the broker session closes: CANCEL_RESP comes before TERMINATE_RESP. The CANCEL waits for the
    * queue's intake and the TERMINATE's close did not wait for it: the message was cancelled and the SP never told.
    */
   @Test
   void aCancelSentBeforeTerminateIsAnsweredFirst(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
      HeldQueueStall stall = new HeldQueueStall("901234");
      try (TestBroker own = TestBroker.cmpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(stall)).start();
           RawCmppClient client = new RawCmppClient(own.port())) {
         assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
         client.send(RawCmppClient.ascii(client.nextSequence(), "901234", "stuck in a consumer's write", "13800138021"));
         String stuck = CmppMsgId.toHex(assertInstanceOf(SubmitResp.class, client.read()).msgId());
         client.send(RawCmppClient.ascii(client.nextSequence(), "901234", "to be cancelled", "13800138022"));
         SubmitResp target = assertInstanceOf(SubmitResp.class, client.read());
         assertEquals(CmppResult.OK, target.result());
         stall.hold(own.server(), SmsAddresses.MT, message -> stuck.equals(message.getStringProperty(SmsProperties.ID)));

         byte[] cancel = client.encode(new Cancel(client.nextSequence(), target.msgId()));
         byte[] terminate = client.encode(new Terminate(client.nextSequence()));
         byte[] both = java.util.Arrays.copyOf(cancel, cancel.length + terminate.length);
         System.arraycopy(terminate, 0, both, cancel.length, terminate.length);
         client.sendBytes(both);

         CancelResp cancelled = assertInstanceOf(CancelResp.class, client.read(), "CANCEL_RESP before TERMINATE_RESP");
         assertEquals(CmppResult.CANCEL_SUCCESS, cancelled.successId());
         assertInstanceOf(TerminateResp.class, client.read());
         assertTrue(client.closedByServer(10_000));
         Wait.until("nothing left held", Duration.ofSeconds(10), () -> own.messageCount(SmsAddresses.MT) == 0);
      }
   }

   @Test
   void aTerminateHeldUpBehindAStuckQueueEndsAtTheResponseTimeoutEvenIfTheSpKeepsTalking(
         @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
      HeldQueueStall stall = new HeldQueueStall("nobody"); // held until the broker stops: a consumer stuck for good
      try (TestBroker own = TestBroker.cmpp(dir, ";cmppResponseTimeout=1000").configure(cfg -> cfg.registerBrokerPlugin(stall)).start();
           RawCmppClient client = new RawCmppClient(own.port())) {
         assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
         client.send(RawCmppClient.ascii(client.nextSequence(), "901234", "stuck in a consumer's write", "13800138031"));
         String stuck = CmppMsgId.toHex(assertInstanceOf(SubmitResp.class, client.read()).msgId());
         client.send(RawCmppClient.ascii(client.nextSequence(), "901234", "to be cancelled", "13800138032"));
         SubmitResp target = assertInstanceOf(SubmitResp.class, client.read());
         stall.hold(own.server(), SmsAddresses.MT, message -> stuck.equals(message.getStringProperty(SmsProperties.ID)));

         client.send(new Cancel(client.nextSequence(), target.msgId()));
         client.send(new Terminate(client.nextSequence()));
         // The SP keeps the connection busy: each ACTIVE_TEST_RESP is followed by another ACTIVE_TEST.
         long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
         boolean closed = false;
         while (!closed && System.nanoTime() < deadline) {
            try {
               client.send(new ActiveTest(client.nextSequence()));
               closed = client.closedByServer(200);
            } catch (java.io.IOException e) {
               closed = true; // written to a socket the gateway had closed
            }
         }
         assertTrue(closed, "the gateway closed the connection within 10 s although the SP kept sending ACTIVE_TEST");
      }
   }

   /**
    * An SP that cancels as soon as it has the SUBMIT_RESP finds its message, for a single recipient and for each of a
    * group send's (stored in one transaction). Repeated by two SPs at once: the broker lists a new message in its queue
    * on the queue's own thread, after the SUBMIT may have been answered.
    */
   @Test
   void cancelRightAfterTheSubmitRespFindsTheMessage() throws Exception {
      int connections = 2;
      int rounds = 150;
      List<String> failures = Collections.synchronizedList(new ArrayList<>());
      ExecutorService sps = Executors.newFixedThreadPool(connections);
      try {
         List<Future<?>> running = new ArrayList<>();
         for (int c = 0; c < connections; c++) {
            String name = "SP " + c;
            running.add(sps.submit(() -> {
               try (RawCmppClient client = connected(0x30)) {
                  for (int round = 0; round < rounds; round++) {
                     client.send(RawCmppClient.ascii(client.nextSequence(), "901234", "single " + round, "13800138011"));
                     SubmitResp single = assertInstanceOf(SubmitResp.class, client.read());
                     assertEquals(CmppResult.OK, single.result());
                     client.send(new Cancel(client.nextSequence(), single.msgId()));
                     if (assertInstanceOf(CancelResp.class, client.read()).successId() != CmppResult.CANCEL_SUCCESS) {
                        failures.add(name + " round " + round + ": CANCEL after a SUBMIT to one recipient");
                     }
                     client.send(RawCmppClient.ascii(client.nextSequence(), "901234", "group " + round, "13800138012", "13800138013"));
                     SubmitResp group = assertInstanceOf(SubmitResp.class, client.read());
                     assertEquals(CmppResult.OK, group.result());
                     for (long msgId = group.msgId(); msgId < group.msgId() + 2; msgId++) {
                        client.send(new Cancel(client.nextSequence(), msgId));
                        if (assertInstanceOf(CancelResp.class, client.read()).successId() != CmppResult.CANCEL_SUCCESS) {
                           failures.add(name + " round " + round + ": CANCEL of a group send's Msg_Id " + msgId);
                        }
                     }
                  }
               }
               return null;
            }));
         }
         for (Future<?> sp : running) {
            sp.get(120, TimeUnit.SECONDS);
         }
      } finally {
         sps.shutdownNow();
      }
      assertTrue(failures.isEmpty(), failures.size() + " of " + connections * rounds * 3 + " CANCELs did not find the message: " + failures);
   }

   @Test
   void malformedInputGetsResult1OrATerminateAndOthersAreUnaffected() throws Exception {
      try (RawCmppClient healthy = connected(0x30)) {
         try (RawCmppClient truncated = connected(0x30)) {
            // a SUBMIT header with a body far too short for it
            truncated.sendBytes(hex("00000014000000040000005a0000000000000001"));
            SubmitResp resp = assertInstanceOf(SubmitResp.class, truncated.read());
            assertEquals(CmppResult.STRUCTURE_ERROR, resp.result());
            assertEquals(0x5a, resp.sequenceId());
         }
         try (RawCmppClient unknown = connected(0x30)) {
            unknown.sendBytes(hex("0000000c0000007700000001"));
            assertInstanceOf(Terminate.class, unknown.read());
            assertTrue(unknown.closedByServer(10_000));
         }
         try (RawCmppClient early = new RawCmppClient(broker.port())) {
            early.send(RawCmppClient.ascii(1, "901234", "before connect", "13800138000"));
            assertTrue(early.closedByServer(10_000), "anything before CONNECT closes");
         }
         try (RawCmppClient tooShort = new RawCmppClient(broker.port())) {
            tooShort.sendBytes(hex("00000008000000010000000100000000"));
            assertTrue(tooShort.closedByServer(10_000));
         }
         try (RawCmppClient tooLong = connected(0x30)) {
            tooLong.sendBytes(hex("00100000000000040000000200000000"));
            assertTrue(tooLong.closedByServer(10_000));
         }
         try (RawCmppClient silent = new RawCmppClient(broker.port())) {
            silent.sendBytes(hex("0000000c0000000800000001"));
            assertTrue(silent.closedByServer(10_000), "no CONNECT within cmppConnectTimeout");
         }
         healthy.send(RawCmppClient.ascii(healthy.nextSequence(), "901234", "still fine", "13800138009"));
         assertEquals(CmppResult.OK, assertInstanceOf(SubmitResp.class, healthy.read()).result());
      }
   }

   /**
    * SUBMITs read just before a PDU the gateway ends the session for (an unknown Command_Id) are stored, and their
    * SUBMIT_RESPs go out before the gateway's TERMINATE; a SUBMIT after that PDU is neither answered nor stored. The
    * close came at once: the submits were stored but their SUBMIT_RESPs lost, and the SP sent them again (duplicates
    * to the handsets).
    */
   @Test
   void submitsReadBeforeAPduTheGatewayTerminatesForAreAnsweredBeforeItsTerminate() throws Exception {
      try (RawCmppClient client = connected(0x30)) {
         java.io.ByteArrayOutputStream write = new java.io.ByteArrayOutputStream();
         // Few enough to arrive in one read with the unknown command: the gateway reads it before any journal write ends.
         String[] recipients = {"13800138101", "13800138102"};
         for (String recipient : recipients) {
            write.writeBytes(client.encode(RawCmppClient.ascii(client.nextSequence(), "901234", "owed an answer", recipient)));
         }
         write.writeBytes(hex("0000000c0000007700000001")); // unknown Command_Id 0x77
         write.writeBytes(client.encode(RawCmppClient.ascii(client.nextSequence(), "901234", "after the end", "13800138106")));
         client.sendBytes(write.toByteArray());

         for (int i = 0; i < recipients.length; i++) {
            SubmitResp resp = assertInstanceOf(SubmitResp.class, client.read(), "SUBMIT_RESP " + (i + 1) + " before the TERMINATE");
            assertEquals(CmppResult.OK, resp.result());
         }
         assertInstanceOf(Terminate.class, client.read());
         assertTrue(client.closedByServer(10_000));
         assertEquals(recipients.length, storedFor(recipients), "each answered submit stored once");
         assertEquals(0, storedFor("13800138106"), "nothing read after the unknown command is stored");
      }
   }

   /**
    * An SP that pipelines right after its CONNECT (a SUBMIT and an ACTIVE_TEST in the same write, before CONNECT_RESP)
    * gets CONNECT_RESP and then their answers: they wait for the session. The connection was closed.
    */
   @Test
   void pdusSentBeforeTheConnectRespAreHandledOnceConnected() throws Exception {
      try (RawCmppClient client = new RawCmppClient(broker.port())) {
         long timestamp = CmppTimestamp.forConnect(Clock.systemDefaultZone(), "901234");
         byte[] source = CmppAuthenticator.authenticatorSource("901234", "secret", timestamp);
         client.sendTogether(new io.smsgw.cmpp.codec.Connect(client.nextSequence(), "901234", source, 0x30, timestamp),
                             RawCmppClient.ascii(client.nextSequence(), "901234", "right after CONNECT", "13800138141"),
                             new ActiveTest(client.nextSequence()));
         assertEquals(CmppResult.CONNECT_OK, assertInstanceOf(ConnectResp.class, client.read()).status());
         // ACTIVE_TEST_RESP goes out at once, SUBMIT_RESP once the journal has the message: either may come first.
         List<io.smsgw.cmpp.codec.CmppPdu> answers = List.of(client.read(), client.read());
         SubmitResp submitted = answers.stream().filter(SubmitResp.class::isInstance).map(SubmitResp.class::cast).findFirst()
            .orElseThrow(() -> new AssertionError("no SUBMIT_RESP: " + answers));
         assertEquals(CmppResult.OK, submitted.result());
         assertTrue(answers.stream().anyMatch(ActiveTestResp.class::isInstance), "ACTIVE_TEST answered: " + answers);
         assertNotNull(receiveMt(CmppMsgId.toHex(submitted.msgId())), "the SUBMIT was stored");
      }
   }

   private static io.smsgw.cmpp.codec.Submit submit(int sequence, int pkTotal, int pkNumber, int tpUdhi, int msgFmt, String feeType,
                                                    byte[] content, String recipient) {
      return new io.smsgw.cmpp.codec.Submit(sequence, 0L, pkTotal, pkNumber, 1, 0, "TEST", 0, "", 0, 0, tpUdhi, msgFmt, "901234",
                                            feeType, "000010", "", "", "1065712345", List.of(recipient), 0, content, "", "");
   }

   private static byte[] udhAnd(String udhHex, String text) {
      byte[] udh = hex(udhHex);
      byte[] body = text.getBytes(StandardCharsets.US_ASCII);
      byte[] content = java.util.Arrays.copyOf(udh, udh.length + body.length);
      System.arraycopy(body, 0, content, udh.length, body.length);
      return content;
   }

   /**
    * A concatenation element that names no part (number 0, number above total, total 0, a wrong element length) is
    * refused with Result 1: it was skipped, the SUBMIT answered 0 and billed as a whole message, and the handset got a
    * part it cannot join. Pk_total / Pk_number disagreeing with a valid element: the element counts (decision 107).
    */
   @ParameterizedTest
   @ValueSource(ints = {0x20, 0x30})
   void aSubmitWithAnInvalidConcatenationElementIsRefusedAndAValidOneOverridesPkFields(int version) throws Exception {
      try (RawCmppClient client = connected(version)) {
         String[][] invalid = {{"050003A70203", "number above total"}, {"050003A70200", "number 0"}, {"050003A70001", "total 0"},
                               {"06080400A70300", "16-bit reference, number 0"}, {"0400020102", "element of 2 octets"}};
         for (String[] udh : invalid) {
            client.send(submit(client.nextSequence(), 2, 1, 1, 0, "02", udhAnd(udh[0], "part"), "13800138111"));
            assertEquals(CmppResult.STRUCTURE_ERROR, assertInstanceOf(SubmitResp.class, client.read()).result(), udh[1]);
         }
         assertEquals(0, storedFor("13800138111"), "nothing of the refused submits was stored");

         client.send(submit(client.nextSequence(), 1, 1, 1, 0, "02", udhAnd("050003A70302", "part"), "13800138112"));
         SubmitResp accepted = assertInstanceOf(SubmitResp.class, client.read());
         assertEquals(CmppResult.OK, accepted.result(), "Pk_total 1, Pk_number 1 beside a header naming part 2 of 3");
         TextMessage mt = receiveMt(CmppMsgId.toHex(accepted.msgId()));
         assertEquals(3, mt.getIntProperty("smsSegmentTotal"), "the header's total");
         assertEquals(2, mt.getIntProperty("smsSegmentNumber"), "the header's number");
      }
   }

   /**
    * Msg_Fmt values neither CMPP (0, 3, 4, 8, 15) nor GSM 03.38 with a message class define get Result 1; they were
    * stored and sent on as binary.
    */
   @Test
   void aSubmitWithAnUndefinedMsgFmtIsRefused() throws Exception {
      try (RawCmppClient client = connected(0x30)) {
         for (int msgFmt : new int[] {1, 2, 5, 0x1C, 0x20, 0xF8, 255}) {
            client.send(submit(client.nextSequence(), 1, 1, 0, msgFmt, "02", new byte[] {1, 2, 3}, "13800138121"));
            assertEquals(CmppResult.STRUCTURE_ERROR, assertInstanceOf(SubmitResp.class, client.read()).result(), "Msg_Fmt " + msgFmt);
         }
         assertEquals(0, storedFor("13800138121"));
         for (int msgFmt : new int[] {3, 4}) {
            client.send(submit(client.nextSequence(), 1, 1, 0, msgFmt, "02", new byte[] {1, 2, 3}, "13800138122"));
            assertEquals(CmppResult.OK, assertInstanceOf(SubmitResp.class, client.read()).result(), "Msg_Fmt " + msgFmt);
         }
      }
   }

   /**
    * FeeType must be one of the version's codes (2.0/2.1: 01 to 05; 3.0: 01 to 06, decision 107),
    * else Result 5; it was stored as sent and reached the billing record. An absent FeeType (zero-filled) still passes.
    */
   @ParameterizedTest
   @ValueSource(ints = {0x20, 0x30})
   void aSubmitWithAnUndefinedFeeTypeGetsResult5(int version) throws Exception {
      try (RawCmppClient client = connected(version)) {
         List<String> undefined = new ArrayList<>(List.of("00", "07", "99", "1", "AB", "0A", " 1"));
         if (version != 0x30) {
            undefined.add("06");
         }
         for (String feeType : undefined) {
            client.send(submit(client.nextSequence(), 1, 1, 0, 0, feeType, "fee".getBytes(StandardCharsets.US_ASCII), "13800138131"));
            assertEquals(CmppResult.FEE_CODE_ERROR, assertInstanceOf(SubmitResp.class, client.read()).result(), "FeeType '" + feeType + "'");
         }
         assertEquals(0, storedFor("13800138131"));
         List<String> defined = new ArrayList<>(List.of("", "01", "02", "03", "04", "05"));
         if (version == 0x30) {
            defined.add("06");
         }
         for (String feeType : defined) {
            client.send(submit(client.nextSequence(), 1, 1, 0, 0, feeType, "fee".getBytes(StandardCharsets.US_ASCII), "13800138132"));
            assertEquals(CmppResult.OK, assertInstanceOf(SubmitResp.class, client.read()).result(), "FeeType '" + feeType + "'");
         }
      }
   }

   @Test
   void aSubmitWhoseLengthFieldsDisagreeWithTotalLengthGetsResult4AndNothingIsStored() throws Exception {
      try (RawCmppClient client = connected(0x30)) {
         // Msg_Length 5 but 10 octets of content: read leniently, the rest of the content became the LinkID
         int sequence = client.nextSequence();
         byte[] frame = client.encode(RawCmppClient.ascii(sequence, "901234", "0123456789", "13800138090"));
         int msgLengthOffset = frame.length - 20 - 10 - 1;
         assertEquals(10, frame[msgLengthOffset]);
         frame[msgLengthOffset] = 5;
         client.sendBytes(frame);
         SubmitResp resp = assertInstanceOf(SubmitResp.class, client.read());
         assertEquals(CmppResult.MESSAGE_LENGTH_ERROR, resp.result());
         assertEquals(sequence, resp.sequenceId());
         // bytes after a complete SUBMIT
         sequence = client.nextSequence();
         byte[] exact = client.encode(RawCmppClient.ascii(sequence, "901234", "padded", "13800138091"));
         byte[] padded = java.util.Arrays.copyOf(exact, exact.length + 3);
         java.nio.ByteBuffer.wrap(padded).putInt(0, padded.length);
         client.sendBytes(padded);
         assertEquals(CmppResult.MESSAGE_LENGTH_ERROR, assertInstanceOf(SubmitResp.class, client.read()).result());
         client.send(RawCmppClient.ascii(client.nextSequence(), "901234", "exact", "13800138093"));
         SubmitResp good = assertInstanceOf(SubmitResp.class, client.read());
         assertEquals(CmppResult.OK, good.result(), "the connection goes on");
         assertNotNull(receiveMt(CmppMsgId.toHex(good.msgId())));
      }
      try (RawCmppClient client = connected(0x20)) {
         // an SP that negotiated 2.0 but writes the 3.0 layout
         int sequence = client.nextSequence();
         client.sendBytes(RawCmppClient.encode(RawCmppClient.ascii(sequence, "901234", "wrong layout", "13800138092"),
                                               CmppVersion.V30));
         SubmitResp resp = assertInstanceOf(SubmitResp.class, client.read());
         assertEquals(CmppResult.MESSAGE_LENGTH_ERROR, resp.result());
         assertEquals(sequence, resp.sequenceId());
      }
      assertEquals(0, storedFor("13800138090", "13800138091", "13800138092"), "nothing was stored");
   }

   static byte[] hex(String s) {
      byte[] out = new byte[s.length() / 2];
      for (int i = 0; i < out.length; i++) {
         out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
      }
      return out;
   }

   @Test
   void acceptedSubmitsSurviveARestart(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
      Set<Long> ids = new HashSet<>();
      try (TestBroker first = TestBroker.cmpp(dir, "").start();
           RawCmppClient client = new RawCmppClient(first.port())) {
         assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x20).status());
         for (int i = 0; i < 50; i++) {
            client.send(RawCmppClient.ascii(client.nextSequence(), "901234", "durable " + i, "1380013" + (1000 + i)));
         }
         for (int i = 0; i < 50; i++) {
            SubmitResp resp = assertInstanceOf(SubmitResp.class, client.read());
            assertEquals(CmppResult.OK, resp.result());
            ids.add(resp.msgId());
         }
      }
      assertEquals(50, ids.size());
      try (TestBroker restarted = TestBroker.cmpp(dir, "").start()) {
         assertEquals(50, restarted.messageCount(SmsAddresses.MT));
      }
      assertFalse(ids.contains(0L));
   }
}
