package io.smsgw.bench.codec;

import io.netty.buffer.ByteBuf;
import io.smsgw.smpp.codec.Address;
import io.smsgw.smpp.codec.SubmitSm;
import io.smsgw.smpp.codec.Tlvs;
import java.nio.charset.StandardCharsets;

/**
 * A what-if, not used by the gateway: submit_sm decoded straight from a heap buffer's array, with plain
 * index arithmetic instead of one checked ByteBuf call per byte. It handles only well-formed submit_sm
 * without TLVs (it returns null otherwise), which is enough to measure how much faster the codec's
 * reader could be (docs/BENCHMARKS.md, codec section).
 */
final class ArraySubmitSmReader {

    private ArraySubmitSmReader() {
    }

    static SubmitSm decode(ByteBuf frame) {
        if (!frame.hasArray()) {
            return null;
        }
        byte[] a = frame.array();
        int start = frame.arrayOffset() + frame.readerIndex();
        int end = start + frame.readableBytes();
        frame.readerIndex(frame.writerIndex());
        int sequence = readInt(a, start + 12);
        int p = start + 16;
        int nul = nul(a, p, end);
        String serviceType = latin1(a, p, nul);
        p = nul + 1;
        byte sourceTon = a[p++];
        byte sourceNpi = a[p++];
        nul = nul(a, p, end);
        Address source = new Address(sourceTon, sourceNpi, latin1(a, p, nul));
        p = nul + 1;
        byte destinationTon = a[p++];
        byte destinationNpi = a[p++];
        nul = nul(a, p, end);
        Address destination = new Address(destinationTon, destinationNpi, latin1(a, p, nul));
        p = nul + 1;
        if (end - p < 3) {
            return null;
        }
        int esmClass = a[p++] & 0xFF;
        int protocolId = a[p++] & 0xFF;
        int priority = a[p++] & 0xFF;
        nul = nul(a, p, end);
        String schedule = latin1(a, p, nul);
        p = nul + 1;
        nul = nul(a, p, end);
        String validity = latin1(a, p, nul);
        p = nul + 1;
        if (end - p < 5) {
            return null;
        }
        int registeredDelivery = a[p++] & 0xFF;
        int replaceIfPresent = a[p++] & 0xFF;
        int dataCoding = a[p++] & 0xFF;
        int defaultMsgId = a[p++] & 0xFF;
        int smLength = a[p++] & 0xFF;
        if (smLength != end - p) {
            return null; // TLVs (or a bad sm_length): out of scope for the what-if
        }
        byte[] shortMessage = java.util.Arrays.copyOfRange(a, p, end);
        return new SubmitSm(sequence, serviceType, source, destination, esmClass, protocolId, priority, schedule,
                validity, registeredDelivery, replaceIfPresent, dataCoding, defaultMsgId, shortMessage, Tlvs.EMPTY);
    }

    private static int readInt(byte[] a, int p) {
        return (a[p] & 0xFF) << 24 | (a[p + 1] & 0xFF) << 16 | (a[p + 2] & 0xFF) << 8 | a[p + 3] & 0xFF;
    }

    /** Index of the NUL ending the C-string at {@code from}; past {@code end} means malformed. */
    private static int nul(byte[] a, int from, int end) {
        for (int i = from; i < end; i++) {
            if (a[i] == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("C-string without NUL");
    }

    private static String latin1(byte[] a, int from, int to) {
        return from == to ? "" : new String(a, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
