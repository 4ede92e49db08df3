package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.runtime.GatewayRuntime;
import io.smsgw.smpp.client.JsmppSmsc;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jsmpp.bean.Alphabet;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GeneralDataCoding;
import org.jsmpp.bean.MessageState;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.util.DeliveryReceiptState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Links cmcc1 and cmcc2 bound to one SMSC account share the correlation group "cmcc1" (the first name). MT go out on
 * both, the SMSC holds their receipts, and a reload (or a restart with the new configuration) removes cmcc1 (one bind
 * fewer): cmcc2's group becomes "cmcc2". The receipts the SMSC then sends on cmcc2's bind still find the records stored
 * under "cmcc1" (cmcc1's and cmcc2's own): the ESME gets every DELIVRD, each MT is billed DELIVRD by the link that sent
 * it, nothing is parked as unmatched. Before, cmcc2 looked under "cmcc2" only: every receipt was parked, and the MT
 * were reported and billed EXPIRED later. Real broker with routing, a jSMPP SMSC accepting both binds of one system_id,
 * a jSMPP ESME, billing a JMS subscriber.
 */
class CorrelationGroupChangeReloadTest {

   private static final String ESME = "smppclient1";
   private static final String UNMATCHED = "sms.dr.unmatched";
   private static final int MT_COUNT = 8;

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   /** cmcc2, and with {@code withCmcc1} also cmcc1, bound to one SMSC account; the route shares MT between them. */
   private void writeConfig(int smscPort, boolean withCmcc1) throws Exception {
      String timers = "reconnect-min = 100ms, reconnect-max = 300ms";
      String link = "{ host = \"127.0.0.1\", port = " + smscPort + ", system-id = \"gw\", password = \"pw\", " + timers + " }";
      Files.writeString(dir.resolve("sms-gateway.conf"), """
         gateway { code = "001001" }
         accounts { smppclient1 { password = "password", protocols = [SMPP] } }
         links {
           %1$s
           cmcc2 %2$s
         }
         routes { mt = [ { prefix = "86139", links = [ %3$s ] } ] }
         """.formatted(withCmcc1 ? "cmcc1 " + link : "", link,
                       withCmcc1 ? "{ link = cmcc1, weight = 1 }, { link = cmcc2, weight = 1 }" : "{ link = cmcc2, weight = 1 }"));
      System.setProperty("smsgw.config", dir.resolve("sms-gateway.conf").toString());
   }

   private TestBroker startBroker() throws Exception {
      return TestBroker.smpp(dir.resolve("broker"), "").configure(cfg -> {
         cfg.registerBrokerPlugin(new SmsRoutingPlugin());
         cfg.addQueueConfiguration(QueueConfiguration.of(UNMATCHED).setRoutingType(RoutingType.ANYCAST));
      }).start();
   }

   private static SmsRoutingControlMBean routing(TestBroker broker) {
      return (SmsRoutingControlMBean) broker.server().getManagementService().getUntypedControl("sms-routing");
   }

   private static boolean up(TestBroker broker, String link) {
      return GatewayRuntime.of(broker.server()).links().isUp(link);
   }

   private static String submit(SMPPSession esme, String destination) throws Exception {
      return esme.submitShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "8610086",
         TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, destination, new ESMClass(), (byte) 0, (byte) 1,
         null, null, new RegisteredDelivery(1), (byte) 0,
         new GeneralDataCoding(Alphabet.ALPHA_DEFAULT), (byte) 0, "Hello".getBytes(StandardCharsets.US_ASCII)).getMessageId();
   }

   private static MessageConsumer billingSubscription(Connection jms) throws Exception {
      jms.setClientID("billing-system");
      jms.start();
      Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
      return session.createDurableSubscriber(session.createTopic(SmsAddresses.BILLING), "cdr");
   }

   /** Sends {@link #MT_COUNT} MT with receipts requested through cmcc1 and cmcc2; the SMSC holds them. Their ids. */
   private static Set<String> sendHeld(JsmppSmsc smsc, SMPPSession esme, List<JsmppSmsc.Received> held) throws Exception {
      Set<String> ids = new TreeSet<>();
      for (int i = 0; i < MT_COUNT; i++) {
         ids.add(submit(esme, "86139001380" + (10 + i)));
      }
      for (int i = 0; i < MT_COUNT; i++) {
         JsmppSmsc.Received mt = smsc.submits.poll(10, TimeUnit.SECONDS);
         assertNotNull(mt, "MT " + (i + 1) + " of " + MT_COUNT + " at the SMSC");
         held.add(mt);
      }
      return ids;
   }

   /**
    * The held receipts, sent on cmcc2's bind (the only one), reach the ESME as DELIVRD, the MT are billed DELIVRD by
    * both links, nothing is parked.
    */
   private static void releaseAndCheck(JsmppSmsc smsc, TestBroker broker, RoutingEndToEndTest.Inbox inbox,
                                       MessageConsumer billing, Set<String> ids, List<JsmppSmsc.Received> held) throws Exception {
      for (JsmppSmsc.Received mt : held) {
         smsc.sendReceipt(mt, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
      }
      Map<String, String> expected = new TreeMap<>();
      ids.forEach(id -> expected.put(id, "DELIVRD"));
      Map<String, String> reported = new TreeMap<>();
      for (int i = 0; i < MT_COUNT; i++) {
         DeliverSm receipt = inbox.received.poll(15, TimeUnit.SECONDS);
         assertNotNull(receipt, "receipt " + (i + 1) + " of " + MT_COUNT + " at the ESME; reported so far: " + reported
                       + ", parked as unmatched: " + broker.messageCount(UNMATCHED));
         var text = receipt.getShortMessageAsDeliveryReceipt();
         reported.put(text.getId(), text.getFinalStatus().name());
      }
      assertEquals(expected, reported, "every MT reported DELIVRD to the ESME");

      Map<String, String> billed = new TreeMap<>();
      Set<String> links = new TreeSet<>();
      for (int i = 0; i < MT_COUNT; i++) {
         Message record = billing.receive(10_000);
         assertNotNull(record, "billing record " + (i + 1) + " of " + MT_COUNT);
         billed.put(record.getStringProperty("smsId"), record.getStringProperty("smsStatus"));
         links.add(record.getStringProperty("smsLink"));
      }
      assertEquals(expected, billed, "every MT billed DELIVRD");
      assertEquals(Set.of("cmcc1", "cmcc2"), links, "both links carried MT before the change");
      assertEquals(0, broker.messageCount(UNMATCHED), "no receipt parked as unmatched");
   }

   @Test
   void receiptsHeldOverAReloadThatRemovesTheGroupsNamesakeStillMatchOnTheRemainingBind() throws Exception {
      int smscPort = JsmppSmsc.freePort();
      writeConfig(smscPort, true);
      try (JsmppSmsc smsc = new JsmppSmsc(smscPort);
           TestBroker broker = startBroker();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         MessageConsumer billing = billingSubscription(jms);
         Wait.until("both links bound to the one account", Duration.ofSeconds(10),
                    () -> up(broker, "cmcc1") && up(broker, "cmcc2") && smsc.receivableSessions() == 2);
         RoutingEndToEndTest.Inbox inbox = new RoutingEndToEndTest.Inbox();
         SMPPSession esme = RoutingEndToEndTest.bind(broker, BindType.BIND_TRX, ESME, "password", inbox);
         try {
            List<JsmppSmsc.Received> held = new ArrayList<>();
            Set<String> ids = sendHeld(smsc, esme, held);

            // One bind fewer: cmcc2 is left alone on the account, and its group is its own name now.
            writeConfig(smscPort, false);
            assertEquals("", routing(broker).reload());
            Wait.until("cmcc1 gone, cmcc2 bound again alone", Duration.ofSeconds(10),
                       () -> !up(broker, "cmcc1") && up(broker, "cmcc2") && smsc.receivableSessions() == 1);

            releaseAndCheck(smsc, broker, inbox, billing, ids, held);
         } finally {
            esme.unbindAndClose();
         }
      }
   }

   @Test
   void receiptsHeldOverARestartWithoutTheGroupsNamesakeStillMatchOnTheRemainingBind() throws Exception {
      int smscPort = JsmppSmsc.freePort();
      writeConfig(smscPort, true);
      try (JsmppSmsc smsc = new JsmppSmsc(smscPort)) {
         List<JsmppSmsc.Received> held = new ArrayList<>();
         Set<String> ids;
         try (TestBroker broker = startBroker();
              Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
            billingSubscription(jms);
            Wait.until("both links bound to the one account", Duration.ofSeconds(10),
                       () -> up(broker, "cmcc1") && up(broker, "cmcc2") && smsc.receivableSessions() == 2);
            SMPPSession esme = RoutingEndToEndTest.bind(broker, BindType.BIND_TRX, ESME, "password",
                                                        new RoutingEndToEndTest.Inbox());
            try {
               ids = sendHeld(smsc, esme, held);
            } finally {
               esme.unbindAndClose();
            }
         }

         // Started again with one bind fewer: cmcc2 alone on the account, its group its own name.
         writeConfig(smscPort, false);
         try (TestBroker broker = startBroker();
              Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
            MessageConsumer billing = billingSubscription(jms);
            Wait.until("cmcc2 bound alone", Duration.ofSeconds(10),
                       () -> up(broker, "cmcc2") && smsc.receivableSessions() == 1);
            RoutingEndToEndTest.Inbox inbox = new RoutingEndToEndTest.Inbox();
            SMPPSession esme = RoutingEndToEndTest.bind(broker, BindType.BIND_TRX, ESME, "password", inbox);
            try {
               releaseAndCheck(smsc, broker, inbox, billing, ids, held);
            } finally {
               esme.unbindAndClose();
            }
         }
      }
   }
}
