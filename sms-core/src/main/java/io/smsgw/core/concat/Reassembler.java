package io.smsgw.core.concat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Collects the segments of concatenated messages until each message is complete.
 *
 * <p>Segments may arrive in any order; a second segment with a number already held is ignored. A
 * message that is still incomplete {@code timeout} after its first segment arrived is given up, and so
 * is the oldest pending message when a new one would exceed {@code maxPending}. Given-up messages are
 * never dropped silently: they come back as {@link PartialMessage}s, from {@link #offer} (which expires
 * due messages first) or from {@link #expire()} (for a periodic timer when no segments arrive). A
 * segment arriving after its message completed or was given up starts a new pending message.
 *
 * <p>Not thread-safe: confine an instance to one thread (for example a Netty event loop) or guard
 * every call with the same lock.
 *
 * @param <P> the caller's segment type (a message, a byte array...); never null
 */
public final class Reassembler<P> {

   private final long timeoutNanos;
   private final int maxPending;
   private final LongSupplier nanoClock;
   /** Insertion order = order of first arrival, so the head is always the oldest. */
   private final LinkedHashMap<ConcatKey, Pending> pending = new LinkedHashMap<>();

   /**
    * @param timeout    how long a message may stay incomplete, counted from its first segment
    * @param maxPending most incomplete messages held at once (at least 1)
    * @param nanoClock  a monotonic time source in nanoseconds, like {@code System::nanoTime}
    */
   public Reassembler(Duration timeout, int maxPending, LongSupplier nanoClock) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
         throw new IllegalArgumentException("timeout must be positive: " + timeout);
      }
      if (maxPending < 1) {
         throw new IllegalArgumentException("maxPending must be at least 1: " + maxPending);
      }
      this.timeoutNanos = timeout.toNanos();
      this.maxPending = maxPending;
      this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
   }

   /** A reassembler timed by {@link System#nanoTime()}. */
   public Reassembler(Duration timeout, int maxPending) {
      this(timeout, maxPending, System::nanoTime);
   }

   /**
    * Adds segment {@code number} (1..{@code key.total()}) of the message {@code key}.
    */
   public OfferResult<P> offer(ConcatKey key, int number, P part) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(part, "part");
      long now = nanoClock.getAsLong();
      List<PartialMessage<P>> discarded = new ArrayList<>(0);
      expireInto(now, discarded);
      if (number < 1 || number > key.total()) {
         return new OfferResult<>(OfferResult.Status.INVALID, List.of(), discarded);
      }
      if (key.total() == 1) {
         return new OfferResult<>(OfferResult.Status.COMPLETE, List.of(part), discarded);
      }
      Pending message = pending.get(key);
      if (message == null) {
         if (pending.size() >= maxPending) {
            Iterator<Map.Entry<ConcatKey, Pending>> oldest = pending.entrySet().iterator();
            Map.Entry<ConcatKey, Pending> entry = oldest.next();
            oldest.remove();
            discarded.add(entry.getValue().toPartial(entry.getKey(), PartialMessage.Reason.EVICTED));
         }
         message = new Pending(key.total(), now);
         pending.put(key, message);
      }
      if (message.parts[number - 1] != null) {
         return new OfferResult<>(OfferResult.Status.DUPLICATE, List.of(), discarded);
      }
      message.parts[number - 1] = part;
      message.received++;
      if (message.received < key.total()) {
         return new OfferResult<>(OfferResult.Status.PENDING, List.of(), discarded);
      }
      pending.remove(key);
      return new OfferResult<>(OfferResult.Status.COMPLETE, message.inOrder(), discarded);
   }

   /** Gives up every message whose timeout has passed and returns them, oldest first. */
   public List<PartialMessage<P>> expire() {
      List<PartialMessage<P>> expired = new ArrayList<>(0);
      expireInto(nanoClock.getAsLong(), expired);
      return expired;
   }

   /** Incomplete messages currently held. */
   public int pendingCount() {
      return pending.size();
   }

   private void expireInto(long now, List<PartialMessage<P>> out) {
      Iterator<Map.Entry<ConcatKey, Pending>> oldestFirst = pending.entrySet().iterator();
      while (oldestFirst.hasNext()) {
         Map.Entry<ConcatKey, Pending> entry = oldestFirst.next();
         if (now - entry.getValue().firstArrivalNanos < timeoutNanos) {
            return;
         }
         oldestFirst.remove();
         out.add(entry.getValue().toPartial(entry.getKey(), PartialMessage.Reason.EXPIRED));
      }
   }

   /** The segments of one message received so far, indexed by number - 1. */
   private final class Pending {
      final Object[] parts;
      final long firstArrivalNanos;
      int received;

      Pending(int total, long firstArrivalNanos) {
         this.parts = new Object[total];
         this.firstArrivalNanos = firstArrivalNanos;
      }

      @SuppressWarnings("unchecked")
      List<P> inOrder() {
         List<P> ordered = new ArrayList<>(parts.length);
         for (Object part : parts) {
            ordered.add((P) part);
         }
         return ordered;
      }

      @SuppressWarnings("unchecked")
      PartialMessage<P> toPartial(ConcatKey key, PartialMessage.Reason reason) {
         SortedMap<Integer, P> received = new TreeMap<>();
         for (int i = 0; i < parts.length; i++) {
            if (parts[i] != null) {
               received.put(i + 1, (P) parts[i]);
            }
         }
         return new PartialMessage<>(key, Collections.unmodifiableSortedMap(received), reason);
      }
   }
}
