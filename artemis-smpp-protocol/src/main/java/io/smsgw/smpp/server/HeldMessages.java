package io.smsgw.smpp.server;

import io.smsgw.core.time.SmppTime;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.smsgw.broker.HeldMessageQueues;
import io.smsgw.broker.StorageOverload;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.receipt.DeliveryState;
import io.smsgw.core.concat.SmsParts;
import io.smsgw.core.config.Account;
import io.smsgw.core.runtime.AcceptedSegments;
import io.smsgw.core.runtime.FinalStates;
import io.smsgw.core.runtime.GatewayRuntime;
import io.smsgw.smpp.codec.CancelSm;
import io.smsgw.smpp.codec.QuerySm;
import io.smsgw.smpp.codec.ReplaceSm;
import io.smsgw.smpp.codec.SmppPdu;
import io.smsgw.smpp.codec.SmppStatus;
import io.smsgw.smpp.codec.SubmitSm;
import org.apache.activemq.artemis.api.core.ActiveMQBuffer;
import org.apache.activemq.artemis.api.core.ICoreMessage;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.filter.Filter;
import org.apache.activemq.artemis.core.io.IOCallback;
import org.apache.activemq.artemis.core.persistence.OperationContext;
import org.apache.activemq.artemis.core.persistence.StorageManager;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * query_sm, cancel_sm and replace_sm on messages the gateway still holds (query_sm also on those that left, see
 * {@link #queryAnswer}): those waiting on the submit
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
   /** The session's broker executor: scans and journal work, never the event loop. */
   private final Executor executor;
   private final GatewayRuntime runtime;
   private final Account account;
   /** Reads a replacement's content as the session's submits read theirs. */
   private final MtMessageFactory factory;
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
      this.executor = executor;
      this.runtime = GatewayRuntime.of(server);
      this.account = session.account();
      this.factory = new MtMessageFactory(session.manager().getSmppSubmitAddress(), accountId, session.isVersion34(),
                                          session.defaultAlphabet());
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
            answer.accept(queryAnswer(query, scan));
         } catch (Exception e) {
            logger.warn("query_sm failed", e);
            answer.accept(query.errorResponse(SmppStatus.ESME_RQUERYFAIL));
         }
      });
   }

   /**
    * Where the message is, looked at in the order a message moves (decision 153): held on
    * a queue, taken by an SMSC link and not yet acknowledged, accepted by an SMSC and waiting for its receipt (all
    * ENROUTE), then its final state once its report was routed. Each stage ends only after the next one knows the
    * message (the link stores the record before it acknowledges, routing keeps the final state before the record goes),
    * so a message moving on while it is looked for is found further on. Only the account's own messages, everywhere.
    */
   private SmppPdu queryAnswer(QuerySm query, HeldMessageQueues.Scan scan) throws Exception {
      String id = query.messageId();
      Filter filter = filterFor(id, null, null);
      if (scan.findFirst(filter) != null || scan.inDelivery(filter) || awaitsReceipt(id)) {
         return query.response(SmppStatus.ESME_ROK, "", DeliveryState.ENROUTE.messageState(), 0);
      }
      FinalStates.Final done = runtime.finalStates().lookup(id, accountId);
      if (done != null) {
         return query.response(SmppStatus.ESME_ROK, SmppTime.formatAbsolute(done.finalMillis()), done.messageState(), done.errorCode());
      }
      return query.errorResponse(SmppStatus.ESME_RQUERYFAIL); // never issued to this account, or forgotten
   }

   /** Whether an SMSC link's store holds a record of the account's MT {@code id}; no when no link runs or it cannot answer. */
   private boolean awaitsReceipt(String id) {
      AcceptedSegments links = runtime.acceptedSegments();
      if (links == null || id.isEmpty()) {
         return false;
      }
      try {
         return links.awaitsReceipt(id, accountId);
      } catch (Exception e) {
         logger.debug("query_sm: the correlation store could not be asked about {}", id, e);
         return false;
      }
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
    * one that already left is not replaced (never delivered twice). The new text is checked as a submit's content
    * (undefined octets, odd UCS2, max-message-parts) and the parts it adds take the account's rate and daily quota,
    * with the answers a submit_sm of that content would get (decision 109).
    */
   void replace(ReplaceSm replace) {
      queues.afterArrivals(scan -> {
         Consumer<SmppPdu> answer = once();
         StorageManager storage = server.getStorageManager();
         OperationContext previous = storage.getContext();
         storage.setContext(operationContext);
         int taken = 0;
         try {
            Filter filter = filterFor(replace.messageId(), replace.sourceAddr().address().isEmpty() ? null : replace.sourceAddr().address(), null);
            List<HeldMessageQueues.Held> found = scan.findAll(filter);
            if (found.isEmpty()) {
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
            Message original = found.get(0).reference().getMessage();
            MtMessageFactory.Content content;
            try {
               content = factory.readReplacement(replace.shortMessage(), dataCoding(original));
            } catch (MtMessageFactory.RejectedSubmission e) {
               answer.accept(replace.errorResponse(e.status));
               return;
            }
            if (SubmitLimits.tooManyParts(account, content.parts())) {
               answer.accept(replace.errorResponse(SmppStatus.ESME_RINVMSGLEN));
               return;
            }
            // Parts beyond the original's, on each destination, count as a submit of them would; fewer give nothing
            // back (the original's were counted on its day, and its rate was used).
            int extra = Math.max(0, content.parts() - partsOf(original));
            if (extra > 0) {
               int status = SubmitLimits.take(runtime, account, extra * found.size());
               if (status != SmppStatus.ESME_ROK) {
                  answer.accept(replace.errorResponse(status));
                  return;
               }
               taken = extra * found.size();
            }
            int replaced = scan.replace(found, replacement -> applyReplacement(replacement, replace, content, schedule, validity));
            if (replaced < found.size()) {
               SubmitLimits.giveBack(runtime, account, extra * (found.size() - replaced)); // left meanwhile: not replaced
               taken = extra * replaced;
            }
            if (replaced == 0) {
               answer.accept(replace.errorResponse(SmppStatus.ESME_RREPLACEFAIL)); // it left meanwhile
               return;
            }
            int charged = taken;
            taken = 0; // from here the journal's answer decides
            storage.afterCompleteOperations(new IOCallback() {
               @Override
               public void done() {
                  answer.accept(replace.response(SmppStatus.ESME_ROK));
               }

               @Override
               public void onError(int errorCode, String errorMessage) {
                  SubmitLimits.giveBack(runtime, account, charged);
                  answer.accept(replace.errorResponse(SmppStatus.ESME_RREPLACEFAIL));
               }
            });
         } catch (HeldMessageQueues.StorageFull full) {
            // A full store (decision 131): the originals are held as before; transient, as a submit would be answered.
            SubmitLimits.giveBack(runtime, account, taken);
            StorageOverload.refused(server, "SMPP replace_sm", accountId, full.storageCause(), full.address());
            answer.accept(replace.errorResponse(SmppSubmitHandler.STATUS_STORAGE_FULL));
         } catch (Exception e) {
            logger.warn("replace_sm failed", e);
            SubmitLimits.giveBack(runtime, account, taken);
            answer.accept(replace.errorResponse(SmppStatus.ESME_RREPLACEFAIL));
         } finally {
            storage.setContext(previous);
         }
      });
   }

   /**
    * A submit_sm with replace_if_present_flag 1 (SMPP 3.4 5.2.18): the account's held messages from the same source to
    * the same destination under the same service_type are taken off their queues, then the submit is handled as usual
    * on the event loop ({@code eventLoop}, where submits are handled); once it is stored they are gone for good, and
    * if it is refused they are held again. Nothing held is no error: the submit is stored as usual. Its turn among the
    * held-message operations ends when it is answered, so an operation or replacing submit sent after it sees it.
    */
   void submitReplacing(SubmitSm submit, SmppSubmitHandler submits, Executor eventLoop) {
      queues.afterArrivals(scan -> {
         Transaction found = null;
         try {
            found = scan.takeAll(HeldMessageQueues.sameAddresses(accountId, submit.sourceAddr().address(),
                                                                 submit.destinationAddr().address(), submit.serviceType()));
         } catch (Exception e) {
            logger.warn("replace_if_present: the held messages of '{}' could not be taken; the submit replaces nothing", accountId, e);
         }
         Transaction taken = found;
         AtomicBoolean ended = new AtomicBoolean();
         SmppSubmitHandler.Replacing replacing = stored -> {
            if (ended.compareAndSet(false, true)) {
               // Told on the event loop (a refusal) or a journal thread (stored): the journal work goes to the executor.
               Runnable end = () -> endTaking(taken, stored);
               try {
                  executor.execute(end);
               } catch (RuntimeException e) {
                  end.run(); // a stopping broker: still ends the turn
               }
            }
         };
         try {
            eventLoop.execute(() -> {
               try {
                  submits.onSubmitSm(submit, replacing);
               } catch (RuntimeException e) {
                  replacing.ended(false);
                  throw e;
               }
            });
         } catch (RuntimeException e) {
            logger.debug("Replacing submit not run", e); // the connection is closing
            replacing.ended(false);
         }
      });
   }

   /**
    * Removes for good what a replacing submit took (it was stored), or puts it back; then the next operation's turn.
    * A rollback puts the messages back on their queues only from its completion callback: the next turn waits for that
    * (a callback registered after it in the same context runs after it), or an ESME retrying at once after a refusal
    * scanned before the code was back, stored its retry as new, and the handset got both.
    */
   private void endTaking(Transaction taken, boolean stored) {
      StorageManager storage = server.getStorageManager();
      OperationContext previous = storage.getContext();
      storage.setContext(operationContext);
      boolean turnEndsLater = false;
      try {
         if (taken != null) {
            if (stored) {
               taken.commit();
            } else {
               taken.rollback();
               storage.afterCompleteOperations(new IOCallback() {
                  @Override
                  public void done() {
                     queues.answered();
                  }

                  @Override
                  public void onError(int errorCode, String errorMessage) {
                     queues.answered();
                  }
               });
               turnEndsLater = true;
            }
         }
      } catch (Exception e) {
         logger.warn("replace_if_present: the held messages of '{}' could not be {}", accountId, stored ? "removed" : "put back", e);
      } finally {
         storage.setContext(previous);
         if (!turnEndsLater) {
            queues.answered();
         }
      }
   }

   private static int dataCoding(Message message) {
      Object coding = message.getObjectProperty(SmsProperties.DATA_CODING);
      return coding instanceof Number n ? n.intValue() : 0;
   }

   /** The SMS parts a held message's body makes, counted as its submit counted them (its text after any UDH). */
   private static int partsOf(Message message) {
      ICoreMessage core = message.toCore();
      ActiveMQBuffer body = core.getReadOnlyBodyBuffer();
      if (core.getType() == Message.BYTES_TYPE) {
         return SmsParts.ofBinary(body.readableBytes());
      }
      SimpleString text = body.readNullableSimpleString();
      return SmsParts.ofText(text == null ? "" : text.toString());
   }

   private void applyReplacement(Message message, ReplaceSm replace, MtMessageFactory.Content content, long schedule, long validity) {
      message.removeProperty(SmsProperties.UDH);
      if (content.text() == null) {
         byte[] data = replace.shortMessage();
         message.toCore().setType(Message.BYTES_TYPE);
         message.toCore().getBodyBuffer().resetWriterIndex();
         message.toCore().getBodyBuffer().writeBytes(data);
      } else {
         message.toCore().setType(Message.TEXT_TYPE);
         message.toCore().getBodyBuffer().resetWriterIndex();
         message.toCore().getBodyBuffer().writeNullableSimpleString(SimpleString.of(content.text()));
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
