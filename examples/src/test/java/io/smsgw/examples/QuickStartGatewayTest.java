package io.smsgw.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.StatusReport;
import io.smsgw.core.config.GatewayConfig;
import io.smsgw.core.config.GatewayConfigLoader;
import io.smsgw.core.config.GatewayConfigLocator;
import io.smsgw.core.config.RouteConfig;
import io.smsgw.core.config.SmscLinkConfig;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.receipt.DeliveryReceipt;
import io.smsgw.core.receipt.DeliveryState;
import io.smsgw.simulator.MoMessage;
import io.smsgw.simulator.SmscSimulator;
import io.smsgw.smpp.client.SmscLinkControlMBean;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.Queue;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.InterfaceVersion;
import org.jsmpp.bean.MessageType;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the quick-start gateway the way a user would, on free ports, with the bundled SMSC simulator
 * answering within 100 ms and delivering every message, and runs the README's clients through the whole
 * loop: submit, SMSC link, receipt back to the submitter, billing record.
 */
class QuickStartGatewayTest {

   private static final Duration TIMEOUT = Duration.ofSeconds(20);
   private static final Duration RECEIPT_DELAY = Duration.ofMillis(100);

   @TempDir
   static Path dataDir;

   private static QuickStartGateway gateway;
   private static String configPropertyBefore;

   @BeforeAll
   static void startGateway() throws Exception {
      configPropertyBefore = System.getProperty(GatewayConfigLocator.PATH_PROPERTY);
      QuickStartGateway.Settings settings = QuickStartGateway.Settings.fromSystemProperties(dataDir.toString());
      gateway = QuickStartGateway.start(new QuickStartGateway.Settings(
         settings.etcDir(), settings.dataDir(), 0, 0, 0, new QuickStartGateway.SimulatorSettings(0, RECEIPT_DELAY, 1.0)));
   }

   @AfterAll
   static void stopGateway() throws Exception {
      if (gateway != null) {
         gateway.close();
         assertFalse(gateway.server().isStarted(), "close() stops the broker");
         assertEquals(configPropertyBefore, System.getProperty(GatewayConfigLocator.PATH_PROPERTY),
                      "close() gives smsgw.config its former value back");
      }
   }

   @Test
   void brokerIsUpWithTheSmppAndCmppAcceptorsListening() {
      ActiveMQServer server = gateway.server();
      assertTrue(server.isActive());
      // The whole loop of this class runs without one (decision 103): the metrics example stays commented out.
      assertNull(server.getMetricsManager(), "the shipped broker.xml configures no metrics plugin");
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
   void journalAndCorrelationStoreLiveInTheChosenDataFolder() {
      assertTrue(gateway.server().getConfiguration().isPersistenceEnabled());
      assertTrue(Files.isDirectory(dataDir.resolve("journal")), "journal folder under " + dataDir);
      assertTrue(Files.isDirectory(dataDir.resolve("bindings")), "bindings folder under " + dataDir);
      assertTrue(Files.isDirectory(dataDir.resolve("sms-correlation")), "the SMSC link's receipt correlation store under " + dataDir);
   }

   @Test
   void contractAddressesAreDeclared() {
      ActiveMQServer server = gateway.server();
      for (String queue : new String[] {SmsAddresses.MT, SmsAddresses.MO, SmsAddresses.DR, "sms.dlq", SmsAddresses.smscLinkQueue("sim"),
                                        SmsAddresses.accountQueue("smppclient1"), SmsAddresses.accountQueue("901234")}) {
         assertNotNull(server.locateQueue(queue), queue);
      }
      assertTrue(server.getAddressInfo(SimpleString.of(SmsAddresses.BILLING)).getRoutingTypes().contains(RoutingType.MULTICAST));
      Queue billingDemo = server.locateQueue("billing-demo.records");
      assertNotNull(billingDemo, "ReadBillingWithJms's durable subscription is declared");
      assertEquals(SmsAddresses.BILLING, billingDemo.getAddress().toString());
   }

   @Test
   void smsQueuesDoNotGroupMessages() {
      ActiveMQServer server = gateway.server();
      for (String queue : new String[] {SmsAddresses.MT, SmsAddresses.smscLinkQueue("sim"), SmsAddresses.accountQueue("901234"),
                                        "billing-demo.records"}) {
         assertEquals(0, server.locateQueue(queue).getGroupBuckets(), queue + ": broker.xml's default-group-buckets for sms.#");
      }
      assertEquals(-1, server.locateQueue("DLQ").getGroupBuckets(), "other addresses keep Artemis' default");
   }

   @Test
   void simulatorListensOnAFreePortAndTheLinkSimBindsToIt() throws Exception {
      SmscSimulator simulator = gateway.simulator().orElseThrow();
      assertNotEquals(2776, simulator.port(), "-Dsmsgw.simulator.port moved the simulator");
      SmscLinkControlMBean link = (SmscLinkControlMBean) gateway.server().getManagementService().getUntypedControl("smsc-link.sim");
      assertNotNull(link, "the link's management bean");
      Wait.until("link sim bound", TIMEOUT, () -> "BOUND".equals(link.getState()));
      assertEquals("127.0.0.1:" + simulator.port(), link.getSmsc(), "the link follows the simulator to its port");
      assertEquals(1, simulator.stats().sessionsBound(), "one transceiver bound with the link's credentials");
      Path overlay = dataDir.resolve(SimulatorLink.OVERLAY_FILE);
      assertTrue(Files.readString(overlay).contains("links.sim.port = " + simulator.port()), Files.readString(overlay));
   }

   /**
    * The README's way to the management beans: a JMX client on the quick start's JMX port (jconsole 127.0.0.1:port)
    * sees the broker's beans and the gateway's, reads attributes and runs operations, as the console would.
    */
   /** An attribute read over JMX, for a wait's condition. */
   static Object attribute(javax.management.MBeanServerConnection beans, javax.management.ObjectName bean, String attribute) {
      try {
         return beans.getAttribute(bean, attribute);
      } catch (Exception e) {
         throw new IllegalStateException(e);
      }
   }

   @Test
   void theManagementBeansAreReachableOverRemoteJmxOnTheLoopbackAddress() throws Exception {
      try (JmxRemote jmx = JmxRemote.start(0);
           javax.management.remote.JMXConnector client = javax.management.remote.JMXConnectorFactory.connect(jmx.url())) {
         assertTrue(jmx.url().toString().contains("127.0.0.1:" + jmx.port()), "one port, on the loopback address: " + jmx.url());
         javax.management.MBeanServerConnection beans = client.getMBeanServerConnection();
         String broker = "org.apache.activemq.artemis:broker=\"sms-gateway\"";
         javax.management.ObjectName link = new javax.management.ObjectName(broker + ",component=smsc-links,name=\"sim\"");
         Wait.until("link sim bound, read remotely", TIMEOUT, () -> "BOUND".equals(attribute(beans, link, "State")));
         javax.management.ObjectName routing = new javax.management.ObjectName(broker + ",component=sms-routing,name=\"routing\"");
         @SuppressWarnings("unchecked")
         Map<String, Long> counters = (Map<String, Long>) beans.invoke(routing, "accountCounters", new Object[] {SendFirstSms.SYSTEM_ID},
                                                                       new String[] {String.class.getName()});
         assertTrue(counters.containsKey("submitted"), "counters by name: " + counters);
         assertEquals(1, beans.queryNames(new javax.management.ObjectName(broker + ",component=sms-login-penalties,*"), null).stream()
            .filter(name -> "\"smpp\"".equals(name.getKeyProperty("name"))).count(), "the SMPP acceptor's bean");
         assertTrue(beans.isRegistered(new javax.management.ObjectName(broker)), "the broker's own bean");
      }
   }

   @Test
   void smppSubmitComesBackAsReceiptAndIsBilledOnce() throws Exception {
      SendFirstSms.Outcome outcome = SendFirstSms.send("127.0.0.1", gateway.smppPort(), SendFirstSms.TEXT,
                                                       SendFirstSms.DESTINATION, TIMEOUT);
      assertFalse(outcome.messageId() == null || outcome.messageId().isBlank(), "submit_sm_resp carries a message id");
      DeliveryReceipt receipt = outcome.receipt();
      assertNotNull(receipt, "the receipt came back to the ESME");
      assertEquals(outcome.messageId(), receipt.id(), "the receipt names the id of submit_sm_resp");
      assertEquals(DeliveryState.DELIVRD, receipt.state());

      ReadBillingWithJms.BillingRecord record = singleRecordFor(outcome.messageId());
      assertEquals(SendFirstSms.SYSTEM_ID, record.property("smsAccount"));
      assertEquals("DELIVRD", record.property("smsStatus"));
      assertEquals("sim", record.property("smsLink"));
      assertEquals(SendFirstSms.DESTINATION, record.property("smsSource"), "the handset the report came from");
      assertEquals(Boolean.TRUE, record.property("smsBillable"), "delivered, no fee type: billed per message");
   }

   @Test
   void cmppSubmitComesBackAsStatusReportAndIsRecordedOnce() throws Exception {
      SendFirstCmpp.Outcome outcome = SendFirstCmpp.send("127.0.0.1", gateway.cmppPort(), SendFirstCmpp.TEXT,
                                                         SendFirstCmpp.DESTINATION, TIMEOUT);
      assertEquals(16, outcome.msgId().length(), "SUBMIT_RESP carries a Msg_Id, shown as 16 hex digits: " + outcome.msgId());
      StatusReport report = outcome.report();
      assertNotNull(report, "the status report came back to the SP");
      assertEquals(outcome.msgId(), io.smsgw.core.id.CmppMsgId.toHex(report.msgId()), "the report names the Msg_Id of SUBMIT_RESP");
      assertEquals("DELIVRD", report.stat());
      assertEquals(SendFirstCmpp.DESTINATION, report.destTerminalId());

      ReadBillingWithJms.BillingRecord record = singleRecordFor(outcome.msgId());
      assertEquals(SendFirstCmpp.SP_ID, record.property("smsAccount"));
      assertEquals(SendFirstCmpp.SERVICE_ID, record.property("smsServiceId"));
      assertEquals("01", record.property("smsFeeType"));
      assertEquals(Boolean.FALSE, record.property("smsBillable"), "a free message (FeeType 01) is recorded, not billed");
   }

   @Test
   void moToTheServiceNumber10086ReachesSmppclient1() throws Exception {
      SmscSimulator simulator = gateway.simulator().orElseThrow();
      SmscLinkControlMBean link = (SmscLinkControlMBean) gateway.server().getManagementService().getUntypedControl("smsc-link.sim");
      Wait.until("link sim bound", TIMEOUT, () -> "BOUND".equals(link.getState()));
      BlockingQueue<DeliverSm> inbox = new LinkedBlockingQueue<>();
      SMPPSession esme = new SMPPSession();
      esme.setTransactionTimer(10_000); // jsmpp waits 2 s for an answer by default: too short on a loaded host
      esme.setMessageReceiverListener(new MessageReceiverListener() {
         @Override
         public void onAcceptDeliverSm(DeliverSm deliverSm) {
            inbox.add(deliverSm);
         }

         @Override
         public void onAcceptAlertNotification(AlertNotification alertNotification) {
         }

         @Override
         public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) {
            return null;
         }
      });
      esme.connectAndBind("127.0.0.1", gateway.smppPort(), new BindParameter(BindType.BIND_RX, SendFirstSms.SYSTEM_ID,
         SendFirstSms.PASSWORD, "", TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null, InterfaceVersion.IF_34));
      try {
         int status = simulator.injectMo("smsgw", MoMessage.text("8613800138000", "1008601", "Balance?"))
            .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
         assertEquals(0, status, "the gateway took the MO");
         DeliverSm mo = inbox.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
         while (mo != null && MessageType.SMSC_DEL_RECEIPT.containedIn(mo.getEsmClass())) {
            mo = inbox.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS); // a receipt another test left waiting
         }
         assertNotNull(mo, "the MO for 10086 reached smppclient1");
         assertEquals("Balance?", new String(mo.getShortMessage(), StandardCharsets.ISO_8859_1));
         assertEquals("8613800138000", mo.getSourceAddr());
         assertEquals("1008601", mo.getDestAddress());
      } finally {
         esme.unbindAndClose();
      }
   }

   @Test
   void sendFirstCmppRefusesTextsLongerThanOneMessage() {
      String longText = "x".repeat(141);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
         () -> SendFirstCmpp.send("127.0.0.1", gateway.cmppPort(), longText, SendFirstCmpp.DESTINATION, TIMEOUT));
      assertTrue(e.getMessage().contains("141 octets"), e.getMessage());
   }

   @Test
   void shippedConfigurationLinksEverythingToTheSimulator() throws Exception {
      Path etc = QuickStartGateway.Settings.fromSystemProperties().etcDir();
      GatewayConfig config = GatewayConfigLoader.load(etc.resolve(GatewayConfigLoader.FILE_NAME));
      SmscLinkConfig sim = SimulatorLink.find(config).orElseThrow();
      assertEquals("127.0.0.1", sim.host());
      assertEquals(2776, sim.port());
      assertEquals(List.of(new RouteConfig.WeightedLink("sim", 1)), config.routes().mt().get(0).links());
      assertEquals("", config.routes().mt().get(0).prefix(), "every number goes to sim");
      assertEquals(List.of(new RouteConfig.MoRoute("1065712345", "901234"), new RouteConfig.MoRoute("10086", "smppclient1")),
                   config.routes().mo());
      assertTrue(config.billing().isBillable("DELIVRD", ""));
      assertFalse(config.billing().isBillable("UNDELIV", "02"));
   }

   @Test
   void applicationAcceptorServesTheProtocolsThisClassPathHas() {
      Object protocols = gateway.server().getConfiguration().getAcceptorConfigurations().stream()
         .filter(acceptor -> QuickStartGateway.CORE_ACCEPTOR.equals(acceptor.getName()))
         .findFirst().orElseThrow().getParams().get(TransportConstants.PROTOCOLS_PROP_NAME);
      assertEquals("CORE", protocols, "broker.xml lists AMQP, STOMP, HORNETQ, MQTT and OPENWIRE too; their jars are not here");
   }

   @Test
   void acceptorsKeepTheirAvailableProtocolsAndOnlyThose() throws Exception {
      Configuration config = new ConfigurationImpl();
      config.addAcceptorConfiguration("app", "tcp://127.0.0.1:0?protocols=CORE,AMQP,STOMP,SMPP");
      config.addAcceptorConfiguration("smpp", "tcp://127.0.0.1:0?protocols=SMPP");
      config.addAcceptorConfiguration("amqp-only", "tcp://127.0.0.1:0?protocols=AMQP");
      config.addAcceptorConfiguration("any", "tcp://127.0.0.1:0");

      QuickStartGateway.useAvailableProtocols(config);

      Map<String, Object> protocols = new HashMap<>();
      config.getAcceptorConfigurations().forEach(acceptor -> protocols.put(acceptor.getName(),
         acceptor.getParams().get(TransportConstants.PROTOCOLS_PROP_NAME)));
      assertEquals("CORE,SMPP", protocols.get("app"));
      assertEquals("SMPP", protocols.get("smpp"));
      assertEquals("AMQP", protocols.get("amqp-only"), "nothing to keep: left for the broker to report");
      assertEquals(null, protocols.get("any"), "no list: the broker's default, all protocols it has");
      assertEquals(4, protocols.size());
   }

   @Test
   void simulatorDefaultsAreOneSecondAndNineInTenDelivered() {
      QuickStartGateway.SimulatorSettings defaults = QuickStartGateway.SimulatorSettings.fromSystemProperties();
      assertEquals(QuickStartGateway.CONFIGURED_PORT, defaults.port(), "link sim's port");
      assertEquals(Duration.ofSeconds(1), defaults.receiptDelay());
      assertEquals(0.9, defaults.receiptSuccessRatio());
   }

   /**
    * -Dsmsgw.smpp.port=abc used to start the gateway on broker.xml's port without a word, and a success ratio that is
    * no number failed with a bare NumberFormatException: each now stops the start naming the property.
    */
   @Test
   void aQuickStartPropertyThatCannotBeReadIsRefusedByName() {
      String[][] cases = {
         {"smsgw.smpp.port", "abc", "expected a port, 0 to 65535"},
         {"smsgw.cmpp.port", "70000", "expected a port, 0 to 65535"},
         {"smsgw.simulator.port", "-1", "expected a port"},
         {"smsgw.simulator.receipt-delay-ms", "1s", "expected milliseconds"},
         {"smsgw.simulator.success-ratio", "90%", "expected a share from 0 to 1"},
         {"smsgw.simulator.success-ratio", "1.5", "expected a share from 0 to 1"},
      };
      for (String[] wrong : cases) {
         System.setProperty(wrong[0], wrong[1]);
         try {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
               () -> QuickStartGateway.Settings.fromSystemProperties(dataDir.toString()));
            assertTrue(refused.getMessage().startsWith("System property " + wrong[0] + "=" + wrong[1] + " is not valid: " + wrong[2]),
                       refused.getMessage());
         } finally {
            System.clearProperty(wrong[0]);
         }
      }
      System.setProperty("smsgw.smpp.port", "0");
      try {
         assertEquals(0, QuickStartGateway.Settings.fromSystemProperties(dataDir.toString()).smppPort());
      } finally {
         System.clearProperty("smsgw.smpp.port");
      }
   }

   /** The quick start ignored SMSGW_CONFIG, which the README names between -Dsmsgw.config and etc/: it now follows that order. */
   @Test
   void theConfigurationFileIsTheSystemPropertyThenSmsgwConfigThenEtc() {
      Path etc = Path.of("etc");
      assertEquals(Path.of("/p.conf"), QuickStartGateway.configFile(etc, "/p.conf", "/env.conf"));
      assertEquals(Path.of("/env.conf"), QuickStartGateway.configFile(etc, null, "/env.conf"));
      assertEquals(etc.resolve("sms-gateway.conf"), QuickStartGateway.configFile(etc, null, null));
      assertEquals(etc.resolve("sms-gateway.conf"), QuickStartGateway.configFile(etc, "", " "), "empty counts as unset");
   }

   /** The one billing record of {@code smsId} among those waiting on ReadBillingWithJms's subscription. */
   private static ReadBillingWithJms.BillingRecord singleRecordFor(String smsId) throws Exception {
      List<ReadBillingWithJms.BillingRecord> records = ReadBillingWithJms.read("tcp://127.0.0.1:" + gateway.corePort(),
                                                                               TIMEOUT, Duration.ofMillis(500))
         .stream().filter(r -> smsId.equals(r.property("smsId"))).toList();
      assertEquals(1, records.size(), "one billing record for " + smsId + ": " + records);
      return records.get(0);
   }
}
