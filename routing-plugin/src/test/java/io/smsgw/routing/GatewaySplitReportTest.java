package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.routing.RoutingEndToEndTest.Inbox;
import io.smsgw.smpp.client.JsmppSmsc;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jsmpp.bean.Alphabet;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.DeliveryReceipt;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GeneralDataCoding;
import org.jsmpp.bean.MessageState;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.util.DeliveryReceiptState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An MT the gateway cuts into parts (one id to its submitter, one submit_sm per part to the SMSC, one receipt per part
 * back) ends with one report to its submitter, once every part has its final state, while billing keeps its record per
 * part and the roll-up; segments the submitter sent itself keep one report each. And a receipt whose done date (minute
 * resolution) lies before the MT's submit time reports the submit time.
 */
class GatewaySplitReportTest {

   private static final String ACCOUNT_QUEUE = SmsAddresses.accountQueue("smppclient1");
   /** 400 GSM characters: three parts of at most 153. */
   private static final String LONG_TEXT = "0123456789".repeat(40);

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   private void writeConfig(int smscPort) throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts {
           smppclient1 { password = "password", protocols = [SMPP] }
           app1 { password = "unused", protocols = [SMPP] }
         }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 400ms }
         }
         routes {
           mt = [ { prefix = "86138", links = [ sim ] } ]
         }
         """.formatted(smscPort));
      System.setProperty("smsgw.config", file.toString());
   }

   private interface Scenario {
      void run(JsmppSmsc smsc, TestBroker broker, SMPPSession esme, Inbox inbox, MessageConsumer billing, Session session)
         throws Exception;
   }

   private void withGateway(Scenario scenario) throws Exception {
      int port = JsmppSmsc.freePort();
      writeConfig(port);
      try (JsmppSmsc smsc = new JsmppSmsc(port);
           TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         MessageConsumer billing = RoutingEndToEndTest.billingSubscription(jms);
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
         Inbox inbox = new Inbox();
         SMPPSession esme = RoutingEndToEndTest.bind(broker, BindType.BIND_TRX, "smppclient1", "password", inbox);
         try {
            scenario.run(smsc, broker, esme, inbox, billing, session);
         } finally {
            esme.unbindAndClose();
         }
      }
   }

   /** A submit_sm whose text travels in message_payload (so longer than one SMS); returns its message id. */
   private static String submitPayload(SMPPSession esme, String text) throws Exception {
      return esme.submitShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "8610086",
         TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "8613800138000", new ESMClass(), (byte) 0, (byte) 1,
         null, null, new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE), (byte) 0,
         new GeneralDataCoding(Alphabet.ALPHA_DEFAULT), (byte) 0, new byte[0],
         new OptionalParameter.Message_payload(text.getBytes(StandardCharsets.US_ASCII))).getMessageId();
   }

   private static List<JsmppSmsc.Received> atSmsc(JsmppSmsc smsc, int parts) throws Exception {
      List<JsmppSmsc.Received> received = new ArrayList<>();
      for (int i = 0; i < parts; i++) {
         JsmppSmsc.Received part = smsc.submits.poll(10, TimeUnit.SECONDS);
         assertNotNull(part, "part " + (i + 1) + " of " + parts + " reached the SMSC");
         received.add(part);
      }
      return received;
   }

   /** Waits for {@code count} billing records; returns them. */
   private static List<Message> records(MessageConsumer billing, int count) throws Exception {
      List<Message> records = new ArrayList<>();
      for (int i = 0; i < count; i++) {
         Message record = billing.receive(10_000);
         assertNotNull(record, "billing record " + (i + 1) + " of " + count);
         records.add(record);
      }
      return records;
   }

   /**
    * The reports the ESME got once everything routed was delivered: the billing records were written with the reports
    * (one transaction per receipt), so once the account's queue is empty every report routed is in the inbox.
    */
   private static List<DeliverSm> reportsDelivered(TestBroker broker, Inbox inbox, int atLeast) {
      Wait.until("reports delivered", Duration.ofSeconds(10),
                 () -> inbox.received.size() >= atLeast && broker.messageCount(ACCOUNT_QUEUE) == 0);
      return new ArrayList<>(inbox.received);
   }

   @Test
   void aThreePartMtTheGatewaySplitGetsOneDeliveredReport() throws Exception {
      withGateway((smsc, broker, esme, inbox, billing, session) -> {
         String id = submitPayload(esme, LONG_TEXT);
         for (JsmppSmsc.Received part : atSmsc(smsc, 3)) {
            smsc.sendReceipt(part, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
         }
         List<Message> records = records(billing, 4); // one per part and the roll-up: billing unchanged
         assertEquals(1, records.stream().filter(r -> propertyExists(r, "smsRollup")).count());

         List<DeliverSm> reports = reportsDelivered(broker, inbox, 1);
         assertEquals(1, reports.size(), "one report for the one message the ESME submitted");
         DeliveryReceipt receipt = reports.get(0).getShortMessageAsDeliveryReceipt();
         assertEquals(id, receipt.getId());
         assertEquals(DeliveryReceiptState.DELIVRD, receipt.getFinalStatus());
      });
   }

   @Test
   void aThreePartMtWithOnePartUndeliveredGetsOneUndeliveredReport() throws Exception {
      withGateway((smsc, broker, esme, inbox, billing, session) -> {
         String id = submitPayload(esme, LONG_TEXT);
         List<JsmppSmsc.Received> parts = atSmsc(smsc, 3);
         smsc.sendReceipt(parts.get(0), DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
         smsc.sendReceipt(parts.get(1), DeliveryReceiptState.UNDELIV, MessageState.UNDELIVERABLE);
         smsc.sendReceipt(parts.get(2), DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
         records(billing, 4);

         List<DeliverSm> reports = reportsDelivered(broker, inbox, 1);
         assertEquals(1, reports.size(), "one report for the one message the ESME submitted");
         DeliveryReceipt receipt = reports.get(0).getShortMessageAsDeliveryReceipt();
         assertEquals(id, receipt.getId());
         assertEquals(DeliveryReceiptState.UNDELIV, receipt.getFinalStatus(), "not delivered: one part was not");
      });
   }

   @Test
   void anApplicationsMtTheGatewaySplitGetsOneReportOnItsQueue() throws Exception {
      withGateway((smsc, broker, esme, inbox, billing, session) -> {
         TextMessage mt = session.createTextMessage(LONG_TEXT);
         mt.setStringProperty("smsAccount", "app1");
         mt.setStringProperty("smsSource", "10086");
         mt.setStringProperty("smsDestination", "8613800138001");
         session.createProducer(session.createQueue(SmsAddresses.MT)).send(mt);
         List<JsmppSmsc.Received> parts = atSmsc(smsc, 3);
         smsc.sendReceipt(parts.get(2), DeliveryReceiptState.EXPIRED, MessageState.EXPIRED);
         smsc.sendReceipt(parts.get(0), DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
         smsc.sendReceipt(parts.get(1), DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
         List<Message> records = records(billing, 4);
         String smsId = records.get(0).getStringProperty("smsId");

         String app1Queue = SmsAddresses.accountQueue("app1");
         Wait.until("the report on app1's queue", Duration.ofSeconds(10), () -> broker.messageCount(app1Queue) >= 1);
         assertEquals(1, broker.messageCount(app1Queue), "one report for the application's one MT");
         try (MessageConsumer reports = session.createConsumer(session.createQueue(app1Queue))) {
            Message report = reports.receive(10_000);
            assertEquals(smsId, report.getStringProperty("smsId"));
            assertEquals("EXPIRED", report.getStringProperty("smsStatus"));
            assertTrue(!propertyExists(report, "smsSegmentNumber"), "the report is the message's, not a part's");
         }
      });
   }

   /**
    * The parts waiting for their siblings are in memory: after a restart between the receipts the submitter gets each
    * remaining part's report as it is, rather than none (the part reported before the restart is not told to it).
    */
   @Test
   void aRestartBetweenThePartsReceiptsLeavesAReportPerRemainingPartNeverNone() throws Exception {
      int port = JsmppSmsc.freePort();
      writeConfig(port);
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         String id;
         List<JsmppSmsc.Received> parts;
         try (TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start();
              Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
            MessageConsumer billing = RoutingEndToEndTest.billingSubscription(jms);
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            SMPPSession esme = RoutingEndToEndTest.bind(broker, BindType.BIND_TX, "smppclient1", "password", null);
            try {
               id = submitPayload(esme, LONG_TEXT);
            } finally {
               esme.unbindAndClose();
            }
            parts = atSmsc(smsc, 3);
            Wait.until("MT handed to the SMSC and acknowledged", Duration.ofSeconds(10),
                       () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
            smsc.sendReceipt(parts.get(0), DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            records(billing, 1);
            assertEquals(0, broker.messageCount(ACCOUNT_QUEUE), "part 1 waits for its siblings");
         }
         int binds = smsc.binds.get();
         try (TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start();
              Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
            MessageConsumer billing = RoutingEndToEndTest.billingSubscription(jms);
            Wait.until("link bound again", Duration.ofSeconds(10), () -> smsc.binds.get() > binds && smsc.hasBoundSession());
            smsc.sendReceipt(parts.get(1), DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            smsc.sendReceipt(parts.get(2), DeliveryReceiptState.UNDELIV, MessageState.UNDELIVERABLE);
            records(billing, 2);
            Inbox inbox = new Inbox();
            SMPPSession receiver = RoutingEndToEndTest.bind(broker, BindType.BIND_RX, "smppclient1", "password", inbox);
            try {
               List<DeliverSm> reports = reportsDelivered(broker, inbox, 2);
               assertEquals(2, reports.size(), "a report for each part whose receipt came after the restart");
               Set<DeliveryReceiptState> states = new HashSet<>();
               for (DeliverSm report : reports) {
                  assertEquals(id, report.getShortMessageAsDeliveryReceipt().getId());
                  states.add(report.getShortMessageAsDeliveryReceipt().getFinalStatus());
               }
               assertEquals(Set.of(DeliveryReceiptState.DELIVRD, DeliveryReceiptState.UNDELIV), states);
            } finally {
               receiver.unbindAndClose();
            }
         }
      }
   }

   @Test
   void segmentsTheEsmeSentItselfKeepOneReportEach() throws Exception {
      withGateway((smsc, broker, esme, inbox, billing, session) -> {
         Set<String> ids = new HashSet<>();
         for (int number = 1; number <= 2; number++) {
            byte[] udh = {0x05, 0x00, 0x03, 0x2A, 0x02, (byte) number};
            byte[] text = ("Part " + number + " of the ESME's own long message").getBytes(StandardCharsets.US_ASCII);
            byte[] userData = new byte[udh.length + text.length];
            System.arraycopy(udh, 0, userData, 0, udh.length);
            System.arraycopy(text, 0, userData, udh.length, text.length);
            ids.add(esme.submitShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "8610086",
               TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "8613800138000", new ESMClass(0x40), (byte) 0, (byte) 1,
               null, null, new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE), (byte) 0,
               new GeneralDataCoding(Alphabet.ALPHA_DEFAULT), (byte) 0, userData).getMessageId());
         }
         for (JsmppSmsc.Received part : atSmsc(smsc, 2)) {
            smsc.sendReceipt(part, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
         }
         records(billing, 3);

         List<DeliverSm> reports = reportsDelivered(broker, inbox, 2);
         assertEquals(2, reports.size(), "one report per submit_sm");
         Set<String> reported = new HashSet<>();
         for (DeliverSm report : reports) {
            reported.add(report.getShortMessageAsDeliveryReceipt().getId());
         }
         assertEquals(ids, reported);
      });
   }

   @Test
   void aDoneDateBeforeTheSubmitTimeReportsTheSubmitTime() throws Exception {
      withGateway((smsc, broker, esme, inbox, billing, session) -> {
         String id = RoutingEndToEndTest.submit(esme, "8613800138000", "Done before submitted?");
         JsmppSmsc.Received part = atSmsc(smsc, 1).get(0);
         // The SMSC's done date has minute resolution, and its clock is a minute behind: before the submit time.
         String done = LocalDateTime.now().minusMinutes(1).format(DateTimeFormatter.ofPattern("yyMMddHHmm"));
         smsc.sendReceiptText(part, "id:" + part.messageId() + " sub:001 dlvrd:001 submit date:" + done + " done date:" + done
                                       + " stat:DELIVRD err:000 text:");
         Message record = records(billing, 1).get(0);
         long submitted = record.getLongProperty("smsSubmitTime");
         assertEquals(submitted, record.getLongProperty("smsDoneTime"), "done no earlier than submitted");
         long reported = record.getLongProperty("smsReportedDoneTime");
         assertTrue(reported < submitted, "the SMSC's own done time is kept");
         assertEquals(LocalDateTime.parse(done, DateTimeFormatter.ofPattern("yyMMddHHmm")),
                      LocalDateTime.ofInstant(Instant.ofEpochMilli(reported), ZoneId.systemDefault()));

         DeliveryReceipt receipt = reportsDelivered(broker, inbox, 1).get(0).getShortMessageAsDeliveryReceipt();
         assertEquals(id, receipt.getId());
         assertNotEquals(true, receipt.getDoneDate().before(receipt.getSubmitDate()), "the ESME's receipt is done after it was submitted");
      });
   }

   private static boolean propertyExists(Message message, String name) {
      try {
         return message.propertyExists(name);
      } catch (jakarta.jms.JMSException e) {
         throw new IllegalStateException(e);
      }
   }
}
