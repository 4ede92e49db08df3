package io.smsgw.correlation;

import java.util.concurrent.CompletableFuture;

/**
 * A put or a remove waiting for the store's writer. The bytes are encoded on the caller's thread, so
 * the single writer thread spends its time on the database only.
 */
final class WriteRequest {

   /** The record to store, or {@code null} for a remove. */
   final CorrelationRecord record;
   final byte[] key;
   /** The encoded record, or {@code null} for a remove. */
   final byte[] value;
   /** The record's key in the accepted-parts index, or {@code null} for a remove. */
   final byte[] acceptedKey;
   /** For the removal of an expired record once it is reported: its deadline, so a record put since stays. */
   final Long ifDeadline;
   final CompletableFuture<Void> done = new CompletableFuture<>();
   /** Set by the writer when the request made it into the batch being written. */
   boolean staged;
   /** A put the writer holds back while the record it replaces is reported (writer thread only). */
   boolean heldBack;
   /** The accepted-parts key of the other MT's record this put replaces whose report is durable (writer thread only). */
   byte[] reportedAcceptedKey;

   private WriteRequest(CorrelationRecord record, byte[] key, byte[] value, Long ifDeadline) {
      this.record = record;
      this.key = key;
      this.value = value;
      this.acceptedKey = record == null ? null : RecordCodec.acceptedKey(record, key);
      this.ifDeadline = ifDeadline;
   }

   static WriteRequest put(CorrelationRecord record) {
      return new WriteRequest(record, RecordCodec.encodeKey(record), RecordCodec.encodeValue(record), null);
   }

   static WriteRequest remove(String group, String smscMessageId) {
      return new WriteRequest(null, RecordCodec.encodeKey(group, smscMessageId), null, null);
   }

   /** Removes an expired record whose report is durable, unless the key now holds a record with another deadline. */
   static WriteRequest removeExpired(byte[] key, long deadline) {
      return new WriteRequest(null, key, null, deadline);
   }

   boolean isPut() {
      return record != null;
   }
}
