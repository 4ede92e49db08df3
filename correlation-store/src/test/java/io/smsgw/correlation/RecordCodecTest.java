package io.smsgw.correlation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

class RecordCodecTest {

   @Test
   void everyFieldSurvivesARoundTrip() {
      CorrelationRecord record = TestRecords.full("smsc-1", "7f3a9c0012", 1_700_172_800_000L);
      byte[] key = RecordCodec.encodeKey(record);
      assertEquals(record, RecordCodec.decode(key, RecordCodec.encodeValue(record)));
   }

   @Test
   void absentOptionalFieldsStayAbsent() {
      CorrelationRecord record = TestRecords.minimal("l", "1", 0);
      CorrelationRecord decoded = RecordCodec.decode(RecordCodec.encodeKey(record), RecordCodec.encodeValue(record));
      assertEquals(record, decoded);
      assertEquals(null, decoded.originGateway());
      assertEquals(null, decoded.feeTerminal());
   }

   @Test
   void emptyAndNonAsciiStringsSurvive() {
      CorrelationRecord record = new CorrelationRecord("链路-é", "id-😀", "", "账户", "", "短信", "+8613800138000",
            "", 255, "", "", "", Long.MIN_VALUE, Long.MAX_VALUE, 65535, 255, 255, 255, SmsProtocol.APP, "");
      assertEquals(record, RecordCodec.decode(RecordCodec.encodeKey(record), RecordCodec.encodeValue(record)));
   }

   @Test
   void anUnpairedSurrogateIsStoredAsQuestionMark() {
      CorrelationRecord record = TestRecords.minimal("l", "a\uD800b", 0);
      byte[] key = RecordCodec.encodeKey(record);
      assertEquals("a?b", RecordCodec.decode(key, RecordCodec.encodeValue(record)).smscMessageId());
      assertEquals(3, RecordCodec.utf8Length("a\uD800b"));
   }

   @Test
   void utf8MatchesTheJdkEncoder() {
      String text = "aé€😀z";
      assertEquals(text.getBytes(StandardCharsets.UTF_8).length, RecordCodec.utf8Length(text));
      byte[] key = RecordCodec.encodeKey("x", text);
      byte[] jdk = text.getBytes(StandardCharsets.UTF_8);
      assertArrayEquals(jdk, Arrays.copyOfRange(key, 2, key.length));
   }

   @Test
   void keysOfDifferentSplitsDiffer() {
      assertFalse(Arrays.equals(RecordCodec.encodeKey("ab", "c"), RecordCodec.encodeKey("a", "bc")));
   }

   @Test
   void theDeadlineIsReadWithoutDecoding() {
      CorrelationRecord record = TestRecords.full("l", "1", 123_456_789L);
      assertEquals(123_456_789L, RecordCodec.expiresAt(RecordCodec.encodeValue(record)));
   }

   @Test
   void everyTruncationIsReportedAsCorrupt() {
      CorrelationRecord record = TestRecords.full("l", "1", 5);
      byte[] key = RecordCodec.encodeKey(record);
      byte[] value = RecordCodec.encodeValue(record);
      for (int length = 0; length < value.length; length++) {
         byte[] truncated = Arrays.copyOf(value, length);
         assertThrows(CorrelationStoreException.class, () -> RecordCodec.decode(key, truncated), "length " + length);
      }
   }

   @Test
   void trailingBytesAreReportedAsCorrupt() {
      CorrelationRecord record = TestRecords.minimal("l", "1", 5);
      byte[] value = Arrays.copyOf(RecordCodec.encodeValue(record), RecordCodec.encodeValue(record).length + 1);
      assertThrows(CorrelationStoreException.class, () -> RecordCodec.decode(RecordCodec.encodeKey(record), value));
   }

   @Test
   void anUnknownVersionIsRejected() {
      CorrelationRecord record = TestRecords.minimal("l", "1", 5);
      byte[] value = RecordCodec.encodeValue(record);
      value[0] = 9;
      CorrelationStoreException e = assertThrows(CorrelationStoreException.class,
            () -> RecordCodec.decode(RecordCodec.encodeKey(record), value));
      assertTrue(e.getMessage().contains("version 9"), e.getMessage());
      assertThrows(CorrelationStoreException.class, () -> RecordCodec.expiresAt(value));
   }

   @Test
   void anUnknownProtocolCodeIsRejected() {
      CorrelationRecord record = TestRecords.minimal("l", "1", 5);
      byte[] value = RecordCodec.encodeValue(record);
      value[value.length - 4 - 8 - 8 - 2] = 42; // the protocol byte precedes the flags byte and the two longs
      CorrelationStoreException e = assertThrows(CorrelationStoreException.class,
            () -> RecordCodec.decode(RecordCodec.encodeKey(record), value));
      assertTrue(e.getMessage().contains("protocol code 42"), e.getMessage());
   }

   @Test
   void storedValuesThatBreakRecordRulesAreRejected() {
      CorrelationRecord record = TestRecords.minimal("l", "1", 5);
      byte[] value = RecordCodec.encodeValue(record);
      value[1] = 0; // smsId written as null
      assertThrows(CorrelationStoreException.class, () -> RecordCodec.decode(RecordCodec.encodeKey(record), value));
   }

   @Test
   void malformedKeysAreReportedAsCorrupt() {
      byte[] value = RecordCodec.encodeValue(TestRecords.minimal("l", "1", 5));
      assertThrows(CorrelationStoreException.class, () -> RecordCodec.decode(new byte[] {9, 'a'}, value));
      assertThrows(CorrelationStoreException.class, () -> RecordCodec.decode(new byte[0], value));
      byte[] overLong = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1};
      assertThrows(CorrelationStoreException.class, () -> RecordCodec.decode(overLong, value));
      // A link id of zero bytes leaves the SMSC id empty too: not a key this store writes.
      assertThrows(CorrelationStoreException.class, () -> RecordCodec.decode(new byte[] {0}, value));
   }

   @Test
   void expiryKeysSortByDeadlineAsUnsignedBytes() {
      byte[] recordKey = RecordCodec.encodeKey("l", "1");
      long[] deadlines = {Long.MIN_VALUE, -1, 0, 1, 1_700_000_000_000L, Long.MAX_VALUE};
      for (int i = 1; i < deadlines.length; i++) {
         byte[] lower = ExpiryKeys.encode(deadlines[i - 1], recordKey);
         byte[] higher = ExpiryKeys.encode(deadlines[i], recordKey);
         assertTrue(Arrays.compareUnsigned(lower, higher) < 0, deadlines[i - 1] + " < " + deadlines[i]);
         assertTrue(Arrays.compareUnsigned(higher, ExpiryKeys.bound(deadlines[i])) > 0);
         assertTrue(Arrays.compareUnsigned(lower, ExpiryKeys.bound(deadlines[i])) < 0);
      }
      byte[] indexKey = ExpiryKeys.encode(-5, recordKey);
      assertEquals(-5, ExpiryKeys.deadline(indexKey));
      assertArrayEquals(recordKey, ExpiryKeys.recordKey(indexKey));
      assertThrows(CorrelationStoreException.class, () -> ExpiryKeys.deadline(new byte[8]));
   }
}
