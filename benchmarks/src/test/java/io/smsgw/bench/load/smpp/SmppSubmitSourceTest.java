package io.smsgw.bench.load.smpp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smsgw.bench.load.MessageKind;
import io.smsgw.bench.load.MessageMix;
import io.smsgw.smpp.codec.SubmitSm;
import org.junit.jupiter.api.Test;

class SmppSubmitSourceTest {

    @Test
    void longMessagesGoOutAsConsecutiveSegmentsWithOneReference() {
        SmppSubmitSource source = new SmppSubmitSource(MessageMix.parse("long3=1"), true);

        SubmitSm first = source.next(1);
        SubmitSm second = source.next(2);
        SubmitSm third = source.next(3);
        SubmitSm nextMessage = source.next(4);

        for (SubmitSm part : new SubmitSm[] {first, second, third}) {
            assertEquals(0x40, part.esmClass());
            assertEquals(0, part.dataCoding());
            assertEquals(1, part.registeredDelivery());
            assertEquals(first.shortMessage()[3], part.shortMessage()[3]);
        }
        assertEquals(3, third.shortMessage()[5]);
        assertEquals(4, nextMessage.sequenceNumber());
        assertEquals(first.shortMessage()[3] + 1, nextMessage.shortMessage()[3]);
    }

    @Test
    void shortMessagesCarryTheirDataCoding() {
        SmppSubmitSource source = new SmppSubmitSource(MessageMix.parse("gsm7=1,ucs2=1"), false);

        SubmitSm a = source.next(1);
        SubmitSm b = source.next(2);

        SubmitSm ucs2 = a.dataCoding() == 8 ? a : b;
        SubmitSm gsm7 = a.dataCoding() == 8 ? b : a;
        assertArrayEquals(MessageKind.UCS2.shortMessages(0)[0], ucs2.shortMessage());
        assertArrayEquals(MessageKind.GSM7.shortMessages(0)[0], gsm7.shortMessage());
        assertEquals(0, gsm7.esmClass());
        assertEquals(0, gsm7.registeredDelivery());
        assertEquals(SmppSubmitSource.DESTINATION, gsm7.destinationAddr());
    }
}
