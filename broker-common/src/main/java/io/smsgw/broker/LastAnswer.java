package io.smsgw.broker;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;

/**
 * The last answer on an acceptor connection (a refused bind or CONNECT, unbind_resp, TERMINATE_RESP) and the close
 * after it (decision 156). The peer closes its socket once it has read that answer; the gateway does not close first:
 *
 * <ul>
 * <li>closing while the peer's bytes are still unread on this side makes the kernel send a reset instead of a FIN,
 * and a reset can discard the answer in the peer's receive buffer before the peer has read it;</li>
 * <li>client libraries hand a PDU to a worker thread and go on reading: jSMPP's reader, seeing the end of the stream
 * right after bind_resp or unbind_resp, closes the session before the worker gives the answer to the waiting caller,
 * which then reports a timeout ("Time out waiting for bind response", "Unbind response timeout").</li>
 * </ul>
 *
 * So after the answer the connection goes on reading, discarding everything (no PDU reaches the session, nothing is
 * buffered), until the peer closes, and closes itself {@link #DRAIN_MILLIS} later at the latest. Nothing waits on the
 * event loop: the limit is a scheduled task.
 */
public final class LastAnswer {

   /** How long a peer has to close after the last answer before the gateway closes. */
   public static final long DRAIN_MILLIS = 1_000;

   private LastAnswer() {
   }

   /** Writes {@code answer} and drains: the peer closes, or the gateway does after {@link #DRAIN_MILLIS}. Event loop. */
   public static void send(Channel channel, Object answer) {
      if (!channel.isActive()) {
         return;
      }
      channel.writeAndFlush(answer);
      drain(channel);
   }

   /**
    * After the last answer is written (or, for a connection ended without one, at once): discards what the peer still
    * sends and closes when it closes, or after {@link #DRAIN_MILLIS}. Event loop; again on a draining channel nothing
    * changes.
    */
   public static void drain(Channel channel) {
      if (!channel.isActive()) {
         return;
      }
      PduChannelHandler<?> handler = channel.pipeline().get(PduChannelHandler.class);
      if (handler != null && !handler.discardFurther()) {
         return; // draining already
      }
      PduFrameDecoder decoder = channel.pipeline().get(PduFrameDecoder.class);
      if (decoder != null) {
         decoder.discardFurther(); // nothing framed or buffered from here
      }
      ScheduledFuture<?> limit = channel.eventLoop().schedule(() -> channel.close(), DRAIN_MILLIS, TimeUnit.MILLISECONDS);
      channel.closeFuture().addListener(closed -> limit.cancel(false));
   }
}
