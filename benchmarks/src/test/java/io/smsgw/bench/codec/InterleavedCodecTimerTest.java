package io.smsgw.bench.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The interleaved CPU-time cross-check times every library of a PDU, round after round. */
class InterleavedCodecTimerTest {

    @Test
    void timesEveryLibraryInEveryRound() throws Throwable {
        Map<String, InterleavedCodecTimer.Batch> libraries =
                InterleavedCodecTimer.contenders("cmpp").get(CmppCodecSamples.SUBMIT_RESP_30 + " decode");

        Map<String, double[]> perRound = InterleavedCodecTimer.measure(libraries, 3);

        assertEquals(libraries.keySet(), perRound.keySet());
        perRound.forEach((library, nanos) -> {
            assertEquals(3, nanos.length, library);
            assertTrue(InterleavedCodecTimer.median(nanos) > 0, library);
        });
    }
}
