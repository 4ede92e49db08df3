package io.smsgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.smsgw.cmpp.codec.StatusReport;
import io.smsgw.core.config.GatewayConfigLoader;
import io.smsgw.core.config.SmscLinkConfig;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.id.CmppMsgId;
import io.smsgw.core.receipt.DeliveryReceipt;
import io.smsgw.core.receipt.DeliveryState;
import io.smsgw.examples.ReadBillingWithJms;
import io.smsgw.examples.SendFirstCmpp;
import io.smsgw.examples.SendFirstSms;
import io.smsgw.simulator.SimulatorConfig;
import io.smsgw.simulator.SmscSimulator;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The gateway installed into the stock Apache Artemis distribution, as an admin would do it (plugin,
 * routing and correlation-store jars in lib, broker.xml and sms-gateway.conf of broker-config/etc), with
 * its link {@code sim} connected to an SMSC simulator this test runs: an ESME submits over SMPP or an SP
 * over CMPP 3.0, the MT goes through the link to the simulator, its receipt comes back to the submitter
 * with the submitter's id, and billing systems read the billing record over CORE (Artemis JMS) and AMQP
 * (Qpid JMS).
 */
class StockBrokerIT {

   private static final String CMPP_TEXT = "Hello stock broker over CMPP";
   private static final String SMPP_TEXT = "Hello stock broker";
   private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
   private static final Duration TIMEOUT = Duration.ofSeconds(30);
   /** Once billing records flow, reading stops after this long without one. */
   private static final Duration QUIET_TIME = Duration.ofMillis(500);
   /** The AMQP billing system's durable subscription. */
   private static final String AMQP_CLIENT_ID = "it-amqp-billing";
   private static final String AMQP_SUBSCRIPTION = "records";

   private static SmscSimulator simulator;
   private static StockBroker broker;

   /** Shows the broker's log next to any failing test. */
   @RegisterExtension
   static final TestWatcher PRINT_BROKER_LOG_ON_FAILURE = new TestWatcher() {
      @Override
      public void testFailed(ExtensionContext context, Throwable cause) {
         printBrokerLog();
      }
   };

   @BeforeAll
   static void startSimulatorAndStockBroker() throws Exception {
      Path etc = Path.of(requiredProperty("smsgw.etc"));
      // The simulator accepts the credentials the shipped configuration's link uses.
      SmscLinkConfig sim = GatewayConfigLoader.load(etc.resolve(GatewayConfigLoader.FILE_NAME)).links().stream()
         .filter(link -> link.id().equals("sim")).findFirst().orElseThrow();
      simulator = SmscSimulator.start(SimulatorConfig.builder().port(0).credential(sim.systemId(), sim.password())
                                         .receiptDelay(Duration.ofMillis(100)).receiptSuccessRatio(1.0).build());
      broker = StockBroker.create(Path.of(requiredProperty("artemis.home")), Path.of(requiredProperty("smsgw.work.dir")),
                                  Path.of(requiredProperty("smsgw.plugins.dir")), etc, simulator.port());
      try {
         broker.start(START_TIMEOUT);
         broker.awaitLogLine("SMS routing active", START_TIMEOUT);
         broker.awaitLogLine("SMSC link sim bound", START_TIMEOUT);
      } catch (Exception | AssertionError e) {
         printBrokerLog();
         throw e;
      }
      // Records are kept only for subscriptions that exist when they are written.
      readBillingWithQpidJms(Duration.ZERO);
   }

   @AfterAll
   static void stopStockBrokerAndSimulator() throws Exception {
      try {
         if (broker != null) {
            broker.close();
         }
      } finally {
         if (simulator != null) {
            simulator.close();
         }
      }
   }

   @Test
   void theShippedConfigurationWarnsOfItsDemoSecretsAndKeepsApplicationsOnLoopback() {
      String log = broker.log();
      assertTrue(log.lines().anyMatch(line -> line.contains("WARN") && line.contains("still use the demo password")
                                              && line.contains(SendFirstSms.SYSTEM_ID) && line.contains(SendFirstCmpp.SP_ID)),
                 "one WARN names both demo accounts");
      assertFalse(log.contains("Broker security is off"), "the application acceptor listens on 127.0.0.1 as shipped");
   }

   @Test
   void smppSubmitComesBackAsReceiptAndIsBilledOverCoreAndAmqp() throws Exception {
      SendFirstSms.Outcome outcome = SendFirstSms.send("127.0.0.1", broker.smppPort(), SMPP_TEXT, SendFirstSms.DESTINATION, TIMEOUT);
      DeliveryReceipt receipt = outcome.receipt();
      assertNotNull(receipt, "the receipt came back to the ESME");
      assertEquals(outcome.messageId(), receipt.id(), "the receipt names the id of submit_sm_resp");
      assertEquals(DeliveryState.DELIVRD, receipt.state());

      Map<String, Object> expected = Map.of("smsId", outcome.messageId(), "smsAccount", SendFirstSms.SYSTEM_ID,
                                            "smsStatus", "DELIVRD", "smsLink", "sim", "smsBillable", true);
      assertEquals(expected, checked(singleRecord(readBillingWithArtemisJms(), outcome.messageId()), expected), "over CORE");
      assertEquals(expected, checked(singleRecord(readBillingWithQpidJms(TIMEOUT), outcome.messageId()), expected), "over AMQP");
   }

   @Test
   void cmppSubmitComesBackAsStatusReportAndIsBilledOverCoreAndAmqp() throws Exception {
      SendFirstCmpp.Outcome outcome = SendFirstCmpp.send("127.0.0.1", broker.cmppPort(), CMPP_TEXT, SendFirstCmpp.DESTINATION, TIMEOUT);
      StatusReport report = outcome.report();
      assertNotNull(report, "the status report came back to the SP");
      assertEquals(outcome.msgId(), CmppMsgId.toHex(report.msgId()), "the report names the Msg_Id of SUBMIT_RESP");
      assertEquals("DELIVRD", report.stat());

      // SendFirstCmpp sends a free message (FeeType 01): recorded, not billed.
      Map<String, Object> expected = Map.of("smsId", outcome.msgId(), "smsAccount", SendFirstCmpp.SP_ID,
                                            "smsServiceId", SendFirstCmpp.SERVICE_ID, "smsFeeType", "01",
                                            "smsStatus", "DELIVRD", "smsLink", "sim", "smsBillable", false);
      assertEquals(expected, checked(singleRecord(readBillingWithArtemisJms(), outcome.msgId()), expected), "over CORE");
      assertEquals(expected, checked(singleRecord(readBillingWithQpidJms(TIMEOUT), outcome.msgId()), expected), "over AMQP");
   }

   /** The README's billing reader: the durable subscription broker.xml declares, over CORE. */
   private static List<Map<String, Object>> readBillingWithArtemisJms() throws Exception {
      List<Map<String, Object>> records = new ArrayList<>();
      for (ReadBillingWithJms.BillingRecord record : ReadBillingWithJms.read("tcp://127.0.0.1:" + broker.corePort(), TIMEOUT, QUIET_TIME)) {
         records.add(record.smsProperties());
      }
      return records;
   }

   /**
    * The records waiting on the AMQP billing system's durable subscription (created on first use),
    * their {@code sms*} properties: waits up to {@code firstTimeout} for the first, then reads until
    * none arrives for {@link #QUIET_TIME}.
    */
   private static List<Map<String, Object>> readBillingWithQpidJms(Duration firstTimeout) throws Exception {
      javax.jms.ConnectionFactory factory = new JmsConnectionFactory("amqp://127.0.0.1:" + broker.corePort());
      List<Map<String, Object>> records = new ArrayList<>();
      try (javax.jms.JMSContext context = factory.createContext(javax.jms.JMSContext.AUTO_ACKNOWLEDGE)) {
         context.setClientID(AMQP_CLIENT_ID);
         try (javax.jms.JMSConsumer consumer = context.createDurableConsumer(context.createTopic(SmsAddresses.BILLING), AMQP_SUBSCRIPTION)) {
            javax.jms.Message message = firstTimeout.isZero() ? consumer.receiveNoWait() : consumer.receive(firstTimeout.toMillis());
            while (message != null) {
               Map<String, Object> properties = new TreeMap<>();
               for (Enumeration<?> names = message.getPropertyNames(); names.hasMoreElements(); ) {
                  String name = (String) names.nextElement();
                  if (name.startsWith("sms")) {
                     properties.put(name, message.getObjectProperty(name));
                  }
               }
               records.add(properties);
               message = consumer.receive(QUIET_TIME.toMillis());
            }
         }
      }
      return records;
   }

   /** The only record of {@code smsId} among {@code records}. */
   private static Map<String, Object> singleRecord(List<Map<String, Object>> records, String smsId) {
      List<Map<String, Object>> matching = records.stream().filter(r -> smsId.equals(r.get("smsId"))).toList();
      assertEquals(1, matching.size(), "one billing record for " + smsId + " in " + records);
      return matching.get(0);
   }

   /** The properties of {@code record} that {@code expected} names. */
   private static Map<String, Object> checked(Map<String, Object> record, Map<String, Object> expected) {
      Map<String, Object> subset = new TreeMap<>();
      expected.keySet().forEach(name -> subset.put(name, record.get(name)));
      return subset;
   }

   private static String requiredProperty(String name) {
      String value = System.getProperty(name);
      if (value == null) {
         throw new IllegalStateException("System property " + name + " is not set (run through mvn verify)");
      }
      return value;
   }

   private static void printBrokerLog() {
      if (broker != null) {
         System.out.println("===== broker log " + broker.logFile() + " =====");
         System.out.println(broker.log());
         System.out.println("===== end of broker log =====");
      }
      if (simulator != null) {
         System.out.println("SMSC simulator: " + simulator.stats());
      }
   }
}
