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
   final CompletableFuture<Void> done = new CompletableFuture<>();
   /** Set by the writer when the request made it into the batch being written. */
   boolean staged;

   private WriteRequest(CorrelationRecord record, byte[] key, byte[] value) {
      this.record = record;
      this.key = key;
      this.value = value;
   }

   static WriteRequest put(CorrelationRecord record) {
      return new WriteRequest(record, RecordCodec.encodeKey(record), RecordCodec.encodeValue(record));
   }

   static WriteRequest remove(String linkId, String smscMessageId) {
      return new WriteRequest(null, RecordCodec.encodeKey(linkId, smscMessageId), null);
   }

   boolean isPut() {
      return record != null;
   }
}
