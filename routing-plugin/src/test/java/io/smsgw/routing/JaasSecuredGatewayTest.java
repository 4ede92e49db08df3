package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.PropertiesLogin;
import io.smsgw.broker.testing.RawFrameSocket;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.client.JsmppSmsc;
import io.smsgw.smpp.codec.BindRequest;
import io.smsgw.smpp.codec.BindResponse;
import io.smsgw.smpp.codec.SmppCodec;
import io.smsgw.smpp.codec.SmppStatus;
import jakarta.jms.Connection;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.session.SMPPSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway with security on under Artemis' own JAAS security manager and its PropertiesLoginModule, what a stock
 * instance runs (decision 92): users and roles in properties files, broker.xml's per-account security settings. The
 * gateway authenticates SMPP binds itself; the broker then authorizes the account's session with the account's
 * {@code broker-roles}, without a password it does not have.
 */
class JaasSecuredGatewayTest {

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   private static Role role(String name, boolean send, boolean consume) {
      return new Role(name, send, consume, false, false, false, false, false, false, false, false, false, false);
   }

   private static final Role ADMIN = new Role("admin", true, true, true, true, true, true, true, true, true, true, true, true);

   private TestBroker startBroker(int smscPort) throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      // The accounts have Artemis users of their own as well (for JMS, say), as README's steps give them.
      // sp1 and sp2 act with the default broker-roles [esme, <id>]; nosend lacks esme, noread has
      // another account's role instead of its own.
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts {
           sp1 { password = "pw1", protocols = [SMPP] }
           sp2 { password = "pw2", protocols = [SMPP] }
           nosend { password = "pw3", protocols = [SMPP], broker-roles = [nosend] }
           noread { password = "pw4", protocols = [SMPP], broker-roles = [esme, sp2] }
         }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 400ms }
         }
         routes {
           mt = [ { prefix = "86138", links = [ sim ] } ]
           mo = [ { prefix = "1065711", account = sp1 } ]
         }
         """.formatted(smscPort));
      System.setProperty("smsgw.config", file.toString());
      return TestBroker.smpp(dir, "").securityManager(PropertiesLogin.manager(dir, """
         admin = admin
         sp1 = pw1
         sp2 = pw2
         """, """
         admin = admin
         esme = sp1,sp2
         sp1 = sp1
         sp2 = sp2
         """)).configure(cfg -> {
         cfg.setSecurityEnabled(true);
         cfg.registerBrokerPlugin(new SmsRoutingPlugin());
         // broker.xml's example
         cfg.putSecurityRoles("#", Set.of(ADMIN));
         cfg.putSecurityRoles(SmsAddresses.MT, Set.of(ADMIN, role("esme", true, false), role("app", true, false)));
         for (String account : new String[] {"sp1", "sp2", "nosend", "noread"}) {
            cfg.putSecurityRoles(SmsAddresses.accountQueue(account), Set.of(ADMIN, new Role(account, false, true, true, false,
               false, false, false, false, true, false, false, false)));
         }
      }).start();
   }

   @Test
   void anAccountBindsSubmitsAndGetsItsReportAndMoFromItsOwnQueue() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port);
           TestBroker broker = startBroker(port);
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection("admin", "admin")) {
         MessageConsumer billing = RoutingEndToEndTest.billingSubscription(jms);
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
         RoutingEndToEndTest.Inbox inbox = new RoutingEndToEndTest.Inbox();
         SMPPSession esme = RoutingEndToEndTest.bind(broker, BindType.BIND_TRX, "sp1", "pw1", inbox);
         try {
            RoutingEndToEndTest.Delivered delivered =
               RoutingEndToEndTest.submitAndDeliver(smsc, esme, inbox, billing, "8613800138000", "JAAS hello");
            assertEquals("sp1", delivered.billingRecord().getStringProperty("smsAccount"));

            smsc.sendMo("8613800138000", "10657110", "Subscribe");
            DeliverSm mo = inbox.received.poll(10, TimeUnit.SECONDS);
            assertNotNull(mo, "the MO reached the ESME");
            assertEquals("Subscribe", new String(mo.getShortMessage(), StandardCharsets.US_ASCII));
         } finally {
            esme.unbindAndClose();
         }
      }
   }

   @Test
   void anAccountStillActsOnlyWithTheRightsOfItsRoles() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port);
           TestBroker broker = startBroker(port)) {
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);

         // Without the role that may send to sms.mt: bound, but its submit is refused and nothing is sent.
         SMPPSession nosend = RoutingEndToEndTest.bind(broker, BindType.BIND_TX, "nosend", "pw3", null);
         try {
            NegativeResponseException refused = assertThrows(NegativeResponseException.class,
               () -> RoutingEndToEndTest.submit(nosend, "8613800138000", "Not allowed"));
            assertEquals(0x45, refused.getCommandStatus(), "ESME_RSUBMITFAIL");
         } finally {
            nosend.unbindAndClose();
         }
         assertNull(smsc.submits.poll(500, TimeUnit.MILLISECONDS), "nothing reached the SMSC");

         // Without the role of its own queue (it has another account's): its receiver bind is refused.
         try (RawFrameSocket raw = RawFrameSocket.connect(broker.port())) {
            raw.send(buf -> SmppCodec.encode(new BindRequest(1, io.smsgw.smpp.codec.BindType.RECEIVER, "noread", "pw4", "", 0x34, 0, 0, ""), buf));
            BindResponse answer = (BindResponse) raw.read(10_000, SmppCodec::decode);
            assertNotNull(answer, "the bind was answered");
            assertEquals(SmppStatus.ESME_RBINDFAIL, answer.commandStatus());
         }
         assertEquals(0, broker.consumerCount(SmsAddresses.accountQueue("noread")));

         // An account's Artemis user still cannot read another account's queue over JMS.
         String sp1Queue = SmsAddresses.accountQueue("sp1");
         broker.server().createQueue(QueueConfiguration.of(sp1Queue).setRoutingType(RoutingType.ANYCAST), true);
         try (Connection sp2 = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection("sp2", "pw2")) {
            Session session = sp2.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertThrows(JMSSecurityException.class,
               () -> session.createConsumer(session.createQueue(sp1Queue)));
         }
      }
   }
}
