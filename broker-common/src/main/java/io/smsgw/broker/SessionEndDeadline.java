package io.smsgw.broker;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;
import org.slf4j.Logger;

/**
 * The limits on a session end the peer asked for (SMPP unbind, CMPP TERMINATE), each a task scheduled on the
 * connection's event loop: nothing waits there.
 *
 * <p>{@link #afterDeliveriesAnswered}: the answers to the deliveries already written may follow the peer's unbind or
 * TERMINATE (client libraries answer deliver_sm on threads of their own), and the session end waits for them, up to a
 * bound, so they acknowledge their messages instead of bringing them again on the next session (decision 94).
 *
 * <p>{@link #closeIfNotEndedWithin}: the answer to unbind or TERMINATE waits for the answers owed before it, and one
 * of those can wait on a held queue that is stuck (a consumer hanging in a network write): a peer that keeps sending
 * enquire_link or ACTIVE_TEST meanwhile would keep the connection, and its account's session slot, for ever. Past the
 * limit the connection is closed without the answer (decision 64).
 */
public final class SessionEndDeadline {

   private SessionEndDeadline() {
   }

   /**
    * Closes {@code channel} if it is still open {@code millis} after now, with a warning on the session's logger.
    *
    * @param request what the peer sent to end the session, for the log
    * @param peer    who sent it, for the log
    * @return the scheduled check, to cancel once the session has answered
    */
   public static ScheduledFuture<?> closeIfNotEndedWithin(Channel channel, long millis, String request, String peer, Logger logger) {
      return channel.eventLoop().schedule(() -> {
         if (channel.isActive()) {
            logger.warn("{} from '{}' not answered within {} ms (an answer owed before it is held up); closing",
                        request, peer, millis);
            channel.close();
         }
      }, millis, TimeUnit.MILLISECONDS);
   }

   /**
    * On the event loop, after the deliverer {@link WindowedDeliverer#stop stopped}: runs {@code then} once, on the event
    * loop, when every delivery written to the peer has been answered (or gone overdue), or {@code millis} after now,
    * whichever comes first. At once (queued) when nothing is unanswered, when there is no deliverer (a session that
    * never bound) or when {@code millis} is 0. What is still unanswered then goes back to the queue when the broker
    * session closes, as before.
    */
   public static void afterDeliveriesAnswered(Channel channel, WindowedDeliverer<?> deliverer, long millis, Runnable then) {
      if (deliverer == null || millis <= 0) {
         channel.eventLoop().execute(then);
         return;
      }
      Once once = new Once(then);
      once.deadline = channel.eventLoop().schedule(once, millis, TimeUnit.MILLISECONDS);
      deliverer.whenAllAnswered(once);
   }

   /** {@code then} run by whichever comes first, the last answer or the deadline (both on the event loop). */
   private static final class Once implements Runnable {
      private final Runnable then;
      private ScheduledFuture<?> deadline;
      private boolean ran;

      Once(Runnable then) {
         this.then = then;
      }

      @Override
      public void run() {
         if (ran) {
            return;
         }
         ran = true;
         deadline.cancel(false);
         then.run();
      }
   }
}
