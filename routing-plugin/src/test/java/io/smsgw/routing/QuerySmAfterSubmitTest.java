package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.time.SmppTime;
import io.smsgw.smpp.client.JsmppSmsc;
import org.jsmpp.bean.Alphabet;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GeneralDataCoding;
import org.jsmpp.bean.MessageState;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.session.QuerySmResult;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.util.DeliveryReceiptState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ESME's query_sm for a message that already left for its SMSC (decision 153): ENROUTE
 * while the SMSC has it (its submit_sm unanswered, then its receipt awaited), its final state and final_date once the
 * receipt came, ESME_RQUERYFAIL for another account and for an id the gateway never gave. Before, every one of them
 * was ESME_RQUERYFAIL as soon as the link had taken the message. Real broker with the routing plugin, the SMSC link to
 * a jSMPP SMSC, jSMPP ESMEs.
 */
class QuerySmAfterSubmitTest {

   private static final int RQUERYFAIL = 0x67;

   @TempDir
   Path dir;
   private int smscPort;

   @BeforeEach
   void writeConfig() throws Exception {
      smscPort = JsmppSmsc.freePort();
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts {
           smppclient1 { password = "password", protocols = [SMPP] }
           other1 { password = "password", protocols = [SMPP] }
         }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 400ms }
         }
         routes { mt = [ { prefix = "86138", links = [ sim ] } ] }
         """.formatted(smscPort));
      System.setProperty("smsgw.config", file.toString());
   }

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   private static String submit(SMPPSession esme, String destination, int registeredDelivery) throws Exception {
      return submit(esme, destination, registeredDelivery, "Hello");
   }

   private static String submit(SMPPSession esme, String destination, int registeredDelivery, String text) throws Exception {
      return esme.submitShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "8610086",
         TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, destination, new ESMClass(), (byte) 0, (byte) 1,
         null, null, new RegisteredDelivery(registeredDelivery), (byte) 0,
         new GeneralDataCoding(Alphabet.ALPHA_DEFAULT), (byte) 0, text.getBytes(StandardCharsets.US_ASCII)).getMessageId();
   }

   private static QuerySmResult query(SMPPSession esme, String id) throws Exception {
      return esme.queryShortMessage(id, TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "8610086");
   }

   /** The state a query answers, null when refused. */
   private static MessageState stateOf(SMPPSession esme, String id) {
      try {
         return query(esme, id).getMessageState();
      } catch (Exception e) {
         return null;
      }
   }

   private static void assertQueryFails(SMPPSession esme, String id, String why) {
      NegativeResponseException refused = assertThrows(NegativeResponseException.class, () -> query(esme, id), why);
      assertEquals(RQUERYFAIL, refused.getCommandStatus(), why);
   }

   /** A final_date as SMPP writes it, within a few minutes of now (receipts give the done date to the minute). */
   private static void assertRecent(String finalDate) {
      long now = System.currentTimeMillis();
      long at = SmppTime.toEpochMillis(finalDate, now);
      assertTrue(at > 0 && Math.abs(now - at) < TimeUnit.MINUTES.toMillis(5), "final_date " + finalDate + " is now");
   }

   @Test
   void aMessageThatLeftForTheSmscIsEnrouteUntilItsReceiptThenDelivered() throws Exception {
      try (JsmppSmsc smsc = new JsmppSmsc(smscPort);
           TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start()) {
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
         RoutingEndToEndTest.Inbox inbox = new RoutingEndToEndTest.Inbox();
         SMPPSession esme = RoutingEndToEndTest.bind(broker, BindType.BIND_TRX, "smppclient1", "password", inbox);
         SMPPSession other = RoutingEndToEndTest.bind(broker, BindType.BIND_TX, "other1", "password", null);
         CountDownLatch answer = new CountDownLatch(1);
         smsc.holdResponses = answer;
         try {
            String id = submit(esme, "8613800138000", 1);
            JsmppSmsc.Received atSmsc = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(atSmsc, "MT at the SMSC");

            // taken by the link, its submit_sm not answered yet: no longer held, still on its way
            QuerySmResult sent = query(esme, id);
            assertEquals(MessageState.ENROUTE, sent.getMessageState(), "right after it left");
            assertTrue(sent.getFinalDate() == null || sent.getFinalDate().isEmpty(), "no final_date yet"); // jSMPP reads "" as null
            assertQueryFails(other, id, "another account's message");

            // accepted by the SMSC, its receipt awaited: the link has let go of the broker message
            answer.countDown();
            Wait.until("link acknowledged the MT", Duration.ofSeconds(10), () -> broker.messageCount("sms.smsc.sim") == 0);
            assertEquals(MessageState.ENROUTE, query(esme, id).getMessageState(), "waiting for its receipt");
            assertQueryFails(other, id, "another account's message, waiting for its receipt");

            smsc.sendReceipt(atSmsc, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            DeliverSm receipt = inbox.received.poll(10, TimeUnit.SECONDS);
            assertNotNull(receipt, "the ESME's receipt");
            QuerySmResult done = query(esme, id);
            assertEquals(MessageState.DELIVERED, done.getMessageState(), "after its receipt");
            assertRecent(done.getFinalDate());
            assertEquals(0, done.getErrorCode());
            assertQueryFails(other, id, "another account's delivered message");

            assertQueryFails(esme, "00000000DEADBEEF", "an id the gateway never gave");
            assertQueryFails(esme, "not-an-id", "no id of the gateway's at all");
         } finally {
            answer.countDown();
            other.unbindAndClose();
            esme.unbindAndClose();
         }
      }
   }

   @Test
   void aMessageWhoseReportNobodyAskedForAnswersItsFailure() throws Exception {
      try (JsmppSmsc smsc = new JsmppSmsc(smscPort);
           TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start()) {
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
         SMPPSession esme = RoutingEndToEndTest.bind(broker, BindType.BIND_TX, "smppclient1", "password", null);
         try {
            String id = submit(esme, "8613800138001", 0);
            JsmppSmsc.Received atSmsc = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(atSmsc, "MT at the SMSC");
            assertEquals(MessageState.ENROUTE, query(esme, id).getMessageState());
            smsc.sendReceipt(atSmsc, DeliveryReceiptState.UNDELIV, MessageState.UNDELIVERABLE);
            // no receipt to wait for (registered_delivery 0): the query itself tells when the report was made
            Wait.until("final state known", Duration.ofSeconds(10), () -> stateOf(esme, id) != MessageState.ENROUTE);
            QuerySmResult done = query(esme, id);
            assertEquals(MessageState.UNDELIVERABLE, done.getMessageState());
            assertRecent(done.getFinalDate());
         } finally {
            esme.unbindAndClose();
         }
      }
   }

   @Test
   void aMessageTheGatewaySplitIsEnrouteUntilEveryPartEndedThenItsFailure() throws Exception {
      try (JsmppSmsc smsc = new JsmppSmsc(smscPort);
           TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start()) {
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
         SMPPSession esme = RoutingEndToEndTest.bind(broker, BindType.BIND_TX, "smppclient1", "password", null);
         try {
            String id = submit(esme, "8613800138002", 0, "x".repeat(200)); // two parts of 153 and 47 characters
            JsmppSmsc.Received first = smsc.submits.poll(10, TimeUnit.SECONDS);
            JsmppSmsc.Received second = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(second, "both parts at the SMSC");
            Wait.until("link acknowledged the parts", Duration.ofSeconds(10), () -> broker.messageCount("sms.smsc.sim") == 0);
            smsc.sendReceipt(first, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            // the first part's report stored (the account's delivered counter): the other part still awaits its receipt
            SmsRoutingControlMBean routing = (SmsRoutingControlMBean) broker.server().getManagementService().getUntypedControl("sms-routing");
            Wait.until("first part's report", Duration.ofSeconds(10), () -> routing.getAccountCounters("smppclient1")[2] == 1);
            assertEquals(MessageState.ENROUTE, query(esme, id).getMessageState(), "one part delivered, the other on its way");
            smsc.sendReceipt(second, DeliveryReceiptState.UNDELIV, MessageState.UNDELIVERABLE);
            Wait.until("every part ended", Duration.ofSeconds(10), () -> stateOf(esme, id) == MessageState.UNDELIVERABLE,
                       () -> "state " + stateOf(esme, id));
            assertRecent(query(esme, id).getFinalDate());
         } finally {
            esme.unbindAndClose();
         }
      }
   }
}
