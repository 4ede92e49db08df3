package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.client.JsmppSmsc;
import jakarta.jms.Connection;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageProducer;
import jakarta.jms.MessageConsumer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.session.SMPPSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway with Artemis security on (decision 4): an account needs the permission to send to {@code sms.mt} and
 * nothing more. Where its MT is routed (the SMSC link's queue), where the report goes and the billing record are
 * the gateway's decisions, made for it whether the routing divert or the sender routes the message (decision 40).
 */
class SecuredRoutingTest {

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   /**
    * Users and their roles; a user may do what the address's roles grant one of its roles. As in broker.xml's example,
    * each account has the shared role "sp" and a role named after itself; "crm" is an application serving sp2.
    */
   static final class AccountRoles implements ActiveMQSecurityManager {
      private final Map<String, Set<String>> rolesOfUser = Map.of("sp1", Set.of("sp", "sp1"), "sp2", Set.of("sp", "sp2"),
         "outsider", Set.of("none"), "admin", Set.of("admin"), "crm", Set.of("app", "sp2"));

      @Override
      public boolean validateUser(String user, String password) {
         return user != null && rolesOfUser.containsKey(user);
      }

      @Override
      public boolean validateUserAndRole(String user, String password, Set<Role> roles, CheckType checkType) {
         Set<String> held = user == null ? null : rolesOfUser.get(user);
         return held != null && roles.stream().anyMatch(r -> held.contains(r.getName()) && checkType.hasRole(r));
      }
   }

   private static Role role(String name, boolean send, boolean consume) {
      return new Role(name, send, consume, false, false, false, false, false, false, false, false, false, false);
   }

   private static final Role ADMIN = new Role("admin", true, true, true, true, true, true, true, true, true, true, true, true);

   private TestBroker startBroker(int smscPort) throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts {
           sp1 { password = "pw1", protocols = [SMPP] }
           sp2 { password = "pw2", protocols = [SMPP] }
           outsider { password = "pw3", protocols = [SMPP] }
         }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 400ms }
         }
         routes { mt = [ { prefix = "86138", links = [ sim ] } ] }
         """.formatted(smscPort));
      System.setProperty("smsgw.config", file.toString());
      return TestBroker.smpp(dir, "").securityManager(new AccountRoles()).configure(cfg -> {
         cfg.setSecurityEnabled(true);
         cfg.registerBrokerPlugin(new SmsRoutingPlugin());
         cfg.putSecurityRoles("#", Set.of(ADMIN));
         cfg.putSecurityRoles(SmsAddresses.MT, Set.of(ADMIN, role("sp", true, false), role("app", true, false)));
         // one setting per account, its rights for the role named after it (broker.xml's example)
         cfg.putSecurityRoles(SmsAddresses.accountQueue("sp1"), Set.of(ADMIN, role("sp1", false, true)));
         cfg.putSecurityRoles(SmsAddresses.accountQueue("sp2"), Set.of(ADMIN, role("sp2", false, true)));
      }).start();
   }

   @Test
   void anAccountAllowedToSendToSmsMtIsRoutedBilledAndGetsItsReport() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port);
           TestBroker broker = startBroker(port);
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection("admin", "admin")) {
         MessageConsumer billing = RoutingEndToEndTest.billingSubscription(jms);
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
         RoutingEndToEndTest.Inbox inbox = new RoutingEndToEndTest.Inbox();
         SMPPSession esme = RoutingEndToEndTest.bind(broker, BindType.BIND_TRX, "sp1", "pw1", inbox);
         try {
            // The MT reaches its link's queue and the SMSC though sp1 may not send to that queue itself; its report
            // reaches sp1 and it is billed.
            RoutingEndToEndTest.Delivered delivered =
               RoutingEndToEndTest.submitAndDeliver(smsc, esme, inbox, billing, "8613800138000", "Secured hello");
            assertEquals("sp1", delivered.billingRecord().getStringProperty("smsAccount"));
         } finally {
            esme.unbindAndClose();
         }
      }
   }

   @Test
   void anAccountWithoutPermissionToSendToSmsMtIsRefusedAndNothingIsSent() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port);
           TestBroker broker = startBroker(port)) {
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
         SMPPSession esme = RoutingEndToEndTest.bind(broker, BindType.BIND_TX, "outsider", "pw3", null);
         try {
            NegativeResponseException refused = assertThrows(NegativeResponseException.class, () -> RoutingEndToEndTest.submit(esme, "8613800138000", "Not allowed"));
            assertEquals(0x45, refused.getCommandStatus(), "ESME_RSUBMITFAIL");
            assertNull(smsc.submits.poll(500, TimeUnit.MILLISECONDS), "nothing reached the SMSC");
            assertEquals(0, broker.messageCount(SmsAddresses.smscLinkQueue("sim")));
         } finally {
            esme.unbindAndClose();
         }
      }
   }

   /** Sends an MT over JMS as an application would (a persistent send: the broker's answer or refusal comes back). */
   private static void sendMt(Connection connection, String account, String destination) throws Exception {
      try (Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.MT))) {
         TextMessage mt = session.createTextMessage("MT for " + account);
         mt.setStringProperty("smsDestination", destination);
         mt.setStringProperty("smsSource", "10086");
         if (account != null) {
            mt.setStringProperty("smsAccount", account);
         }
         producer.send(mt);
      }
   }

   @Test
   void anApplicationMaySendMtOnlyForAnAccountItMayActFor() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port);
           TestBroker broker = startBroker(port);
           Connection sp1 = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection("sp1", "pw1");
           Connection crm = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection("crm", "crm-pw")) {
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);

         // sp1 may send to sms.mt, but not in sp2's name, nor in nobody's: refused before anything is stored.
         JMSSecurityException forged = assertThrows(JMSSecurityException.class, () -> sendMt(sp1, "sp2", "8613800138001"));
         assertTrue(forged.getMessage().contains("'sp2'"), forged.getMessage());
         assertThrows(JMSSecurityException.class, () -> sendMt(sp1, null, "8613800138002"));

         // Its own MT is routed; so is crm's for sp2, whose queue crm may read (it has sp2's role).
         sendMt(sp1, "sp1", "8613800138003");
         sendMt(crm, "sp2", "8613800138004");
         JsmppSmsc.Received first = smsc.submits.poll(10, TimeUnit.SECONDS);
         JsmppSmsc.Received second = smsc.submits.poll(10, TimeUnit.SECONDS);
         assertNotNull(second, "both permitted MT reached the SMSC");
         assertEquals(Set.of("8613800138003", "8613800138004"), Set.of(first.destination(), second.destination()),
                      "the refused MT, sent first, never reached the SMSC");
         // crm may not send for sp1, whose queue it may not read.
         assertThrows(JMSSecurityException.class, () -> sendMt(crm, "sp1", "8613800138005"));

         SmsRoutingControlMBean routing = (SmsRoutingControlMBean) broker.server().getManagementService().getUntypedControl("sms-routing");
         assertEquals(3, routing.getApplicationMtRefused());
         assertEquals(1, routing.getAccountCounters("sp2")[0], "sp2's submitted MT: crm's, not sp1's forged one");
         assertEquals(0, broker.messageCount(SmsAddresses.MT));
      }
   }

   @Test
   void replaceSmOnAnMtWaitingForItsLinkKeepsOneMessageWithTheNewText() throws Exception {
      int port = JsmppSmsc.freePort(); // no SMSC listens there: the MT waits on the link's queue
      try (TestBroker broker = startBroker(port);
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection("admin", "admin")) {
         SMPPSession esme = RoutingEndToEndTest.bind(broker, BindType.BIND_TX, "sp1", "pw1", null);
         String queue = SmsAddresses.smscLinkQueue("sim");
         try {
            String id = RoutingEndToEndTest.submit(esme, "8613800138000", "Original text");
            Wait.until("MT held for the link", Duration.ofSeconds(10), () -> broker.messageCount(queue) == 1);

            // sp1 may not send to the link's queue itself; the gateway puts the replacement there for it.
            esme.replaceShortMessage(id, TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "8610086", null, null,
               new RegisteredDelivery(), (byte) 0, "Replaced text".getBytes(StandardCharsets.US_ASCII));
         } finally {
            esme.unbindAndClose();
         }
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         try (QueueBrowser browser = session.createBrowser(session.createQueue(queue))) {
            List<?> held = Collections.list(browser.getEnumeration());
            assertEquals(1, held.size(), "the MT is still held, once");
            assertEquals("Replaced text", ((TextMessage) held.get(0)).getText());
         }
      }
   }
}
