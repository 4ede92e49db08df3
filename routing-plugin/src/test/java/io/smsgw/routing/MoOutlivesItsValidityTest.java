package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.FreePorts;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.Fwd;
import io.smsgw.cmpp.codec.FwdResp;
import io.smsgw.cmpp.gns.CmppSocket;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.id.CmppMsgId;
import io.smsgw.core.time.SmppTime;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.session.SMPPSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An MO whose validity runs out while its SP is offline is not lost: routing gives an MO no broker expiry (its
 * validity stays as smsValidityTime), so it waits on the account's queue until the SP binds. Before, the expiry the
 * application's time to live (or a peer's FWD Valid_Time) gave it went with it to sms.sp.&lt;account&gt;, an address
 * without an expiry address, and the broker deleted it there without a trace.
 */
class MoOutlivesItsValidityTest {

   private static final long TIME_TO_LIVE_MILLIS = 1_500;
   private static final String PEER = "020001";

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   private void writeConfig(int peerPort) throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts {
           sp9 { password = "sp9", protocols = [SMPP] }
         }
         peers {
           "%s" { host = "127.0.0.1", port = %d, shared-secret = "bj-gz", reconnect-min = 100ms, reconnect-max = 400ms }
         }
         routes {
           mo = [ { prefix = "1065799", account = sp9 } ]
         }
         """.formatted(PEER, peerPort));
      System.setProperty("smsgw.config", file.toString());
   }

   /** The gateway with its SMPP acceptor, a CMPP acceptor that takes peers' FWD, and a frequent expiry scan. */
   private TestBroker startBroker(int cmppPort) throws Exception {
      return TestBroker.smpp(dir, "").configure(cfg -> {
         cfg.registerBrokerPlugin(new SmsRoutingPlugin());
         try {
            cfg.addAcceptorConfiguration("cmpp", "tcp://127.0.0.1:" + cmppPort + "?protocols=CMPP;cmppAcceptPeers=true");
         } catch (Exception e) {
            throw new IllegalStateException(e);
         }
         cfg.setMessageExpiryScanPeriod(100); // the broker looks for expired messages often
      }).start();
   }

   /** What the SP's ESME gets once it binds, after the MO's validity: the MO's text. */
   private static String receivedAfterValidity(TestBroker broker, long validUntil) throws Exception {
      String queue = SmsAddresses.accountQueue("sp9");
      Wait.until("the MO waits on sp9's queue", Duration.ofSeconds(10), () -> broker.messageCount(queue) == 1);
      // the SP binds only once the MO's validity has passed
      Wait.until("the MO's validity passed", Duration.ofSeconds(10), () -> System.currentTimeMillis() > validUntil);
      RoutingEndToEndTest.Inbox inbox = new RoutingEndToEndTest.Inbox();
      SMPPSession esme = RoutingEndToEndTest.bind(broker, BindType.BIND_RX, "sp9", "sp9", inbox);
      try {
         DeliverSm mo = inbox.received.poll(10, TimeUnit.SECONDS);
         assertNotNull(mo, "the MO reached the ESME that bound after its validity");
         Wait.until("the MO acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(queue) == 0);
         return new String(mo.getShortMessage(), StandardCharsets.US_ASCII);
      } finally {
         esme.unbindAndClose();
      }
   }

   /** A peer gateway's MO (CMPP_FWD, Msg_Fwd_Type 1) with a Valid_Time a moment ahead. */
   @Test
   void aPeersForwardedMoWithAValidTimeReachesTheEsmeThatBindsAfterIt() throws Exception {
      writeConfig(FreePorts.pick());
      int cmppPort = FreePorts.pick();
      try (TestBroker broker = startBroker(cmppPort)) {
         long validUntil = System.currentTimeMillis() + 2_000;
         long msgId = new CmppMsgId(11, 26, 13, 45, 30, 20001, 7).toLong();
         try (CmppSocket peer = CmppSocket.connect(cmppPort)) {
            assertEquals(CmppResult.CONNECT_OK, peer.login(PEER, "bj-gz").status());
            peer.send(new Fwd(peer.nextSequence(), PEER, "001001", 1, Fwd.TYPE_MO, msgId, 1, 1, 0, 0, "", 0, "", "", 0, 0, 0,
                              0, "", "", "", SmppTime.formatAbsolute(validUntil), "", "8613800138000", "", 0, 0,
                              List.of("10657991"), "", 0, "Forwarded for a moment".getBytes(StandardCharsets.US_ASCII), "", ""));
            assertEquals(CmppResult.OK, assertInstanceOf(FwdResp.class, peer.read()).result(), "the FWD was taken");
         }
         assertEquals("Forwarded for a moment", receivedAfterValidity(broker, validUntil));
      }
   }

   /** An application's MO sent to sms.mo with a time to live (and smsValidityTime, as the contract says). */
   @Test
   void anApplicationsMoWithATimeToLiveReachesTheEsmeThatBindsAfterIt() throws Exception {
      writeConfig(FreePorts.pick());
      try (TestBroker broker = startBroker(FreePorts.pick());
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         long validUntil;
         try (MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.MO))) {
            TextMessage mo = session.createTextMessage("Valid for a moment");
            mo.setStringProperty("smsKind", "MO");
            mo.setStringProperty("smsSource", "8613800138000");
            mo.setStringProperty("smsDestination", "10657991");
            producer.setTimeToLive(TIME_TO_LIVE_MILLIS);
            validUntil = System.currentTimeMillis() + TIME_TO_LIVE_MILLIS;
            mo.setLongProperty("smsValidityTime", validUntil);
            producer.send(mo);
         }
         assertEquals("Valid for a moment", receivedAfterValidity(broker, validUntil));
      }
   }
}
