package io.smsgw.broker;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.apache.activemq.artemis.api.core.ICoreMessage;
import org.apache.activemq.artemis.spi.core.remoting.ReadyListener;

/**
 * What a {@link WindowedDeliverer} needs from a protocol session: turn a waiting message into the
 * protocol's delivery PDU (SMPP deliver_sm, CMPP DELIVER) and write it.
 *
 * @param <P> what {@link #encodeDelivery} returns and {@link #write} takes: the sessions use the encoded PDU
 */
public interface DeliveryChannel<P> {

   /** Room for a deliver_sm or DELIVER with a full short message; larger ones grow the buffer. */
   int INITIAL_CAPACITY = 256;

   /** The account whose queue is being delivered, for logs. */
   String accountId();

   /** A fresh request sequence number for this connection. */
   int nextSequence();

   /**
    * The PDU that delivers this message, run through the codec's field checks here, not only in the pipeline.
    * Throws IllegalArgumentException for content the protocol cannot carry (a field too wide, a character the
    * field cannot hold); the message then goes to the dead-letter address. A failure in the pipeline's encoder
    * would close the connection instead and bring the message back on the next one, again and again. Null when
    * an outgoing interceptor vetoed it: it then waits unanswered until the response timeout puts it back, and
    * counts in the account's delivery counts as nothing sent.
    *
    * <p>A message that needs more than one PDU (a long MO as concatenated parts) returns its first part, with
    * {@code sequence}, and hands the others to {@code parts} in order, each with a sequence of its own from
    * {@link #nextSequence}. Every part is encoded before any is handed over: one the codec refuses throws, and the
    * whole message is dead-lettered. The message is acknowledged only when every part got its success response.
    */
   P encodeDelivery(ICoreMessage message, int sequence, Parts<P> parts);

   /** Takes the further parts of a message {@link #encodeDelivery} splits. */
   interface Parts<P> {
      /** The next part: its sequence and its PDU, or null when an outgoing interceptor vetoed it. */
      void add(int sequence, P part);
   }

   /**
    * Writes what {@link #encodeDelivery} returned; callable from any thread. Once the session has stopped deliveries
    * (see {@link WindowedDeliverer#stop}), a delivery the event loop has not written yet is released, not written.
    */
   void write(P delivery);

   /**
    * On the event loop, when a throttling pause of the account ends: writes the deliveries the writer held back while
    * {@link WindowedDeliverer#holdsDeliveries} said so (handed over before the pause began, not written yet).
    */
   void resumeDeliveries();

   boolean isWritable(ReadyListener listener);

   /** Runs work on the connection's event loop. */
   void execute(Runnable task);

   /** Runs work on the connection's event loop after {@code delayMillis} (a throttling pause's end). */
   void schedule(Runnable task, long delayMillis);

   /** Closes the connection, e.g. when the broker removed the consumer through management. */
   void close(String reason);

   /**
    * A delivery ended: answered with success, refused, or unanswered in time (then {@code success} is
    * false). For the protocol's own bookkeeping; the message itself is already acknowledged or put back.
    */
   default void onSettled(int sequence, boolean success) {
   }

   /** How a message handed over ended, for {@link #onMessageSettled}. */
   enum Settlement {
      /** Every PDU of it answered with success: acknowledged. */
      DELIVERED,
      /** Sent to the dead-letter address: refused for good, or failed at the last of max-delivery-attempts. */
      FAILED,
      /** Back on the queue, to come again (refused, throttled or unanswered before its last attempt). */
      PUT_BACK
   }

   /**
    * A message (all its parts) ended one hand-over: once per message, where {@link #onSettled} is once per PDU.
    * {@code sequence} is that of its first PDU, the one {@link #encodeDelivery} was given. Not called for a message
    * whose session ended before its answers (the broker session's close puts it back) nor for one no PDU could carry.
    */
   default void onMessageSettled(int sequence, Settlement settlement) {
   }

   /**
    * {@code pdu} as {@code codec} encodes it, for an {@link #encodeDelivery} that writes the encoded PDU. The
    * codec's IllegalArgumentException passes on; the buffer is released then.
    *
    * <p>An unpooled heap buffer: encodeDelivery runs on broker threads, which have no thread-local cache in
    * Netty's pooled allocator, so a pooled buffer taken there locks the arena the event loops allocate from too (a
    * JFR profile of scenario 3 showed the extra arena time). The event loop copies the bytes into a direct buffer
    * from its own cache when it writes them.
    */
   static <T> ByteBuf encode(T pdu, BiConsumer<? super T, ByteBuf> codec) {
      ByteBuf encoded = Unpooled.buffer(INITIAL_CAPACITY);
      try {
         codec.accept(pdu, encoded);
         return encoded;
      } catch (RuntimeException e) {
         encoded.release();
         throw e;
      }
   }

   /**
    * The parts of a long MO encoded all or none, {@code first} and then {@code further} in order: {@code encodeOne}
    * gives a part's buffer (null when an interceptor vetoed it). When one throws, the buffers already made are released
    * and the exception passes on, so the whole message is dead-lettered.
    */
   static <T> ByteBuf[] encodeAll(T first, List<? extends T> further, Function<T, ByteBuf> encodeOne) {
      ByteBuf[] encoded = new ByteBuf[1 + further.size()];
      try {
         for (int i = 0; i < encoded.length; i++) {
            encoded[i] = encodeOne.apply(i == 0 ? first : further.get(i - 1));
         }
         return encoded;
      } catch (RuntimeException e) {
         for (ByteBuf buf : encoded) {
            if (buf != null) {
               buf.release();
            }
         }
         throw e;
      }
   }
}
