package io.smsgw.broker;

import java.util.concurrent.atomic.AtomicInteger;

import org.apache.activemq.artemis.api.core.ICoreMessage;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.spi.core.remoting.ReadyListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session callback of an outgoing link (an SMSC link, a FWD link): the broker session is the link's own and its
 * consumer hands messages over on the queue's executor. A message is taken only from the link's current consumer and
 * counts in the window ({@link #reserved}) from then on; a consumer or session the broker closes is replaced through
 * the link's {@link LinkFeed} (decision 66), unless the link is stopping. How a message is sent is the link's
 * ({@link #take}), and so is when it has credit ({@code hasCredits}).
 */
public abstract class LinkSessionCallback extends AbstractSessionCallback {

   /** By the link's class, so that these lines keep the category they had in each link. */
   private final Logger logger = LoggerFactory.getLogger(getClass());

   /** Messages taken from the queue and not settled yet: the window's slots in use. The link frees them. */
   protected final AtomicInteger reserved = new AtomicInteger();

   /** A stop began (set from any thread): nothing more is taken, and a consumer the broker closes is not replaced. */
   protected volatile boolean stopping;

   /** The link's broker session and consumer. */
   protected abstract LinkFeed linkFeed();

   /**
    * A message the link's current consumer {@code feed} handed over (queue executor); its window slot is counted
    * already. Nothing may be thrown to the broker from here: it would close the link's consumer and put back the
    * messages in flight, which would go out again once a new consumer takes them (decision 66).
    *
    * @return what {@code sendMessage} answers the broker
    */
   protected abstract int take(MessageReference ref, LinkFeed.Feed feed, ICoreMessage message, int deliveryCount);

   @Override
   public final int sendMessage(MessageReference ref, ServerConsumer consumer, int deliveryCount) {
      LinkFeed.Feed feed = linkFeed().feed();
      if (feed.consumer != consumer) {
         // hasCredits lets only the current consumer deliver, but a delivery it let through can arrive after that
         // consumer was closed and replaced: the close already put the message back on the queue.
         return 0;
      }
      reserved.incrementAndGet();
      ICoreMessage message;
      try {
         message = ref.getMessage().toCore();
      } catch (RuntimeException | Error e) {
         reserved.decrementAndGet(); // the broker closes the consumer and puts the message back
         throw e;
      }
      return take(ref, feed, message, deliveryCount);
   }

   /** The link's window bounds what it takes ({@code hasCredits}), not the writability of a socket. */
   @Override
   public boolean isWritable(ReadyListener callback, Object protocolContext) {
      return true;
   }

   @Override
   public void disconnect(ServerConsumer consumer, String errorMessage) {
      if (stopping) {
         logger.debug("{}: consumer closed while stopping ({})", linkFeed().name(), errorMessage);
         return;
      }
      linkFeed().disconnected(consumer, errorMessage); // a new consumer after a backoff (decision 66)
   }

   /** A session of the link was closed; if by the broker (a failed connection), a new one is opened (decision 129). */
   @Override
   public void closed() {
      if (!stopping) {
         linkFeed().sessionClosed();
      }
   }
}
