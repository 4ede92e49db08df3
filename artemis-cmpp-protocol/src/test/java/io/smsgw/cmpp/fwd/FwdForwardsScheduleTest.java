package io.smsgw.cmpp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.smsgw.cmpp.codec.Fwd;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.correlation.CorrelationStoreConfig;
import io.smsgw.correlation.RocksDbCorrelationStore;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forward record of an MT scheduled (At_Time) further ahead than the default validity, with no validity of its
 * own, is kept until the peer can report on it. Before, it expired 48 h (plus the grace) after the forward, so the
 * peer's report, made after the scheduled delivery, was refused with Result 9 and the SP never had it. The forward time
 * cannot be moved in a running link (its clock is the system's), so this drives the records and the store directly;
 * the store's own expiry pass is the one the FWD link service runs.
 */
class FwdForwardsScheduleTest {

   private static final String PEER = "020001";
   private static final long MSG_ID = 0x0123456789abcd51L;

   @TempDir
   Path dir;

   private static Fwd fwd(int type, String src, String dest) {
      return new Fwd(1, "001001", PEER, 1, type, MSG_ID, 1, 1, 1, 0, "", 0, "", "", 0, 0, 0, 0, "", "", "", "", "",
                     src, "", 0, 0, List.of(dest), "", 0, new byte[0], "", "");
   }

   @Test
   void anMtScheduledBeyondTheDefaultValidityKeepsItsForwardRecordForThePeersReport() throws Exception {
      try (RocksDbCorrelationStore store = RocksDbCorrelationStore.open(CorrelationStoreConfig.builder(dir).receiptWaitMillis(50).build())) {
         FwdForwards forwards = new FwdForwards(store);
         long now = System.currentTimeMillis();
         CoreMessage mt = new CoreMessage(1, 512);
         mt.putStringProperty(SmsProperties.ID, "0123456789abcd51");
         mt.putStringProperty(SmsProperties.ACCOUNT, "901234");
         // Forwarded 50 h ago for delivery an hour from now; no validity.
         mt.putLongProperty(SmsProperties.SCHEDULE_TIME, now + TimeUnit.HOURS.toMillis(1));
         forwards.remember(PEER, fwd(Fwd.TYPE_MT, "10661234", "13800138000"), mt, now - TimeUnit.HOURS.toMillis(50))
            .toCompletableFuture().get(10, TimeUnit.SECONDS);

         assertEquals(0, store.expire(now), "the store's expiry pass drops no record: the delivery is still to come");

         FwdForwards.Verdict verdict = forwards.check(PEER, fwd(Fwd.TYPE_MT_REPORT, "13800138000", "10661234"), List.of())
            .toCompletableFuture().get(10, TimeUnit.SECONDS);
         assertEquals(FwdForwards.Outcome.FORWARDED, verdict.outcome(), "the peer's report after the scheduled delivery is taken");
      }
   }
}
