package io.smsgw.correlation;

import java.util.concurrent.CompletableFuture;

/** A put or a remove waiting for the store's writer. */
final class WriteRequest {

   /** The record to store, or {@code null} for a remove. */
   final CorrelationRecord record;
   final String linkId;
   final String smscMessageId;
   final CompletableFuture<Void> done = new CompletableFuture<>();
   /** Set by the writer when the request made it into the batch being written. */
   boolean staged;

   private WriteRequest(CorrelationRecord record, String linkId, String smscMessageId) {
      this.record = record;
      this.linkId = linkId;
      this.smscMessageId = smscMessageId;
   }

   static WriteRequest put(CorrelationRecord record) {
      return new WriteRequest(record, record.linkId(), record.smscMessageId());
   }

   static WriteRequest remove(String linkId, String smscMessageId) {
      return new WriteRequest(null, linkId, smscMessageId);
   }

   boolean isPut() {
      return record != null;
   }
}
