package io.smsgw.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LoadOptionsTest {

    @Test
    void defaultsTargetTheQuickStartGateway() {
        LoadOptions o = LoadOptions.parse();
        assertEquals("127.0.0.1", o.host());
        assertEquals(2775, o.port());
        assertEquals("smppclient1", o.systemId());
        assertEquals(1, o.connections());
        assertEquals(100, o.window());
        assertEquals(0, o.rate());
        assertEquals(0, o.effectiveWarmupRate(), "the warm-up runs at the measured rate unless told otherwise");
        assertEquals("TRANSMITTER", o.effectiveBind());
        assertNull(o.jsonReport());
    }

    @Test
    void readsEveryOption() {
        LoadOptions o = LoadOptions.parse("--host", "localhost", "--port", "2776", "--protocol", "core",
                "--system-id", "bench", "--password", "pw", "--connections", "4", "--window", "50", "--rate", "1000",
                "--warmup", "2", "--warmup-rate", "400", "--duration", "3", "--mix", "ucs2=1", "--receipts", "--smpp-version", "3.3",
                "--io-threads", "2", "--timeout-ms", "500", "--json", "out.json", "--quiet");

        assertEquals("localhost", o.host());
        assertEquals(2776, o.port());
        assertEquals("CORE", o.protocol());
        assertEquals("bench", o.systemId());
        assertEquals("pw", o.password());
        assertEquals(4, o.connections());
        assertEquals(50, o.window());
        assertEquals(1000, o.rate());
        assertEquals(2, o.warmupSeconds());
        assertEquals(400, o.effectiveWarmupRate());
        assertEquals(3, o.durationSeconds());
        assertEquals(MessageMix.parse("ucs2=1"), o.mix());
        assertTrue(o.receipts());
        assertEquals("TRANSCEIVER", o.effectiveBind());
        assertFalse(o.version34());
        assertEquals(2, o.ioThreads());
        assertEquals(500, o.responseTimeoutMillis());
        assertEquals(Path.of("out.json"), o.jsonReport());
        assertTrue(o.quiet());
        assertEquals("TRANSMITTER", LoadOptions.parse("--receipts", "--bind", "tx").effectiveBind());
    }

    @Test
    void rejectsBadValues() {
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--window", "0"));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--rate", "-5"));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--bind", "rx"));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--smpp-version", "5.0"));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--frobnicate", "1"));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--port"));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--cmpp-version", "2.5"));
    }

    @Test
    void cmppVersionAndSourceId() {
        assertEquals(LoadOptions.CMPP_30, LoadOptions.parse().cmppVersion());
        LoadOptions options = LoadOptions.parse("--protocol", "cmpp", "--cmpp-version", "2.0", "--src-id", "1069");
        assertEquals("CMPP", options.protocol());
        assertEquals(LoadOptions.CMPP_20, options.cmppVersion());
        assertEquals("1069", options.cmppSourceId());
        assertEquals(options, options.toBuilder().build());
    }

    @Test
    void receiptWaitForTheCompletenessCheck() {
        assertEquals(0, LoadOptions.parse().receiptWaitSeconds());
        LoadOptions options = LoadOptions.parse("--receipts", "--receipt-wait", "30");
        assertEquals(30, options.receiptWaitSeconds());
        assertEquals(options, options.toBuilder().build());
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--receipt-wait", "-1"));
    }

    @Test
    void knowsSmppCmppAndCore() {
        assertEquals("CMPP", LoadProtocols.forName("cmpp").name());
        assertThrows(IllegalArgumentException.class, () -> LoadProtocols.forName("xmpp"));
        assertEquals("SMPP", LoadProtocols.forName("smpp").name());
        assertEquals("CORE", LoadProtocols.forName("core").name());
    }
}
