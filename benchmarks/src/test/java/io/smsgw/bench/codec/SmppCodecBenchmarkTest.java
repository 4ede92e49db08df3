package io.smsgw.bench.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The direct-buffer variants the interleaved timer reports do the same work as the heap ones: the same
 * PDU decoded, the same number of bytes encoded, and they are timed against cloudhopper for every sample.
 */
class SmppCodecBenchmarkTest {

    @ParameterizedTest
    @EnumSource(CodecSamples.class)
    void directFrameAndHeapFrameDecodeToTheSamplePdu(CodecSamples sample) throws Exception {
        SmppCodecBenchmark benchmark = new SmppCodecBenchmark();
        benchmark.sample = sample;
        benchmark.setUp();
        try {
            assertEquals(sample.pdu(), benchmark.oursDecode());
            assertEquals(sample.pdu(), benchmark.oursDecodeDirectFrame());
            assertEquals(sample.pdu(), benchmark.oursDecodeDirectFrame()); // the frame is reusable
            assertEquals(sample.wire().length, benchmark.oursEncode());
            assertEquals(sample.wire().length, benchmark.oursEncodeDirect());
        } finally {
            benchmark.tearDown();
        }
    }

    @ParameterizedTest
    @EnumSource(CodecSamples.class)
    void theTimerComparesBothDirectPathsWithCloudhopper(CodecSamples sample) throws Throwable {
        Map<String, Map<String, InterleavedCodecTimer.Batch>> contenders = InterleavedCodecTimer.contenders("smpp");
        for (String operation : new String[] {" decode, direct", " encode, direct"}) {
            Map<String, InterleavedCodecTimer.Batch> libraries = contenders.get(sample + operation);
            assertEquals(List.of("ours", "cloudhopper"), List.copyOf(libraries.keySet()), operation);
            Map<String, double[]> perRound = InterleavedCodecTimer.measure(libraries, 2);
            perRound.forEach((library, nanos) -> assertTrue(InterleavedCodecTimer.median(nanos) > 0, library));
        }
    }
}
