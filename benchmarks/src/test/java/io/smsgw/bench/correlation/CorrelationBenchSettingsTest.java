package io.smsgw.bench.correlation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CorrelationBenchSettingsTest {

    @Test
    void defaultsScaleWithTheRecords() {
        CorrelationBenchSettings full = CorrelationBenchSettings.parse("--dir", "/tmp/s");
        assertEquals(10_000_000, full.records());
        assertEquals(100_000, full.warmup());
        assertEquals(200_000, full.inserts());
        assertEquals(List.of(1, 4), full.producers());
        assertEquals(512, full.window());
        assertEquals(20_000, full.receiptLag());
        assertEquals(1_000_000, full.cycles());
        assertEquals(10_000, full.pacedRate());
        assertEquals(200_000, full.pacedCycles());
        assertEquals(200_000, full.verify());

        CorrelationBenchSettings small = CorrelationBenchSettings.parse("--dir", "/tmp/s", "--records", "500000");
        assertEquals(50_000, small.inserts());
        assertEquals(5_000, small.receiptLag());
        assertEquals(-1, small.verify(), "a small run checks every record");
    }

    @Test
    void optionsOverrideTheDefaults() {
        CorrelationBenchSettings settings = CorrelationBenchSettings.parse("--dir", "/tmp/s", "--records", "200000",
                "--producers", "2, 8", "--window", "64", "--verify", "all", "--json", "/tmp/r.json");
        assertEquals(List.of(2, 8), settings.producers());
        assertEquals(8, settings.steadyThreads());
        assertEquals(2_000, settings.receiptLag(), "the default lag is a multiple of the largest producer count");
        assertEquals(-1, settings.verify());
        assertEquals(Path.of("/tmp/r.json"), settings.json());
    }

    @Test
    void malformedOrInconsistentSettingsAreRefusedWithTheReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CorrelationBenchSettings.parse("--records", "1000"))
                .getMessage().contains("--dir is required"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> CorrelationBenchSettings.parse("--dir", "d", "--speed", "9")).getMessage().contains("unknown option --speed"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> CorrelationBenchSettings.parse("--dir", "d", "--window")).getMessage().contains("missing value for --window"));
        assertThrows(NumberFormatException.class, () -> CorrelationBenchSettings.parse("--dir", "d", "--records", "many"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> CorrelationBenchSettings.parse("--dir", "d", "--records", "999")).getMessage().contains("records must be"));
        // 200,000 records: a lag of 2,000 over 4 threads is 500 per thread, not more than a window of 512.
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> CorrelationBenchSettings.parse("--dir", "d", "--records", "200000")).getMessage().contains("receipt lag"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> CorrelationBenchSettings.parse("--dir", "d", "--window", "20000")).getMessage().contains("store's queues"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> CorrelationBenchSettings.parse("--dir", "d", "--records", "20000", "--inserts", "10000"))
                .getMessage().contains("insert phases"));
    }
}
