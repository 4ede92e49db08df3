package io.smsgw.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import io.smsgw.broker.BrokerExposure;
import io.smsgw.core.config.GatewayConfigLoader;
import io.smsgw.core.contract.SmsAddresses;
import jakarta.jms.Connection;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.activemq.artemis.spi.core.security.jaas.InVMLoginModule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the shipped {@code broker-config/etc} exposes. As shipped (security off) the application acceptor answers on the
 * loopback interface only, while the SMPP and CMPP acceptors, which authenticate every account themselves, stay open.
 * With security on and the commented production example switched on, each account reads only its own queue, and an
 * application sends MT only in the name of an account it may act for, while the quick start's ESME still works. Users and roles are those the example documents
 * for artemis-users.properties / artemis-roles.properties, checked by Artemis' own JAAS login.
 */
class ShippedBrokerSecurityTest {

   private static final Duration RECEIVE = Duration.ofSeconds(20);
   private static final String SMPP_ACCOUNT = "smppclient1";
   private static final String CMPP_ACCOUNT = "901234";
   private static final String EXAMPLE_START = "<!-- Production example";

   @TempDir
   Path dir;

   private static Path shippedEtc() {
      return QuickStartGateway.Settings.fromSystemProperties().etcDir().toAbsolutePath().normalize();
   }

   private QuickStartGateway start(Path etc, ActiveMQJAASSecurityManager security) throws Exception {
      return QuickStartGateway.start(new QuickStartGateway.Settings(etc, dir.resolve("data"), 0, 0, 0,
         new QuickStartGateway.SimulatorSettings(0, Duration.ofMillis(100), 1.0)), security);
   }

   /** An IPv4 address of this host that is not loopback, if it has one. */
   private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
      for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
         if (network.isUp() && !network.isLoopback()) {
            for (InetAddress address : Collections.list(network.getInetAddresses())) {
               if (address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                  return Optional.of(address);
               }
            }
         }
      }
      return Optional.empty();
   }

   private static boolean accepts(InetAddress address, int port) {
      try (Socket socket = new Socket()) {
         socket.connect(new InetSocketAddress(address, port), 5000);
         return true;
      } catch (IOException e) {
         return false;
      }
   }

   @Test
   void asShippedTheApplicationAcceptorAnswersOnLoopbackOnly() throws Exception {
      Optional<InetAddress> external = nonLoopbackAddress();
      assumeTrue(external.isPresent(), "this host has no address besides loopback");
      try (QuickStartGateway gateway = start(shippedEtc(), null)) {
         assertTrue(accepts(InetAddress.getLoopbackAddress(), gateway.corePort()), "applications on the same host reach it");
         assertTrue(accepts(external.get(), gateway.smppPort()), "the SMPP acceptor is open to the network as before");
         assertTrue(accepts(external.get(), gateway.cmppPort()), "the CMPP acceptor is open to the network as before");
         assertFalse(accepts(external.get(), gateway.corePort()),
                      "with security off, the application acceptor does not answer on " + external.get().getHostAddress());
         assertEquals(List.of(), BrokerExposure.exposedApplicationAcceptors(gateway.server().getConfiguration()),
                      "nothing for the start-up warning to name");
      }
   }

   /** The shipped broker.xml with security on and its commented production example switched on. */
   static String withExampleSecurity(String brokerXml) {
      int comment = brokerXml.indexOf(EXAMPLE_START);
      int settings = brokerXml.indexOf("<security-settings>", comment);
      int settingsEnd = brokerXml.indexOf("</security-settings>", settings) + "</security-settings>".length();
      int commentEnd = brokerXml.indexOf("-->", settingsEnd) + "-->".length();
      assertTrue(comment > 0 && settings > comment && commentEnd > settingsEnd, "broker.xml has the commented example");
      String enabled = brokerXml.substring(0, comment) + brokerXml.substring(settings, settingsEnd) + brokerXml.substring(commentEnd);
      String off = "<security-enabled>false</security-enabled>";
      assertTrue(enabled.contains(off));
      return enabled.replace(off, "<security-enabled>true</security-enabled>");
   }

   /** The users and roles the example documents: each account has "esme" and its own role; crm serves 901234. */
   private static ActiveMQJAASSecurityManager exampleUsers() {
      SecurityConfiguration users = new SecurityConfiguration();
      users.addUser(SMPP_ACCOUNT, "smpp-pw");
      users.addUser(CMPP_ACCOUNT, "cmpp-pw");
      users.addUser("crm", "crm-pw");
      for (String account : List.of(SMPP_ACCOUNT, CMPP_ACCOUNT)) {
         users.addRole(account, "esme");
         users.addRole(account, account);
      }
      users.addRole("crm", "app");
      users.addRole("crm", CMPP_ACCOUNT);
      return new ActiveMQJAASSecurityManager(InVMLoginModule.class.getName(), users);
   }

   private Path etcWithExampleSecurity() throws IOException {
      Path etc = Files.createDirectories(dir.resolve("etc"));
      Files.writeString(etc.resolve("broker.xml"),
                        withExampleSecurity(Files.readString(shippedEtc().resolve("broker.xml"), StandardCharsets.UTF_8)));
      Files.copy(shippedEtc().resolve(GatewayConfigLoader.FILE_NAME), etc.resolve(GatewayConfigLoader.FILE_NAME));
      return etc;
   }

   private static void sendMt(Connection connection, String account) throws Exception {
      try (Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.MT))) {
         TextMessage mt = session.createTextMessage("Hello from " + account);
         mt.setStringProperty("smsAccount", account);
         mt.setStringProperty("smsDestination", "13800138000");
         mt.setStringProperty("smsSource", "1065712345");
         producer.send(mt); // persistent: the broker's answer, or its refusal, comes back
      }
   }

   /** The next message of an account's queue, read as {@code connection}'s user. */
   private static Message receive(Connection connection, String account) throws Exception {
      try (Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageConsumer consumer = session.createConsumer(session.createQueue(SmsAddresses.accountQueue(account)))) {
         return consumer.receive(RECEIVE.toMillis());
      }
   }

   private static void assertCannotRead(Connection connection, String account) throws Exception {
      try (Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
         assertThrows(JMSSecurityException.class, () -> session.createConsumer(session.createQueue(SmsAddresses.accountQueue(account))),
                      "a consumer on " + account + "'s queue");
      }
   }

   @Test
   void withTheExampleTheQuickStartEsmeStillSubmitsAndGetsItsReceipt() throws Exception {
      // The ESME binds with sms-gateway.conf's password; its session acts with the default broker-roles.
      try (QuickStartGateway gateway = start(etcWithExampleSecurity(), exampleUsers())) {
         SendFirstSms.Outcome outcome = SendFirstSms.send("127.0.0.1", gateway.smppPort(), SendFirstSms.TEXT,
                                                          SendFirstSms.DESTINATION, RECEIVE);
         assertNotNull(outcome.receipt(), "the receipt came back to the ESME from its own queue");
         assertEquals(outcome.messageId(), outcome.receipt().id());
      }
   }

   @Test
   void withTheExampleEachAccountReadsOnlyItsOwnQueue() throws Exception {
      try (QuickStartGateway gateway = start(etcWithExampleSecurity(), exampleUsers());
           Connection smpp = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + gateway.corePort()).createConnection(SMPP_ACCOUNT, "smpp-pw");
           Connection cmpp = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + gateway.corePort()).createConnection(CMPP_ACCOUNT, "cmpp-pw")) {
         smpp.start();
         cmpp.start();
         assertCannotRead(smpp, CMPP_ACCOUNT);
         assertCannotRead(cmpp, SMPP_ACCOUNT);
         // Each reads its own: the report of an MT it sent in its own name.
         sendMt(smpp, SMPP_ACCOUNT);
         Message report = receive(smpp, SMPP_ACCOUNT);
         assertNotNull(report, "smppclient1 read the report on its own queue");
         assertEquals("DR", report.getStringProperty("smsKind"));
         assertEquals(SMPP_ACCOUNT, report.getStringProperty("smsAccount"));
      }
   }

   @Test
   void withTheExampleAnApplicationSendsMtOnlyForTheAccountsItServes() throws Exception {
      try (QuickStartGateway gateway = start(etcWithExampleSecurity(), exampleUsers());
           Connection crm = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + gateway.corePort()).createConnection("crm", "crm-pw")) {
         crm.start();
         JMSSecurityException refused = assertThrows(JMSSecurityException.class, () -> sendMt(crm, SMPP_ACCOUNT),
                                                     "crm has no role of smppclient1");
         assertTrue(refused.getMessage().contains("'" + SMPP_ACCOUNT + "'"), refused.getMessage());

         sendMt(crm, CMPP_ACCOUNT);
         Message report = receive(crm, CMPP_ACCOUNT);
         assertNotNull(report, "the MT crm sent for 901234 was routed, and its report reached 901234's queue");
         assertEquals("DELIVRD", report.getStringProperty("smsStatus"));
         assertEquals(CMPP_ACCOUNT, report.getStringProperty("smsAccount"));
         assertEquals(0, gateway.server().locateQueue(SmsAddresses.accountQueue(SMPP_ACCOUNT)).getMessageCount(),
                      "nothing reached smppclient1");
      }
   }
}
