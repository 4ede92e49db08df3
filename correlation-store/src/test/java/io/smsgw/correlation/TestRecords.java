package io.smsgw.correlation;

/** Records for tests. */
final class TestRecords {

   private TestRecords() {
   }

   /** A CMPP MT with every field set. */
   static CorrelationRecord full(String linkId, String smscMessageId, long expiresAtMillis) {
      return new CorrelationRecord(linkId, smscMessageId, "0123456789abcdef", "sp901234", "gw-bj",
            "1065712345", "8613800138000", "MBJ0001", 2, "02", "000010", "8613900139000",
            1_700_000_000_000L, expiresAtMillis, 513, 3, 2, 1, SmsProtocol.CMPP, "3.0");
   }

   /** An SMPP MT with the optional fields left out. */
   static CorrelationRecord minimal(String linkId, String smscMessageId, long expiresAtMillis) {
      return new CorrelationRecord(linkId, smscMessageId, "00000001", "esme1", null, "12345", "447700900123",
            null, 0, null, null, null, 1_700_000_000_000L, expiresAtMillis, 0, 1, 1, 1, SmsProtocol.SMPP, "3.4");
   }
}
