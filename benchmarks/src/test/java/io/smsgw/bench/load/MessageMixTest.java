package io.smsgw.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageMixTest {

    @Test
    void parsesWeightsAndFollowsThemExactlyOverAFullCycle() {
        MessageMix mix = MessageMix.parse("gsm7=80, ucs2=10,LONG3=10");

        Map<MessageKind, Integer> counts = new EnumMap<>(MessageKind.class);
        MessageMix.Cursor cursor = mix.cursor();
        for (int i = 0; i < 100; i++) {
            counts.merge(cursor.next(), 1, Integer::sum);
        }

        assertEquals(Map.of(MessageKind.GSM7, 80, MessageKind.UCS2, 10, MessageKind.LONG3, 10), counts);
        assertEquals("gsm7=80,ucs2=10,long3=10", mix.toString());
    }

    @Test
    void interleavesRatherThanBatching() {
        MessageMix.Cursor cursor = MessageMix.parse("gsm7=1,ucs2=1").cursor();
        MessageKind first = cursor.next();
        MessageKind second = cursor.next();
        assertEquals(2, java.util.Set.of(first, second).size());
    }

    @Test
    void rejectsMalformedSpecs() {
        assertThrows(IllegalArgumentException.class, () -> MessageMix.parse("gsm7"));
        assertThrows(IllegalArgumentException.class, () -> MessageMix.parse("gsm7=0"));
        assertThrows(IllegalArgumentException.class, () -> MessageMix.parse("gsm7=-1,ucs2=2"));
        assertThrows(IllegalArgumentException.class, () -> MessageMix.parse("emoji=5"));
    }

    @Test
    void kindsHaveTheAdvertisedSizes() {
        assertEquals(1, MessageKind.GSM7.segments());
        assertEquals(160, MessageKind.GSM7.shortMessages(0)[0].length);
        assertEquals(1, MessageKind.UCS2.segments());
        assertEquals(140, MessageKind.UCS2.shortMessages(0)[0].length);
        assertEquals(3, MessageKind.LONG3.segments());
        byte[][] parts = MessageKind.LONG3.shortMessages(42);
        for (int i = 0; i < 3; i++) {
            assertEquals(6 + 153, parts[i].length);
            assertEquals(42, parts[i][3]); // UDH reference
            assertEquals(i + 1, parts[i][5]); // segment number
        }
    }
}
