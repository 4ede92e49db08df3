package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import io.smsgw.broker.AcceptorMeters;
import io.smsgw.broker.StorageOverload;
import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.PipeliningPeer;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.smpp.codec.Address;
import io.smsgw.smpp.codec.BindRequest;
import io.smsgw.smpp.codec.BindResponse;
import io.smsgw.smpp.codec.BindType;
import io.smsgw.smpp.codec.EnquireLink;
import io.smsgw.smpp.codec.EnquireLinkResp;
import io.smsgw.smpp.codec.ReplaceSm;
import io.smsgw.smpp.codec.ReplaceSmResp;
import io.smsgw.smpp.codec.ShortMessagePdu;
import io.smsgw.smpp.codec.SmppStatus;
import io.smsgw.smpp.codec.SubmitSm;
import io.smsgw.smpp.codec.SubmitSmResp;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
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
 * When the broker's storage is full (the submit address's memory under address-full-policy BLOCK, FAIL or DROP, or the
 * disk over max-disk-usage) a submit is answered ESME_RMSGQFUL, which ESMEs retry; the connection stays open, stops
 * reading until the broker frees space, and then answers what it had not read. Every submit answered ESME_ROK is stored.
 */
class SmppStorageFullTest {

   private static final long MAX_SIZE = 16 * 1024;
   /** Far more submits than MAX_SIZE holds. */
   private static final int MAX_SUBMITS = 400;
   private static final Duration DEADLINE = Duration.ofSeconds(30);
   private static final String BLOCK = "sms.mt";
   private static final String FAIL = "sms.mt.fail";
   private static final String DROP = "sms.mt.drop";
   private static final String PAGE = "sms.mt.page";
   /** BLOCK with room for every submit of the pipelining test once the disk frees. */
   private static final String WIDE = "sms.mt.wide";

   @TempDir
   static Path dataDir;
   static TestBroker broker;

   @BeforeAll
   static void start() throws Exception {
      broker = TestBroker.smpp(dataDir, "").configure(cfg -> {
         cfg.setMaxDiskUsage(100); // a disk monitor the test sets over its limit and back (FileStoreMonitor.setMaxUsage)
         cfg.addAddressSetting(BLOCK, limited(AddressFullMessagePolicy.BLOCK));
         for (String address : new String[] {FAIL, DROP, PAGE}) {
            cfg.addQueueConfiguration(QueueConfiguration.of(address).setAddress(address).setRoutingType(RoutingType.ANYCAST));
            cfg.addAddressSetting(address, limited(address.equals(FAIL) ? AddressFullMessagePolicy.FAIL
                                                      : address.equals(DROP) ? AddressFullMessagePolicy.DROP : AddressFullMessagePolicy.PAGE));
            try {
               cfg.addAcceptorConfiguration(address, "tcp://127.0.0.1:0?protocols=SMPP;smppSubmitAddress=" + address);
            } catch (Exception e) {
               throw new IllegalStateException(e);
            }
         }
         cfg.addQueueConfiguration(QueueConfiguration.of(WIDE).setAddress(WIDE).setRoutingType(RoutingType.ANYCAST));
         cfg.addAddressSetting(WIDE, new AddressSettings().setMaxSizeBytes(16 * 1024 * 1024)
            .setAddressFullMessagePolicy(AddressFullMessagePolicy.BLOCK).setMaxDeliveryAttempts(-1));
         try {
            cfg.addAcceptorConfiguration(WIDE, "tcp://127.0.0.1:0?protocols=SMPP;smppSubmitAddress=" + WIDE);
         } catch (Exception e) {
            throw new IllegalStateException(e);
         }
      }).start();
   }

   private static AddressSettings limited(AddressFullMessagePolicy policy) {
      return new AddressSettings().setMaxSizeBytes(MAX_SIZE).setAddressFullMessagePolicy(policy).setMaxDeliveryAttempts(-1);
   }

   @AfterAll
   static void stop() throws Exception {
      broker.close();
   }

   @AfterEach
   void emptyAndRestore() throws Exception {
      monitor().setMaxUsage(1.0).tick();
      for (String queue : new String[] {BLOCK, FAIL, DROP, PAGE, WIDE}) {
         broker.server().locateQueue(SimpleString.of(queue)).deleteAllReferences();
      }
   }

   private static FileStoreMonitor monitor() {
      return ((ActiveMQServerImpl) broker.server()).getMonitor();
   }

   private static int port(String acceptor) {
      return acceptor.equals(BLOCK) ? broker.port() : broker.server().getRemotingService().getAcceptor(acceptor).getActualPort();
   }

   private static RawSmppClient bound(String acceptor) throws Exception {
      RawSmppClient client = new RawSmppClient(port(acceptor));
      client.send(new BindRequest(1, BindType.TRANSCEIVER, "smppclient1", "password", "", 0x34, 0, 0, ""));
      assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, client.read()).commandStatus());
      return client;
   }

   private static SubmitSm submit(int sequence) {
      return ShortMessagePdu.builder().sequenceNumber(sequence)
         .sourceAddr(new Address((byte) 1, (byte) 1, "8610086"))
         .destinationAddr(new Address((byte) 1, (byte) 1, "8613800138000"))
         .shortMessage(("submit number " + sequence + " of a flood").getBytes(StandardCharsets.US_ASCII)).buildSubmitSm();
   }

   /** Submits one at a time until one is refused; returns how many were accepted before it. */
   private static int fillUntilRefused(RawSmppClient client, String queue) throws Exception {
      for (int i = 1; i <= MAX_SUBMITS; i++) {
         client.send(submit(i + 1));
         SubmitSmResp resp = assertInstanceOf(SubmitSmResp.class, client.read());
         assertEquals(i + 1, resp.sequenceNumber());
         if (resp.commandStatus() != SmppStatus.ESME_ROK) {
            assertEquals(SmppStatus.name(SmppStatus.ESME_RMSGQFUL), SmppStatus.name(resp.commandStatus()),
                         "a full store is a transient refusal");
            long accepted = i - 1;
            // Counted on the queue once its executor has taken the message in, a moment after the answer.
            Wait.until("every submit answered ESME_ROK is stored", DEADLINE, () -> broker.messageCount(queue) == accepted);
            return i - 1;
         }
      }
      fail(MAX_SUBMITS + " submits answered ESME_ROK into " + MAX_SIZE + " bytes; " + broker.messageCount(queue) + " stored");
      return -1;
   }

   /** After a refusal: the next submit is not read while the store is full, and is answered ESME_ROK once it frees. */
   private static void readsAgainOnceFreed(RawSmppClient client, String queue, Runnable free) throws Exception {
      client.send(submit(MAX_SUBMITS + 10));
      Wait.until("the connection holds the submit while the storage is full (read, not yet handed over)", DEADLINE,
                 () -> PipeliningPeer.serverState(broker.server(), client.localAddress()).contains("held=1 PDUs"),
                 () -> PipeliningPeer.serverState(broker.server(), client.localAddress()));
      free.run();
      SubmitSmResp resp = assertInstanceOf(SubmitSmResp.class, client.read());
      assertEquals(MAX_SUBMITS + 10, resp.sequenceNumber());
      assertEquals(SmppStatus.name(SmppStatus.ESME_ROK), SmppStatus.name(resp.commandStatus()),
                   "the submit held while the storage was full is stored once it frees");
      Wait.until("the held submit stored", DEADLINE, () -> broker.messageCount(queue) == 1);
   }

   private static boolean full(String address) {
      try {
         return broker.server().getPagingManager().getPageStore(SimpleString.of(address)).isFull();
      } catch (Exception e) {
         throw new IllegalStateException(e);
      }
   }

   private static Runnable empty(String queue) {
      return () -> {
         try {
            broker.server().locateQueue(SimpleString.of(queue)).deleteAllReferences();
         } catch (Exception e) {
            throw new IllegalStateException(e);
         }
      };
   }

   @Test
   void aFullBlockAddressIsATransientRefusalAndTheConnectionWaitsForSpace() throws Exception {
      try (LogCapture log = LogCapture.start(); RawSmppClient client = bound(BLOCK)) {
         assertTrue(fillUntilRefused(client, BLOCK) > 0);
         readsAgainOnceFreed(client, BLOCK, empty(BLOCK));
         assertTrue(AcceptorMeters.account(broker.server(), "SMPP", "smppclient1", "sms.sp.").refusedFull(StorageOverload.Cause.ADDRESS) >= 1);
         assertEquals(0, log.count("failed in the broker"), "no WARN with a stack trace per refused submit");
      }
   }

   @Test
   void aFullFailAddressIsATransientRefusalAndTheConnectionWaitsForSpace() throws Exception {
      try (RawSmppClient client = bound(FAIL)) {
         assertTrue(fillUntilRefused(client, FAIL) > 0);
         readsAgainOnceFreed(client, FAIL, empty(FAIL));
      }
   }

   @Test
   void aFullDropAddressLosesNothingAnsweredOk() throws Exception {
      assertEquals(java.util.List.of(DROP + " (address-full-policy DROP)"), StorageOverload.droppingAddresses(broker.server(), BLOCK),
                   "the start's WARN names the gateway address that drops when full");
      try (RawSmppClient client = bound(DROP)) {
         assertTrue(fillUntilRefused(client, DROP) > 0);
         // DROP gives no signal when memory frees: the connection reads on, and the next submit is tried at once.
         broker.server().locateQueue(SimpleString.of(DROP)).deleteAllReferences();
         Wait.until("the address has room again", DEADLINE,
                    () -> !full(DROP));
         client.send(submit(MAX_SUBMITS + 10));
         SubmitSmResp resp = assertInstanceOf(SubmitSmResp.class, client.read());
         assertEquals(SmppStatus.name(SmppStatus.ESME_ROK), SmppStatus.name(resp.commandStatus()));
         Wait.until("stored", DEADLINE, () -> broker.messageCount(DROP) == 1);
      }
   }

   @Test
   void aDiskOverMaxDiskUsageIsATransientRefusalAndTheConnectionStaysOpen() throws Exception {
      try (RawSmppClient client = bound(BLOCK)) {
         client.send(submit(2));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(SubmitSmResp.class, client.read()).commandStatus());
         monitor().setMaxUsage(0.0).tick();
         assertTrue(broker.server().getPagingManager().isDiskFull());
         client.send(submit(3));
         SubmitSmResp refused = assertInstanceOf(SubmitSmResp.class, client.read());
         assertEquals(SmppStatus.name(SmppStatus.ESME_RMSGQFUL), SmppStatus.name(refused.commandStatus()));
         broker.server().locateQueue(SimpleString.of(BLOCK)).deleteAllReferences();
         readsAgainOnceFreed(client, BLOCK, () -> monitor().setMaxUsage(1.0).tick());
         assertTrue(AcceptorMeters.account(broker.server(), "SMPP", "smppclient1", "sms.sp.").refusedFull(StorageOverload.Cause.DISK) >= 1);
      }
   }

   /**
    * An ESME that pipelines far more submits than the {@code MAX_HELD_FOR_STORAGE} (64) a connection keeps while the
    * storage is full: the 64 first wait, each one past them is answered ESME_RMSGQFUL at once and the connection reads
    * on; once the storage frees the 64 kept are answered in order and stored once each, none lost or answered twice.
    */
   @Test
   void morePipelinedSubmitsThanTheStorageFullBoundAreRefusedPastItAndTheKeptOnesStoredInOrderOnceTheStorageFrees() throws Exception {
      int pipelined = 300;
      int kept = 64;
      try (RawSmppClient client = bound(WIDE)) {
         monitor().setMaxUsage(0.0).tick();
         client.send(submit(2));
         SubmitSmResp refused = assertInstanceOf(SubmitSmResp.class, client.read());
         assertEquals(SmppStatus.name(SmppStatus.ESME_RMSGQFUL), SmppStatus.name(refused.commandStatus()));
         Wait.until("the connection paused for storage", DEADLINE,
                    () -> PipeliningPeer.serverState(broker.server(), client.localAddress()).contains("storageFull=true"),
                    () -> PipeliningPeer.serverState(broker.server(), client.localAddress()));
         SubmitSm[] flood = new SubmitSm[pipelined];
         for (int i = 0; i < pipelined; i++) {
            flood[i] = submit(10 + i);
         }
         client.sendTogether(flood);
         for (int i = kept; i < pipelined; i++) {
            SubmitSmResp resp = assertInstanceOf(SubmitSmResp.class, client.read());
            assertEquals(10 + i, resp.sequenceNumber(), "the submits past the bound refused in order");
            assertEquals(SmppStatus.name(SmppStatus.ESME_RMSGQFUL), SmppStatus.name(resp.commandStatus()), "submit " + (10 + i));
         }
         client.send(new EnquireLink(pipelined + 20));
         assertInstanceOf(EnquireLinkResp.class, client.read(), "the connection reads on while the submits wait");
         assertEquals(0, broker.messageCount(WIDE), "nothing stored while the disk is full");

         monitor().setMaxUsage(1.0).tick();
         for (int i = 0; i < kept; i++) {
            SubmitSmResp resp = assertInstanceOf(SubmitSmResp.class, client.read());
            assertEquals(10 + i, resp.sequenceNumber(), "answered in order");
            assertEquals(SmppStatus.name(SmppStatus.ESME_ROK), SmppStatus.name(resp.commandStatus()), "submit " + (10 + i));
         }
         Wait.until("every kept submit stored", DEADLINE, () -> broker.messageCount(WIDE) == kept);
         client.send(new EnquireLink(pipelined + 21));
         assertInstanceOf(EnquireLinkResp.class, client.read(), "the connection reads on");
         assertEquals(kept, broker.messageCount(WIDE), "none stored twice");
      }
   }

   /** The callbacks "run when memory frees" that the store of {@code address} holds. */
   private static int storageCallbacks(String address) {
      try {
         var store = broker.server().getPagingManager().getPageStore(SimpleString.of(address));
         java.lang.reflect.Field field = org.apache.activemq.artemis.core.paging.impl.PagingStoreImpl.class
            .getDeclaredField("onMemoryFreedRunnables");
         field.setAccessible(true);
         return ((java.util.Collection<?>) field.get(store)).size();
      } catch (Exception e) {
         throw new IllegalStateException(e);
      }
   }

   /**
    * Replacing submits (replace_if_present_flag 1) continue on the event loop once their search of the held messages
    * ends, one after another, so those read in one go are all refused while their connection already waits. Each
    * refusal registered another callback with the store, which kept them until it freed: a connection refused many
    * times held many. Now one per connection, and the connection still reads again once the store frees.
    */
   @Test
   void aConnectionRefusedAgainWhileItWaitsRegistersOneCallback() throws Exception {
      try (RawSmppClient filler = bound(BLOCK); RawSmppClient client = bound(BLOCK)) {
         assertTrue(fillUntilRefused(filler, BLOCK) > 0);
         int before = storageCallbacks(BLOCK);
         SubmitSm[] replacing = new SubmitSm[5];
         for (int i = 0; i < replacing.length; i++) {
            replacing[i] = ShortMessagePdu.builder().sequenceNumber(100 + i)
               .sourceAddr(new Address((byte) 1, (byte) 1, "8610086"))
               .destinationAddr(new Address((byte) 1, (byte) 1, "861380013800" + i)).replaceIfPresentFlag(1)
               .shortMessage(("replacing " + i).getBytes(StandardCharsets.US_ASCII)).buildSubmitSm();
         }
         client.sendTogether(replacing);
         for (int i = 0; i < replacing.length; i++) {
            SubmitSmResp resp = assertInstanceOf(SubmitSmResp.class, client.read());
            assertEquals(SmppStatus.name(SmppStatus.ESME_RMSGQFUL), SmppStatus.name(resp.commandStatus()));
         }
         assertEquals(before + 1, storageCallbacks(BLOCK), "one callback for the connection, however often it was refused");
         client.send(submit(2));
         Wait.until("the connection holds the submit while the storage is full (read, not yet handed over)", DEADLINE,
                    () -> PipeliningPeer.serverState(broker.server(), client.localAddress()).contains("held=1 PDUs"),
                    () -> PipeliningPeer.serverState(broker.server(), client.localAddress()));
         empty(BLOCK).run();
         SubmitSmResp resp = assertInstanceOf(SubmitSmResp.class, client.read());
         assertEquals(2, resp.sequenceNumber());
         assertEquals(SmppStatus.name(SmppStatus.ESME_ROK), SmppStatus.name(resp.commandStatus()));
      }
   }

   /**
    * A connection that closes while it waits for space: its callback stayed on the store (with the connection it
    * resumes) until the store freed, which may be never. Now it is taken off at the close.
    */
   @Test
   void aConnectionClosedWhileItWaitsLeavesNoCallbackOnTheStore() throws Exception {
      Wait.until("no callback left from before", DEADLINE, () -> storageCallbacks(BLOCK) == 0);
      try (RawSmppClient client = bound(BLOCK)) {
         assertTrue(fillUntilRefused(client, BLOCK) > 0);
         assertEquals(1, storageCallbacks(BLOCK), "the waiting connection's callback");
      }
      Wait.until("the closed connection's callback is off the store", Duration.ofSeconds(10),
                 () -> storageCallbacks(BLOCK) == 0, () -> storageCallbacks(BLOCK) + " callbacks on the store");
   }

   /**
    * address-full-policy PAGE over its max-size-bytes (paging) with the disk over max-disk-usage: the submit is the
    * transient refusal and the connection waits, reading nothing (no retry loop). The store itself calls back only when
    * its memory is below its limit, which a paging address without consumers never is, so the connection waited for good
    * after the disk freed; now it reads again once the disk frees.
    */
   @Test
   void aPagingAddressOnAFullDiskIsATransientRefusalAndTheConnectionReadsAgainWhenTheDiskFrees() throws Exception {
      try (RawSmppClient client = bound(PAGE)) {
         var store = broker.server().getPagingManager().getPageStore(SimpleString.of(PAGE));
         int sequence = 2;
         while (!store.isPaging()) {
            assertTrue(sequence < MAX_SUBMITS, "the address never paged");
            client.send(submit(sequence));
            assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(SubmitSmResp.class, client.read()).commandStatus());
            sequence++;
         }
         client.send(submit(sequence));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(SubmitSmResp.class, client.read()).commandStatus(),
                      "a paging address takes submits");
         monitor().setMaxUsage(0.0).tick();
         client.send(submit(++sequence));
         SubmitSmResp refused = assertInstanceOf(SubmitSmResp.class, client.read());
         assertEquals(SmppStatus.name(SmppStatus.ESME_RMSGQFUL), SmppStatus.name(refused.commandStatus()));
         int held = ++sequence;
         client.send(submit(held));
         Wait.until("the connection holds the submit while the disk is full (read, not yet handed over)", DEADLINE,
                    () -> PipeliningPeer.serverState(broker.server(), client.localAddress()).contains("held=1 PDUs"),
                    () -> PipeliningPeer.serverState(broker.server(), client.localAddress()));
         assertTrue(store.isPaging(), "still paging: its memory is over the limit");
         monitor().setMaxUsage(1.0).tick();
         SubmitSmResp resp = assertInstanceOf(SubmitSmResp.class, client.read());
         assertEquals(held, resp.sequenceNumber());
         assertEquals(SmppStatus.name(SmppStatus.ESME_ROK), SmppStatus.name(resp.commandStatus()),
                      "the submit held while the disk was full is stored (paged) once the disk frees");
      }
   }

   /**
    * replace_sm of a message held on a full DROP address: the broker dropped the replacement and the original's removal
    * committed, so the ESME got ESME_ROK and nothing was held any more. Now the transient status of a full store, the
    * original still held; once there is room the same replace_sm is done.
    */
   @Test
   void aReplaceSmOnAFullDropAddressIsATransientRefusalAndTheOriginalStaysHeld() throws Exception {
      try (RawSmppClient client = bound(DROP)) {
         client.send(submit(2));
         SubmitSmResp first = assertInstanceOf(SubmitSmResp.class, client.read());
         assertEquals(SmppStatus.ESME_ROK, first.commandStatus());
         String id = first.messageId();
         long accepted = 1;
         for (int i = 3; ; i++) {
            assertTrue(i < MAX_SUBMITS, "the address never filled");
            client.send(submit(i));
            if (assertInstanceOf(SubmitSmResp.class, client.read()).commandStatus() != SmppStatus.ESME_ROK) {
               break;
            }
            accepted++;
         }
         // The queue counts a stored message once its executor has taken it in, a moment after the answer.
         long held = accepted;
         Wait.until("every accepted submit counted on the queue", DEADLINE, () -> broker.messageCount(DROP) == held);
         Address source = new Address((byte) 1, (byte) 1, "8610086");
         client.send(new ReplaceSm(MAX_SUBMITS + 20, id, source, "", "", 0, 0, "the replacement".getBytes(StandardCharsets.US_ASCII)));
         ReplaceSmResp refused = assertInstanceOf(ReplaceSmResp.class, client.read());
         assertEquals(SmppStatus.name(SmppStatus.ESME_RMSGQFUL), SmppStatus.name(refused.commandStatus()),
                      "a full store is a transient refusal, as for a submit");
         assertEquals(held, broker.messageCount(DROP));
         assertEquals(1, heldWithId(id), "the original is still held");

         broker.server().locateQueue(SimpleString.of(DROP)).deleteMatchingReferences(
            org.apache.activemq.artemis.core.filter.impl.FilterImpl.createFilter("smsId <> '" + id + "'"));
         Wait.until("the address has room again", DEADLINE, () -> !full(DROP));
         client.send(new ReplaceSm(MAX_SUBMITS + 21, id, source, "", "", 0, 0, "the replacement".getBytes(StandardCharsets.US_ASCII)));
         ReplaceSmResp done = assertInstanceOf(ReplaceSmResp.class, client.read());
         assertEquals(SmppStatus.name(SmppStatus.ESME_ROK), SmppStatus.name(done.commandStatus()));
         Wait.until("the replacement held", DEADLINE, () -> heldWithId(id) == 1);
      }
   }

   /** How many messages with this smsId wait on the DROP address. */
   private static int heldWithId(String id) {
      int found = 0;
      try (var refs = broker.server().locateQueue(SimpleString.of(DROP)).browserIterator()) {
         while (refs.hasNext()) {
            if (id.equals(refs.next().getMessage().getStringProperty("smsId"))) {
               found++;
            }
         }
      } catch (Exception e) {
         throw new IllegalStateException(e);
      }
      return found;
   }
}
