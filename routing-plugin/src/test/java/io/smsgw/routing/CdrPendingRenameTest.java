package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.paging.PagingStore;
import org.apache.activemq.artemis.core.postoffice.Binding;
import org.apache.activemq.artemis.core.postoffice.impl.LocalQueueBinding;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A renamed CDR subscription whose records cannot move yet (the store of {@code sms.billing} is full) still hands them
 * over and goes when the broker stops and starts again meanwhile, and a second rename made while that move waits
 * writes no record twice. Before, the pending move was only retried in memory (after a restart the old queue stayed
 * bound to {@code sms.billing} with nobody reading it), and a second rename moved the records both old queues held to
 * the newest one from each of them: written twice.
 */
class CdrPendingRenameTest {

   private static final String SECOND = "billing-cdr.second";
   private static final String THIRD = "billing-cdr.third";
   private static final Duration PATIENCE = Duration.ofSeconds(20);
   private static final SimpleString BILLING = SimpleString.of(SmsAddresses.BILLING);

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

   private void writeConfig(String cdrSection) throws IOException {
      Files.writeString(configFile, """
         gateway { code = "001001" }
         accounts { app1 { password = "unused", protocols = [SMPP] } }
         billing {
           %s
         }
         """.formatted(cdrSection));
   }

   private static String section(Path directory, String more) {
      return "cdr { directory = \"" + directory + "\", " + more + " }";
   }

   /** sms.billing takes nothing more: one byte at most, FAIL. */
   private static AddressSettings full() {
      return new AddressSettings().setMaxSizeBytes(1L).setAddressFullMessagePolicy(AddressFullMessagePolicy.FAIL);
   }

   private static AddressSettings roomy() {
      return new AddressSettings().setMaxSizeBytes(-1L).setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE);
   }

   private TestBroker start(AddressSettings billing) throws Exception {
      TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> {
         cfg.registerBrokerPlugin(new SmsRoutingPlugin());
         if (billing != null) {
            cfg.addAddressSetting(SmsAddresses.BILLING, billing);
         }
      }).start();
      Wait.until("routing active", PATIENCE, () -> CdrFilesTest.routing(broker) != null);
      return broker;
   }

   private static String[] ids(String batch, int count) {
      String[] ids = new String[count];
      for (int i = 0; i < count; i++) {
         ids[i] = String.format("000000000000%s%02d", batch, i);
      }
      return ids;
   }

   /** The directory goes and a file takes its place: nothing can be written, the records wait on the queue. */
   private void unwritable() throws IOException {
      Files.delete(cdr);
      Files.writeString(cdr, "not a directory");
   }

   private static List<String> billingSubscriptions(TestBroker broker) throws Exception {
      List<String> queues = new ArrayList<>();
      for (Binding binding : broker.server().getPostOffice().getBindingsForAddress(BILLING).getBindings()) {
         if (binding instanceof LocalQueueBinding) {
            queues.add(binding.getUniqueName().toString());
         }
      }
      return queues;
   }

   private static boolean gone(TestBroker broker, String queue) {
      return broker.server().locateQueue(SimpleString.of(queue)) == null;
   }

   /** The record ids of every closed file in these directories, sorted. */
   private static List<String> written(Path... directories) throws IOException {
      List<String> ids = new ArrayList<>();
      for (Path directory : directories) {
         for (List<String> record : CdrFilesTest.records(directory)) {
            ids.add(record.get(CdrFilesTest.column("smsId")));
         }
      }
      ids.sort(null);
      return ids;
   }

   private static boolean allClosed(Path directory) {
      try {
         return CdrFilesTest.files(directory, ".part").isEmpty();
      } catch (IOException e) {
         return false;
      }
   }

   /**
    * 25 records wait on the subscription (its directory cannot be written), sms.billing fills up, and a reload renames
    * the queue: the move waits for room. The broker stops and starts again (still full), then room comes: the old
    * queue's records are written once from the new one and the old queue is gone.
    */
   @Test
   void aMoveWaitingForRoomWhenTheBrokerStopsIsFinishedAfterTheRestart() throws Exception {
      writeConfig(section(cdr, "max-records = 1"));
      String[] ids = ids("01", 25);
      Path other = Files.createDirectory(dir.resolve("other"));
      try (TestBroker broker = start(null)) {
         unwritable();
         CdrFilesTest.reports(broker, ids);
         Wait.until("all records waiting on the old queue", PATIENCE, () -> broker.messageCount(CdrFilesTest.QUEUE) == ids.length);
         broker.server().getAddressSettingsRepository().addMatch(SmsAddresses.BILLING, full());
         PagingStore store = broker.server().getPagingManager().getPageStore(BILLING);
         Wait.until("sms.billing full", PATIENCE, store::isFull);

         writeConfig(section(other, "max-records = 10, rotate-interval = 500ms, queue = \"" + SECOND + "\""));
         assertEquals("", CdrFilesTest.routing(broker).reload());
         assertNotNull(broker.server().locateQueue(SimpleString.of(CdrFilesTest.QUEUE)), "the move waits for room");
         assertEquals(ids.length, broker.messageCount(CdrFilesTest.QUEUE));
      }

      try (TestBroker broker = start(full())) {
         broker.server().getAddressSettingsRepository().addMatch(SmsAddresses.BILLING, roomy());
         Wait.until("the old subscription gone once there is room", PATIENCE, () -> gone(broker, CdrFilesTest.QUEUE),
                    () -> "still bound to sms.billing: " + billingSubscriptionsOrError(broker));
         assertEquals(List.of(SECOND), billingSubscriptions(broker), "no other queue collects billing records");
         Wait.until("the waiting records written from the new queue", PATIENCE,
                    () -> CdrFilesTest.countRecords(other) >= ids.length && broker.messageCount(SECOND) == 0 && allClosed(other));

         CdrFilesTest.reports(broker, "0000000000000199");
         Wait.until("a new record written too", PATIENCE, () -> CdrFilesTest.countRecords(other) >= ids.length + 1);
         Wait.until("all acknowledged and closed", PATIENCE, () -> broker.messageCount(SECOND) == 0 && allClosed(other));
         List<String> expected = new ArrayList<>(List.of(ids));
         expected.add("0000000000000199");
         assertEquals(expected, written(other), "each record once");
      }
   }

   /**
    * The queue is renamed while the first move waits for room (the store of sms.billing blocked), records routed in
    * between (on the first and the second queue both) are written by the second queue's writer, and a second reload
    * renames the queue again. Once there is room, every record is in the files exactly once.
    */
   @Test
   void aSecondRenameWhileTheFirstMoveWaitsWritesNoRecordTwice() throws Exception {
      writeConfig(section(cdr, "max-records = 1"));
      String[] before = ids("02", 25);
      String[] between = ids("03", 5);
      Path second = Files.createDirectory(dir.resolve("second"));
      Path third = Files.createDirectory(dir.resolve("third"));
      try (TestBroker broker = start(null)) {
         SmsRoutingControlMBean control = CdrFilesTest.routing(broker);
         unwritable();
         CdrFilesTest.reports(broker, before);
         Wait.until("all records waiting on the first queue", PATIENCE,
                    () -> broker.messageCount(CdrFilesTest.QUEUE) == before.length);
         // blocked through management: the move cannot store a copy, the reports' billing records are still routed
         PagingStore store = broker.server().getPagingManager().getPageStore(BILLING);
         store.block();

         writeConfig(section(second, "max-records = 5, rotate-interval = 500ms, queue = \"" + SECOND + "\""));
         assertEquals("", control.reload());
         assertEquals(before.length, broker.messageCount(CdrFilesTest.QUEUE), "the move waits for room");

         CdrFilesTest.reports(broker, between);
         Wait.until("the records routed after the rename written by the second queue's writer", PATIENCE,
                    () -> CdrFilesTest.countRecords(second) == between.length);
         assertEquals(before.length + between.length, broker.messageCount(CdrFilesTest.QUEUE), "on the first queue too");

         writeConfig(section(third, "max-records = 10, rotate-interval = 500ms, queue = \"" + THIRD + "\""));
         assertEquals("", control.reload());
         store.unblock();

         Wait.until("the earlier subscriptions gone", PATIENCE,
                    () -> gone(broker, CdrFilesTest.QUEUE) && gone(broker, SECOND),
                    () -> "still bound to sms.billing: " + billingSubscriptionsOrError(broker));
         assertEquals(List.of(THIRD), billingSubscriptions(broker), "no other queue collects billing records");
         Wait.until("everything written and acknowledged", PATIENCE,
                    () -> CdrFilesTest.countRecords(second) + CdrFilesTest.countRecords(third) >= before.length + between.length
                          && broker.messageCount(THIRD) == 0 && allClosed(second) && allClosed(third));
         List<String> expected = new ArrayList<>(List.of(before));
         expected.addAll(List.of(between));
         expected.sort(null);
         assertEquals(expected, written(second, third), "each record once across the CDR files");
      }
   }

   private static String billingSubscriptionsOrError(TestBroker broker) {
      try {
         return billingSubscriptions(broker).toString();
      } catch (Exception e) {
         return e.toString();
      }
   }
}
