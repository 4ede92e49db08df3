package io.smsgw.smpp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jsmpp.bean.MessageState;
import org.jsmpp.util.DeliveryReceiptState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A receipt whose receipted_message_id is longer than any correlation record holds (255 characters) can never match an
 * MT. The link used to answer it ESME_RX_T_APPN (the store refused the lookup), so the SMSC sent it again and again, a
 * WARN each time; now it is answered ESME_ROK, parked for an operator, and logged once per bind.
 */
class SmscLinkLongReceiptIdTest {

   @TempDir
   Path dir;

   @BeforeEach
   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   private void configureLink(int smscPort) throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { smppclient1 { password = "password", protocols = [SMPP] } }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", window = 4
                 enquire-link-interval = 2s, response-timeout = 3s, reconnect-min = 100ms, reconnect-max = 400ms }
         }
         """.formatted(smscPort));
      System.setProperty("smsgw.config", file.toString());
   }

   @Test
   void aReceiptWithAnIdLongerThanARecordHoldsIsAnsweredOkParkedAndLoggedOncePerBind() throws Exception {
      String longId = "9".repeat(300);
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port); LogCapture log = LogCapture.start()) {
         configureLink(port);
         try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            JsmppSmsc.Received nobodys = new JsmppSmsc.Received(longId, "8613800138000", "8610086", 0, new byte[0], (byte) 0);
            for (int i = 0; i < 3; i++) {
               // jSMPP throws NegativeResponseException for any answer but ESME_ROK
               smsc.sendReceipt(nobodys, "1", DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            }
            Wait.until("three receipts parked", Duration.ofSeconds(10),
                       () -> broker.messageCount(LinkMessages.UNMATCHED_RECEIPTS) + broker.messageCount(LinkMessages.EXHAUSTED_RECEIPTS) == 3);
            assertEquals(1, log.count("WARN", "300 characters"), "one WARN for the bind, not one per receipt: " + log.lines("sim"));
            assertEquals(0, broker.messageCount(SmsAddresses.DR), "no DR");

            // Kept for an operator with the id the SMSC gave; set aside as it can never match.
            Wait.until("set aside", Duration.ofSeconds(10), () -> broker.messageCount(LinkMessages.EXHAUSTED_RECEIPTS) == 3);
            try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
               jms.start();
               Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
               MessageConsumer consumer = session.createConsumer(session.createQueue(LinkMessages.EXHAUSTED_RECEIPTS));
               Message parked = consumer.receive(10_000);
               assertNotNull(parked);
               assertEquals(longId, parked.getStringProperty("smsSmscMessageId"));
               assertEquals("DELIVRD", parked.getStringProperty("smsStatus"));
            }
         }
      }
   }
}
