package io.smsgw.routing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.smsgw.core.contract.SmsAddresses;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.utils.collections.LinkedListIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the MO parked on {@value MoRouteTransformer#UNROUTED} through MO routing again, for an operator who added the
 * {@code routes.mo} prefix (or account queue) they lacked: each leaves the queue in the transaction that stores its
 * copy routed as an MO sent to {@code sms.mo} ({@link RoutedMove}, a batch per transaction), marked with
 * {@link RemovedLinkQueues#REROUTED_FROM} so that one no route covers yet goes back there without counting or a WARN
 * again. The broker's own move cannot do it: it looks its target up as a queue, and {@code sms.mo} has none (its
 * divert takes everything). The messages moved are those on the queue's list when the call starts: what goes back to
 * the queue, or arrives meanwhile, waits for the next call.
 */
final class UnroutedMo {

   private static final Logger logger = LoggerFactory.getLogger(UnroutedMo.class);
   private static final SimpleString QUEUE = SimpleString.of(MoRouteTransformer.UNROUTED);
   /** Moved this many at a time, so a long queue is not read into memory at once. */
   private static final int BATCH = 1000;

   private final ActiveMQServer server;
   private final RoutedMove mover;

   UnroutedMo(ActiveMQServer server) {
      this.server = server;
      this.mover = new RoutedMove(server);
   }

   /** Moves what the queue holds now back through MO routing; returns and logs what it did. */
   synchronized String reroute() throws Exception {
      Queue queue = server.locateQueue(QUEUE);
      if (queue == null) {
         throw new IllegalStateException("no queue " + QUEUE);
      }
      RoutedMove.depage(queue); // a paging queue reads its next page, which this call then moves too
      Set<Long> waiting = new HashSet<>();
      try (LinkedListIterator<MessageReference> refs = queue.browserIterator()) {
         while (refs.hasNext()) {
            waiting.add(refs.next().getMessage().getMessageID());
         }
      }
      long moved = 0;
      long kept = 0;
      String full = null;
      while (full == null && !waiting.isEmpty()) {
         List<MessageReference> batch = new ArrayList<>();
         try (LinkedListIterator<MessageReference> refs = queue.browserIterator()) {
            while (refs.hasNext() && batch.size() < BATCH) {
               MessageReference ref = refs.next();
               if (waiting.remove(ref.getMessage().getMessageID())) {
                  batch.add(ref);
               }
            }
         }
         if (batch.isEmpty()) {
            break; // the rest was taken meanwhile
         }
         RoutedMove.Result[] results = mover.moveAll(queue, batch, SmsAddresses.MO_ADDRESS,
                                                     copy -> copy.putStringProperty(RemovedLinkQueues.REROUTED_FROM, QUEUE));
         for (RoutedMove.Result result : results) {
            if (result == null) {
               break;
            }
            switch (result) {
               case MOVED -> moved++;
               case DUPLICATE -> kept++;
               case NOT_THERE -> { }
               case FULL, REFUSED -> full = mover.full();
            }
         }
      }
      String outcome = moved + " MO sent through MO routing again (those no route covers yet go back to " + QUEUE + ")"
         + (kept > 0 ? "; " + kept + " stayed there, duplicates of a message routed before" : "")
         + (full == null ? "" : "; stopped while the store of " + full + " is full: call again once it has room");
      logger.info("rerouteUnroutedMo: {}", outcome);
      return outcome;
   }
}
