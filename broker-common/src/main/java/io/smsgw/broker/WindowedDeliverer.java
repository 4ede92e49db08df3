package io.smsgw.broker;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.util.ReferenceCountUtil;
import io.smsgw.core.contract.SmsKind;
import io.smsgw.core.contract.SmsProperties;
import org.apache.activemq.artemis.api.core.ICoreMessage;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.spi.core.remoting.ReadyListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes an account's queue (MO messages and status reports) to a bound client, at most {@code window}
 * deliveries unanswered at a time. A message is acknowledged in the broker only when the client's success
 * response arrives; an error response, a response timeout or a disconnect puts it back.
 *
 * <p>Where it goes back (docs/message-contract.md, "In which order what comes again comes"): a throttled message, and
 * those the broker session's close puts back ({@link SmsRemotingConnection#closeCleanly}, or a failed connection's
 * close), at their place in the queue, before the messages that came after them, at once. A refused or overdue one is a
 * failed attempt: the broker gives it the address's redelivery-delay (1 s, doubling, in the shipped broker.xml), and
 * the messages behind it are delivered meanwhile, so it comes again after newer ones.
 *
 * <p>A message the channel splits into several PDUs (a long MO as concatenated parts) is acknowledged only when
 * every part got its success response; a refused or overdue part puts the whole message back once every part is
 * answered or overdue (the parts after a refused one are still sent), and it comes again with all its parts. The window counts PDUs, parts included: the
 * parts wait here until the window has room for them, and the broker hands over no further message while parts
 * wait, so never more than {@code window} PDUs are unanswered. Once the session {@link #stop stops} (unbind or
 * TERMINATE received, the connection closing), waiting parts are dropped unwritten, and so is a single delivery not
 * written yet: their message goes back to the queue as a whole when the broker session closes. From then on the
 * broker gets no credit, so it hands over nothing more while the broker session's stop is on its way.
 * Answers to the deliveries already written still settle them until the session closes; the session waits for them
 * ({@link #whenAllAnswered}), bounded, before it ends.
 *
 * <p>The broker calls {@link #sendMessage} on the queue's executor; responses arrive on the event loop.
 * Acknowledgements are never made inside sendMessage (that can deadlock the queue).
 *
 * <p>A throttling answer (SMPP ESME_RTHROTTLED or ESME_RMSGQFUL, CMPP Result 8: {@link DeliveryCounts.Outcome#THROTTLED})
 * pauses the deliveries of every session of the account ({@link AccountThrottling}, decision 151) as an SMSC link's
 * {@code throttle-pause} pauses its submits (decision 115): the broker gets no credit, waiting parts stay unwritten and
 * the session's writer holds a delivery handed over before the pause ({@link #holdsDeliveries}) for the current pause
 * step (a scheduled resume on an event loop, never a sleep), which doubles with each pause up to
 * {@link #THROTTLE_PAUSE_GROWTH} times the first and starts again after {@link #THROTTLE_CALM_ANSWERS} accepted answers
 * in a row. Only an answer to a PDU written since the last pause began starts a new one: the rest of a window sent
 * before it says nothing about the rate since. The throttled message
 * goes back to the queue (at its place, by message id, without the redelivery-delay) without the attempt counting
 * toward max-delivery-attempts: the
 * client said "later", not "no", so a throttling client never drives its messages to the dead-letter address.
 *
 * <p>The successful responses of one read batch are acknowledged in one broker transaction, committed (and the
 * queue prompted for more) by one event-loop task after the batch: a transaction per response cost a journal
 * commit record, a completion callback and a queue wake-up per message (see docs/BENCHMARKS.md, scenario 4).
 *
 * @param <P> the protocol's delivery as its {@link DeliveryChannel} encodes it
 */
public final class WindowedDeliverer<P> extends AbstractSessionCallback implements AccountThrottling.Member {

   private static final Logger logger = LoggerFactory.getLogger(WindowedDeliverer.class);
   private static final SimpleString SMS_ID = SimpleString.of("smsId");

   /**
    * A PDU handed to the writer and not answered yet; {@code parts} is null for a message that went as one PDU.
    * {@code deliveryCount} is the broker's for this hand-over; {@code vetoed}: an outgoing interceptor kept the PDU from
    * being written, so it only waits for the response timeout to be put back, and counts nowhere; {@code report}: a
    * status report, else an MO. {@code written} is set on the event loop when the writer writes it ({@link #written}),
    * and read by the broker session's close ({@link #updateDeliveryCountAfterCancel}).
    */
   private static final class InFlight {
      final long messageId;
      final ServerConsumer consumer;
      /** From the hand-over, then from the write (event loop): a delivery held through a pause is not overdue. */
      long sentAtNanos;
      final Parts parts;
      final int deliveryCount;
      final boolean vetoed;
      final boolean report;
      /** A redelivery, known at hand-over (for {@link DeliveryCounts}); set before it is put in flight. */
      boolean again;
      /** The account's pauses begun before it was handed over, then before it was written (event loop). */
      int pauseEpoch;
      volatile boolean written;

      InFlight(long messageId, ServerConsumer consumer, long sentAtNanos, Parts parts, int deliveryCount, boolean vetoed,
               boolean report, int pauseEpoch) {
         this.messageId = messageId;
         this.consumer = consumer;
         this.sentAtNanos = sentAtNanos;
         this.parts = parts;
         this.deliveryCount = deliveryCount;
         this.vetoed = vetoed;
         this.report = report;
         this.pauseEpoch = pauseEpoch;
      }

      int pauseEpoch() {
         return pauseEpoch;
      }

      long messageId() {
         return messageId;
      }

      ServerConsumer consumer() {
         return consumer;
      }

      long sentAtNanos() {
         return sentAtNanos;
      }

      Parts parts() {
         return parts;
      }

      int deliveryCount() {
         return deliveryCount;
      }

      boolean vetoed() {
         return vetoed;
      }
   }

   /** The parts of one message: settled when the last part sent is answered (event loop only). */
   private static final class Parts {
      final long messageId;
      /** The first part's sequence: the message's, for {@link DeliveryChannel#onMessageSettled}. */
      final int firstSequence;
      final ServerConsumer consumer;
      int unanswered;
      boolean refused;
      /** How the first part that failed ended, for the count of the message's delivery. */
      DeliveryCounts.Outcome failure;
      /** A part was refused for good: the message is dead-lettered once every part is answered or overdue. */
      boolean rejected;
      final int deliveryCount;
      /** An outgoing interceptor vetoed a part: the client never had the whole message, so it counts nowhere. */
      final boolean vetoed;
      final boolean report;
      /** A part was written: the message counts as sent, and keeps its broker delivery count at the session's close. */
      volatile boolean written;

      /** A part failed otherwise than by a throttling answer: the attempt counts toward max-delivery-attempts. */
      boolean failedOtherwise;

      /** A redelivery, known at hand-over (for {@link DeliveryCounts}). */
      final boolean again;

      Parts(long messageId, int firstSequence, ServerConsumer consumer, int count, int deliveryCount, boolean vetoed,
            boolean report, boolean again) {
         this.again = again;
         this.messageId = messageId;
         this.firstSequence = firstSequence;
         this.consumer = consumer;
         this.unanswered = count;
         this.deliveryCount = deliveryCount;
         this.vetoed = vetoed;
         this.report = report;
      }
   }

   /** A part waiting for room in the window. */
   private record Waiting<P>(Parts parts, int sequence, P pdu) {
   }

   /** Gathers the further parts {@link DeliveryChannel#encodeDelivery} hands over (queue executor, one message at a time). */
   private static final class Collector<P> implements DeliveryChannel.Parts<P> {
      private List<Integer> sequences;
      private List<P> pdus;

      @Override
      public void add(int sequence, P part) {
         if (sequences == null) {
            sequences = new ArrayList<>();
            pdus = new ArrayList<>();
         }
         sequences.add(sequence);
         pdus.add(part);
      }

      boolean isEmpty() {
         return sequences == null;
      }

      boolean anyVetoed() {
         return pdus.contains(null);
      }

      void clear() {
         sequences = null;
         pdus = null;
      }
   }

   /** The longest throttling pause, in multiples of the first (100 ms grows to 3.2 s), as an SMSC link's. */
   public static final int THROTTLE_PAUSE_GROWTH = 32;
   /** Accepted answers in a row after which the next throttling pause starts again from the first step. */
   static final int THROTTLE_CALM_ANSWERS = 10;

   private final DeliveryChannel<P> channel;
   private final ActiveMQServer server;
   private final DeliveryCounts counts;
   private final int window;
   private final long responseTimeoutNanos;
   private final Map<Integer, InFlight> inFlight = new ConcurrentHashMap<>();
   /** Parts not written yet (event loop only), and how many (read by the broker's credit check). */
   private final ArrayDeque<Waiting<P>> waiting = new ArrayDeque<>();
   private final AtomicInteger waitingCount = new AtomicInteger();
   private final Collector<P> collector = new Collector<>();
   /** Acknowledgements of the current read batch, and the consumer to prompt after it (event loop only). */
   private final AcknowledgementBatch batch;
   private final Runnable settleBatch;
   /** Set on the event loop when the session ends; read there and by the tasks that queue parts. */
   private volatile boolean stopped;
   /** Run once nothing written is unanswered any more, while the peer ends its session (event loop only). */
   private Runnable whenAllAnswered;
   /**
    * Long messages with a part written whose further parts were dropped unwritten at {@link #stop} (event loop adds,
    * the broker session's close reads): they keep their delivery count though none of their parts is in flight.
    */
   private final java.util.Set<Long> writtenInPart = ConcurrentHashMap.newKeySet();
   /** The first throttling pause (0: off), and accepted answers since the last throttling one (event loop). */
   private final long throttlePauseMillis;
   private int acceptedInARow;
   /** The account's pause, shared by all its receiving sessions (decision 151). */
   private final AccountThrottling throttling;
   /** The consumer the credit check refused during a pause, prompted when it ends (set by the queue's executor). */
   private volatile ServerConsumer pausedConsumer;
   private final Runnable resumeAfterThrottling = this::resumeAfterThrottling;
   /**
    * Messages put back after a throttling answer, until they are handed over again: the broker does not count that
    * attempt, so this tells their next hand-over is a redelivery (for {@link DeliveryCounts}). At most a window's worth
    * per pause; emptied when the client has kept up for a while (one that went to another session counts there as sent).
    */
   private final java.util.Set<Long> throttledBack = ConcurrentHashMap.newKeySet();

   /**
    * @param server the broker: its storage manager, for the transactions that acknowledge a read batch's deliveries,
    *        and its address settings, to tell a failed delivery the broker dead-letters from one it puts back
    * @param counts the account's delivery counts on this protocol, counted here (sent, and how each delivery ended)
    */
   public WindowedDeliverer(DeliveryChannel<P> channel, ActiveMQServer server, DeliveryCounts counts, int window,
                            long responseTimeoutMillis) {
      this(channel, server, counts, window, responseTimeoutMillis, 0);
   }

   /**
    * @param throttlePauseMillis the first pause of deliveries after a throttling answer (0: no pause; the throttled
    *        message is still put back without counting the attempt)
    */
   public WindowedDeliverer(DeliveryChannel<P> channel, ActiveMQServer server, DeliveryCounts counts, int window,
                            long responseTimeoutMillis, long throttlePauseMillis) {
      this.channel = channel;
      this.server = server;
      this.counts = counts;
      this.batch = new AcknowledgementBatch(server.getStorageManager(), () -> "deliveries to '" + channel.accountId() + "'", settled -> { });
      this.settleBatch = batch::commit;
      this.window = Math.max(1, window);
      this.responseTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(responseTimeoutMillis);
      this.throttlePauseMillis = Math.max(0, throttlePauseMillis);
      this.throttling = AccountThrottling.of(server, channel.accountId());
   }

   /**
    * The login completed (event loop, with the session still open): from here a pause's end prompts this session.
    * Not in the constructor, which runs on the broker executor: a connection that closed before then has already
    * stopped (finding no deliverer), so a join there was never left and the registry kept session and channel.
    */
   public void joinAccount() {
      if (!stopped) {
         throttling.join(this);
      }
   }

   /** PDUs written and not answered yet. */
   public int inFlightCount() {
      return inFlight.size();
   }

   // ------------------------------------------------------------ broker side (queue executor)

   @Override
   public boolean hasCredits(ServerConsumer consumer) {
      if (stopped) {
         // The broker session's stop runs on the broker executor, some time after the event loop stopped this.
         return false;
      }
      if (throttling.paused()) {
         // The pause's end prompts the consumer. Noted before the pause is read again: an end that came in between
         // either sees it or is seen here.
         pausedConsumer = consumer;
         if (throttling.paused()) {
            return false;
         }
      }
      // Waiting parts first: one moving into inFlight is counted there before it leaves waitingCount.
      int parts = waitingCount.get();
      return parts + inFlight.size() < window;
   }

   @Override
   public int sendMessage(MessageReference ref, ServerConsumer consumer, int deliveryCount) {
      ICoreMessage message = ref.getMessage().toCore();
      int sequence = channel.nextSequence();
      P delivery;
      try {
         delivery = channel.encodeDelivery(message, sequence, collector);
      } catch (RuntimeException e) {
         collector.clear();
         // Content the protocol cannot carry: dead-letter it (from the event loop), never drop it.
         logger.warn("Cannot deliver message {} to '{}': {}; sending it to the dead-letter address",
                     message.getObjectProperty(SMS_ID), channel.accountId(), e.getMessage());
         long id = ref.getMessageID();
         channel.execute(() -> reject(consumer, id));
         return 1;
      }
      // Vetoed by an outgoing interceptor: nothing (or only part of a long MO) reaches the client, so not counted sent;
      // it still waits for the response timeout and is put back then, as before.
      boolean vetoed = delivery == null || !collector.isEmpty() && collector.anyVetoed();
      // Counted sent only once the writer writes it (written): the session's end may drop it unwritten (decision 121).
      boolean report = !vetoed && SmsKind.of(message.getObjectProperty(SmsProperties.KIND)) == SmsKind.DR;
      // Known now, not at the write: the throttled-back ids are forgotten once the client keeps up, which may be before a
      // waiting part is written. Above 1, the broker handed the message over before without an acknowledgement; a
      // throttled attempt it was told not to count is in throttledBack.
      boolean again = !vetoed && (deliveryCount > 1 || !throttledBack.isEmpty() && throttledBack.remove(ref.getMessageID()));
      if (!collector.isEmpty()) {
         sendParts(ref.getMessageID(), consumer, sequence, delivery, deliveryCount, vetoed, report, again);
         return 1;
      }
      InFlight single = new InFlight(ref.getMessageID(), consumer, System.nanoTime(), null, deliveryCount, vetoed, report,
                                     throttling.epoch());
      single.again = again;
      inFlight.put(sequence, single);
      if (delivery != null) {
         channel.write(delivery);
      }
      return 1;
   }

   /** The parts of a long message wait for room in the window, in their order; the event loop writes them. */
   private void sendParts(long messageId, ServerConsumer consumer, int firstSequence, P first, int deliveryCount,
                          boolean vetoed, boolean report, boolean again) {
      List<Integer> sequences = collector.sequences;
      List<P> pdus = collector.pdus;
      collector.clear();
      Parts parts = new Parts(messageId, firstSequence, consumer, 1 + sequences.size(), deliveryCount, vetoed, report, again);
      List<Waiting<P>> queued = new ArrayList<>(parts.unanswered);
      queued.add(new Waiting<>(parts, firstSequence, first));
      for (int i = 0; i < sequences.size(); i++) {
         queued.add(new Waiting<>(parts, sequences.get(i), pdus.get(i)));
      }
      // Counted before the broker's next credit check, so no further message comes while these wait.
      waitingCount.addAndGet(queued.size());
      channel.execute(() -> {
         if (stopped) {
            // Handed over just before the session stopped: the broker session's close puts the message back.
            queued.forEach(part -> ReferenceCountUtil.release(part.pdu()));
            return;
         }
         waiting.addAll(queued);
         writeWaiting();
      });
   }

   @Override
   public boolean isWritable(ReadyListener callback, Object protocolContext) {
      return channel.isWritable(callback);
   }

   @Override
   public void disconnect(ServerConsumer consumer, String errorMessage) {
      // The consumer was closed through management: without it this connection cannot receive, so close it.
      channel.close("consumer closed by the broker (" + errorMessage + ")");
   }

   // ------------------------------------------------------------ client side (event loop)

   /**
    * The session is ending (unbind or TERMINATE received, the connection closing): no waiting part is written from
    * here. A message with parts not written yet is neither acknowledged nor put back here, however its written parts
    * are answered; the broker session's close puts it back whole, and it comes again complete on the next bind.
    * Answers to PDUs already written still settle single messages and fully written long ones. The dropped parts
    * stay counted in {@link #hasCredits}, so the broker hands over nothing more.
    *
    * <p>A single delivery the broker hands over after this, or handed over before and not written yet, is dropped by
    * the session's {@link DeliveryChannel#write}, which checks on the event loop where it writes: the broker session's
    * stop, which comes after this, waits for a delivery in progress but cannot keep it from reaching the writer. It
    * is taken out of flight here ({@link #dropped}), unanswered, and the broker session's close puts it back.
    * From here {@link #hasCredits} refuses: the stop runs on the broker executor, not on the event loop (it waits for
    * a hand-over in progress), so it comes later than this.
    */
   public void stop() {
      stopped = true;
      throttling.leave(this);
      for (Waiting<P> part; (part = waiting.poll()) != null; ) {
         if (part.parts().written) {
            writtenInPart.add(part.parts().messageId);
         }
         ReferenceCountUtil.release(part.pdu());
      }
   }

   /**
    * The session's writer is writing this delivery (event loop): it reached the client, so it counts as sent (a long
    * message at its first part) and keeps the broker's delivery count when the session closes unanswered. Vetoed
    * deliveries never get here for the part vetoed and count nowhere.
    */
   public void written(int sequence) {
      InFlight delivery = inFlight.get(sequence);
      if (delivery == null || delivery.vetoed) {
         return;
      }
      delivery.written = true;
      // Held by the writer through a pause, it leaves now: its answer is due from here, and a throttling one is an
      // answer to a PDU sent since that pause.
      delivery.sentAtNanos = System.nanoTime();
      delivery.pauseEpoch = throttling.epoch();
      Parts parts = delivery.parts;
      if (parts != null) {
         if (parts.written) {
            return;
         }
         parts.written = true;
      }
      counts.sent(delivery.report, parts != null ? parts.again : delivery.again);
   }

   /**
    * The broker session's close puts back what is unanswered (broker executor, after {@link #stop}, so nothing is
    * written any more). A delivery the client was sent keeps the count of this hand-over, whether the session ended
    * cleanly (unbind, TERMINATE) or not: it comes again as a redelivery, and a message no session ever answers reaches
    * its max-delivery-attempts and is dead-lettered. One dropped unwritten (the writer stopped first, waiting parts,
    * an outgoing interceptor's veto) was never a delivery: its count goes back. Artemis by default decrements on a
    * clean close and keeps on a failure, whatever was written.
    */
   @Override
   public boolean updateDeliveryCountAfterCancel(ServerConsumer consumer, MessageReference ref, boolean failed) {
      if (!wasWritten(ref.getMessageID())) {
         ref.decrementDeliveryCount();
      }
      return true;
   }

   /** Close path only: at most a window of deliveries is in flight. */
   private boolean wasWritten(long messageId) {
      if (writtenInPart.contains(messageId)) {
         return true;
      }
      for (InFlight delivery : inFlight.values()) {
         if (delivery.messageId == messageId && (delivery.written || delivery.parts != null && delivery.parts.written)) {
            return true;
         }
      }
      return false;
   }

   /**
    * Event loop, after {@link #stop}: runs {@code then} on the event loop once every delivery written has been answered
    * or has gone overdue (at once when none is unanswered), after the acknowledgements of the read batch that answered
    * the last one. A later call replaces an earlier one not run yet. The session's end waits for this, bounded
    * (see {@link SessionEndDeadline#afterDeliveriesAnswered}), so that answers the peer sends after its unbind or
    * TERMINATE still acknowledge their messages instead of bringing them again on its next session.
    */
   public void whenAllAnswered(Runnable then) {
      whenAllAnswered = then;
      checkAllAnswered();
   }

   private void checkAllAnswered() {
      Runnable then = whenAllAnswered;
      if (then != null && inFlight.isEmpty()) {
         whenAllAnswered = null;
         // Queued, so it runs after this read batch's acknowledgements are committed (settleBatch is queued already).
         channel.execute(then);
      }
   }

   /**
    * The session's writer dropped this delivery unwritten after {@link #stop} (event loop): nobody will answer it. It
    * leaves the flight without being settled; its message stays delivering until the broker session's close puts it
    * back.
    */
   public void dropped(int sequence) {
      if (inFlight.remove(sequence) != null) {
         checkAllAnswered();
      }
   }

   /** Writes waiting parts while the window has room and no throttling pause runs. */
   private void writeWaiting() {
      while (!waiting.isEmpty() && inFlight.size() < window && !throttling.paused()) {
         Waiting<P> part = waiting.poll();
         Parts parts = part.parts();
         inFlight.put(part.sequence(), new InFlight(parts.messageId, parts.consumer, System.nanoTime(), parts,
                                                    parts.deliveryCount, parts.vetoed, parts.report, throttling.epoch()));
         waitingCount.decrementAndGet();
         if (part.pdu() != null) {
            channel.write(part.pdu());
         }
      }
   }

   /**
    * Settles the delivery this response answers: acknowledged on success ({@link DeliveryCounts.Outcome#OK}, with the
    * rest of the read batch, see {@link AcknowledgementBatch}), put back at once (counting a failed attempt) otherwise.
    * A response to nothing in flight (late, after a timeout) is ignored. The slot it frees goes to a waiting part at
    * once, whatever it answered and even if settling it failed: nothing else would write that part while no other
    * part is in flight.
    *
    * @param outcome how the client answered, by the class of its result code; never {@code TIMED_OUT}
    * @param detail the answer for the log of a refusal (may be null on success)
    */
   public void onResponse(int sequence, DeliveryCounts.Outcome outcome, String detail) {
      onResponse(sequence, outcome, false, detail);
   }

   /**
    * As {@link #onResponse(int, DeliveryCounts.Outcome, String)}, with a refusal for good ({@code refusedForGood}, SMPP
    * ESME_RX_P_APPN and ESME_RX_R_APPN): the message goes to the dead-letter address at once (for a long message, once
    * its last part is answered) instead of being put back, where it would come again up to the address's
    * max-delivery-attempts (200, about 16 hours, in the shipped configuration) although the peer said it will never
    * take it.
    */
   public void onResponse(int sequence, DeliveryCounts.Outcome outcome, boolean refusedForGood, String detail) {
      InFlight delivery = inFlight.remove(sequence);
      if (delivery == null) {
         return;
      }
      boolean success = outcome == DeliveryCounts.Outcome.OK;
      channel.onSettled(sequence, success);
      if (success) {
         if (++acceptedInARow == THROTTLE_CALM_ANSWERS) {
            throttling.calm(); // the client keeps up again
            // What was put back came again first (it went back at its place, the head); an id still here went to
            // another session of the account: forgotten, so no lookup per hand-over stays.
            throttledBack.clear();
         }
      } else if (outcome == DeliveryCounts.Outcome.THROTTLED) {
         // Before the slot this answer frees is used (writeWaiting below, the broker's next credit check).
         pauseForThrottling(delivery);
      }
      if (batch.isEmpty()) {
         // Runs after every PDU of this read batch has been handled.
         channel.execute(settleBatch);
      }
      try {
         if (delivery.parts() != null) {
            partAnswered(delivery.parts(), outcome, refusedForGood, detail);
         } else if (success) {
            settle(delivery.vetoed(), outcome);
            batch.acknowledge(delivery.consumer(), delivery.messageId());
            channel.onMessageSettled(sequence, DeliveryChannel.Settlement.DELIVERED);
         } else if (refusedForGood) {
            settle(delivery.vetoed(), outcome);
            batch.promptAfter(delivery.consumer());
            deadLetter(delivery.consumer(), delivery.messageId(), delivery.vetoed(), detail);
            channel.onMessageSettled(sequence, DeliveryChannel.Settlement.FAILED);
         } else if (outcome == DeliveryCounts.Outcome.THROTTLED) {
            settle(delivery.vetoed(), outcome);
            logger.debug("Delivery throttled by '{}' ({}); put back", channel.accountId(), detail);
            batch.promptAfter(delivery.consumer());
            putBackThrottled(delivery.consumer(), delivery.messageId());
            channel.onMessageSettled(sequence, DeliveryChannel.Settlement.PUT_BACK);
         } else {
            settle(delivery.vetoed(), outcome);
            logger.debug("Delivery refused by '{}' ({}); redelivering", channel.accountId(), detail);
            batch.promptAfter(delivery.consumer());
            boolean last = putBack(delivery.consumer(), delivery.messageId(), delivery.deliveryCount(), delivery.vetoed());
            channel.onMessageSettled(sequence, last ? DeliveryChannel.Settlement.FAILED : DeliveryChannel.Settlement.PUT_BACK);
         }
      } catch (Exception e) {
         logger.warn("Could not settle delivery {} for '{}'", delivery.messageId(), channel.accountId(), e);
      } finally {
         writeWaiting();
         checkAllAnswered();
      }
   }

   /**
    * One part answered (or overdue). When it was the last one: acknowledged with the read batch if every part
    * succeeded, else put back, to come again with all its parts.
    */
   private void partAnswered(Parts parts, DeliveryCounts.Outcome outcome, boolean refusedForGood, String detail) throws Exception {
      if (refusedForGood) {
         parts.rejected = true;
      }
      if (outcome != DeliveryCounts.Outcome.OK) {
         failed(parts, outcome);
         logger.debug("Part of message {} refused by '{}' ({}); the message comes again", parts.messageId,
                      channel.accountId(), detail);
      }
      // A window slot is free: the queue may hand over more once the parts have gone.
      batch.promptAfter(parts.consumer);
      if (--parts.unanswered > 0) {
         return;
      }
      if (parts.rejected) {
         settle(parts.vetoed, parts.failure);
         deadLetter(parts.consumer, parts.messageId, parts.vetoed, detail);
         channel.onMessageSettled(parts.firstSequence, DeliveryChannel.Settlement.FAILED);
      } else if (parts.refused && !parts.failedOtherwise && !parts.vetoed) {
         settle(parts.vetoed, parts.failure);
         putBackThrottled(parts.consumer, parts.messageId);
         channel.onMessageSettled(parts.firstSequence, DeliveryChannel.Settlement.PUT_BACK);
      } else if (parts.refused) {
         settle(parts.vetoed, parts.failure);
         boolean last = putBack(parts.consumer, parts.messageId, parts.deliveryCount, parts.vetoed);
         channel.onMessageSettled(parts.firstSequence, last ? DeliveryChannel.Settlement.FAILED : DeliveryChannel.Settlement.PUT_BACK);
      } else {
         settle(parts.vetoed, DeliveryCounts.Outcome.OK);
         batch.acknowledge(parts.consumer, parts.messageId);
         channel.onMessageSettled(parts.firstSequence, DeliveryChannel.Settlement.DELIVERED);
      }
   }

   /** A part failed: the message comes again, and its delivery counts as the first failure among its parts. */
   private static void failed(Parts parts, DeliveryCounts.Outcome outcome) {
      parts.refused = true;
      if (outcome != DeliveryCounts.Outcome.THROTTLED) {
         parts.failedOtherwise = true;
      }
      if (parts.failure == null) {
         parts.failure = outcome;
      }
   }

   /**
    * A message the peer refused for good: to the dead-letter address now (Artemis' reject, as for content the protocol
    * cannot carry), with a WARN, so the operator sees it and the peer is not offered it again. The caller prompts the
    * consumer.
    */
   private void deadLetter(ServerConsumer consumer, long messageId, boolean vetoed, String detail) throws Exception {
      logger.warn("Delivery of message {} refused for good by '{}' ({}); sending it to the dead-letter address, not again",
                  messageId, channel.accountId(), detail);
      consumer.reject(messageId);
      if (!vetoed) {
         counts.deadLettered(true);
      }
   }

   /** How a delivery ended, unless an interceptor vetoed it (then the client never had it). */
   private void settle(boolean vetoed, DeliveryCounts.Outcome outcome) {
      if (!vetoed) {
         counts.settle(outcome);
      }
   }

   /**
    * Puts a failed delivery back, counting the attempt; at the queue's last attempt (its address's
    * max-delivery-attempts) the broker sends it to the dead-letter address instead, counted so per account here (the
    * broker counts it only per queue, with every other message it dead-letters from there). Failure path only: the
    * address settings are looked up here, not per delivery. The broker holds it back for the address's
    * redelivery-delay (the client refused it, or did not answer in time: the back-off spreads the attempts), and
    * delivers the messages behind it meanwhile: it comes again after newer ones.
    */
   private boolean putBack(ServerConsumer consumer, long messageId, int deliveryCount, boolean vetoed) throws Exception {
      int max = vetoed ? 0 : maxDeliveryAttempts(consumer);
      // The broker's own test when the failed attempt is cancelled (QueueImpl.checkRedelivery); the count is kept.
      boolean lastAttempt = max > 0 && deliveryCount >= max;
      consumer.individualCancel(messageId, true);
      if (lastAttempt) {
         counts.deadLettered(false);
      }
      return lastAttempt;
   }

   /**
    * Puts back a message the client throttled, without counting the attempt (the broker's delivery count goes back):
    * it comes again at its place in the queue once the pause ends, however often the client throttles. Not with the
    * address's redelivery-delay, which Artemis' cancel would give it (1 s, doubling, in the shipped broker.xml): the
    * message would be a scheduled one meanwhile, and those behind it would overtake it after the pause.
    */
   private void putBackThrottled(ServerConsumer consumer, long messageId) throws Exception {
      throttledBack.add(messageId);
      MessageReference ref = consumer.removeReferenceByID(messageId);
      if (ref == null) {
         throw new IllegalStateException("No delivery of message " + messageId + " to put back");
      }
      ref.decrementDeliveryCount();
      consumer.metricsAcknowledge(ref, null);
      putBackAtItsPlace(ref);
   }

   /**
    * What Artemis' {@code ServerConsumer.individualCancel} does (the delivery count stored, the message back among the
    * queue's messages sorted by id, so at the head before those that came after it), without the redelivery-delay: as
    * Artemis' rollback does when the redelivery check is ignored (a consumer's close), but at once, not from the
    * rollback's completion callback, so the queue cannot hand over the next message before this one is back. Under
    * the queue's lock, which its cancel takes too. The dead-letter test of the check applies as always; an attempt
    * that does not count never reaches it (the count is back to one that was below the limit).
    */
   private static void putBackAtItsPlace(MessageReference ref) throws Exception {
      Queue queue = ref.getQueue();
      synchronized (queue) {
         if (queue.checkRedelivery(ref, System.currentTimeMillis(), true).getA()) {
            queue.addSorted(List.of(ref), false);
         }
      }
   }

   /**
    * The client says it gets deliveries faster than it takes them: none goes out for the current pause step, so the
    * messages behind this one are not each throttled in turn. Only an answer to a PDU written since the last pause
    * began starts one (and doubles the step); a pause once running is not extended. Event loop.
    */
   private void pauseForThrottling(InFlight delivery) {
      acceptedInARow = 0;
      if (stopped) {
         return;
      }
      if (throttling.pause(delivery.pauseEpoch(), throttlePauseMillis, THROTTLE_PAUSE_GROWTH, channel::schedule)) {
         // Its message goes back now: the broker tries this session first, and must be told again when the pause ends.
         pausedConsumer = delivery.consumer();
      }
   }

   /** The account's pause is over (any thread): this session writes what it held and is handed over again. */
   @Override
   public void pauseEnded() {
      channel.execute(resumeAfterThrottling);
   }

   /**
    * Whether deliveries must not be written now: the session's writer asks on its event loop before each write, so a
    * delivery the broker handed over just before a throttling answer was processed waits for the pause's end.
    */
   public boolean holdsDeliveries() {
      return throttling.paused();
   }

   /** On the event loop once the pause is over: what the writer and the window held goes out, then the broker hands over. */
   private void resumeAfterThrottling() {
      if (stopped || throttling.paused()) {
         return; // ended, or a new pause began meanwhile: its end comes here again
      }
      channel.resumeDeliveries();
      writeWaiting();
      ServerConsumer consumer = pausedConsumer;
      pausedConsumer = null;
      if (consumer != null) {
         consumer.promptDelivery();
      }
   }

   private int maxDeliveryAttempts(ServerConsumer consumer) {
      return server.getAddressSettingsRepository().getMatch(consumer.getQueue().getAddress().toString()).getMaxDeliveryAttempts();
   }

   /** Puts back deliveries whose response is overdue (called periodically on the event loop). */
   public void expireOverdue() {
      if (inFlight.isEmpty()) {
         return;
      }
      long now = System.nanoTime();
      ServerConsumer toPrompt = null;
      for (Iterator<Map.Entry<Integer, InFlight>> it = inFlight.entrySet().iterator(); it.hasNext(); ) {
         Map.Entry<Integer, InFlight> entry = it.next();
         InFlight delivery = entry.getValue();
         // One the writer holds through a throttling pause has not reached the client: nothing to wait for yet.
         if ((delivery.written || delivery.vetoed) && now - delivery.sentAtNanos() >= responseTimeoutNanos) {
            it.remove();
            channel.onSettled(entry.getKey(), false);
            try {
               Parts parts = delivery.parts();
               if (parts != null) {
                  failed(parts, DeliveryCounts.Outcome.TIMED_OUT);
                  if (--parts.unanswered == 0) {
                     settle(parts.vetoed, parts.failure);
                     boolean failed = true;
                     if (parts.rejected) {
                        deadLetter(delivery.consumer(), delivery.messageId(), parts.vetoed,
                                   "a part refused for good, the last one overdue");
                     } else {
                        failed = putBack(delivery.consumer(), delivery.messageId(), parts.deliveryCount, parts.vetoed);
                     }
                     channel.onMessageSettled(parts.firstSequence, failed ? DeliveryChannel.Settlement.FAILED : DeliveryChannel.Settlement.PUT_BACK);
                  }
               } else {
                  // A vetoed delivery was never written: put back at its timeout as any unanswered one, not counted.
                  settle(delivery.vetoed(), DeliveryCounts.Outcome.TIMED_OUT);
                  boolean last = putBack(delivery.consumer(), delivery.messageId(), delivery.deliveryCount(), delivery.vetoed());
                  channel.onMessageSettled(entry.getKey(), last ? DeliveryChannel.Settlement.FAILED : DeliveryChannel.Settlement.PUT_BACK);
               }
            } catch (Exception e) {
               logger.warn("Could not put back overdue delivery {}", delivery.messageId(), e);
            }
            toPrompt = delivery.consumer();
         }
      }
      if (toPrompt != null) {
         logger.info("Delivery responses from '{}' overdue; messages put back for redelivery", channel.accountId());
         writeWaiting();
         toPrompt.promptDelivery();
         checkAllAnswered();
      }
   }

   private void reject(ServerConsumer consumer, long messageId) {
      try {
         consumer.reject(messageId);
      } catch (Exception e) {
         logger.warn("Could not dead-letter message {}", messageId, e);
      }
      consumer.promptDelivery();
   }
}
