package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.PipeliningPeer;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.SubmitResp;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.paging.PagingStore;
import org.apache.activemq.artemis.core.server.files.FileStoreMonitor;
import org.apache.activemq.artemis.core.server.impl.ActiveMQServerImpl;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the broker's storage is full (sms.mt's memory under address-full-policy BLOCK, or the disk over max-disk-usage)
 * a SUBMIT is answered Result 8 (flow control), which SPs retry; the connection stays open, stops reading until the
 * broker frees space, and then answers what it had not read. Every SUBMIT answered Result 0 is stored.
 */
class CmppStorageFullTest {

   private static final long MAX_SIZE = 16 * 1024;
   private static final int MAX_SUBMITS = 400;
   private static final Duration DEADLINE = Duration.ofSeconds(30);
   private static final String MT = "sms.mt";

   @TempDir
   static Path dataDir;
   static TestBroker broker;

   @BeforeAll
   static void start() throws Exception {
      broker = TestBroker.cmpp(dataDir, "").configure(cfg -> {
         cfg.setMaxDiskUsage(100); // a disk monitor the test sets over its limit and back
         cfg.addAddressSetting(MT, new AddressSettings().setMaxSizeBytes(MAX_SIZE)
            .setAddressFullMessagePolicy(AddressFullMessagePolicy.BLOCK).setMaxDeliveryAttempts(-1));
      }).start();
   }

   @AfterAll
   static void stop() throws Exception {
      broker.close();
   }

   @AfterEach
   void emptyAndRestore() throws Exception {
      monitor().setMaxUsage(1.0).tick();
      broker.server().locateQueue(SimpleString.of(MT)).deleteAllReferences();
   }

   private static FileStoreMonitor monitor() {
      return ((ActiveMQServerImpl) broker.server()).getMonitor();
   }

   private static RawCmppClient connected() throws Exception {
      RawCmppClient client = new RawCmppClient(broker.port());
      assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x30).status());
      return client;
   }

   private static SubmitResp submit(RawCmppClient client) throws Exception {
      int sequence = client.nextSequence();
      client.send(RawCmppClient.ascii(sequence, "901234", "submit " + sequence, "13800138000"));
      SubmitResp resp = assertInstanceOf(SubmitResp.class, client.read());
      assertEquals(sequence, resp.sequenceId());
      return resp;
   }

   /** After a refusal: the next SUBMIT is not read while the store is full, and gets Result 0 once it frees. */
   private static void readsAgainOnceFreed(RawCmppClient client, Runnable free) throws Exception {
      int sequence = client.nextSequence();
      client.send(RawCmppClient.ascii(sequence, "901234", "held while full", "13800138000"));
      // storageFull=true alone is already so from the refusal: the SUBMIT may not have been read yet. Freed before it
      // is held, the test would not show that a held SUBMIT waits.
      Wait.until("the connection holds the SUBMIT while the storage is full", DEADLINE,
                 () -> PipeliningPeer.serverState(broker.server(), client.localAddress()).contains("held=1 PDUs"),
                 () -> PipeliningPeer.serverState(broker.server(), client.localAddress()));
      free.run();
      SubmitResp resp = assertInstanceOf(SubmitResp.class, client.read());
      assertEquals(sequence, resp.sequenceId());
      assertEquals(CmppResult.OK, resp.result(), "the SUBMIT held while the storage was full is stored once it frees");
      Wait.until("the held SUBMIT stored", DEADLINE, () -> broker.messageCount(MT) == 1);
   }

   private static void deleteAll() {
      try {
         broker.server().locateQueue(SimpleString.of(MT)).deleteAllReferences();
      } catch (Exception e) {
         throw new IllegalStateException(e);
      }
   }

   /** SUBMITs until one is refused; asserts that it is Result 8 and that every Result 0 is stored. */
   private static void fill(RawCmppClient client) throws Exception {
      int accepted = 0;
      SubmitResp resp;
      while ((resp = submit(client)).result() == CmppResult.OK) {
         if (++accepted == MAX_SUBMITS) {
            fail(MAX_SUBMITS + " SUBMITs answered Result 0 into " + MAX_SIZE + " bytes; " + broker.messageCount(MT) + " stored");
         }
      }
      assertEquals(CmppResult.FLOW_CONTROL_ERROR, resp.result(), "a full store is a transient refusal");
      assertTrue(accepted > 0);
      long stored = accepted; // counted on the queue once its executor has taken it in, a moment after the answer
      Wait.until("every SUBMIT answered Result 0 is stored", DEADLINE, () -> broker.messageCount(MT) == stored);
   }

   @Test
   void aFullBlockAddressIsResult8AndTheConnectionWaitsForSpace() throws Exception {
      try (RawCmppClient client = connected()) {
         fill(client);
         readsAgainOnceFreed(client, CmppStorageFullTest::deleteAll);
      }
   }

   /**
    * The store wakes its waiters from its own executor, with a task it queued when a size change found it not full
    * (every message stored until the limit queues one): one that runs late, after the store filled and the connection
    * waits, wakes it although nothing was freed. Under load that is the order of things; here the store's executor is
    * held while the store fills to make it so. The connection must go on waiting, not take the next SUBMIT and answer
    * it Result 8.
    */
   @Test
   void aWakeUpFromTheStoreWhileItIsStillFullKeepsTheConnectionWaiting() throws Exception {
      PagingStore store = broker.server().getPagingManager().getPageStore(SimpleString.of(MT));
      CountDownLatch release = new CountDownLatch(1);
      store.execute(() -> {
         try {
            release.await();
         } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
         }
      });
      try (RawCmppClient client = connected()) {
         try {
            fill(client);
         } finally {
            release.countDown();
         }
         CountDownLatch staleWakeUpsRan = new CountDownLatch(1);
         store.execute(staleWakeUpsRan::countDown); // the store's executor runs in order: after the late wake-ups
         assertTrue(staleWakeUpsRan.await(DEADLINE.toSeconds(), TimeUnit.SECONDS));
         readsAgainOnceFreed(client, CmppStorageFullTest::deleteAll);
      } finally {
         release.countDown();
      }
   }

   @Test
   void aDiskOverMaxDiskUsageIsResult8AndTheConnectionStaysOpen() throws Exception {
      try (RawCmppClient client = connected()) {
         assertEquals(CmppResult.OK, submit(client).result());
         monitor().setMaxUsage(0.0).tick();
         assertEquals(CmppResult.FLOW_CONTROL_ERROR, submit(client).result());
         broker.server().locateQueue(SimpleString.of(MT)).deleteAllReferences();
         readsAgainOnceFreed(client, () -> monitor().setMaxUsage(1.0).tick());
      }
   }
}
