package io.smsgw.smpp.codec;

import static io.smsgw.smpp.codec.TestBytes.decode;
import static io.smsgw.smpp.codec.TestBytes.encode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * submit_sm/deliver_sm C-strings of every length, so their NULs fall at every position of the first 64
 * body bytes (which the decoder finds from one bit mask) and beyond; and every truncation of such a frame
 * answered with the field a reader going byte by byte would stop at.
 */
class ShortMessageLayoutTest {

    private static final int[] SERVICE_TYPE = {0, 1, 5};
    private static final int[] ADDRESS = {0, 1, 6, 7, 8, 13, 20};
    private static final int[] TIME = {0, 1, 16};

    private static ShortMessagePdu pdu(int service, int source, int destination, int schedule, int validity) {
        return ShortMessagePdu.builder().sequenceNumber(source * 100 + destination)
                .serviceType(text('s', service)).sourceAddr(Address.of(1, 0, text('1', source)))
                .destinationAddr(Address.of(0, 1, text('2', destination))).esmClass(0).protocolId(0).priorityFlag(0)
                .scheduleDeliveryTime(text('t', schedule)).validityPeriod(text('v', validity)).registeredDelivery(1)
                .dataCoding(0).shortMessage(new byte[] {'h', 'i'}).buildSubmitSm();
    }

    /** Ascending characters, so a wrong boundary would show up as a different value. */
    private static String text(char first, int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append((char) (first + i % 10));
        }
        return s.toString();
    }

    private static List<ShortMessagePdu> layouts() {
        List<ShortMessagePdu> pdus = new ArrayList<>();
        for (int service : SERVICE_TYPE) {
            for (int source : ADDRESS) {
                for (int destination : ADDRESS) {
                    for (int schedule : TIME) {
                        pdus.add(pdu(service, source, destination, schedule, TIME[(source + destination) % 3]));
                    }
                }
            }
        }
        return pdus;
    }

    @Test
    void everyLayoutDecodesToItsFields() {
        for (ShortMessagePdu pdu : layouts()) {
            assertEquals(pdu, decode(encode(pdu)));
        }
    }

    @Test
    void everyTruncationNamesTheFieldWhereTheBodyStops() {
        for (ShortMessagePdu pdu : layouts()) {
            byte[] frame = encode(pdu);
            List<String> expected = expectedReasons(pdu);
            for (int length = SmppCodec.HEADER_LENGTH; length < frame.length; length++) {
                byte[] cut = Arrays.copyOf(frame, length);
                cut[0] = (byte) (length >>> 24);
                cut[1] = (byte) (length >>> 16);
                cut[2] = (byte) (length >>> 8);
                cut[3] = (byte) length;
                MalformedPdu malformed = assertInstanceOf(MalformedPdu.class, decode(cut), pdu + " cut at " + length);
                String reason = expected.get(length - SmppCodec.HEADER_LENGTH);
                assertEquals(reason, malformed.reason(), pdu + " cut at " + length);
                assertEquals(reason.startsWith("sm_length") ? SmppStatus.ESME_RINVMSGLEN : SmppStatus.ESME_RINVCMDLEN,
                        malformed.errorStatus());
            }
        }
    }

    /** For each body length short of the whole body, what a field-by-field reader reports. */
    private static List<String> expectedReasons(ShortMessagePdu pdu) {
        List<String> reasons = new ArrayList<>();
        cString(reasons, "service_type", pdu.serviceType());
        reasons.add("body ends before source_addr_ton");
        reasons.add("body ends before source_addr_npi");
        cString(reasons, "source_addr", pdu.sourceAddr().address());
        reasons.add("body ends before destination_addr_ton");
        reasons.add("body ends before destination_addr_npi");
        cString(reasons, "destination_addr", pdu.destinationAddr().address());
        for (String field : List.of("esm_class", "protocol_id", "priority_flag")) {
            reasons.add("body ends before " + field);
        }
        cString(reasons, "schedule_delivery_time", pdu.scheduleDeliveryTime());
        cString(reasons, "validity_period", pdu.validityPeriod());
        for (String field : List.of("registered_delivery", "replace_if_present_flag", "data_coding",
                "sm_default_msg_id", "sm_length")) {
            reasons.add("body ends before " + field);
        }
        int smLength = pdu.shortMessage().length;
        for (int remaining = 0; remaining < smLength; remaining++) {
            reasons.add("sm_length " + smLength + " but only " + remaining + " bytes remain");
        }
        return reasons;
    }

    private static void cString(List<String> reasons, String field, String value) {
        reasons.add("body ends before " + field);
        for (int i = 0; i < value.length(); i++) {
            reasons.add(field + " has no terminating NUL inside the frame");
        }
    }
}
