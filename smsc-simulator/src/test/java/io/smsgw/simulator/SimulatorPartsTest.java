package io.smsgw.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smsgw.core.text.SmsEncoding;
import io.smsgw.core.text.SmsText;
import io.smsgw.smpp.codec.SmppStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The simulator's small parts: id formats, share gates, receipt policy and text, configuration checks. */
class SimulatorPartsTest {

    @Test
    void hexIdsAreSixteenDigitsFor34AndTheLowEightFor33() {
        assertEquals("00000000000000ff", MessageIdFormat.HEX.format(255, true));
        assertEquals("89abcdef", MessageIdFormat.HEX.format(0x1234567_89abcdefL, false));
        assertEquals("42", MessageIdFormat.DECIMAL.format(42, true));
        assertEquals("99999999", MessageIdFormat.DECIMAL.format(1_099_999_999L, false));
    }

    @Test
    void aShareGatePicksAnExactEvenlySpreadShare() {
        ShareGate quarter = new ShareGate(0.25);
        StringBuilder picks = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            picks.append(quarter.next() ? 'x' : '.');
        }
        assertEquals("...x...x", picks.toString());

        ShareGate tenth = new ShareGate(0.1);
        int hits = 0;
        for (int i = 0; i < 10_000; i++) {
            hits += tenth.next() ? 1 : 0;
        }
        assertEquals(1_000, hits);
        assertFalse(new ShareGate(0).next());
        assertTrue(new ShareGate(1).next());
        assertThrows(IllegalArgumentException.class, () -> new ShareGate(1.5));
        assertThrows(IllegalArgumentException.class, () -> new ShareGate(Double.NaN));
    }

    @Test
    void requestedReceiptsFollowTheTwoLowBitsOfRegisteredDelivery() {
        ReceiptPolicy requested = ReceiptPolicy.REQUESTED;
        assertFalse(requested.wants(0, true));
        assertFalse(requested.wants(0, false));
        assertTrue(requested.wants(1, true));
        assertTrue(requested.wants(1, false));
        assertFalse(requested.wants(2, true));
        assertTrue(requested.wants(2, false));
        assertTrue(requested.wants(0x11, true)); // SME acknowledgement bits do not matter
        assertTrue(ReceiptPolicy.ALWAYS.wants(0, true));
        assertFalse(ReceiptPolicy.NEVER.wants(1, false));
    }

    @Test
    void receiptTextStartIsPrintableAsciiOfTheFirstTwentyCharacters() {
        byte[] gsm = SmsText.encode("Hello world, this is longer than twenty", SmsEncoding.GSM7);
        assertEquals("Hello world, this is", ReceiptFactory.textStart(gsm, 0, 0));

        byte[] ucs2 = SmsText.encode("你好 ok", SmsEncoding.UCS2);
        assertEquals("?? ok", ReceiptFactory.textStart(ucs2, 0, 0x08));

        byte[] withUdh = {5, 0, 3, 7, 3, 1, 'P', 'a', 'r', 't'};
        assertEquals("Part", ReceiptFactory.textStart(withUdh, 0x40, 0));

        assertEquals("", ReceiptFactory.textStart(new byte[] {1, 2, 3}, 0, 0x04));
        assertEquals("", ReceiptFactory.textStart(new byte[] {9}, 0x40, 0)); // UDH longer than the data
    }

    @Test
    void sharePolicyRejectsAnOkFailureStatus() {
        assertThrows(IllegalArgumentException.class, () -> SubmitPolicy.shares(0, 0.1, SmppStatus.ESME_ROK));
    }

    @Test
    void configurationIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> SimulatorConfig.builder().port(70_000).build());
        assertThrows(IllegalArgumentException.class,
                () -> SimulatorConfig.builder().receiptDelay(Duration.ofMillis(-1)).build());
        assertThrows(IllegalArgumentException.class, () -> SimulatorConfig.builder().receiptSuccessRatio(2).build());
        assertThrows(IllegalArgumentException.class, () -> SimulatorConfig.builder().deliverWindow(0).build());
        assertThrows(IllegalArgumentException.class,
                () -> SimulatorConfig.builder().systemId("a-very-long-system-id").build());
        assertThrows(IllegalArgumentException.class, () -> MoMessage.text("1", "2", "x".repeat(300)));
    }
}
