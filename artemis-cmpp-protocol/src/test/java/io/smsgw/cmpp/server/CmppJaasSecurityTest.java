package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import io.smsgw.broker.testing.PropertiesLogin;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.Deliver;
import io.smsgw.cmpp.codec.DeliverResp;
import io.smsgw.cmpp.codec.SubmitResp;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.id.CmppMsgId;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CMPP SP on a gateway with security on under Artemis' JAAS manager and PropertiesLoginModule (decision 92): the
 * gateway authenticates the CONNECT, the broker authorizes the SP's session with its broker-roles.
 */
class CmppJaasSecurityTest {

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   private static final Role ADMIN = new Role("admin", true, true, true, true, true, true, true, true, true, true, true, true);

   private TestBroker startBroker() throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts {
           "901234" { password = "secret", protocols = [CMPP], source-prefixes = ["1065712345"] }
           "901235" { password = "secret5", protocols = [CMPP], source-prefixes = ["1065712346"], broker-roles = ["901235"] }
         }
         """);
      System.setProperty("smsgw.config", file.toString());
      return TestBroker.cmpp(dir, "").securityManager(PropertiesLogin.manager(dir, "admin = admin\n", "admin = admin\n"))
         .configure((Configuration cfg) -> {
            cfg.setSecurityEnabled(true);
            cfg.putSecurityRoles("#", Set.of(ADMIN));
            cfg.putSecurityRoles(SmsAddresses.MT, Set.of(ADMIN, new Role("esme", true, false, false, false, false, false, false,
               false, false, false, false, false)));
            for (String account : new String[] {"901234", "901235"}) {
               cfg.putSecurityRoles(SmsAddresses.accountQueue(account), Set.of(ADMIN, new Role(account, false, true, true, false,
                  false, false, false, false, true, false, false, false)));
            }
         }).start();
   }

   @Test
   void anSpSubmitsAndGetsItsReportFromItsOwnQueueAndWithoutTheSendRoleIsRefused() throws Exception {
      try (TestBroker broker = startBroker();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection("admin", "admin")) {
         jms.start();
         try (RawCmppClient client = new RawCmppClient(broker.port())) {
            // An SP with no Artemis user at all: its default broker-roles [esme, 901234] are what count.
            assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
            client.send(RawCmppClient.ascii(client.nextSequence(), "901234", "Secured", "13800138005"));
            SubmitResp submitted = assertInstanceOf(SubmitResp.class, client.read());
            assertEquals(CmppResult.OK, submitted.result());
            String smsId = CmppMsgId.toHex(submitted.msgId());
            try (Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
                 MessageConsumer mt = session.createConsumer(session.createQueue(SmsAddresses.MT), "smsId = '" + smsId + "'");
                 MessageProducer toSp = session.createProducer(session.createQueue(SmsAddresses.accountQueue("901234")))) {
               assertNotNull(mt.receive(10_000), "the MT was stored");
               TextMessage mo = session.createTextMessage("Reply from the handset");
               mo.setStringProperty("smsKind", "MO");
               mo.setStringProperty("smsSource", "13800138005");
               mo.setStringProperty("smsDestination", "1065712345");
               toSp.send(mo);
            }
            Deliver deliver = assertInstanceOf(Deliver.class, client.read());
            assertEquals("Reply from the handset", new String(deliver.msgContent(), StandardCharsets.US_ASCII));
            client.send(new DeliverResp(deliver.sequenceId(), deliver.msgId(), CmppResult.OK));
         }
         try (RawCmppClient client = new RawCmppClient(broker.port())) {
            assertEquals(CmppResult.CONNECT_OK, client.connect("901235", "secret5", 0x30).status());
            client.send(RawCmppClient.submit(client.nextSequence(), "901235", "1065712346", "TEST", 0, new byte[] {'x'}, "13800138000"));
            assertNotEquals(CmppResult.OK, assertInstanceOf(SubmitResp.class, client.read()).result(), "not allowed to send to sms.mt");
            assertEquals(0, broker.messageCount(SmsAddresses.MT));
         }
      }
   }
}
