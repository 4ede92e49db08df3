package io.smsgw.routing;

import static io.smsgw.routing.CdrFilesTest.ACCOUNT;
import static io.smsgw.routing.CdrFilesTest.HEADER;
import static io.smsgw.routing.CdrFilesTest.QUEUE;
import static io.smsgw.routing.CdrFilesTest.column;
import static io.smsgw.routing.CdrFilesTest.countRecords;
import static io.smsgw.routing.CdrFilesTest.files;
import static io.smsgw.routing.CdrFilesTest.records;
import static io.smsgw.routing.CdrFilesTest.reports;
import static io.smsgw.routing.CdrFilesTest.routing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.runtime.GatewayRuntime;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.impl.AckReason;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerSessionPlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CDR writer at its edges (decision 149): a gateway sharing the directory under a prefix with the same stem keeps
 * its open file; a broker stop does not make the writer write records the stop already gave back (lines repeated after
 * the restart); a session closed in the middle of acknowledging a batch gives all of it back; a reload that overlaps a
 * broker stop does not start a writer on the stopped broker.
 */
class CdrWriterEdgesTest {

   private static final Duration PATIENCE = Duration.ofSeconds(15);

   @TempDir
   Path dir;
   private Path cdr;
   private Path configFile;
   private SmsRoutingPlugin plugin;

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

   private void writeConfig(String more) throws IOException {
      Files.writeString(configFile, """
         gateway { code = "001001" }
         accounts { app1 { password = "unused", protocols = [SMPP] } }
         billing {
           cdr { directory = "%s", %s }
         }
         """.formatted(cdr, more));
   }

   private TestBroker start() throws Exception {
      plugin = new SmsRoutingPlugin();
      TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> {
         cfg.registerBrokerPlugin(plugin);
         cfg.addQueueConfiguration(QueueConfiguration.of(SmsAddresses.accountQueue(ACCOUNT)).setAddress(SmsAddresses.accountQueue(ACCOUNT))
                                      .setRoutingType(RoutingType.ANYCAST));
      }).start();
      Wait.until("routing active", PATIENCE, () -> routing(broker) != null);
      Wait.until("the writer's session", PATIENCE, () -> broker.consumerCount(QUEUE) == 1);
      return broker;
   }

   private static long delivering(TestBroker broker) {
      return broker.server().locateQueue(SimpleString.of(QUEUE)).getDeliveringCount();
   }

   private List<String> writtenIds() throws IOException {
      return records(cdr).stream().map(r -> r.get(column("smsId"))).sorted().toList();
   }

   /** The directory is replaced by a file (an unmounted volume): every write fails until it is back. */
   private Path breakDirectory() throws IOException {
      Path away = Files.move(cdr, dir.resolve("cdr-away"));
      Files.writeString(cdr, "not a directory");
      return away;
   }

   private void repairDirectory() throws IOException {
      Files.delete(cdr);
      Files.createDirectory(cdr);
   }

   @Test
   void anotherGatewaysOpenFileUnderAPrefixWithTheSameStemIsLeftAsItIs() throws Exception {
      // gateway "eu" writes with prefix cdr-eu into the same directory; its file is open, its last line half written
      String othersText = HEADER + "\r\nbill:0000000000000077:8613800138000:0,1,0000000000000077\r\nbill:00000000000000";
      Path others = Files.writeString(cdr.resolve("cdr-eu-20261128-080000-000001.csv.part"), othersText);
      // and this gateway's own file a crash left
      Files.writeString(cdr.resolve("cdr-20261128-075500-000003.csv.part"),
                        HEADER + "\r\nbill:0000000000000088:8613800138000:0,1,0000000000000088\r\n");
      writeConfig("max-records = 1");
      try (TestBroker broker = start()) {
         reports(broker, "00000000000000a1");
         Path ownClosed = cdr.resolve("cdr-20261128-075500-000003.csv");
         Wait.until("its own leftover closed and the new record written", PATIENCE,
                    () -> Files.exists(ownClosed) && routing(broker).getCdrCounters()[0] == 1 && broker.messageCount(QUEUE) == 0);
         assertTrue(Files.exists(others), "the other gateway's open file is still open: " + files(cdr, ""));
         assertEquals(othersText, Files.readString(others), "and not cut");
         assertFalse(Files.exists(cdr.resolve("cdr-eu-20261128-080000-000001.csv")), "nor handed to mediation");
      }
      assertTrue(Files.exists(others), "not closed at the stop either");
      assertEquals(List.of("0000000000000088", "00000000000000a1"), writtenIds(), "its own records, each once");
   }

   @Test
   void recordsTheStoppingBrokerGaveBackAreWrittenOnceAfterTheRestartNotAlsoDuringTheStop() throws Exception {
      writeConfig("rotate-interval = 1h");
      try (TestBroker broker = start()) {
         breakDirectory();
         reports(broker, "00000000000000b1", "00000000000000b2");
         Wait.until("the records handed to the writer, which cannot write them", PATIENCE,
                    () -> delivering(broker) == 2 && routing(broker).getCdrCounters()[2] >= 1);
         // The stop closes every session (giving the records back to the queue) before it stops the plugin's writer.
         // The directory comes back in between: a writer that still wrote its records now would repeat them after
         // the restart. The stop goes on once the writer holds nothing any more, written or dropped.
         CdrWriter writer = plugin.cdrWriter();
         ActiveMQServer server = broker.server();
         AtomicBoolean once = new AtomicBoolean();
         server.registerBrokerPlugin(new ActiveMQServerSessionPlugin() {
            @Override
            public void afterCloseSession(ServerSession session, boolean failed) throws ActiveMQException {
               if (session.getName().startsWith("sms-cdr-") && server.getState() == ActiveMQServer.SERVER_STATE.STOPPING
                  && once.compareAndSet(false, true)) {
                  try {
                     repairDirectory();
                  } catch (IOException e) {
                     throw new IllegalStateException(e);
                  }
                  Wait.until("the writer holding nothing", PATIENCE, () -> writer.inFlight() == 0);
               }
            }
         });
      }
      assertEquals(List.of(), writtenIds(), "nothing written while the broker stopped");
      try (TestBroker broker = start()) {
         Wait.until("both written after the restart", PATIENCE,
                    () -> routing(broker).getCdrCounters()[0] == 2 && broker.messageCount(QUEUE) == 0);
      }
      assertEquals(List.of("00000000000000b1", "00000000000000b2"), writtenIds(), "each once");
   }

   @Test
   void aSessionClosedHalfwayThroughAcknowledgingABatchGivesBackTheRecordsItHadAcknowledged() throws Exception {
      writeConfig("rotate-interval = 1h");
      try (TestBroker broker = start()) {
         // b0 waits in the writer while the directory is gone; b1 and b2 queue up behind it and make the next batch
         breakDirectory();
         reports(broker, "00000000000000c0");
         Wait.until("the first record failing", PATIENCE, () -> routing(broker).getCdrCounters()[2] >= 1);
         reports(broker, "00000000000000c1", "00000000000000c2");
         Wait.until("all three handed to the writer", PATIENCE, () -> delivering(broker) == 3);
         // An operator closes the writer's session just as the batch of c1 and c2 is being acknowledged (after c1)
         ActiveMQServer server = broker.server();
         AtomicBoolean once = new AtomicBoolean();
         server.registerBrokerPlugin(new ActiveMQServerMessagePlugin() {
            @Override
            public void messageAcknowledged(Transaction tx, MessageReference ref, AckReason reason, ServerConsumer consumer) throws ActiveMQException {
               if (tx != null && "00000000000000c1".equals(ref.getMessage().getStringProperty("smsId")) && once.compareAndSet(false, true)) {
                  try {
                     server.getSessionByID(consumer.getSessionID()).close(false);
                  } catch (Exception e) {
                     throw new IllegalStateException(e);
                  }
               }
            }
         });
         repairDirectory();
         Wait.until("every record acknowledged in the end, the one acknowledged before the close included", PATIENCE,
                    () -> broker.messageCount(QUEUE) == 0,
                    () -> "closed: " + once.get() + ", left on the queue " + broker.messageCount(QUEUE) + ", delivering " + delivering(broker));
         assertTrue(once.get(), "the session was closed mid-batch");
      }
      assertEquals(List.of("00000000000000c0", "00000000000000c1", "00000000000000c2"), writtenIds().stream().distinct().toList(),
                   "every record has its line (c1 and c2 twice: at least once)");
   }

   @Test
   void aReloadOverlappingABrokerStopStartsNoWriterAfterTheStop() throws Exception {
      writeConfig("max-records = 1");
      CompletableFuture<String> reload;
      try (TestBroker broker = start()) {
         SmsRoutingControlMBean control = routing(broker);
         // The reload is held inside (where it brings the SMSC links in line) until the broker has stopped.
         CountDownLatch inside = new CountDownLatch(1);
         CountDownLatch stopped = new CountDownLatch(1);
         GatewayRuntime.of(broker.server()).linkReconfiguration(links -> {
            inside.countDown();
            awaitUninterruptibly(stopped);
            return List.of();
         });
         writeConfig("max-records = 2");
         reload = CompletableFuture.supplyAsync(control::reload);
         assertTrue(inside.await(PATIENCE.toSeconds(), TimeUnit.SECONDS), "the reload under way");
         broker.close();
         stopped.countDown();
         // the reload may fail on the stopped broker; it only has to end
         reload.handle((answer, failure) -> answer).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      }
      assertEquals(List.of(), writerThreads(), "no CDR writer runs after the broker stopped");
   }

   private static List<String> writerThreads() {
      return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().equals("sms-cdr-writer"))
                   .map(Thread::toString).toList();
   }

   private static void awaitUninterruptibly(CountDownLatch latch) {
      boolean interrupted = false;
      while (true) {
         try {
            latch.await();
            break;
         } catch (InterruptedException e) {
            interrupted = true;
         }
      }
      if (interrupted) {
         Thread.currentThread().interrupt();
      }
   }
}
