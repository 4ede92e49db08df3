package io.smsgw.cmpp.server;

import static io.smsgw.cmpp.server.CmppAcceptorTest.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.RawFrameSocket;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.TestCertificate;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.ActiveTest;
import io.smsgw.cmpp.codec.ActiveTestResp;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.Deliver;
import io.smsgw.cmpp.codec.DeliverResp;
import io.smsgw.cmpp.codec.SubmitResp;
import io.smsgw.cmpp.codec.Terminate;
import io.smsgw.cmpp.codec.TerminateResp;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.id.CmppMsgId;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CMPP acceptor over Artemis' TLS ({@code sslEnabled=true}), with the project's byte-level SP on an SSLSocket: the
 * same CONNECT, SUBMIT and DELIVER as on a plain port, the SP's own address for its allowed-ips, the same handling of
 * malformed input and of a missing CONNECT; a client speaking the wrong one of plain and TLS is closed at once, with
 * no session, no hung socket and no stack trace in the log. The certificate is self-signed, made in the test.
 */
class CmppTlsTest {

   @TempDir
   static Path dir;
   static TestCertificate gateway;
   static TestCertificate sp;
   static TestBroker broker;
   static Connection jms;

   @BeforeAll
   static void start() throws Exception {
      gateway = TestCertificate.create(dir, "gateway");
      sp = TestCertificate.create(dir, "sp");
      broker = TestBroker.cmpp(dir, gateway.acceptorParameters() + ";cmppConnectTimeout=1000;sslHandshakeTimeout=2")
         .configure(cfg -> {
            try {
               cfg.addAcceptorConfiguration("cmpp-plain", "tcp://127.0.0.1:0?protocols=CMPP");
               cfg.addAcceptorConfiguration("cmpp-mutual", "tcp://127.0.0.1:0?protocols=CMPP" + gateway.mutualAcceptorParameters(sp));
            } catch (Exception e) {
               throw new IllegalStateException(e);
            }
         })
         .start();
      jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
      jms.start();
   }

   @AfterAll
   static void stop() throws Exception {
      jms.close();
      broker.close();
   }

   private static int port(String acceptor) {
      return broker.server().getRemotingService().getAcceptor(acceptor).getActualPort();
   }

   private static RawCmppClient tlsClient() throws IOException {
      return tlsClient(broker.port(), gateway.clientContext());
   }

   private static RawCmppClient tlsClient(int port, SSLContext context) throws IOException {
      return new RawCmppClient(RawFrameSocket.connectTls(port, context));
   }

   private static long cmppConnections() {
      return broker.server().getRemotingService().getConnections().stream()
         .filter(c -> "CMPP".equals(c.getProtocolName())).count();
   }

   private static void assertNoStackTrace(LogCapture log) {
      assertEquals(List.of(), log.lines("\tat "), "no stack trace in the log");
   }

   @Test
   void anSpConnectsSubmitsAndGetsAnMoOverTls() throws Exception {
      for (int version : new int[] {0x20, 0x30}) {
         try (RawCmppClient client = tlsClient()) {
            assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", version).status());
            client.send(RawCmppClient.ascii(client.nextSequence(), "901234", "Hello over TLS", "13800138000"));
            SubmitResp resp = assertInstanceOf(SubmitResp.class, client.read());
            assertEquals(CmppResult.OK, resp.result());
            try (Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
                 MessageConsumer mt = session.createConsumer(session.createQueue(SmsAddresses.MT),
                                                             "smsId = '" + CmppMsgId.toHex(resp.msgId()) + "'");
                 MessageProducer toSp = session.createProducer(session.createQueue(SmsAddresses.accountQueue("901234")))) {
               TextMessage stored = (TextMessage) mt.receive(10_000);
               assertNotNull(stored, "the SUBMIT is on sms.mt");
               assertEquals("Hello over TLS", stored.getText());
               TextMessage mo = session.createTextMessage("Reply over TLS");
               mo.setStringProperty("smsKind", "MO");
               mo.setStringProperty("smsSource", "13800138005");
               mo.setStringProperty("smsDestination", "1065712345");
               toSp.send(mo);
            }
            Deliver deliver = assertInstanceOf(Deliver.class, client.read());
            assertEquals("Reply over TLS", new String(deliver.msgContent(), StandardCharsets.US_ASCII));
            client.send(new DeliverResp(deliver.sequenceId(), deliver.msgId(), CmppResult.OK));
            Wait.until("the MO acknowledged", Duration.ofSeconds(10),
                       () -> broker.messageCount(SmsAddresses.accountQueue("901234")) == 0);
            client.send(new ActiveTest(client.nextSequence()));
            assertInstanceOf(ActiveTestResp.class, client.read());
            client.send(new Terminate(client.nextSequence()));
            assertInstanceOf(TerminateResp.class, client.read());
            assertTrue(client.closedByServer(10_000));
         }
      }
   }

   @Test
   void theAllowlistSeesTheSpsOwnAddressOverTls() throws Exception {
      try (RawCmppClient client = tlsClient()) {
         // Status 3, as for a wrong secret: the refusal does not tell a prober which SP_Ids exist (decision 96).
         assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, client.connect("901242", "secret42", 0x30).status(),
                      "an SP allowed from 192.0.2.1 only");
         assertTrue(client.closedByServer(10_000));
      }
      try (RawCmppClient client = tlsClient()) {
         assertEquals(CmppResult.CONNECT_OK, client.connect("901243", "secret43", 0x30).status(),
                      "an SP allowed from 127.0.0.1 only");
         int localPort = ((InetSocketAddress) client.localAddress()).getPort();
         String json = broker.server().getActiveMQServerControl().listConnections("", 1, 100);
         assertTrue(json.contains("127.0.0.1:" + localPort), json);
      }
   }

   @Test
   void malformedInputAndAMissingConnectOverTlsAreHandledAsOnAPlainPort() throws Exception {
      try (RawCmppClient healthy = tlsClient()) {
         assertEquals(CmppResult.CONNECT_OK, healthy.connect("901234", "secret", 0x30).status());
         try (RawCmppClient unknown = tlsClient()) {
            assertEquals(CmppResult.CONNECT_OK, unknown.connect("901234", "secret", 0x30).status());
            unknown.sendBytes(hex("0000000c0000007700000001"));
            assertInstanceOf(Terminate.class, unknown.read(), "an unknown Command_Id ends the session");
            assertTrue(unknown.closedByServer(10_000));
         }
         try (RawCmppClient tooLong = tlsClient()) {
            assertEquals(CmppResult.CONNECT_OK, tooLong.connect("901234", "secret", 0x30).status());
            tooLong.sendBytes(hex("00100000000000040000000200000000"));
            assertTrue(tooLong.closedByServer(10_000), "a Total_Length beyond cmppMaxPduSize closes the connection");
         }
         try (LogCapture log = LogCapture.start(); RawCmppClient stalled = tlsClient()) {
            stalled.sendBytes(hex("0000002700000001")); // the start of a CONNECT that never comes whole
            assertTrue(stalled.closedByServer(10_000), "no CONNECT within cmppConnectTimeout (1 s here)");
            Wait.until("the timeout logged", Duration.ofSeconds(10), () -> log.count("no CONNECT within 1000 ms") == 1);
         }
         healthy.send(RawCmppClient.ascii(healthy.nextSequence(), "901234", "still fine", "13800138009"));
         assertEquals(CmppResult.OK, assertInstanceOf(SubmitResp.class, healthy.read()).result());
      }
   }

   @Test
   void aSocketThatNeverStartsTheHandshakeIsClosed() throws Exception {
      try (Socket silent = new Socket("127.0.0.1", broker.port())) {
         silent.setSoTimeout(15_000);
         assertEquals(-1, silent.getInputStream().read(), "closed after sslHandshakeTimeout (2 s here)");
      }
   }

   @Test
   void aPlainSpOnTheTlsPortIsClosedAtOnceWithoutASession() throws Exception {
      try (LogCapture log = LogCapture.start()) {
         try (RawCmppClient plain = new RawCmppClient(broker.port())) {
            plain.sendBytes(RawCmppClient.encode(new io.smsgw.cmpp.codec.Connect(1, "901234", new byte[16], 0x30, 0),
                                                 io.smsgw.cmpp.codec.CmppVersion.V30));
            plain.sendBytes(new byte[64 * 1024]);
            assertTrue(plain.closedByServer(10_000), "a plain CONNECT on the TLS port is refused");
         } catch (java.net.SocketException reset) {
            // the close can reach the client while it is still writing: refused all the same
         }
         assertFalse(broker.hasSessionOf("901234"), "no session for a CONNECT that was never read");
         assertNoStackTrace(log);
      }
      Wait.until("no CMPP connection left", Duration.ofSeconds(10), () -> cmppConnections() == 0);
   }

   @Test
   void aTlsSpOnAPlainPortFailsItsHandshakeAtOnceWithAClearLogLine() throws Exception {
      try (LogCapture log = LogCapture.start()) {
         try (SSLSocket socket = (SSLSocket) gateway.clientContext().getSocketFactory().createSocket("127.0.0.1", port("cmpp-plain"))) {
            socket.setSoTimeout(10_000);
            assertThrows(IOException.class, socket::startHandshake, "the handshake fails instead of hanging");
         }
         Wait.until("the refusal logged", Duration.ofSeconds(10),
                    () -> log.count("CMPP", "starts a TLS handshake", "sslEnabled=true") == 1);
         assertNoStackTrace(log);
      }
      Wait.until("no CMPP connection left", Duration.ofSeconds(10), () -> cmppConnections() == 0);
   }

   @Test
   void mutualTlsAdmitsOnlyAnSpWithATrustedCertificate() throws Exception {
      try (RawCmppClient client = tlsClient(port("cmpp-mutual"), TestCertificate.context(sp, gateway))) {
         assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
      }
      assertThrows(IOException.class, () -> {
         try (RawCmppClient client = tlsClient(port("cmpp-mutual"), gateway.clientContext())) {
            client.connect("901234", "secret", 0x30); // TLS 1.3: the refusal may come on the first read only
         }
      }, "an SP without a certificate");
   }

   /** The commented cmpp-tls acceptor of the shipped broker.xml, with this test's key store and a free port, takes TLS clients. */
   @Test
   void theShippedBrokerXmlsTlsExampleWorks(@TempDir Path data) throws Exception {
      String xml = java.nio.file.Files.readString(Path.of("..", "broker-config", "etc", "broker.xml"));
      java.util.regex.Matcher example = java.util.regex.Pattern.compile("<acceptor name=\"cmpp-tls\">([^<]+)</acceptor>").matcher(xml);
      assertTrue(example.find(), "broker.xml has the cmpp-tls example");
      String url = example.group(1)
         .replaceFirst("tcp://0\\.0\\.0\\.0:\\d+", "tcp://127.0.0.1:0")
         .replace("/etc/sms-gateway/gateway.p12", gateway.keyStore().toString())
         .replace("CHANGE-ME", TestCertificate.PASSWORD);
      try (TestBroker shipped = TestBroker.cmpp(data, "").configure(cfg -> {
            try {
               cfg.addAcceptorConfiguration("cmpp-tls", url);
            } catch (Exception e) {
               throw new IllegalStateException(e);
            }
         }).start()) {
         int port = shipped.server().getRemotingService().getAcceptor("cmpp-tls").getActualPort();
         try (RawCmppClient client = tlsClient(port, gateway.clientContext())) {
            assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
         }
      }
   }
}
