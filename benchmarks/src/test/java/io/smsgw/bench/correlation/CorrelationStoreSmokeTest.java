package io.smsgw.bench.correlation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 7 for a few seconds with 20,000 records, so the tool keeps working: every phase must complete
 * every operation, the store must end with exactly the records that were neither removed nor expired, and
 * each of them must come back as it was put. The numbers mean nothing here; the full run is
 * {@code benchmarks/run.sh correlation}.
 */
class CorrelationStoreSmokeTest {

    private static final long RECORDS = 20_000;
    private static final long INSERTS = 2_000;
    private static final long RECEIPTS = 2_000;
    private static final long CYCLES = 2_000;
    /** One second at 2,000 cycles/s. */
    private static final long PACED = 2_000;
    private static final long EXPIRE = 2_000;

    @Test
    void everyPhaseCompletesAndTheStoreHoldsExactlyWhatIsLeft(@TempDir Path work) throws Exception {
        CorrelationBenchSettings settings = new CorrelationBenchSettings(work.resolve("store"), RECORDS, 1_000, INSERTS,
                List.of(1, 4), 16, 2, 2_000, RECEIPTS, 200, CYCLES, 2_000, PACED, EXPIRE, -1, null);
        ByteArrayOutputStream log = new ByteArrayOutputStream();

        CorrelationStoreBenchmark.Report report = CorrelationStoreBenchmark.run(settings, new PrintStream(log, true));

        String output = log + report.format();
        assertTrue(report.ok(), output);
        for (PhaseResult phase : report.phases()) {
            assertEquals(phase.operations(), phase.ok(), phase.format());
            assertEquals(0, phase.failed(), phase.format());
            assertEquals(phase.ok(), phase.latency().count(), phase.format());
            assertTrue(phase.perSecond() > 0, phase.format());
        }
        assertEquals(INSERTS, report.phase("durable puts, 1 producer").ok(), output);
        assertEquals(INSERTS, report.phase("durable puts, 4 producer").ok(), output);
        assertEquals(RECORDS - 2 * INSERTS, report.phase("fill to").ok(), output);
        assertFalse(report.phase("fill to").stepRates().isEmpty(), output);
        assertEquals(RECEIPTS, report.phase("receipt: matchReceipt + remove").ok(), output);
        assertEquals(CYCLES, report.phase("steady state: put").ok(), output);
        PhaseResult paced = report.phase("steady state at 2,000/s");
        assertEquals(PACED, paced.ok(), output);
        assertTrue(paced.seconds() >= 0.9 && paced.perSecond() <= 2_200, paced.format());
        // Every index ever put was looked up: the remaining records came back equal, the others absent.
        assertEquals(RECORDS + CYCLES + PACED, report.phase("verify: get of every record").ok(), output);

        assertEquals(EXPIRE, report.expiry().expired(), output);
        assertEquals(EXPIRE, report.expiry().reported(), output);
        long left = RECORDS + CYCLES + PACED - RECEIPTS - CYCLES - PACED - EXPIRE;
        assertEquals(left, report.expectedSize(), output);
        assertEquals(left, report.storeSize(), output);

        assertEquals(RECORDS, report.snapshot("all records waiting").records(), output);
        for (MemorySnapshot snapshot : report.snapshots()) {
            assertTrue(snapshot.heapUsed() > 0, snapshot.format());
            assertTrue(snapshot.rss() > 0, snapshot.format());
        }
        assertTrue(report.snapshot("all records waiting").disk() > 0, output);
        assertTrue(report.toJson().contains("\"ok\":true"), report.toJson());
        assertFalse(Files.exists(work.resolve("store-warmup")), "the warm-up's scratch store is deleted");
    }
}
