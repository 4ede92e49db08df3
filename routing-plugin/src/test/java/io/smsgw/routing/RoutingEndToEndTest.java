package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.client.JsmppSmsc;
import io.smsgw.smpp.client.SmscLinkControlMBean;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.Alphabet;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GeneralDataCoding;
import org.jsmpp.bean.InterfaceVersion;
import org.jsmpp.bean.MessageState;
import org.jsmpp.bean.MessageType;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.util.DeliveryReceiptState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One gateway doing the whole job: an ESME submits over SMPP, routing sends the MT to the SMSC link for its
 * number segment, the SMSC's receipt comes back as a DR, billing writes one record to a durable subscriber
 * on sms.billing, and the ESME gets its receipt with the id it was given. Plus MO routing, an application's
 * MT over JMS, an MT without route, a duplicate receipt, and a configuration reload.
 */
class RoutingEndToEndTest {

   /** The SMSC link service's override of the ages at which parked receipts are tried again (milliseconds). */
   private static final String PARKED_RECEIPT_RETRIES = "smsgw.links.parked-receipt-retries";
   private static final String UNMATCHED = "sms.dr.unmatched";

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
      System.clearProperty(PARKED_RECEIPT_RETRIES);
   }

   private Path writeConfig(int smscPort, String extraMtRoutes) throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts {
           smppclient1 { password = "password", protocols = [SMPP] }
           app1 { password = "unused", protocols = [SMPP] }
           narrow { password = "narrow", protocols = [SMPP], mt-routes = [ "86139" ] }
         }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 400ms }
         }
         routes {
           mt = [ { prefix = "86138", links = [ sim ] } %s ]
           mo = [ { prefix = "1065712345", account = smppclient1 } ]
         }
         """.formatted(smscPort, extraMtRoutes));
      System.setProperty("smsgw.config", file.toString());
      return file;
   }

   static final class Inbox implements MessageReceiverListener {
      final BlockingQueue<DeliverSm> received = new LinkedBlockingQueue<>();

      @Override
      public void onAcceptDeliverSm(DeliverSm deliverSm) {
         received.add(deliverSm);
      }

      @Override
      public void onAcceptAlertNotification(AlertNotification alertNotification) {
      }

      @Override
      public DataSmResult onAcceptDataSm(DataSm dataSm, org.jsmpp.session.Session source) {
         return null;
      }
   }

   static String submit(SMPPSession esme, String destination, String text) throws Exception {
      return esme.submitShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "8610086",
         TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, destination, new ESMClass(), (byte) 0, (byte) 1,
         null, null, new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE), (byte) 0,
         new GeneralDataCoding(Alphabet.ALPHA_DEFAULT), (byte) 0, text.getBytes(StandardCharsets.US_ASCII)).getMessageId();
   }

   private TestBroker startBroker() throws Exception {
      return TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start();
   }

   /** Binds as the demo ESME; {@code inbox} (or null) receives what the gateway delivers. */
   private static SMPPSession bind(TestBroker broker, BindType type, Inbox inbox) throws Exception {
      return bind(broker, type, "smppclient1", "password", inbox);
   }

   /** Binds as {@code systemId}; {@code inbox} (or null) receives what the gateway delivers. */
   static SMPPSession bind(TestBroker broker, BindType type, String systemId, String password, Inbox inbox) throws Exception {
      SMPPSession esme = new SMPPSession();
      esme.setTransactionTimer(10_000); // jsmpp waits 2 s for an answer by default: too short on a loaded host
      if (inbox != null) {
         esme.setMessageReceiverListener(inbox);
      }
      esme.connectAndBind("127.0.0.1", broker.port(), new BindParameter(type, systemId, password, "",
         TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null, InterfaceVersion.IF_34));
      return esme;
   }

   /** One MT over a transmitter session that is closed again; returns its message id. */
   private static String submitOnce(TestBroker broker, String destination, String text) throws Exception {
      SMPPSession esme = bind(broker, BindType.BIND_TX, null);
      try {
         return submit(esme, destination, text);
      } finally {
         esme.unbindAndClose();
      }
   }

   /** The billing system's durable subscription to sms.billing. */
   /** One MT delivered: where it reached the SMSC, the report the ESME got and the billing record written. */
   record Delivered(String id, JsmppSmsc.Received atSmsc, DeliverSm report, Message billingRecord) {
   }

   /**
    * Submits {@code text} to {@code destination}, waits for it at the SMSC, answers with a DELIVRD receipt and waits
    * for the ESME's report and the billing record, each checked to carry the submit's id.
    */
   static Delivered submitAndDeliver(JsmppSmsc smsc, SMPPSession esme, Inbox inbox, MessageConsumer billing,
                                     String destination, String text) throws Exception {
      String id = submit(esme, destination, text);
      JsmppSmsc.Received atSmsc = smsc.submits.poll(10, TimeUnit.SECONDS);
      assertNotNull(atSmsc, "the MT reached the SMSC through its route");
      assertEquals(text, new String(atSmsc.shortMessage(), StandardCharsets.US_ASCII));
      smsc.sendReceipt(atSmsc, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
      return awaitReportAndRecord(id, atSmsc, inbox, billing);
   }

   /**
    * Waits for the ESME's report and the billing record of the MT {@code id}, each checked to carry it.
    *
    * @param atSmsc how the MT reached the SMSC, or null when that happened in an earlier broker's life
    */
   static Delivered awaitReportAndRecord(String id, JsmppSmsc.Received atSmsc, Inbox inbox, MessageConsumer billing)
         throws Exception {
      DeliverSm report = inbox.received.poll(10, TimeUnit.SECONDS);
      assertNotNull(report, "the report reached the ESME");
      assertEquals(id, report.getShortMessageAsDeliveryReceipt().getId());
      Message record = billing.receive(10_000);
      assertNotNull(record, "the billing record was written");
      assertEquals(id, record.getStringProperty("smsId"));
      return new Delivered(id, atSmsc, report, record);
   }

   static MessageConsumer billingSubscription(Connection jms) throws Exception {
      jms.setClientID("billing-system");
      jms.start();
      Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
      return session.createDurableSubscriber(session.createTopic(SmsAddresses.BILLING), "cdr");
   }

   @Test
   void submitRouteReceiptBillingAndReportLoop() throws Exception {
      int port = JsmppSmsc.freePort();
      Path configFile = writeConfig(port, "");
      try (JsmppSmsc smsc = new JsmppSmsc(port);
           TestBroker broker = startBroker();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         MessageConsumer billing = billingSubscription(jms);
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);

         Inbox inbox = new Inbox();
         SMPPSession esme = bind(broker, BindType.BIND_TRX, inbox);
         try {
            // MT: ESME → sms.mt → route 86138 → link sim → SMSC; receipt: SMSC → DR → billing record + the ESME's
            // receipt with its own id
            Delivered delivered = submitAndDeliver(smsc, esme, inbox, billing, "8613800138000", "Routed hello");
            JsmppSmsc.Received atSmsc = delivered.atSmsc();
            assertTrue(MessageType.SMSC_DEL_RECEIPT.containedIn(delivered.report().getEsmClass()));
            Message record = delivered.billingRecord();
            assertEquals("smppclient1", record.getStringProperty("smsAccount"));
            assertEquals("DELIVRD", record.getStringProperty("smsStatus"));
            assertEquals("sim", record.getStringProperty("smsLink"));
            assertTrue(record.getBooleanProperty("smsBillable"));

            // The same receipt again: no second record, no second report
            smsc.sendReceipt(atSmsc, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            assertNull(billing.receive(500), "a duplicate receipt makes no second billing record");
            assertNull(inbox.received.poll(200, TimeUnit.MILLISECONDS), "nor a second report");

            // No route: the ESME hears about it (UNDELIV, error 100), billing records it as not billable
            String lost = submit(esme, "999123", "Nowhere");
            DeliverSm noRoute = inbox.received.poll(10, TimeUnit.SECONDS);
            assertNotNull(noRoute);
            assertEquals(lost, noRoute.getShortMessageAsDeliveryReceipt().getId());
            assertEquals("UNDELIV", noRoute.getShortMessageAsDeliveryReceipt().getFinalStatus().name());
            assertEquals("100", noRoute.getShortMessageAsDeliveryReceipt().getError());
            Message unbillable = billing.receive(10_000);
            assertNotNull(unbillable);
            assertFalse(unbillable.getBooleanProperty("smsBillable"));

            // An account limited to other routes gets the no-route report
            MessageProducer restricted = session.createProducer(session.createQueue(SmsAddresses.MT));
            TextMessage narrowMt = session.createTextMessage("Not my route");
            narrowMt.setStringProperty("smsId", "00000000000000aa");
            narrowMt.setStringProperty("smsAccount", "narrow");
            narrowMt.setStringProperty("smsSource", "10086");
            narrowMt.setStringProperty("smsDestination", "8613800138009");
            restricted.send(narrowMt);
            try (MessageConsumer narrowQueue = session.createConsumer(session.createQueue(SmsAddresses.accountQueue("narrow")))) {
               Message report = narrowQueue.receive(10_000);
               assertNotNull(report, "report for a route the account may not use");
               assertEquals("UNDELIV", report.getStringProperty("smsStatus"));
               assertEquals(MtRouteTransformer.NO_ROUTE, report.getStringProperty("smsErrorCode"));
            }
            assertNotNull(billing.receive(10_000), "its non-billable record");

            // MO: SMSC → sms.mo → service number 1065712345 → smppclient1's queue → deliver_sm
            smsc.sendMo("8613800138000", "10657123459", "Subscribe");
            DeliverSm mo = inbox.received.poll(10, TimeUnit.SECONDS);
            assertNotNull(mo, "MO at the ESME");
            assertEquals("Subscribe", new String(mo.getShortMessage(), StandardCharsets.US_ASCII));

            // An application's MT over JMS is routed the same way
            MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.MT));
            TextMessage appMt = session.createTextMessage("From an application");
            appMt.setStringProperty("smsAccount", "app1");
            appMt.setStringProperty("smsSource", "10086");
            appMt.setStringProperty("smsDestination", "8613800138001");
            producer.send(appMt);
            JsmppSmsc.Received fromApp = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(fromApp);
            assertEquals("From an application", new String(fromApp.shortMessage(), StandardCharsets.US_ASCII));

            // Management: add a route, use it, remove it
            SmsRoutingControlMBean control = (SmsRoutingControlMBean) broker.server().getManagementService().getUntypedControl("sms-routing");
            control.addMtRoute("86150", "sim:2");
            assertTrue(Arrays.stream(control.getMtRoutes()).anyMatch(r -> r.equals("86150 -> sim:2")), Arrays.toString(control.getMtRoutes()));
            submit(esme, "8615000150000", "Managed route");
            JsmppSmsc.Received viaManaged = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(viaManaged);
            assertEquals("8615000150000", viaManaged.destination());
            assertTrue(control.removeMtRoute("86150"));
            assertFalse(control.removeMtRoute("86150"));
            assertTrue(Arrays.asList(control.getAccounts()).contains("smppclient1"));

            // Reload: a new route takes effect without a restart; a broken file is refused and the old one serves
            writeConfig(port, ", { prefix = \"86139\", links = [ sim ] }");
            Files.setLastModifiedTime(configFile, FileTime.fromMillis(System.currentTimeMillis() + 5000));
            Wait.until("route 86139 loaded", Duration.ofSeconds(15), () -> Arrays.stream(control.getMtRoutes()).anyMatch(r -> r.startsWith("86139")));
            submit(esme, "8613900139000", "New route");
            JsmppSmsc.Received viaNewRoute = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(viaNewRoute);
            assertEquals("8613900139000", viaNewRoute.destination());

            Files.writeString(configFile, "gateway { code = \"001001\" }\nroutes { mt = [ { prefix = 86138, links = [ nosuchlink ] } ] }\n");
            String problems = control.reload();
            assertTrue(problems.contains("nosuchlink"), problems);
            assertTrue(Arrays.stream(control.getMtRoutes()).anyMatch(r -> r.startsWith("86139")), "the previous routes still serve");
            assertEquals(4, control.getAccountCounters("smppclient1")[0], "submitted counter");
         } finally {
            esme.unbindAndClose();
         }
      }
   }

   @Test
   void anApplicationsMtWithAWordForANumberIsReportedAndBilledAndTheNextOneGoesOut() throws Exception {
      int port = JsmppSmsc.freePort();
      writeConfig(port, "");
      try (JsmppSmsc smsc = new JsmppSmsc(port);
           TestBroker broker = startBroker();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         MessageConsumer billing = billingSubscription(jms);
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageConsumer reports = session.createConsumer(session.createQueue(SmsAddresses.accountQueue("app1")));
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);

         MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.MT));
         TextMessage wrong = session.createTextMessage("Receipt please");
         wrong.setStringProperty("smsId", "00000000000003a1");
         wrong.setStringProperty("smsAccount", "app1");
         wrong.setStringProperty("smsSource", "10086");
         wrong.setStringProperty("smsDestination", "8613800138301");
         wrong.setStringProperty("smsRegisteredDelivery", "yes"); // the contract says a number
         producer.send(wrong);
         TextMessage right = session.createTextMessage("The next one");
         right.setStringProperty("smsAccount", "app1");
         right.setStringProperty("smsSource", "10086");
         right.setStringProperty("smsDestination", "8613800138302");
         producer.send(right);

         JsmppSmsc.Received atSmsc = smsc.submits.poll(10, TimeUnit.SECONDS);
         assertNotNull(atSmsc, "the next MT still reaches the SMSC");
         assertEquals("8613800138302", atSmsc.destination());
         Message report = reports.receive(10_000);
         assertNotNull(report, "the application hears about the MT the link could not send");
         assertEquals("00000000000003a1", report.getStringProperty("smsId"));
         assertEquals("REJECTD", report.getStringProperty("smsStatus"));
         assertEquals("069", report.getStringProperty("smsErrorCode"));
         Message record = billing.receive(10_000);
         assertNotNull(record, "and billing records it");
         assertEquals("00000000000003a1", record.getStringProperty("smsId"));
         assertEquals("app1", record.getStringProperty("smsAccount"));
         assertFalse(record.getBooleanProperty("smsBillable"));
         Wait.until("both acknowledged by the link", Duration.ofSeconds(10),
                    () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
         assertNull(smsc.submits.poll(300, TimeUnit.MILLISECONDS), "nothing sent twice");
         assertEquals(1, smsc.binds.get(), "the link stayed bound");
      }
   }

   /**
    * MO routes read their prefixes as MT routes do (decision 120): {@code "+1"} is North America, written
    * internationally, and takes only service numbers written with + or 00 and country code 1; it used to lose its
    * {@code +} and take every national service number starting with 1 that no longer route covered. A Chinese
    * service number written with 86 reaches the route written with 86 in any of its forms.
    */
   @Test
   void anInternationalMoRouteTakesOnlyServiceNumbersWrittenInternationally() throws Exception {
      int port = JsmppSmsc.freePort();
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts {
           sp1 { password = "sp1", protocols = [CMPP] }
           sp2 { password = "sp2", protocols = [CMPP] }
           foreign { password = "foreign", protocols = [SMPP] }
         }
         links { sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 400ms } }
         routes {
           mt = [ { prefix = "86138", links = [ sim ] } ]
           mo = [
             { prefix = "10657", account = sp1 }
             { prefix = "0086106", account = sp2 }
             { prefix = "+1", account = foreign }
           ]
         }
         """.formatted(port));
      System.setProperty("smsgw.config", file.toString());
      String[] accounts = {"sp1", "sp2", "foreign"};
      try (JsmppSmsc smsc = new JsmppSmsc(port);
           TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> {
              cfg.registerBrokerPlugin(new SmsRoutingPlugin());
              for (String account : accounts) {
                 String queue = SmsAddresses.accountQueue(account);
                 cfg.addQueueConfiguration(org.apache.activemq.artemis.api.core.QueueConfiguration.of(queue).setAddress(queue)
                                              .setRoutingType(org.apache.activemq.artemis.api.core.RoutingType.ANYCAST));
              }
           }).start()) {
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
         smsc.sendMo("8613800138000", "1065712345", "national, to sp1");
         smsc.sendMo("8613800138000", "10086", "national, no route");
         smsc.sendMo("8613800138000", "+861065899", "86 form, to sp2");
         smsc.sendMo("8613800138000", "861065899", "86 form, to sp2");
         smsc.sendMo("+13125551234", "+13125550000", "North America");
         Wait.until("five MOs routed", Duration.ofSeconds(15), () -> broker.messageCount(MoRouteTransformer.UNROUTED)
            + broker.messageCount(SmsAddresses.accountQueue("sp1")) + broker.messageCount(SmsAddresses.accountQueue("sp2"))
            + broker.messageCount(SmsAddresses.accountQueue("foreign")) == 5);
         assertEquals(1, broker.messageCount(SmsAddresses.accountQueue("sp1")));
         assertEquals(2, broker.messageCount(SmsAddresses.accountQueue("sp2")));
         assertEquals(1, broker.messageCount(SmsAddresses.accountQueue("foreign")), "+1 takes only +1...");
         assertEquals(1, broker.messageCount(MoRouteTransformer.UNROUTED), "10086 is a national number, not +1 0086");
      }
   }

   @Test
   void aBrokerRestartBetweenSubmitAndReceiptLosesNothingAndDuplicatesNothing() throws Exception {
      int port = JsmppSmsc.freePort();
      writeConfig(port, "");
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         String id;
         JsmppSmsc.Received atSmsc;
         try (TestBroker broker = startBroker();
              Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
            billingSubscription(jms).close();
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            id = submitOnce(broker, "8613800138000", "Across a restart");
            atSmsc = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(atSmsc);
            Wait.until("MT handed to the SMSC and acknowledged", Duration.ofSeconds(10),
                       () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
         }
         int binds = smsc.binds.get();
         try (TestBroker broker = startBroker();
              Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
            MessageConsumer billing = billingSubscription(jms);
            Wait.until("link bound again", Duration.ofSeconds(10), () -> smsc.binds.get() > binds && smsc.hasBoundSession());
            smsc.sendReceipt(atSmsc, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            smsc.sendReceipt(atSmsc, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);

            Inbox inbox = new Inbox();
            SMPPSession receiver = bind(broker, BindType.BIND_RX, inbox);
            try {
               DeliverSm receipt = inbox.received.poll(10, TimeUnit.SECONDS);
               assertNotNull(receipt, "the receipt reached the ESME after the restart");
               assertEquals(id, receipt.getShortMessageAsDeliveryReceipt().getId());
               assertNull(inbox.received.poll(500, TimeUnit.MILLISECONDS), "once");
               Message record = billing.receive(10_000);
               assertNotNull(record, "one billing record");
               assertEquals(id, record.getStringProperty("smsId"));
               assertNull(billing.receive(500), "and only one");
            } finally {
               receiver.unbindAndClose();
            }
         }
      }
   }

   /**
    * Under overload a receipt can come before its record is durable: it is parked and matched on a later try.
    * Here the SMSC sends the receipt twice before answering the submit_sm, and the first tries are due only
    * after a restart, so both parked copies are looked up in the same scan, both match (the record goes only
    * once a DR is durable) and two DRs are emitted, as after a crash between a DR and the parked copy's
    * deletion: the ESME still gets one report and billing one record.
    */
   @Test
   void twoParkedCopiesOfAReceiptMatchedLaterReachTheEsmeAndBillingOnce() throws Exception {
      int port = JsmppSmsc.freePort();
      writeConfig(port, "");
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         smsc.receiptsBeforeResponse.set(2);
         String id;
         System.setProperty(PARKED_RECEIPT_RETRIES, "3600000");
         try (TestBroker broker = startBroker();
              Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
            billingSubscription(jms).close();
            Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
            id = submitOnce(broker, "8613800138000", "Receipt first");
            Wait.until("MT acknowledged, both receipt copies parked", Duration.ofSeconds(10),
                       () -> broker.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0
                          && broker.messageCount(UNMATCHED) == 2);
         }
         System.setProperty(PARKED_RECEIPT_RETRIES, "200");
         try (TestBroker broker = startBroker();
              Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
            MessageConsumer billing = billingSubscription(jms);
            Inbox inbox = new Inbox();
            SMPPSession receiver = bind(broker, BindType.BIND_RX, inbox);
            try {
               SmscLinkControlMBean link = (SmscLinkControlMBean) broker.server().getManagementService().getUntypedControl("smsc-link.sim");
               // Both copies match when one scan looks both up before the first one's DR removes the record (the
               // usual case); under load the second lookup can come after that removal, and that copy then stays
               // parked as any receipt for a removed record does. Either way the ESME and billing see it once.
               Wait.until("the parked copies matched (both, or the first with the second still parked)", Duration.ofSeconds(15),
                          () -> link.getReceiptsRematched() == 2 && broker.messageCount(UNMATCHED) == 0
                             || link.getReceiptsRematched() == 1 && broker.messageCount(UNMATCHED) == 1);
               awaitReportAndRecord(id, null, inbox, billing);
               assertNull(inbox.received.poll(1_000, TimeUnit.MILLISECONDS), "the report once");
               assertNull(billing.receive(500), "and one billing record only");
            } finally {
               receiver.unbindAndClose();
            }
         }
      }
   }
}
