package io.smsgw.routing;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import io.smsgw.broker.BatchedMoves;
import io.smsgw.broker.MovedMessages;
import io.smsgw.broker.StorageOverload;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.file.DurableFiles;
import org.apache.activemq.artemis.api.core.ActiveMQAddressFullException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.postoffice.Binding;
import org.apache.activemq.artemis.core.postoffice.RoutingStatus;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.impl.RoutingContextImpl;
import org.apache.activemq.artemis.utils.collections.LinkedListIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CDR writer's subscription on {@code sms.billing}: created before anything can send a billing record to it, and
 * moved when a reload renames it (decision in docs/decisions.md, "The CDR subscription exists before the links start").
 *
 * <p>{@link #ensure} creates the queue at activation, before the SMSC links start (an SMSC pushes its backlog of
 * receipts right after the bind: a billing record routed to {@code sms.billing} with no queue bound is dropped), and in a
 * reload before the reloaded configuration goes live. Creating a queue waits for the bindings journal: both run off
 * any event loop.
 *
 * <p>{@link #retire} empties the subscription a reload renamed into the new one, many records per transaction
 * ({@link BatchedMoves}), each leaving the old queue only with its copy stored on the new one, and then deletes the
 * old queue, so nothing keeps collecting records nobody reads. From {@link #ensure} on, both queues take every new
 * record: a record whose broker id is above the one noted right after the new queue was bound is on the new queue
 * already, and its copy on the old one is only removed, not moved (no line written twice but for records routed in
 * the instant the new queue was bound; the record id column tells such repeats, as after a crash).
 *
 * <p>A rename whose move has not finished is {@link #pending}: noted in {@value #NOTE} in the journal's directory
 * (written before the new writer starts, deleted once the old queue is gone), so a broker stopped meanwhile resumes
 * the move at its next activation instead of leaving the old queue bound to {@code sms.billing} with nobody reading it.
 * One rename at a time: while one is pending, the writer stays on its new queue and a further rename waits
 * (SmsRoutingPlugin), so no record is moved from two old queues.
 */
final class CdrSubscription {

   private static final Logger logger = LoggerFactory.getLogger(CdrSubscription.class);
   /** Browse this many at a time, so a long queue is not read into memory at once. */
   private static final int BROWSE = 1000;
   /** Passes over the old queue before its deletion is given up for now (records still arriving in a transaction). */
   private static final int PASSES = 10;
   private static final SimpleString BILLING = SimpleString.of(SmsAddresses.BILLING);
   /** The note of a pending rename, in the journal's directory (it moves, backs up and fails over with the journal). */
   static final String NOTE = "sms-cdr-rename.properties";

   private final ActiveMQServer server;
   private final MoveStorage storage;
   private final Path note;
   /** The rename whose move has not finished, or null; read from {@link #note} on first use. */
   private Pending pending;
   private boolean noteRead;
   /** The queue {@link #since} belongs to. */
   private String sinceQueue;
   /** A broker id taken right after {@link #sinceQueue} was bound: every record with a higher id was routed to it. */
   private long since;

   CdrSubscription(ActiveMQServer server) {
      this.server = server;
      this.storage = new MoveStorage(server);
      this.note = server.getConfiguration().getJournalLocation().getAbsoluteFile().toPath().resolve(NOTE);
   }

   /**
    * A rename whose move has not finished: the records of {@code old} go to {@code next}; those with a broker id at or
    * above {@code since} (taken right after {@code next} was bound) are on {@code next} already and are only removed.
    */
   record Pending(String old, String next, long since) {
   }

   /** The rename whose move has not finished (also one noted before the broker stopped), or null. */
   synchronized Pending pending() {
      if (!noteRead) {
         noteRead = true;
         pending = readNote();
      }
      return pending;
   }

   /**
    * Notes that the writer's queue {@code old} was renamed {@code next} ({@link #ensure}d just before): durable before
    * the new writer starts, so a restart before the move finishes resumes it. Never on an event loop.
    */
   synchronized Pending renamed(String old, String next) {
      // if ensure failed (next is made later by the writer), no record is known to be on next: all are moved
      Pending renamed = new Pending(old, next, next.equals(sinceQueue) ? since : Long.MAX_VALUE);
      pending = renamed;
      noteRead = true;
      writeNote(renamed);
      return renamed;
   }

   private Pending readNote() {
      if (!Files.exists(note)) {
         return null;
      }
      try {
         Properties p = new Properties();
         p.load(new StringReader(Files.readString(note, StandardCharsets.UTF_8)));
         Pending read = new Pending(p.getProperty("old"), p.getProperty("next"), Long.parseLong(p.getProperty("since", "")));
         if (read.old() == null || read.next() == null) {
            throw new IllegalArgumentException("old or next missing");
         }
         logger.info("CDR files: the subscription {} was renamed {} before the broker stopped and still holds records: "
                     + "they are moved now", read.old(), read.next());
         return read;
      } catch (IOException | RuntimeException e) {
         logger.warn("CDR files: {} cannot be read ({}); a renamed subscription it named is not moved (move its messages "
                     + "to the writer's queue and delete it through management, then delete the file)", note, e.toString());
         return null;
      }
   }

   private void writeNote(Pending renamed) {
      try {
         Properties p = new Properties();
         p.setProperty("old", renamed.old());
         p.setProperty("next", renamed.next());
         p.setProperty("since", Long.toString(renamed.since()));
         java.io.StringWriter text = new java.io.StringWriter();
         p.store(text, "The CDR subscription 'old' was renamed 'next' and its records are still being moved (those with a"
                       + " broker id at or above 'since' are on 'next' already). Deleted once 'old' is gone.");
         DurableFiles.replace(note, text.toString(), StandardCharsets.UTF_8);
      } catch (IOException | RuntimeException e) {
         logger.warn("CDR files: could not write {} ({}): if the broker stops before the records of {} have moved to {}, "
                     + "{} stays (move its messages and delete it through management)", note, e.toString(),
                     renamed.old(), renamed.next(), renamed.old());
      }
   }

   private void done(Pending retired) {
      if (retired.equals(pending)) {
         pending = null;
         try {
            Files.deleteIfExists(note);
         } catch (IOException e) {
            logger.warn("CDR files: could not delete {} ({}); the next start finds {} gone and deletes it", note,
                        e.toString(), retired.old());
         }
      }
   }

   /** Creates the durable multicast subscription {@code queue} on {@code sms.billing} unless it is there. Never on an event loop. */
   synchronized void ensure(String queue) throws Exception {
      SimpleString name = SimpleString.of(queue);
      if (server.locateQueue(name) == null) {
         server.createQueue(QueueConfiguration.of(name).setAddress(SmsAddresses.BILLING).setRoutingType(RoutingType.MULTICAST)
                               .setDurable(true).setAutoCreated(false), true);
         logger.info("CDR files: created the subscription {} on {}", queue, SmsAddresses.BILLING);
      }
      if (!queue.equals(sinceQueue)) {
         sinceQueue = queue;
         since = server.getStorageManager().generateID();
      }
   }

   /** What {@link #retire} did: records moved, copies removed (on the new queue already), whether the old queue is gone. */
   record Retired(long moved, long removed, boolean deleted, String full) {
   }

   /**
    * Moves the records of the {@code rename}'s old queue to its next one ({@link #ensure}d before) and deletes the old
    * one, then forgets the rename; stops early, keeping the old queue (and the rename pending), when the store of
    * {@code sms.billing} cannot take the copies ({@code full}). Nothing may consume the old queue meanwhile (its writer
    * stopped). Runs on the caller's thread, never an event loop.
    */
   synchronized Retired retire(Pending rename) throws Exception {
      Retired retired = move(rename.old(), rename.next(), rename.since());
      if (retired.deleted()) {
         done(rename);
      }
      return retired;
   }

   private Retired move(String old, String next, long boundary) throws Exception {
      Queue from = server.locateQueue(SimpleString.of(old));
      if (from == null) {
         return new Retired(0, 0, true, null);
      }
      Binding to = server.getPostOffice().getBinding(SimpleString.of(next));
      if (to == null || !SmsAddresses.BILLING.equals(String.valueOf(from.getAddress()))) {
         throw new IllegalStateException(to == null ? "no queue " + next : old + " is no subscription on " + SmsAddresses.BILLING);
      }
      long moved = 0;
      long removed = 0;
      for (int pass = 0; pass < PASSES; pass++) {
         Set<Long> seen = new HashSet<>();
         boolean notThere = false;
         while (true) {
            List<MessageReference> found = new ArrayList<>(BROWSE);
            try (LinkedListIterator<MessageReference> refs = from.browserIterator()) {
               while (refs.hasNext() && found.size() < BROWSE) {
                  MessageReference ref = refs.next();
                  if (seen.add(ref.getMessage().getMessageID())) {
                     found.add(ref);
                  }
               }
            }
            if (found.isEmpty()) {
               break;
            }
            long[] counts = new long[2];
            String[] full = new String[1];
            BatchedMoves.Effect[] effects = BatchedMoves.move(server, found, (i, ref, tx, moves) -> {
               long id = ref.getMessage().getMessageID();
               boolean needsCopy = id < boundary;
               if (needsCopy) {
                  StorageOverload.Cause cause = storage.refusal(SmsAddresses.BILLING);
                  if (cause != null) {
                     full[0] = SmsAddresses.BILLING + " (" + cause.tag() + ")";
                     return BatchedMoves.Effect.REFUSED;
                  }
               }
               MessageReference taken = from.removeReferenceWithID(id);
               if (taken == null) {
                  return BatchedMoves.Effect.UNCHANGED; // still paged: read after the next depage
               }
               from.referenceHandled(taken);
               from.acknowledge(tx, taken);
               MovedMessages.putBackAsItWasOnRollback(tx);
               if (!needsCopy) {
                  counts[1]++;
                  return BatchedMoves.Effect.MOVED; // on the new queue already: only taken off the old one
               }
               Message copy = MovedMessages.copyAsMoved(taken.getMessage(), BILLING, from.getName(),
                                                          server.getStorageManager());
               RoutingStatus status;
               try {
                  // to the new queue only (the binding), not to every subscription of sms.billing again
                  status = server.getPostOffice().route(copy, new RoutingContextImpl(tx), false, false, to);
               } catch (ActiveMQAddressFullException e) {
                  full[0] = SmsAddresses.BILLING + " (" + StorageOverload.Cause.ADDRESS.tag() + ")";
                  return BatchedMoves.Effect.FAILED_STOP;
               }
               if (copy.isDropped()) {
                  full[0] = SmsAddresses.BILLING + " (" + StorageOverload.Cause.ADDRESS.tag() + ")";
                  return BatchedMoves.Effect.FAILED_STOP;
               }
               counts[0]++;
               moves.moved(taken, BILLING, copy, status);
               return BatchedMoves.Effect.MOVED;
            });
            for (BatchedMoves.Effect effect : effects) {
               notThere |= effect == BatchedMoves.Effect.UNCHANGED;
            }
            // counts hold what was tried; a rolled-back batch is tried again (then counted again): a log figure only
            moved += counts[0];
            removed += counts[1];
            if (full[0] != null) {
               return new Retired(moved, removed, false, full[0]);
            }
         }
         if (notThere) {
            RoutedMove.depage(from);
            continue;
         }
         try {
            // Refused while it holds a message (one whose transaction committed after the browse): another pass then.
            server.destroyQueue(from.getName(), null, false, false, false, true);
            return new Retired(moved, removed, true, null);
         } catch (Exception e) {
            logger.debug("CDR files: {} not deleted yet ({}), another pass", old, e.toString());
         }
      }
      return new Retired(moved, removed, false, null);
   }
}
