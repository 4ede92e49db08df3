package io.smsgw.smpp.server;

import io.smsgw.core.time.SmppTime;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import io.smsgw.broker.HeldMessageQueues;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.receipt.DeliveryState;
import io.smsgw.core.text.SmsEncoding;
import io.smsgw.core.text.SmsText;
import io.smsgw.smpp.codec.CancelSm;
import io.smsgw.smpp.codec.QuerySm;
import io.smsgw.smpp.codec.ReplaceSm;
import io.smsgw.smpp.codec.SmppPdu;
import io.smsgw.smpp.codec.SmppStatus;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.filter.Filter;
import org.apache.activemq.artemis.core.io.IOCallback;
import org.apache.activemq.artemis.core.persistence.OperationContext;
import org.apache.activemq.artemis.core.persistence.StorageManager;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * query_sm, cancel_sm and replace_sm on messages the gateway still holds: those waiting on the submit
 * address or on an SMSC link's queue, not yet sent on. Finding the queues walks every binding, and scans and deletes
 * touch the journal, so all of it runs on the session's broker executor; replies are written from there. Only the
 * account's own messages are visible. They run one at a time in the order the ESME sent them, each once the one before
 * it is answered and the submits sent before it are stored, so each sees what those did even when the ESME did not
 * wait for their answers (decision 69); and once the queues have listed every message added before it (decision 64),
 * so a message whose submit response the ESME has is found. unbind_resp waits for their answers ({@link #afterAnswers}).
 */
final class HeldMessages {

   private static final Logger logger = LoggerFactory.getLogger(HeldMessages.class);

   private final SmppSession session;
   private final ActiveMQServer server;
   private final OperationContext operationContext;
   private final String accountId;
   private final HeldMessageQueues queues;
   /** The session's answer, then the operation is no longer in flight. */
   private final Consumer<SmppPdu> reply;

   /**
    * {@code answer}: writes an answer to a request counted as pending (see SmppSession.answer).
    * {@code afterEarlierSubmits}: runs a task once the submits read so far are stored (SmppSubmitHandler.afterPendingWrites).
    */
   HeldMessages(SmppSession session, ActiveMQServer server, OperationContext operationContext, Executor executor,
                Consumer<SmppPdu> answer, Consumer<Runnable> afterEarlierSubmits) {
      this.session = session;
      this.server = server;
      this.operationContext = operationContext;
      this.accountId = session.account().id();
      this.queues = new HeldMessageQueues(server, session.manager().getSmppSubmitAddress(), executor, afterEarlierSubmits);
      this.reply = pdu -> {
         try {
            answer.accept(pdu);
         } finally {
            queues.answered();
         }
      };
   }

   /**
    * The answer of one operation, taken once: an error path after a first answer whose write failed (or after the
    * replacement's callback was registered) must not answer again, or the count of operations in flight would go
    * below zero and the unbind waiting for it would never be answered.
    */
   private Consumer<SmppPdu> once() {
      java.util.concurrent.atomic.AtomicBoolean answered = new java.util.concurrent.atomic.AtomicBoolean();
      return pdu -> {
         if (answered.compareAndSet(false, true)) {
            reply.accept(pdu);
         } else {
            logger.debug("Second answer to one held-message operation dropped: {}", pdu);
         }
      };
   }

   /** Runs the task once every operation asked for so far has been answered (see HeldMessageQueues.afterAnswers). */
   void afterAnswers(Runnable task) {
      queues.afterAnswers(task);
   }

   /** Called on the event loop, as are cancel and replace; each is answered exactly once, on a broker thread. */
   void query(QuerySm query) {
      queues.afterArrivals(scan -> {
         Consumer<SmppPdu> answer = once();
         try {
            HeldMessageQueues.Held held = scan.findFirst(filterFor(query.messageId(), null, null));
            answer.accept(held == null ? query.errorResponse(SmppStatus.ESME_RQUERYFAIL)
                            : query.response(SmppStatus.ESME_ROK, "", DeliveryState.ENROUTE.messageState(), 0));
         } catch (Exception e) {
            logger.warn("query_sm failed", e);
            answer.accept(query.errorResponse(SmppStatus.ESME_RQUERYFAIL));
         }
      });
   }

   void cancel(CancelSm cancel) {
      queues.afterArrivals(scan -> {
         Consumer<SmppPdu> answer = once();
         try {
            String source = cancel.sourceAddr().address();
            String destination = cancel.destinationAddr().address();
            if (cancel.messageId().isEmpty() && (source.isEmpty() || destination.isEmpty())) {
               answer.accept(cancel.errorResponse(SmppStatus.ESME_RCANCELFAIL));
               return;
            }
            Filter filter = filterFor(cancel.messageId(), source.isEmpty() ? null : source, destination.isEmpty() ? null : destination);
            int removed = scan.deleteAll(filter);
            answer.accept(removed > 0 ? cancel.response(SmppStatus.ESME_ROK) : cancel.errorResponse(SmppStatus.ESME_RCANCELFAIL));
         } catch (Exception e) {
            logger.warn("cancel_sm failed", e);
            answer.accept(cancel.errorResponse(SmppStatus.ESME_RCANCELFAIL));
         }
      });
   }

   /**
    * Replaces text and times of a held message, on every destination of a submit_multi (they share the id).
    * Originals and replacements change places in one transaction, so a failure leaves the originals held, and
    * one that already left is not replaced (never delivered twice).
    */
   void replace(ReplaceSm replace) {
      queues.afterArrivals(scan -> {
         Consumer<SmppPdu> answer = once();
         StorageManager storage = server.getStorageManager();
         OperationContext previous = storage.getContext();
         storage.setContext(operationContext);
         try {
            Filter filter = filterFor(replace.messageId(), replace.sourceAddr().address().isEmpty() ? null : replace.sourceAddr().address(), null);
            if (scan.findFirst(filter) == null) {
               answer.accept(replace.errorResponse(SmppStatus.ESME_RREPLACEFAIL));
               return;
            }
            long now = System.currentTimeMillis();
            long schedule = SmppTime.toEpochMillis(replace.scheduleDeliveryTime(), now);
            long validity = SmppTime.toEpochMillis(replace.validityPeriod(), now);
            if (schedule == SmppTime.INVALID || validity == SmppTime.INVALID
                || SmppSubmitHandler.expiresUnsent(schedule, validity, now)) {
               answer.accept(replace.errorResponse(schedule == SmppTime.INVALID ? SmppStatus.ESME_RINVSCHED : SmppStatus.ESME_RINVEXPIRY));
               return;
            }
            if (scan.replaceAll(filter, replacement -> applyReplacement(replacement, replace, schedule, validity)) == 0) {
               answer.accept(replace.errorResponse(SmppStatus.ESME_RREPLACEFAIL)); // it left meanwhile
               return;
            }
            storage.afterCompleteOperations(new IOCallback() {
               @Override
               public void done() {
                  answer.accept(replace.response(SmppStatus.ESME_ROK));
               }

               @Override
               public void onError(int errorCode, String errorMessage) {
                  answer.accept(replace.errorResponse(SmppStatus.ESME_RREPLACEFAIL));
               }
            });
         } catch (Exception e) {
            logger.warn("replace_sm failed", e);
            answer.accept(replace.errorResponse(SmppStatus.ESME_RREPLACEFAIL));
         } finally {
            storage.setContext(previous);
         }
      });
   }

   private void applyReplacement(Message message, ReplaceSm replace, long schedule, long validity) {
      Object coding = message.getObjectProperty(SmsProperties.DATA_CODING);
      int dataCoding = coding instanceof Number n ? n.intValue() : 0;
      SmsEncoding encoding = dataCoding == 0 ? session.defaultAlphabet() : SmsEncoding.fromSmppDataCoding(dataCoding);
      byte[] data = replace.shortMessage();
      message.removeProperty(SmsProperties.UDH);
      if (encoding == SmsEncoding.BINARY) {
         message.toCore().setType(Message.BYTES_TYPE);
         message.toCore().getBodyBuffer().resetWriterIndex();
         message.toCore().getBodyBuffer().writeBytes(data);
      } else {
         message.toCore().setType(Message.TEXT_TYPE);
         message.toCore().getBodyBuffer().resetWriterIndex();
         message.toCore().getBodyBuffer().writeNullableSimpleString(SimpleString.of(SmsText.decode(data, 0, data.length, encoding)));
      }
      message.putIntProperty(SmsProperties.REGISTERED_DELIVERY, replace.registeredDelivery());
      if (schedule > 0) {
         message.putLongProperty(SmsProperties.SCHEDULE_TIME, schedule);
      }
      if (validity > 0) {
         message.putLongProperty(SmsProperties.VALIDITY_TIME, validity);
         message.setExpiration(validity);
      }
      message.reencode();
   }

   private Filter filterFor(String smsId, String source, String destination) throws Exception {
      return HeldMessageQueues.filter(accountId, smsId, source, destination);
   }
}
