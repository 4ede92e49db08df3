package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.client.JsmppSmsc;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.postoffice.Binding;
import org.apache.activemq.artemis.core.postoffice.Bindings;
import org.apache.activemq.artemis.core.postoffice.impl.LocalQueueBinding;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jsmpp.bean.MessageState;
import org.jsmpp.util.DeliveryReceiptState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CDR writer's subscription on {@code sms.billing} exists before anything routes a billing record to it, and a
 * reload that renames it hands its records to the new one. Before, the writer thread created its queue only once the
 * broker had started, after the SMSC links (a receipt an SMSC sent right at the bind lost its billing record), and a
 * renamed queue stayed behind with its unwritten records, collecting every new record unread.
 */
class CdrSubscriptionTest {

   private static final String RENAMED = "billing-cdr.renamed";
   private static final Duration PATIENCE = Duration.ofSeconds(15);

   @TempDir
   Path dir;
   private Path cdr;
   private Path configFile;

   @BeforeEach
   void createDirectory() throws Exception {
      cdr = Files.createDirectory(dir.resolve("cdr"));
      configFile = dir.resolve("sms-gateway.conf");
      System.setProperty("smsgw.config", configFile.toString());
   }

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   /** A gateway with the link {@code sim} to an SMSC on {@code smscPort} (none for 0) and this billing section. */
   private void writeConfig(int smscPort, String billing) throws IOException {
      String link = smscPort == 0 ? "" : """
         links { sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 200ms } }
         routes { mt = [ { prefix = "86138", links = [ sim ] } ] }
         """.formatted(smscPort);
      Files.writeString(configFile, """
         gateway { code = "001001" }
         accounts { app1 { password = "unused", protocols = [SMPP] } }
         %s
         billing {
           %s
         }
         """.formatted(link, billing));
   }

   private String section(Path directory, String more) {
      return "cdr { directory = \"" + directory + "\", " + more + " }";
   }

   private static void sendMt(TestBroker broker, String destination) throws Exception {
      try (Connection c = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
           Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer p = s.createProducer(s.createQueue(SmsAddresses.MT))) {
         TextMessage mt = s.createTextMessage("Your code is 4711");
         mt.setStringProperty("smsAccount", CdrFilesTest.ACCOUNT);
         mt.setStringProperty("smsSource", "10086");
         mt.setStringProperty("smsDestination", destination);
         p.send(mt);
      }
   }

   /** The queues bound to sms.billing. */
   private static List<String> billingSubscriptions(TestBroker broker) throws Exception {
      Bindings bindings = broker.server().getPostOffice().getBindingsForAddress(SimpleString.of(SmsAddresses.BILLING));
      List<String> queues = new ArrayList<>();
      for (Binding binding : bindings.getBindings()) {
         if (binding instanceof LocalQueueBinding) {
            queues.add(binding.getUniqueName().toString());
         }
      }
      return queues;
   }

   /**
    * An operator enables billing.cdr on a gateway whose SMSC holds a receipt for an MT submitted before: the SMSC sends
    * it right at the bind, while the broker is still activating (the links start before the activation completes,
    * decision 61). Its billing record is a line of a CSV file.
    */
   @Test
   void aReceiptTheSmscSendsAtTheBindOfAGatewayThatJustEnabledCdrFilesIsBilledInAFile() throws Exception {
      int port = JsmppSmsc.freePort();
      try (JsmppSmsc smsc = new JsmppSmsc(port)) {
         writeConfig(port, "");
         JsmppSmsc.Received atSmsc;
         try (TestBroker first = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start()) {
            Wait.until("link bound", PATIENCE, smsc::hasBoundSession);
            sendMt(first, "8613800138001");
            atSmsc = smsc.submits.poll(10, TimeUnit.SECONDS);
            assertNotNull(atSmsc, "the MT reached the SMSC");
            Wait.until("the MT accepted by the SMSC and off its link's queue", PATIENCE,
                       () -> first.messageCount(SmsAddresses.smscLinkQueue("sim")) == 0);
         }

         writeConfig(port, section(cdr, "max-records = 1"));
         CountDownLatch release = new CountDownLatch(1);
         RoutingStartupTest.HeldAcceptorFactory.release = release;
         TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> {
            cfg.registerBrokerPlugin(new SmsRoutingPlugin());
            cfg.addAcceptorConfiguration(new TransportConfiguration(RoutingStartupTest.HeldAcceptorFactory.class.getName(),
                                                                    Map.of("serverId", 4712), "held"));
         });
         CompletableFuture<Void> started = CompletableFuture.runAsync(() -> {
            try {
               broker.start();
            } catch (Exception e) {
               throw new IllegalStateException(e);
            }
         });
         try {
            // the link binds again while the activation is held, and the SMSC sends its receipt at once
            Wait.until("the link bound again", PATIENCE, () -> smsc.binds.get() == 2 && smsc.hasBoundSession());
            smsc.sendReceipt(atSmsc, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED); // returns once the gateway answered
            release.countDown();
            started.get(15, TimeUnit.SECONDS);
            Wait.until("the report on app1's queue", PATIENCE,
                       () -> broker.messageCount(SmsAddresses.accountQueue(CdrFilesTest.ACCOUNT)) == 1);
            Wait.until("the receipt's billing record a line of a closed file", PATIENCE, () -> CdrFilesTest.countRecords(cdr) == 1);
            List<String> record = CdrFilesTest.records(cdr).get(0);
            assertEquals("8613800138001", record.get(CdrFilesTest.column("smsSource")), "the report's source: the MT's destination");
            assertEquals("DELIVRD", record.get(CdrFilesTest.column("smsStatus")));
            assertEquals("sim", record.get(CdrFilesTest.column("smsLink")));
         } finally {
            release.countDown();
            started.handle((ok, failed) -> null).get(15, TimeUnit.SECONDS);
            broker.close();
         }
      }
   }

   /**
    * Records wait on the subscription while the directory cannot be written; a reload renames the queue (and names a
    * directory that works): the waiting records are written from the new queue, the old one is gone, and what comes
    * next is written once.
    */
   @Test
   void aRenamedSubscriptionHandsItsWaitingRecordsToTheNewOneAndGoes() throws Exception {
      writeConfig(0, section(cdr, "max-records = 1"));
      try (TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start()) {
         Wait.until("routing active", PATIENCE, () -> CdrFilesTest.routing(broker) != null);
         SmsRoutingControlMBean control = CdrFilesTest.routing(broker);
         // the directory goes and a file takes its place: nothing can be written, the records wait on the queue
         Files.delete(cdr);
         Files.writeString(cdr, "not a directory");
         String[] ids = new String[25];
         for (int i = 0; i < ids.length; i++) {
            ids[i] = String.format("00000000000001%02d", i);
         }
         CdrFilesTest.reports(broker, ids);
         Wait.until("write errors", PATIENCE, () -> CdrFilesTest.routing(broker).getCdrCounters()[2] >= 1);
         Wait.until("all records waiting on the old queue", PATIENCE, () -> broker.messageCount(CdrFilesTest.QUEUE) == ids.length);

         Path other = Files.createDirectory(dir.resolve("other"));
         writeConfig(0, section(other, "max-records = 10, rotate-interval = 500ms, queue = \"" + RENAMED + "\""));
         assertEquals("", control.reload());

         assertNull(broker.server().locateQueue(SimpleString.of(CdrFilesTest.QUEUE)), "the old subscription is gone");
         assertEquals(List.of(RENAMED), billingSubscriptions(broker), "no other queue collects billing records");
         Wait.until("the waiting records written from the new queue", PATIENCE, () -> CdrFilesTest.countRecords(other) == ids.length);

         CdrFilesTest.reports(broker, "0000000000000199");
         Wait.until("a new record written too", PATIENCE, () -> CdrFilesTest.countRecords(other) == ids.length + 1);
         Wait.until("all acknowledged", PATIENCE, () -> broker.messageCount(RENAMED) == 0);
         List<String> written = CdrFilesTest.records(other).stream().map(r -> r.get(CdrFilesTest.column("smsId"))).sorted().toList();
         List<String> expected = new ArrayList<>(List.of(ids));
         expected.add("0000000000000199");
         assertEquals(expected, written, "each record once");
      }
   }
}
