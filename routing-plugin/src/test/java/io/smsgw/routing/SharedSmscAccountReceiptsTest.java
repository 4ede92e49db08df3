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
import io.smsgw.correlation.CorrelationRecord;
import io.smsgw.correlation.CorrelationStoreConfig;
import io.smsgw.correlation.RocksDbCorrelationStore;
import io.smsgw.correlation.SmsProtocol;
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
 * Two links bound to one SMSC account (the same host, port and system-id, for more window), sharing a route 3:1. The
 * SMSC hands the account's receipts to any of its binds: here always to the other one than the MT came on. Each
 * receipt still finds its MT's record, made by the other link: the ESME gets every DELIVRD, each MT is billed, nothing
 * is parked as unmatched. Before, records were kept per link name, so every such receipt was parked, and the MT were
 * reported and billed EXPIRED once their validity ended. Records stored under their link's name before links shared
 * their account's records (an upgrade) still match their receipts. Real broker, a jSMPP SMSC, a jSMPP ESME, billing a
 * JMS subscriber.
 */
class SharedSmscAccountReceiptsTest {

   private static final String ESME = "smppclient1";
   private static final String UNMATCHED = "sms.dr.unmatched";
   private static final int MT_COUNT = 12;

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   /**
    * Links cmcc1 and cmcc2 bound to one SMSC account, weighted 3:1; with {@code namedPort} also link cmcc3 on another
    * account, whose correlation-group is named.
    */
   private void writeConfig(int smscPort, int namedPort) throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      String timers = "reconnect-min = 100ms, reconnect-max = 300ms";
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { smppclient1 { password = "password", protocols = [SMPP] } }
         links {
           cmcc1 { host = "127.0.0.1", port = %1$d, system-id = "gw", password = "pw", %2$s }
           cmcc2 { host = "127.0.0.1", port = %1$d, system-id = "gw", password = "pw", %2$s }
           %3$s
         }
         routes { mt = [ { prefix = "86139", links = [ { link = cmcc1, weight = 3 }, { link = cmcc2, weight = 1 } ] } ] }
         """.formatted(smscPort, timers, namedPort == 0 ? "" : "cmcc3 { host = \"127.0.0.1\", port = " + namedPort
                       + ", system-id = \"gw3\", password = \"pw\", correlation-group = \"acct3\", " + timers + " }"));
      System.setProperty("smsgw.config", file.toString());
   }

   /** With the parking queue of unmatched receipts in place (as broker.xml has it), so what is parked stays there. */
   private TestBroker startBroker() throws Exception {
      return TestBroker.smpp(dir, "").configure(cfg -> {
         cfg.registerBrokerPlugin(new SmsRoutingPlugin());
         cfg.addQueueConfiguration(QueueConfiguration.of(UNMATCHED).setRoutingType(RoutingType.ANYCAST));
      }).start();
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

   /** The ESME's next {@code count} receipts: final state by message id. */
   private static Map<String, String> receipts(RoutingEndToEndTest.Inbox inbox, int count) throws Exception {
      Map<String, String> states = new TreeMap<>();
      for (int i = 0; i < count; i++) {
         DeliverSm receipt = inbox.received.poll(15, TimeUnit.SECONDS);
         assertNotNull(receipt, "receipt " + (i + 1) + " of " + count + " at the ESME");
         var text = receipt.getShortMessageAsDeliveryReceipt();
         states.put(text.getId(), text.getFinalStatus().name());
      }
      return states;
   }

   @Test
   void aReceiptTheSmscHandsToTheOtherBindOfTheAccountReachesTheEsmeAndIsBilled() throws Exception {
      int smscPort = JsmppSmsc.freePort();
      writeConfig(smscPort, 0);
      try (JsmppSmsc smsc = new JsmppSmsc(smscPort);
           TestBroker broker = startBroker();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         MessageConsumer billing = billingSubscription(jms);
         Wait.until("both links bound to the one account", Duration.ofSeconds(10),
                    () -> up(broker, "cmcc1") && up(broker, "cmcc2") && smsc.receivableSessions() == 2);
         RoutingEndToEndTest.Inbox inbox = new RoutingEndToEndTest.Inbox();
         SMPPSession esme = RoutingEndToEndTest.bind(broker, BindType.BIND_TRX, ESME, "password", inbox);
         try {
            Set<String> ids = new TreeSet<>();
            for (int i = 0; i < MT_COUNT; i++) {
               ids.add(submit(esme, "86139001380" + (10 + i)));
            }
            List<JsmppSmsc.Received> atSmsc = new ArrayList<>();
            for (int i = 0; i < MT_COUNT; i++) {
               JsmppSmsc.Received mt = smsc.submits.poll(10, TimeUnit.SECONDS);
               assertNotNull(mt, "MT " + (i + 1) + " of " + MT_COUNT + " at the SMSC");
               atSmsc.add(mt);
            }
            for (JsmppSmsc.Received mt : atSmsc) {
               smsc.sendReceiptOnOtherSession(mt, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            }

            Map<String, String> expected = new TreeMap<>();
            ids.forEach(id -> expected.put(id, "DELIVRD"));
            assertEquals(expected, receipts(inbox, MT_COUNT), "every MT reported DELIVRD to the ESME");

            Map<String, String> billed = new TreeMap<>();
            Set<String> links = new TreeSet<>();
            for (int i = 0; i < MT_COUNT; i++) {
               Message record = billing.receive(10_000);
               assertNotNull(record, "billing record " + (i + 1) + " of " + MT_COUNT);
               billed.put(record.getStringProperty("smsId"), record.getStringProperty("smsStatus"));
               links.add(record.getStringProperty("smsLink"));
            }
            assertEquals(expected, billed, "every MT billed DELIVRD");
            assertEquals(Set.of("cmcc1", "cmcc2"), links, "both links carried MT, and their records name the link that sent");
            assertEquals(0, broker.messageCount(UNMATCHED), "no receipt parked as unmatched");
         } finally {
            esme.unbindAndClose();
         }
      }
   }

   @Test
   void recordsStoredUnderALinksNameBeforeTheUpgradeStillMatchTheirReceipts() throws Exception {
      int smscPort = JsmppSmsc.freePort();
      int namedPort = JsmppSmsc.freePort();
      writeConfig(smscPort, namedPort);
      Path store;
      try (TestBroker broker = startBroker()) {
         store = broker.server().getConfiguration().getJournalLocation().getAbsoluteFile().getParentFile().toPath()
            .resolve("sms-correlation");
      }
      // As a gateway from before correlation groups stored them: keyed by the name of the link that sent the MT.
      long now = System.currentTimeMillis();
      try (RocksDbCorrelationStore records = RocksDbCorrelationStore.open(CorrelationStoreConfig.builder(store).build())) {
         for (String[] r : new String[][] {{"cmcc1", "5abc", "00000000000000c1"}, {"cmcc3", "5abd", "00000000000000c3"}}) {
            records.put(new CorrelationRecord(r[0], r[1], r[2], ESME, null, "8610086", "8613900138099", null, 0, null, null,
               null, now, now + 600_000, 0, 0, 0, 1, SmsProtocol.SMPP, "3.4")).toCompletableFuture().get(10, TimeUnit.SECONDS);
         }
      }
      try (JsmppSmsc smsc = new JsmppSmsc(smscPort);
           JsmppSmsc named = new JsmppSmsc(namedPort);
           TestBroker broker = startBroker();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         MessageConsumer billing = billingSubscription(jms);
         Wait.until("the three links bound", Duration.ofSeconds(10), () -> up(broker, "cmcc1") && up(broker, "cmcc2")
                    && up(broker, "cmcc3") && smsc.receivableSessions() == 2 && named.receivableSessions() == 1);
         RoutingEndToEndTest.Inbox inbox = new RoutingEndToEndTest.Inbox();
         SMPPSession esme = RoutingEndToEndTest.bind(broker, BindType.BIND_TRX, ESME, "password", inbox);
         try {
            // cmcc1's name is its account's group: its record matches on either bind. cmcc3's group is named: its record
            // is found under its own name.
            smsc.sendReceipt(new JsmppSmsc.Received("5abc", "8613900138099", "8610086", 0, new byte[0], (byte) 0),
                             DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            named.sendReceipt(new JsmppSmsc.Received("5abd", "8613900138099", "8610086", 0, new byte[0], (byte) 0),
                              DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            assertEquals(Map.of("00000000000000c1", "DELIVRD", "00000000000000c3", "DELIVRD"), receipts(inbox, 2));
            Map<String, String> billedBy = new TreeMap<>();
            for (int i = 0; i < 2; i++) {
               Message record = billing.receive(10_000);
               assertNotNull(record, "billing record " + (i + 1) + " of 2");
               assertEquals("DELIVRD", record.getStringProperty("smsStatus"));
               billedBy.put(record.getStringProperty("smsId"), record.getStringProperty("smsLink"));
            }
            assertEquals(Map.of("00000000000000c1", "cmcc1", "00000000000000c3", "cmcc3"), billedBy);
            assertEquals(0, broker.messageCount(UNMATCHED), "nothing parked");
         } finally {
            esme.unbindAndClose();
         }
      }
   }
}
