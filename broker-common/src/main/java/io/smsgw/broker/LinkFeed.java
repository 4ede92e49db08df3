package io.smsgw.broker;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.channel.EventLoop;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker side of an outgoing link ({@link LinkBrokerSession}) that comes back when the broker takes the link's
 * consumer away. Artemis tells the session callback {@code disconnect} when a consumer fails in delivery
 * ({@code QueueImpl.errorProcessing}: the consumer is already closed, its deliveries back on the queue), when an
 * operator closes the consumer or the session through management ({@code closeConsumerWithID},
 * {@code closeSessionWithID}) and when the queue is destroyed with its consumers; it tells the callback {@code closed}
 * when it closes the link's session itself, e.g. after failing the link's connection ({@link #sessionClosed}). The link
 * then stops taking messages on that consumer at once; after a backoff, on a broker thread (opening creates the queue,
 * a journal write), the link is told on its event loop to let go of what it had taken from it ({@link Abandon}; at
 * once when the consumer is closed already, its deliveries back on the queue), the consumer is closed if it is not
 * (its deliveries go back to the queue), and a new session and consumer are opened. Deliveries to the new consumer
 * start only once it is the current one (decision 66).
 *
 * <p>The link counts what it takes from each consumer in its {@link Feed} (event loop only), so that letting go frees
 * exactly the window slots of that consumer's messages.
 */
public final class LinkFeed {

   private static final Logger logger = LoggerFactory.getLogger(LinkFeed.class);
   /** A disconnect this long after the last reopen starts the backoff again from its minimum. */
   private static final long QUIET_NANOS = TimeUnit.MINUTES.toNanos(1);
   private static final long LET_GO_WAIT_MILLIS = 10_000;

   /** Opens the link's broker session (and creates its queue if missing). */
   @FunctionalInterface
   public interface Opener {
      LinkBrokerSession open() throws Exception;
   }

   /** Told on the link's event loop that the messages of {@code feed} went back to the queue. */
   @FunctionalInterface
   public interface Abandon {
      /** @param unsettled messages taken from the feed and not settled: the window slots to free */
      void abandoned(Feed feed, int unsettled);
   }

   /** One consumer of the link and what the link has taken from it. */
   public static final class Feed {
      public final ServerConsumer consumer;
      /** Disconnect seen: take nothing more from it. */
      private volatile boolean closing;
      private int unsettled;
      private boolean abandoned;

      Feed(ServerConsumer consumer) {
         this.consumer = consumer;
      }

      /**
       * A message delivered by this consumer is taken in (event loop). False when the feed was let go already: the
       * message is back on the queue and must not be sent; its window slot is the caller's to free.
       */
      public boolean take() {
         if (abandoned) {
            return false;
         }
         unsettled++;
         return true;
      }

      /** A message taken in is settled (acknowledged, put back, dead-lettered; event loop). */
      public void settle() {
         unsettled--;
      }

      /**
       * Its messages went back to the queue (event loop): nothing of them may be acknowledged, retried or reported,
       * and their slots were freed.
       */
      public boolean abandoned() {
         return abandoned;
      }

      /** Acknowledging on it would fail (and fail the transaction it is in): it is closed or being let go. */
      public boolean gone() {
         return abandoned || closing || consumer.isClosed();
      }
   }

   private final ActiveMQServer server;
   private final EventLoop loop;
   private final Executor brokerExecutor;
   private final String name;
   private final Opener opener;
   private final Abandon abandon;
   private final long minDelayMillis;
   private final long maxDelayMillis;
   private final Object lock = new Object();
   /** Consumers re-created after the broker took one away. */
   public final AtomicLong reopened = new AtomicLong();
   /** Durable sends the link did not make because the broker's disk was full ({@link #diskFull}). */
   public final AtomicLong refusedDiskFull = new AtomicLong();
   /** A disk-full refusal was logged and the disk has not been seen with space since. */
   private volatile boolean diskFullSeen;

   private volatile Feed feed;
   private volatile DurableSender sender;
   private ServerSession session;
   private boolean closed;
   private long delayMillis;
   private long lastReopenNanos;

   /**
    * @param name    the link, for the log ("SMSC link sim")
    * @param abandon runs on {@code loop} when a consumer's messages went back to the queue
    */
   public LinkFeed(ActiveMQServer server, EventLoop loop, String name, long minDelayMillis, long maxDelayMillis,
                   Opener opener, Abandon abandon) {
      this.server = server;
      this.loop = loop;
      this.brokerExecutor = server.getExecutorFactory().getExecutor();
      this.name = name;
      this.opener = opener;
      this.abandon = abandon;
      this.minDelayMillis = Math.max(1, minDelayMillis);
      this.maxDelayMillis = Math.max(this.minDelayMillis, maxDelayMillis);
   }

   /** Opens the first session; failures are thrown (the link does not start). */
   public void open() throws Exception {
      LinkBrokerSession opened = opener.open();
      synchronized (lock) {
         session = opened.session();
         sender = opened.sender();
         feed = new Feed(opened.consumer());
      }
   }

   /** The current consumer's feed; the one a message the broker hands over now belongs to. */
   public Feed feed() {
      return feed;
   }

   public DurableSender sender() {
      return sender;
   }

   /** The link, as the log names it ("SMSC link sim"). */
   public String name() {
      return name;
   }

   /** Whether deliveries from {@code consumer} are taken: only from the current one, and not once it was taken away. */
   public boolean takesFrom(ServerConsumer consumer) {
      Feed f = feed;
      return f != null && f.consumer == consumer && !f.closing;
   }

   /** The callback's {@code disconnect}: stop taking from the consumer and schedule a new one. Any thread. */
   public void disconnected(ServerConsumer consumer, String reason) {
      takenAway(consumer, reason);
   }

   /**
    * The callback's {@code closed}: the broker closed a session of the link. Any thread (the closing one, possibly the
    * link's event loop: nothing here blocks). The link closes its previous session itself after a reopen and its last
    * one at the stop; what matters is a close the link did not ask for, which leaves the current consumer closed: the
    * broker or management closed the session or failed the link's connection (a full disk no longer does: since
    * decision 131 the connection reports flow control and DurableSender refuses such a send). Before, nothing noticed
    * it and the link took no MT until the broker restarted while it still showed BOUND.
    */
   public void sessionClosed() {
      Feed f = feed;
      if (f != null && f.consumer.isClosed() && !takenAway(f.consumer, "its session was closed") && !closed) {
         // Already being replaced (management's closeSessionWithID says disconnect first): its deliveries are back on
         // the queue now, so the link lets go now rather than after the backoff.
         letGoSoon(f);
      }
   }

   /** False when the link is stopping or the consumer was taken away already. */
   private boolean takenAway(ServerConsumer consumer, String reason) {
      long delay;
      Feed f;
      synchronized (lock) {
         f = feed;
         if (closed || f == null || f.consumer != consumer || f.closing) {
            return false; // stopping, or a consumer already let go
         }
         f.closing = true;
         long now = System.nanoTime();
         delay = delayMillis == 0 || now - lastReopenNanos > QUIET_NANOS ? minDelayMillis : Math.min(delayMillis * 2, maxDelayMillis);
         delayMillis = delay;
      }
      logger.warn("{}: the broker closed its consumer on {} ({}); messages in progress go back to the queue and a new "
                  + "consumer takes them in {} ms", name, consumer.getQueue().getName(), reason, delay);
      if (consumer.isClosed()) {
         // Its deliveries are back on the queue already: the link lets go now, not after the backoff, so no part of them
         // still waiting in the link goes out beside the copy the new consumer delivers.
         letGoSoon(f);
      }
      schedule(f, delay);
      return true;
   }

   private void letGoSoon(Feed f) {
      try {
         loop.execute(() -> letGo(f));
      } catch (RejectedExecutionException e) {
         logger.debug("{}: not let go, the link is stopping", name);
      }
   }

   /**
    * Whether the broker's disk is over its limit (max-disk-usage, min-disk-free). A link checks it before each durable
    * send and treats the send as failed (the SMSC or peer is answered with a temporary error, a report is tried
    * again), which keeps the link's sends off the full disk; sent anyway, DurableSender would refuse it with
    * ActiveMQAddressFullException (decision 131). The first refusal of a spell logs a WARN, the end of the spell an
    * INFO.
    */
   public boolean diskFull() {
      if (server.getPagingManager() != null && server.getPagingManager().isDiskFull()) {
         refusedDiskFull.incrementAndGet();
         if (!diskFullSeen) {
            diskFullSeen = true;
            logger.warn("{}: the broker's disk is full (max-disk-usage); messages from the other side are refused with a "
                        + "temporary error until it has space again", name);
         }
         return true;
      }
      if (diskFullSeen) {
         diskFullSeen = false;
         logger.info("{}: the broker's disk has space again; messages from the other side are stored again", name);
      }
      return false;
   }

   private void schedule(Feed f, long delayMillis) {
      try {
         loop.schedule(() -> brokerExecutor.execute(() -> reopen(f)), delayMillis, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
         logger.debug("{}: not reopened, the link is stopping", name);
      }
   }

   private void reopen(Feed old) {
      synchronized (lock) {
         if (closed || feed != old) {
            return;
         }
         if (server.getState() != ActiveMQServer.SERVER_STATE.STARTED) {
            logger.info("{}: the broker is not started; no new consumer", name);
            return;
         }
         // Let go first, then close: once the link has let go it acknowledges nothing more on the consumer, so no
         // acknowledgement can meet a consumer being closed (it would fail the link's whole acknowledgement batch).
         try {
            if (!loop.submit(() -> letGo(old)).awaitUninterruptibly(LET_GO_WAIT_MILLIS)) {
               logger.warn("{}: the link's event loop did not let go of the consumer in time", name);
            }
         } catch (RejectedExecutionException e) {
            return; // the link's event loop is shut down: the link is stopping
         }
         try {
            old.consumer.close(false); // one closed by management (closeConsumerWithID) is still open: its deliveries go back now
         } catch (Exception e) {
            logger.debug("{}: closing the consumer taken away", name, e);
         }
         LinkBrokerSession opened;
         try {
            opened = opener.open();
         } catch (Exception e) {
            long delay = Math.min(delayMillis * 2, maxDelayMillis);
            delayMillis = delay;
            logger.warn("{}: could not open a new consumer ({}); trying again in {} ms", name, e.toString(), delay);
            schedule(old, delay);
            return;
         }
         ServerSession previous = session;
         session = opened.session();
         sender = opened.sender();
         feed = new Feed(opened.consumer());
         lastReopenNanos = System.nanoTime();
         reopened.incrementAndGet();
         try {
            previous.close(false);
         } catch (Exception e) {
            logger.debug("{}: closing the previous session", name, e);
         }
         logger.info("{}: taking messages again with a new consumer on {}", name, opened.consumer().getQueue().getName());
         opened.consumer().promptDelivery(); // it took nothing while it was not the current one
      }
   }

   /**
    * On the event loop, before the consumer is closed (or after Artemis closed it): everything it delivered is, or is
    * about to be, back on the queue.
    */
   private void letGo(Feed old) {
      if (old.abandoned) {
         return;
      }
      old.abandoned = true;
      int unsettled = old.unsettled;
      old.unsettled = 0;
      abandon.abandoned(old, unsettled);
      Feed current = feed;
      if (current != old) {
         current.consumer.promptDelivery(); // slots were freed
      }
   }

   /** Closes the current session (its deliveries go back to the queue); no consumer is re-created after this. */
   public void close() {
      synchronized (lock) {
         closed = true;
         if (session != null) {
            try {
               session.close(false);
            } catch (Exception e) {
               logger.debug("{}: closing the session", name, e);
            }
         }
      }
   }
}
