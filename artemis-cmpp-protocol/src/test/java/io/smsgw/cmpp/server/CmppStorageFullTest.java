package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;

import io.smsgw.broker.testing.PipeliningPeer;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.SubmitResp;
import org.apache.activemq.artemis.api.core.SimpleString;
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
      Wait.until("the connection stops reading while the storage is full", DEADLINE,
                 () -> PipeliningPeer.serverState(broker.server(), client.localAddress()).contains("storageFull=true"),
                 () -> PipeliningPeer.serverState(broker.server(), client.localAddress()));
      free.run();
      SubmitResp resp = assertInstanceOf(SubmitResp.class, client.read());
      assertEquals(sequence, resp.sequenceId());
      assertEquals(CmppResult.OK, resp.result(), "the SUBMIT held while the storage was full is stored once it frees");
      Wait.until("the held SUBMIT stored", DEADLINE, () -> broker.messageCount(MT) == 1);
   }

   @Test
   void aFullBlockAddressIsResult8AndTheConnectionWaitsForSpace() throws Exception {
      try (RawCmppClient client = connected()) {
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
         readsAgainOnceFreed(client, () -> {
            try {
               broker.server().locateQueue(SimpleString.of(MT)).deleteAllReferences();
            } catch (Exception e) {
               throw new IllegalStateException(e);
            }
         });
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
