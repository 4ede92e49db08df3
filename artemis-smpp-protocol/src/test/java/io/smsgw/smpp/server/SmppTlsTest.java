package io.smsgw.smpp.server;

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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.SmppConstants;
import com.cloudhopper.smpp.SmppSessionConfiguration;
import com.cloudhopper.smpp.impl.DefaultSmppClient;
import com.cloudhopper.smpp.impl.DefaultSmppSessionHandler;
import com.cloudhopper.smpp.pdu.PduRequest;
import com.cloudhopper.smpp.pdu.PduResponse;
import com.cloudhopper.smpp.ssl.SslConfiguration;
import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.RawFrameSocket;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.TestCertificate;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.codec.Address;
import io.smsgw.smpp.codec.BindRequest;
import io.smsgw.smpp.codec.BindResponse;
import io.smsgw.smpp.codec.BindType;
import io.smsgw.smpp.codec.EnquireLink;
import io.smsgw.smpp.codec.EnquireLinkResp;
import io.smsgw.smpp.codec.GenericNack;
import io.smsgw.smpp.codec.ShortMessagePdu;
import io.smsgw.smpp.codec.SmppStatus;
import io.smsgw.smpp.codec.SubmitSm;
import io.smsgw.smpp.codec.SubmitSmResp;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SMPP acceptor over Artemis' TLS ({@code sslEnabled=true}): Artemis puts its SslHandler in front of the
 * gateway's handlers, so an ESME sees the same protocol as on a plain port, and the gateway sees the ESME's own
 * address. A client speaking the wrong one of plain and TLS is closed at once, without a session, a hung
 * socket or a stack trace in the log. A self-signed certificate made in the test stands for the operator's.
 */
class SmppTlsTest {

   @TempDir
   static Path dir;
   static TestCertificate gateway;
   static TestCertificate esme;
   static TestBroker broker;
   static Connection jms;

   @BeforeAll
   static void start() throws Exception {
      gateway = TestCertificate.create(dir, "gateway");
      esme = TestCertificate.create(dir, "esme");
      broker = TestBroker.smpp(dir, gateway.acceptorParameters() + ";smppBindTimeout=1000;sslHandshakeTimeout=2")
         .configure(cfg -> {
            try {
               cfg.addAcceptorConfiguration("smpp-plain", "tcp://127.0.0.1:0?protocols=SMPP");
               // Mutual TLS: only an ESME whose certificate is in the trust store gets through the handshake.
               cfg.addAcceptorConfiguration("smpp-mutual", "tcp://127.0.0.1:0?protocols=SMPP" + gateway.mutualAcceptorParameters(esme));
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

   private static RawSmppClient tlsClient() throws IOException {
      return new RawSmppClient(RawFrameSocket.connectTls(broker.port(), gateway.clientContext()));
   }

   private static BindRequest bind(BindType type, String systemId, String password) {
      return new BindRequest(1, type, systemId, password, "", 0x34, 0, 0, "");
   }

   private static int bindStatus(RawSmppClient client, BindRequest request) throws Exception {
      client.send(request);
      return assertInstanceOf(BindResponse.class, client.read()).commandStatus();
   }

   private static SubmitSm submit(int sequence, String text) {
      return ShortMessagePdu.builder().sequenceNumber(sequence)
         .sourceAddr(new Address((byte) 1, (byte) 1, "8610086"))
         .destinationAddr(new Address((byte) 1, (byte) 1, "8613800138000"))
         .shortMessage(text.getBytes(StandardCharsets.US_ASCII)).buildSubmitSm();
   }

   /** The SMPP connections the broker holds (what listConnections shows). */
   private static long smppConnections() {
      return broker.server().getRemotingService().getConnections().stream()
         .filter(c -> "SMPP".equals(c.getProtocolName())).count();
   }

   private static void assertNoStackTrace(LogCapture log) {
      assertEquals(List.of(), log.lines("\tat "), "no stack trace in the log");
      assertEquals(List.of(), log.lines("Exception in thread"), "no stack trace in the log");
   }

   /** Collects deliver_sm and answers them. */
   static final class Inbox extends DefaultSmppSessionHandler {
      final BlockingQueue<com.cloudhopper.smpp.pdu.DeliverSm> received = new LinkedBlockingQueue<>();

      @Override
      public PduResponse firePduRequestReceived(PduRequest request) {
         if (request instanceof com.cloudhopper.smpp.pdu.DeliverSm deliver) {
            received.add(deliver);
         }
         return request.createResponse();
      }
   }

   /** On the TLS acceptor and on the one that asks for the ESME's certificate (cloudhopper always presents one). */
   @ParameterizedTest
   @ValueSource(strings = {"smpp", "smpp-mutual"})
   void cloudhopperBindsOverTlsSubmitsAndGetsAnMo(String acceptor) throws Exception {
      SslConfiguration ssl = new SslConfiguration();
      ssl.setKeyStorePath(esme.keyStore().toString());
      ssl.setKeyStorePassword(TestCertificate.PASSWORD);
      ssl.setKeyManagerPassword(TestCertificate.PASSWORD);
      ssl.setKeyStoreType("PKCS12");
      // cloudhopper's Netty 3 SslHandler does not read TLS 1.3 records (it fails an assertion on the server's first
      // flight); such ESMEs get TLS 1.2, which the acceptor offers as long as its enabledProtocols keep it.
      ssl.setIncludeProtocols("TLSv1.2");
      ssl.setTrustStorePath(gateway.trustStore().toString());
      ssl.setTrustStorePassword(TestCertificate.PASSWORD);
      ssl.setTrustStoreType("PKCS12");
      SmppSessionConfiguration cfg = new SmppSessionConfiguration(SmppBindType.TRANSCEIVER, "smppclient1", "password");
      cfg.setHost("127.0.0.1");
      cfg.setPort(port(acceptor));
      cfg.setInterfaceVersion(SmppConstants.VERSION_3_4);
      cfg.setUseSsl(true);
      cfg.setSslConfiguration(ssl);
      Inbox inbox = new Inbox();
      DefaultSmppClient client = new DefaultSmppClient();
      com.cloudhopper.smpp.SmppSession session = client.bind(cfg, inbox);
      try {
         com.cloudhopper.smpp.pdu.SubmitSm sm = new com.cloudhopper.smpp.pdu.SubmitSm();
         sm.setSourceAddress(new com.cloudhopper.smpp.type.Address((byte) 1, (byte) 1, "8610086"));
         sm.setDestAddress(new com.cloudhopper.smpp.type.Address((byte) 1, (byte) 1, "8613800138000"));
         sm.setShortMessage("Hello over TLS".getBytes(StandardCharsets.US_ASCII));
         com.cloudhopper.smpp.pdu.SubmitSmResp resp = session.submit(sm, 10_000);
         assertEquals(SmppConstants.STATUS_OK, resp.getCommandStatus());
         try (Session jmsSession = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
              MessageConsumer mt = jmsSession.createConsumer(jmsSession.createQueue(SmsAddresses.MT), "smsId = '" + resp.getMessageId() + "'");
              MessageProducer toEsme = jmsSession.createProducer(jmsSession.createQueue(SmsAddresses.accountQueue("smppclient1")))) {
            TextMessage stored = (TextMessage) mt.receive(10_000);
            assertNotNull(stored, "the submit is on sms.mt");
            assertEquals("Hello over TLS", stored.getText());

            TextMessage mo = jmsSession.createTextMessage("Reply over TLS");
            mo.setStringProperty("smsKind", "MO");
            mo.setStringProperty("smsSource", "8613800138002");
            mo.setStringProperty("smsDestination", "8610086");
            toEsme.send(mo);
         }
         com.cloudhopper.smpp.pdu.DeliverSm deliver = inbox.received.poll(10, TimeUnit.SECONDS);
         assertNotNull(deliver, "MO deliver_sm over TLS");
         assertEquals("Reply over TLS", new String(deliver.getShortMessage(), StandardCharsets.US_ASCII));
         Wait.until("the MO acknowledged", Duration.ofSeconds(10),
                    () -> broker.messageCount(SmsAddresses.accountQueue("smppclient1")) == 0);
         session.unbind(5000);
      } finally {
         session.destroy();
         client.destroy();
      }
   }

   @Test
   void theAllowlistSeesTheEsmesOwnAddressOverTls() throws Exception {
      try (RawSmppClient client = tlsClient()) {
         assertEquals(SmppStatus.ESME_RBINDFAIL, bindStatus(client, bind(BindType.TRANSMITTER, "fenced", "pw")),
                      "an account allowed from 192.0.2.1 only");
         assertTrue(client.closedByServer(10_000));
      }
      try (RawSmppClient client = tlsClient()) {
         assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.TRANSMITTER, "loopback", "pw")),
                      "an account allowed from 127.0.0.1 only");
         int localPort = ((InetSocketAddress) client.localAddress()).getPort();
         String json = broker.server().getActiveMQServerControl().listConnections("", 1, 100);
         assertTrue(json.contains("127.0.0.1:" + localPort), json);
      }
   }

   @Test
   void malformedInputOverTlsIsHandledAsOnAPlainPort() throws Exception {
      try (RawSmppClient healthy = tlsClient()) {
         assertEquals(SmppStatus.ESME_ROK, bindStatus(healthy, bind(BindType.TRANSMITTER, "smppclient1", "password")));
         healthy.sendBytes(SmppAcceptorTest.hex("00000010000000ff000000000000000b"));
         GenericNack nack = assertInstanceOf(GenericNack.class, healthy.read());
         assertEquals(SmppStatus.ESME_RINVCMDID, nack.commandStatus());
         try (RawSmppClient tooLong = tlsClient()) {
            tooLong.sendBytes(SmppAcceptorTest.hex("00100000000000040000000000000002"));
            assertTrue(tooLong.closedByServer(10_000), "a command_length beyond smppMaxPduSize closes the connection");
         }
         healthy.send(submit(3, "unaffected"));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(SubmitSmResp.class, healthy.read()).commandStatus());
      }
   }

   @Test
   void aTlsConnectionThatNeverBindsIsClosedAfterTheBindTimeout() throws Exception {
      try (RawSmppClient client = tlsClient()) {
         client.send(new EnquireLink(1));
         assertInstanceOf(EnquireLinkResp.class, client.read());
         assertTrue(client.closedByServer(10_000), "closed after smppBindTimeout (1 s here)");
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
   void aPlainEsmeOnTheTlsPortIsClosedAtOnceWithoutASession() throws Exception {
      try (LogCapture log = LogCapture.start()) {
         try (RawSmppClient plain = new RawSmppClient(broker.port())) {
            plain.send(bind(BindType.TRANSMITTER, "smppclient1", "password"));
            // Whatever else it sends is not buffered: the first bytes already end the connection.
            plain.sendBytes(new byte[64 * 1024]);
            assertTrue(plain.closedByServer(10_000), "a plain bind on the TLS port is refused");
         } catch (java.net.SocketException reset) {
            // the close can reach the client while it is still writing: refused all the same
         }
         assertFalse(broker.hasSessionOf("smppclient1"), "no session for a bind that was never read");
         assertNoStackTrace(log);
      }
      Wait.until("no SMPP connection left", Duration.ofSeconds(10), () -> smppConnections() == 0);
   }

   @Test
   void aTlsEsmeOnAPlainPortFailsItsHandshakeAtOnceWithAClearLogLine() throws Exception {
      try (LogCapture log = LogCapture.start()) {
         SSLContext context = gateway.clientContext();
         try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port("smpp-plain"))) {
            socket.setSoTimeout(10_000);
            assertThrows(IOException.class, socket::startHandshake, "the handshake fails instead of hanging");
         }
         Wait.until("the refusal logged", Duration.ofSeconds(10), () -> log.count("SMPP", "starts a TLS handshake", "sslEnabled=true") == 1);
         assertNoStackTrace(log);
      }
      Wait.until("no SMPP connection left", Duration.ofSeconds(10), () -> smppConnections() == 0);
   }

   @Test
   void mutualTlsAdmitsOnlyAnEsmeWithATrustedCertificate() throws Exception {
      try (RawSmppClient client = new RawSmppClient(RawFrameSocket.connectTls(port("smpp-mutual"), TestCertificate.context(esme, gateway)))) {
         assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.TRANSMITTER, "smppclient1", "password")));
      }
      TestCertificate stranger = TestCertificate.create(dir, "stranger");
      for (SSLContext untrusted : new SSLContext[] {gateway.clientContext(), TestCertificate.context(stranger, gateway)}) {
         // TLS 1.3 lets the client finish its side first; the refusal then arrives on the first read at the latest.
         assertThrows(IOException.class, () -> {
            try (RawSmppClient client = new RawSmppClient(RawFrameSocket.connectTls(port("smpp-mutual"), untrusted))) {
               client.send(bind(BindType.TRANSMITTER, "smppclient1", "password"));
               if (client.read(10_000) == null) {
                  throw new AssertionError("neither refused nor answered");
               }
            }
         });
      }
   }

   /** The commented smpp-tls acceptor of the shipped broker.xml, with this test's key store and a free port, takes TLS clients. */
   @Test
   void theShippedBrokerXmlsTlsExampleWorks(@TempDir Path data) throws Exception {
      String xml = java.nio.file.Files.readString(Path.of("..", "broker-config", "etc", "broker.xml"));
      java.util.regex.Matcher example = java.util.regex.Pattern.compile("<acceptor name=\"smpp-tls\">([^<]+)</acceptor>").matcher(xml);
      assertTrue(example.find(), "broker.xml has the smpp-tls example");
      String url = example.group(1)
         .replaceFirst("tcp://0\\.0\\.0\\.0:\\d+", "tcp://127.0.0.1:0")
         .replace("/etc/sms-gateway/gateway.p12", gateway.keyStore().toString())
         .replace("CHANGE-ME", TestCertificate.PASSWORD);
      try (TestBroker shipped = TestBroker.smpp(data, "").configure(cfg -> {
            try {
               cfg.addAcceptorConfiguration("smpp-tls", url);
            } catch (Exception e) {
               throw new IllegalStateException(e);
            }
         }).start()) {
         int port = shipped.server().getRemotingService().getAcceptor("smpp-tls").getActualPort();
         try (RawSmppClient client = new RawSmppClient(RawFrameSocket.connectTls(port, gateway.clientContext()))) {
            assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.TRANSMITTER, "smppclient1", "password")));
         }
      }
   }
}
