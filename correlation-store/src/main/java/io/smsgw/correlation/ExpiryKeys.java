package io.smsgw.correlation;

/**
 * Keys of the expiry index: the record's deadline, then its record key, so the index iterates in
 * deadline order and each entry names the record it expires.
 *
 * <pre>index key = (expiresAtMillis XOR sign bit) as 8 bytes big-endian, record key</pre>
 * Flipping the sign bit makes the unsigned byte order RocksDB compares by agree with signed order.
 */
final class ExpiryKeys {

   static final int DEADLINE_LENGTH = 8;

   private ExpiryKeys() {
   }

   static byte[] encode(long expiresAtMillis, byte[] recordKey) {
      byte[] key = new byte[DEADLINE_LENGTH + recordKey.length];
      RecordCodec.writeLong(key, 0, expiresAtMillis ^ Long.MIN_VALUE);
      System.arraycopy(recordKey, 0, key, DEADLINE_LENGTH, recordKey.length);
      return key;
   }

   /** The smallest index key with this deadline: every entry before it expires earlier. */
   static byte[] bound(long expiresAtMillis) {
      byte[] key = new byte[DEADLINE_LENGTH];
      RecordCodec.writeLong(key, 0, expiresAtMillis ^ Long.MIN_VALUE);
      return key;
   }

   /** @throws CorrelationStoreException if the key is too short to be an index key */
   static long deadline(byte[] indexKey) {
      if (indexKey.length <= DEADLINE_LENGTH) {
         throw new CorrelationStoreException("expiry index key of " + indexKey.length + " bytes is too short");
      }
      return RecordCodec.readLong(indexKey, 0) ^ Long.MIN_VALUE;
   }

   static byte[] recordKey(byte[] indexKey) {
      byte[] key = new byte[indexKey.length - DEADLINE_LENGTH];
      System.arraycopy(indexKey, DEADLINE_LENGTH, key, 0, key.length);
      return key;
   }
}
