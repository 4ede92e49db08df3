package io.smsgw.correlation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Links bound to one SMSC account keep their records in one correlation group: a record is found under the group
 * whichever link made it, still names that link (its reports and expiry do), and a receipt waiting under the group
 * gets the record another link stores. A record keyed by its link's own name is written as before (version 3), so
 * records stored before groups read the same.
 */
class CorrelationGroupRecordTest {

   private static final String GROUP = "gw@smsc.example:7890";

   @TempDir
   Path dir;

   private static CorrelationRecord record(String link, String group, String smscMessageId, long expiresAt) {
      return new CorrelationRecord(link, smscMessageId, "0123456789abcdef", "esme1", null, "10086", "8613800138000", null, 0,
            null, null, null, 1_700_000_000_000L, expiresAt, 0, 0, 0, 1, SmsProtocol.SMPP, "3.4", false, "corr-7", true,
            1, 1, 1, 1, group);
   }

   @Test
   void theLinkSurvivesTheStoreBesideItsGroupAndAnOwnNameRecordIsWrittenAsBefore() {
      CorrelationRecord grouped = record("cmcc2", GROUP, "4711", 1_700_100_000_000L);
      byte[] value = RecordCodec.encodeValue(grouped);
      assertEquals(RecordCodec.VALUE_VERSION_4, value[0]);
      CorrelationRecord decoded = RecordCodec.decode(RecordCodec.encodeKey(grouped), value);
      assertEquals(grouped, decoded);
      assertEquals("cmcc2", decoded.linkId());
      assertEquals(GROUP, decoded.correlationGroup());
      assertEquals(grouped.expiresAtMillis(), RecordCodec.expiresAt(value));

      CorrelationRecord ownName = record("cmcc2", null, "4711", 1_700_100_000_000L);
      assertEquals("cmcc2", ownName.correlationGroup());
      byte[] v3 = RecordCodec.encodeValue(ownName);
      assertEquals(RecordCodec.VALUE_VERSION, v3[0]);
      assertEquals(value.length - 1 - "cmcc2".length(), v3.length, "the link is not written twice");
      assertEquals(ownName, RecordCodec.decode(RecordCodec.encodeKey(ownName), v3));
   }

   @Test
   void aRecordOfOneLinkIsFoundRemovedAndAwaitedUnderItsGroupAndExpiresNamingItsLink() throws Exception {
      List<CorrelationRecord> expired = new CopyOnWriteArrayList<>();
      long now = System.currentTimeMillis();
      try (RocksDbCorrelationStore store = RocksDbCorrelationStore.open(CorrelationStoreConfig.builder(dir)
              .expiryGraceMillis(0).expiryListener(expired::add).build())) {
         CorrelationRecord byCmcc1 = record("cmcc1", GROUP, "a1", now + 600_000);
         store.put(byCmcc1).toCompletableFuture().get(10, TimeUnit.SECONDS);
         assertEquals(Optional.of(byCmcc1), store.get(GROUP, "a1").toCompletableFuture().get(10, TimeUnit.SECONDS));
         assertEquals(Optional.empty(), store.get("cmcc1", "a1").toCompletableFuture().get(10, TimeUnit.SECONDS),
                      "not under the link's own name");
         assertEquals(List.of(byCmcc1), store.findAccepted(byCmcc1.smsId(), byCmcc1.destination()).toCompletableFuture()
            .get(10, TimeUnit.SECONDS));
         store.remove(GROUP, "a1").toCompletableFuture().get(10, TimeUnit.SECONDS);
         assertEquals(0, store.size());

         // a receipt on cmcc2's bind overtakes the submit_sm_resp cmcc1 got: it waits under the group
         var waiting = store.matchReceipt(GROUP, "a2").toCompletableFuture();
         CorrelationRecord overtaken = record("cmcc1", GROUP, "a2", now - 1);
         store.put(overtaken).toCompletableFuture().get(10, TimeUnit.SECONDS);
         assertEquals(Optional.of(overtaken), waiting.get(10, TimeUnit.SECONDS));

         assertEquals(1, store.expire(now));
         assertEquals(1, expired.size());
         assertEquals("cmcc1", expired.get(0).linkId(), "reported by the link that sent it");
         assertTrue(store.size() <= 1);
      }
   }
}
