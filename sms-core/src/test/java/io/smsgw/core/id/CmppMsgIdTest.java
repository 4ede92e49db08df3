package io.smsgw.core.id;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CmppMsgIdTest {

   /** protocols.md §1.9: 26 Nov 13:45:30, gateway 001001, sequence 1. */
   private static final long EXAMPLE = 0xBD36D78003E90001L;

   @Test
   void encodesTheSpecExample() {
      assertEquals(EXAMPLE, new CmppMsgId(11, 26, 13, 45, 30, 1001, 1).toLong());
   }

   @Test
   void decodesTheSpecExample() {
      assertEquals(new CmppMsgId(11, 26, 13, 45, 30, 1001, 1), CmppMsgId.decode(EXAMPLE));
   }

   @Test
   void decodesTheGocmppTestIds() {
      assertEquals(new CmppMsgId(11, 5, 14, 29, 42, 1, 0), CmppMsgId.decode(0xB2B9DA8000010000L));
      assertEquals(new CmppMsgId(11, 9, 17, 21, 12, 1, 0), CmppMsgId.decode(0xB4C5530000010000L));
   }

   @Test
   void anySixtyFourBitValueRoundTrips() {
      for (long id : new long[] {0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 0x0123456789abcdefL}) {
         assertEquals(id, CmppMsgId.decode(id).toLong());
      }
   }

   @Test
   void hexFormIsSixteenLowerCaseDigits() {
      assertEquals("bd36d78003e90001", CmppMsgId.toHex(EXAMPLE));
      assertEquals("0000000000000001", CmppMsgId.toHex(1));
      assertEquals("ffffffffffffffff", CmppMsgId.toHex(-1));
   }

   @Test
   void hexFormParsesBack() {
      assertEquals(EXAMPLE, CmppMsgId.parseHex("bd36d78003e90001").getAsLong());
      assertEquals(EXAMPLE, CmppMsgId.parseHex("BD36D78003E90001").getAsLong());
      assertEquals(-1L, CmppMsgId.parseHex("ffffffffffffffff").getAsLong());
      assertTrue(CmppMsgId.parseHex("bd36d78003e9000").isEmpty(), "15 digits");
      assertTrue(CmppMsgId.parseHex("bd36d78003e900011").isEmpty(), "17 digits");
      assertTrue(CmppMsgId.parseHex("bd36d78003e9000g").isEmpty());
      assertTrue(CmppMsgId.parseHex("-d36d78003e90001").isEmpty());
      assertTrue(CmppMsgId.parseHex(null).isEmpty());
   }

   @Test
   void theIssuingGatewayIsReadFromTheHexForm() {
      assertEquals(java.util.Optional.of("001001"), CmppMsgId.issuingGateway("bd36d78003e90001"));
      assertEquals(java.util.Optional.of("020001"), CmppMsgId.issuingGateway(CmppMsgId.toHex(new CmppMsgId(1, 1, 0, 0, 0, 20001, 7).toLong())));
      assertTrue(CmppMsgId.issuingGateway("0a1b2c3d").isEmpty(), "an SMPP 3.3 id names no gateway");
      assertTrue(CmppMsgId.issuingGateway(CmppMsgId.toHex(new CmppMsgId(1, 1, 0, 0, 0, 1_000_000, 0).toLong())).isEmpty(),
                 "not a 6-digit code");
   }

   @Test
   void fieldsWiderThanTheirBitsAreRejected() {
      assertThrows(IllegalArgumentException.class, () -> new CmppMsgId(16, 1, 0, 0, 0, 1, 0));
      assertThrows(IllegalArgumentException.class, () -> new CmppMsgId(1, 1, 0, 0, 0, 1 << 22, 0));
      assertThrows(IllegalArgumentException.class, () -> new CmppMsgId(1, 1, 0, 0, 0, 1, 0x10000));
      assertThrows(IllegalArgumentException.class, () -> new CmppMsgId(1, 1, 0, 64, 0, 1, 0));
      assertThrows(IllegalArgumentException.class, () -> new CmppMsgId(1, -1, 0, 0, 0, 1, 0));
   }
}
