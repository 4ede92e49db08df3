package io.smsgw.routing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.smsgw.core.config.GatewayConfig;
import io.smsgw.core.config.SmscLinkConfig;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.contract.SmsKind;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.runtime.AcceptedSegments;
import io.smsgw.core.runtime.GatewayRuntime;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.postoffice.QueueBinding;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.impl.AckReason;
import org.apache.activemq.artemis.utils.collections.LinkedListIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queues of SMSC links ({@code sms.smsc.<link>}) and FWD peers ({@code sms.gw.<code>}) that hold messages while
 * the applied configuration has no such link or peer: the link was removed from {@code sms-gateway.conf}, so nothing
 * will ever read them. At start and after each reload that applied, the MT on a removed SMSC link's queue go back
 * through MT routing ({@code sms.mt}): another link when a route covers the number now, else the usual no-route report.
 * A configuration that fails validation is never applied, so a broken file cannot make a link look removed.
 *
 * <p>An MT whose correlation records say an SMSC already accepted it (decision 100: a crash between the record and the
 * acknowledgement) is not sent again: when the records hold the whole message it leaves the queue, its receipt or its
 * record's expiry gives its final state; when they hold only some parts it stays, for an operator to decide (another
 * link would send every part again). Peers' queues also hold MO and reports, which have no second route: they are
 * only listed and logged.
 */
final class RemovedLinkQueues {

   private static final Logger logger = LoggerFactory.getLogger(RemovedLinkQueues.class);
   private static final int FLUSH_LIMIT = 1000;
   static final String START = "start";
   static final String RELOAD = "reload";
   /** Browse, check and move this many at a time, so a long queue is not read into memory at once. */
   private static final int BATCH = 1000;
   /**
    * String, the queue an MT was re-routed from: set on its copy as it moves to sms.mt, so routing does not count
    * it as submitted again and gives it back the expiry the move cleared.
    */
   static final SimpleString REROUTED_FROM = SimpleString.of("smsReroutedFrom");

   /**
    * What re-routing one queue did: MT moved to sms.mt, MT an SMSC had already accepted (removed), MT left; {@code full}:
    * the address whose full store stopped the moves (decision 131), or null.
    */
   record Outcome(String queue, long moved, long alreadyAccepted, long left, String full) {
      @Override
      public String toString() {
         return queue + ": " + moved + " MT routed again, " + alreadyAccepted + " already accepted by an SMSC (removed, "
            + "their receipt or record expiry reports them), " + left + " left on the queue"
            + (full == null ? "" : "; stopped while the store of " + full + " is full: the rest waits for the next "
               + "reload, restart or rerouteQueue");
      }
   }

   private final ActiveMQServer server;
   private final GatewayRuntime runtime;
   private final RoutedMove mover;

   RemovedLinkQueues(ActiveMQServer server, GatewayRuntime runtime) {
      this.server = server;
      this.runtime = runtime;
      this.mover = new RoutedMove(server);
   }

   /** SMSC link and peer queues with messages whose link or peer {@code config} does not have, with their depth. */
   Map<String, Long> withoutLink(GatewayConfig config) {
      Set<String> links = linkIds(config);
      Map<String, Long> found = new TreeMap<>();
      server.getPostOffice().getAllBindings().forEach(binding -> {
         if (binding instanceof QueueBinding queueBinding) {
            String name = String.valueOf(binding.getUniqueName());
            Queue queue = queueBinding.getQueue();
            if (orphaned(name, links, config) && queue.getMessageCount() > 0) {
               found.put(name, queue.getMessageCount());
            }
         }
      });
      return found;
   }

   private static Set<String> linkIds(GatewayConfig config) {
      Set<String> ids = new HashSet<>();
      for (SmscLinkConfig link : config.links()) {
         ids.add(link.id());
      }
      return ids;
   }

   private static boolean orphaned(String queue, Set<String> links, GatewayConfig config) {
      if (queue.startsWith(SmsAddresses.SMSC_LINK_PREFIX)) {
         return !links.contains(queue.substring(SmsAddresses.SMSC_LINK_PREFIX.length()));
      }
      if (queue.startsWith(SmsAddresses.GATEWAY_PREFIX)) {
         return !config.peers().containsKey(queue.substring(SmsAddresses.GATEWAY_PREFIX.length()));
      }
      return false;
   }

   /**
    * Re-routes the MT of every SMSC link queue whose link {@code config} lacks and logs one WARN per queue with what
    * happened; peers' queues with messages get a WARN of their own. {@code when}: "start" or "reload".
    */
   synchronized void drain(GatewayConfig config, String when) {
      for (Map.Entry<String, Long> queue : withoutLink(config).entrySet()) {
         String name = queue.getKey();
         if (name.startsWith(SmsAddresses.GATEWAY_PREFIX)) {
            // A reload leaves a removed peer's FWD link running, reading its queue, until the restart.
            if (START.equals(when)) {
               logger.warn("{} holds {} messages for a peer sms-gateway.conf no longer has: nothing reads them; "
                           + "move or delete them by hand (docs/multi-gateway.md)", name, queue.getValue());
            }
            continue;
         }
         try {
            Outcome outcome = reroute(name);
            logger.warn("SMSC link queue without its link in sms-gateway.conf ({}): {}", when, outcome);
         } catch (Exception e) {
            logger.warn("{} holds {} messages for a removed SMSC link and could not be routed again ({}); they wait "
                        + "for the next reload, restart or rerouteQueue", name, queue.getValue(), when, e);
         }
      }
   }

   /**
    * Moves the MT of {@code queueName}, the queue of an SMSC link the applied configuration does not have, back
    * through MT routing. Refused (IllegalArgumentException) for any other queue: a configured link reads its own.
    */
   synchronized Outcome reroute(String queueName) throws Exception {
      if (queueName == null || !queueName.startsWith(SmsAddresses.SMSC_LINK_PREFIX)) {
         throw new IllegalArgumentException(queueName + " is not an SMSC link's queue (" + SmsAddresses.SMSC_LINK_PREFIX + "<link>)");
      }
      if (linkIds(runtime.config()).contains(queueName.substring(SmsAddresses.SMSC_LINK_PREFIX.length()))) {
         throw new IllegalArgumentException(queueName + " belongs to a configured SMSC link, which sends what waits on it");
      }
      Queue queue = server.locateQueue(SimpleString.of(queueName));
      if (queue == null) {
         throw new IllegalArgumentException("no queue " + queueName);
      }
      Moves moves = moveBack(queue, this::fate);
      return new Outcome(queueName, moves.moved(), moves.deleted(), moves.left(), moves.full());
   }

   /**
    * What one {@link #moveBack} did: MT moved to sms.mt, MT removed as already accepted, messages left on the queue
    * (for a full store: all it holds), the address whose full store stopped the moves or null.
    */
   record Moves(long moved, long deleted, long left, String full) {
   }

   /**
    * Moves the messages of {@code queue} that {@code fate} answers SEND for back through MT routing (marked with where
    * they come from, {@link #REROUTED_FROM}), removes those it answers ACCEPTED for and leaves the rest; {@code fate}
    * is asked once per message (again only for one that was not on the queue's list when moved). The caller holds
    * the lock of this object, so two passes never work one queue at once.
    */
   Moves moveBack(Queue queue, java.util.function.Function<Message, Fate> fate) throws Exception {
      String queueName = queue.getName().toString();
      long moved = 0;
      long accepted = 0;
      Set<Long> left = new HashSet<>();
      String full = null;
      // Each message is looked at once: one not on the queue's list when moved (taken meanwhile, or still paged) is
      // looked at again after the queue read its next page, as long as a pass moves something (one more without).
      Set<Long> seen = new HashSet<>();
      SimpleString from = SimpleString.of(queueName);
      Set<Long> notThere = new HashSet<>();
      boolean stalledBefore = false;
      while (full == null) {
         notThere.clear();
         long movedBefore = moved;
         while (true) {
            List<MessageReference> send = new ArrayList<>();
            Set<Long> done = new HashSet<>();
            // The correlation store is read outside the queue's lock; only the messages checked here are acted on.
            try (LinkedListIterator<MessageReference> refs = queue.browserIterator()) {
               while (refs.hasNext() && send.size() + done.size() < BATCH) {
                  MessageReference ref = refs.next();
                  Message message = ref.getMessage();
                  long id = message.getMessageID();
                  if (!seen.add(id)) {
                     continue;
                  }
                  switch (fate.apply(message)) {
                     case SEND -> send.add(ref);
                     case ACCEPTED -> done.add(id);
                     case LEAVE, PARTLY_ACCEPTED -> left.add(id);
                  }
               }
            }
            if (send.isEmpty() && done.isEmpty()) {
               break;
            }
            if (!done.isEmpty()) {
               accepted += queue.deleteMatchingReferences(FLUSH_LIMIT, new Ids(done), AckReason.NORMAL);
            }
            // Each MT leaves this queue in the transaction that stores its copy, routed as a new MT on sms.mt (not
            // counted as submitted again), a batch of them per transaction: a store that cannot take one, or drops it,
            // leaves it here (decisions 146, 152), and the rest stays for the next pass.
            RoutedMove.Result[] results = mover.moveAll(queue, send, SmsAddresses.MT_ADDRESS,
                                                        copy -> copy.putStringProperty(REROUTED_FROM, from));
            for (int i = 0; i < results.length && results[i] != null; i++) {
               long id = send.get(i).getMessage().getMessageID();
               switch (results[i]) {
                  case MOVED -> moved++;
                  case NOT_THERE -> notThere.add(id);
                  case DUPLICATE -> left.add(id);
                  case FULL, REFUSED -> full = mover.full();
               }
            }
            if (full != null) {
               break;
            }
         }
         boolean stalled = moved == movedBefore;
         if (full != null || notThere.isEmpty() || stalled && stalledBefore) {
            break;
         }
         stalledBefore = stalled;
         seen.removeAll(notThere);
         RoutedMove.depage(queue);
      }
      long leftCount = full == null ? left.size() + notThere.size() : queue.getMessageCount();
      return new Moves(moved, accepted, leftCount, full);
   }

   /** SEND: routed again; ACCEPTED: an SMSC took it whole; PARTLY_ACCEPTED: some parts only (stays); LEAVE: stays. */
   enum Fate { SEND, ACCEPTED, PARTLY_ACCEPTED, LEAVE }

   /**
    * What becomes of one message of a removed link's queue: an MT no SMSC accepted is routed again; one whose records
    * hold the whole message (or, for one segment of its sender's split, that segment) is done; anything else stays
    * (not an MT; only some parts accepted; a store that cannot answer).
    */
   Fate fate(Message message) {
      if (SmsKind.of(message.getObjectProperty(SmsProperties.KIND)) != SmsKind.MT) {
         return Fate.LEAVE;
      }
      Object smsId = message.getObjectProperty(SmsProperties.ID);
      Object destination = message.getObjectProperty(SmsProperties.DESTINATION);
      if (smsId == null || destination == null) {
         return Fate.SEND; // never handed to an SMSC as it is: no record can exist
      }
      AcceptedSegments links = runtime.acceptedSegments();
      if (links == null) {
         return Fate.LEAVE; // no store to ask (no SMSC links configured): it might have been accepted
      }
      List<AcceptedSegments.Segment> accepted;
      try {
         accepted = links.find(smsId.toString(), destination.toString());
      } catch (Exception e) {
         logger.debug("Correlation store could not answer for {}", smsId, e);
         return Fate.LEAVE;
      }
      if (accepted.isEmpty()) {
         return Fate.SEND;
      }
      Object own = message.getObjectProperty(SmsProperties.SEGMENT_NUMBER);
      int ownNumber = own instanceof Number n ? n.intValue() : 0;
      if (ownNumber > 0) {
         return accepted.stream().anyMatch(a -> a.number() == ownNumber) ? Fate.ACCEPTED : Fate.SEND;
      }
      return AcceptedSegments.whole(accepted) ? Fate.ACCEPTED : Fate.PARTLY_ACCEPTED;
   }

   /** Matches the messages whose broker ids were checked. */
   private static final class Ids extends MessageFilter {

      private final Set<Long> ids;

      Ids(Set<Long> ids) {
         super("messages of a removed link checked against the correlation store");
         this.ids = ids;
      }

      @Override
      public boolean match(Message message) {
         return ids.contains(message.getMessageID());
      }
   }

   /** For the management bean: "queue: depth". */
   static String[] describe(Map<String, Long> queues) {
      List<String> out = new ArrayList<>(queues.size());
      queues.forEach((name, depth) -> out.add(name + ": " + depth));
      return out.toArray(new String[0]);
   }
}
