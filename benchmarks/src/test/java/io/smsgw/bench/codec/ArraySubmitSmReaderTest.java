package io.smsgw.bench.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** The what-if reader must decode exactly what the codec decodes, or its timing would mean nothing. */
class ArraySubmitSmReaderTest {

    @Test
    void decodesTheSampleLikeTheCodec() {
        assertEquals(CodecSamples.SUBMIT_SM.pdu(),
                ArraySubmitSmReader.decode(Unpooled.wrappedBuffer(CodecSamples.SUBMIT_SM.wire())));
    }

    @Test
    void leavesPdusWithTlvsAlone() {
        assertNull(ArraySubmitSmReader.decode(Unpooled.wrappedBuffer(CodecSamples.DELIVER_SM_RECEIPT.wire())));
    }
}
