package io.smsgw.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.contract.SmsProperties;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts the quick-start gateway the way a user would, on free ports, and runs the README's clients against it. */
class QuickStartGatewayTest {

   @TempDir
   static Path dataDir;

   private static QuickStartGateway gateway;

   @BeforeAll
   static void startGateway() throws Exception {
      QuickStartGateway.Settings settings = QuickStartGateway.Settings.fromSystemProperties(dataDir.toString());
      gateway = QuickStartGateway.start(new QuickStartGateway.Settings(settings.etcDir(), settings.dataDir(), 0, 0, 0));
   }

   @AfterAll
   static void stopGateway() throws Exception {
      if (gateway != null) {
         gateway.close();
         assertFalse(gateway.server().isStarted(), "close() stops the broker");
      }
   }

   @Test
   void brokerIsUpWithTheSmppAndCmppAcceptorsListening() {
      ActiveMQServer server = gateway.server();
      assertTrue(server.isActive());
      assertTrue(server.getRemotingService().getProtocolFactoryMap().containsKey("SMPP"), "SMPP plugin loaded");
      assertTrue(server.getRemotingService().getProtocolFactoryMap().containsKey("CMPP"), "CMPP plugin loaded");
      assertTrue(server.getRemotingService().getAcceptor(QuickStartGateway.SMPP_ACCEPTOR).isStarted());
      assertTrue(server.getRemotingService().getAcceptor(QuickStartGateway.CMPP_ACCEPTOR).isStarted());
      assertTrue(server.getRemotingService().getAcceptor(QuickStartGateway.CORE_ACCEPTOR).isStarted());
      assertTrue(gateway.smppPort() > 0);
      assertTrue(gateway.cmppPort() > 0);
      assertTrue(gateway.corePort() > 0);
      assertNotEquals(2775, gateway.smppPort(), "the port override replaced broker.xml's port");
      assertNotEquals(7890, gateway.cmppPort(), "the port override replaced broker.xml's port");
   }

   @Test
   void journalLivesInTheChosenDataFolder() {
      assertTrue(gateway.server().getConfiguration().isPersistenceEnabled());
      assertTrue(Files.isDirectory(dataDir.resolve("journal")), "journal folder under " + dataDir);
      assertTrue(Files.isDirectory(dataDir.resolve("bindings")), "bindings folder under " + dataDir);
   }

   @Test
   void contractAddressesAreDeclared() {
      ActiveMQServer server = gateway.server();
      for (String queue : new String[] {SmsAddresses.MT, SmsAddresses.MO, SmsAddresses.DR, "sms.dlq",
                                        SmsAddresses.accountQueue("smppclient1"), SmsAddresses.accountQueue("901234")}) {
         assertNotNull(server.locateQueue(queue), queue);
      }
      assertNotNull(server.getAddressInfo(SimpleString.of(SmsAddresses.BILLING)));
   }

   @Test
   void readmeClientsSubmitOverSmppAndReadOverJms() throws Exception {
      String messageId = SendFirstSms.submit("127.0.0.1", gateway.smppPort(), SendFirstSms.TEXT, SendFirstSms.DESTINATION);
      assertFalse(messageId == null || messageId.isBlank(), "submit_sm_resp carries a message id");

      ReadMtWithJms.MtMessage sms = ReadMtWithJms.readOne("tcp://127.0.0.1:" + gateway.corePort(), Duration.ofSeconds(10));
      assertNotNull(sms, "the submitted SMS is on sms.mt");
      assertEquals(SendFirstSms.TEXT, sms.text());
      assertEquals(messageId, property(sms, SmsProperties.ID));
      assertEquals("MT", property(sms, SmsProperties.KIND));
      assertEquals("SMPP", property(sms, SmsProperties.PROTOCOL));
      assertEquals(SendFirstSms.SYSTEM_ID, property(sms, SmsProperties.ACCOUNT));
      assertEquals(SendFirstSms.SOURCE, property(sms, SmsProperties.SOURCE));
      assertEquals(SendFirstSms.DESTINATION, property(sms, SmsProperties.DESTINATION));
   }

   @Test
   void readmeClientsSubmitOverCmppAndReadOverJms() throws Exception {
      String msgId = SendFirstCmpp.submit("127.0.0.1", gateway.cmppPort(), SendFirstCmpp.TEXT, SendFirstCmpp.DESTINATION);
      assertEquals(16, msgId.length(), "SUBMIT_RESP carries a Msg_Id, shown as 16 hex digits: " + msgId);

      ReadMtWithJms.MtMessage sms = ReadMtWithJms.readOne("tcp://127.0.0.1:" + gateway.corePort(), Duration.ofSeconds(10));
      assertNotNull(sms, "the submitted SMS is on sms.mt");
      assertEquals(SendFirstCmpp.TEXT, sms.text());
      assertEquals(msgId, property(sms, SmsProperties.ID));
      assertEquals("MT", property(sms, SmsProperties.KIND));
      assertEquals("CMPP", property(sms, SmsProperties.PROTOCOL));
      assertEquals("3.0", property(sms, SmsProperties.PROTOCOL_VERSION));
      assertEquals(SendFirstCmpp.SP_ID, property(sms, SmsProperties.ACCOUNT));
      assertEquals(SendFirstCmpp.SOURCE, property(sms, SmsProperties.SOURCE));
      assertEquals(SendFirstCmpp.DESTINATION, property(sms, SmsProperties.DESTINATION));
      assertEquals(SendFirstCmpp.SERVICE_ID, property(sms, SmsProperties.SERVICE_ID));
   }

   @Test
   void sendFirstCmppRefusesTextsLongerThanOneMessage() {
      String longText = "x".repeat(141);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
         () -> SendFirstCmpp.submit("127.0.0.1", gateway.cmppPort(), longText, SendFirstCmpp.DESTINATION));
      assertTrue(e.getMessage().contains("141 octets"), e.getMessage());
   }

   private static Object property(ReadMtWithJms.MtMessage sms, SimpleString name) {
      return sms.smsProperties().get(name.toString());
   }
}
