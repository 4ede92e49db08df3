package io.smsgw.core.id;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.smsgw.core.file.DurableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The high-water mark of an id generator's logical clock, kept in a small file so that a restarted gateway never
 * issues an id at or before one an earlier run issued, whatever its wall clock says (docs/decisions.md, "Message ids
 * survive restarts and clocks going back").
 *
 * <p>The file holds one number: the last logical second ids may have been issued in ("reserved through"). A generator
 * issues ids only in seconds the file already covers. It reserves time in blocks of {@link #BLOCK_SECONDS} ahead, so
 * the file is written (and fsynced) at most once per block, not once per id; the reservation is extended in the
 * background once half a block is used ({@link #extendInBackground}), and by a keeper task the runtime schedules
 * ({@code GatewayRuntime.persistIds}), so that the issuing thread (a Netty event loop) normally never waits. Only an id
 * beyond the reservation (the keeper stopped or fell behind) waits for the write on the issuing thread. A write that
 * fails is logged and ids go on: availability first, the mark then protects again from the next block written.
 *
 * <p>A restart starts after the reserved second, so it may skip up to a block of seconds: ids stay unique and
 * increasing, the time written into them runs up to a minute ahead until the wall clock catches up.
 */
public final class IdMark {

   private static final Logger logger = LoggerFactory.getLogger(MethodHandles.lookup().lookupClass());

   /** Seconds of logical time reserved per write. */
   public static final long BLOCK_SECONDS = 60;

   private final Path file;
   private final long startedAfter;
   private volatile long reservedThrough;
   private volatile Executor executor = ForkJoinPool.commonPool();
   private final AtomicBoolean extending = new AtomicBoolean();

   private IdMark(Path file, long startedAfter, long reservedThrough) {
      this.file = file;
      this.startedAfter = startedAfter;
      this.reservedThrough = reservedThrough;
   }

   /** No file: the generator's state lives in memory only, as before marks (tests, runtimes without a broker). */
   public static IdMark inMemory() {
      return new IdMark(null, Long.MIN_VALUE, Long.MAX_VALUE);
   }

   /**
    * The mark kept in {@code file} (created with its directory when missing: a first start).
    *
    * @throws UncheckedIOException when it cannot be read or created, or holds no number (the gateway does not start:
    *                              an id generator that cannot tell where its previous run stopped could repeat ids)
    */
   public static IdMark open(Path file) {
      try {
         Files.createDirectories(file.toAbsolutePath().getParent());
         long last = 0;
         if (Files.exists(file)) {
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            try {
               last = Long.parseLong(text);
            } catch (NumberFormatException e) {
               throw new IOException(file + " holds no id mark (a number of seconds) but '" + text
                                     + "': restore it, or delete it when the wall clock is known to be past the ids issued before");
            }
         }
         return new IdMark(file, last, last);
      } catch (IOException e) {
         throw new UncheckedIOException(e);
      }
   }

   /** The file, or null in memory. */
   public Path file() {
      return file;
   }

   /** Runs the background extensions (the broker's scheduled pool); the common pool until set. */
   public void executor(Executor executor) {
      this.executor = executor;
   }

   /** The second the file held when opened: a generator on this mark issues its first id after it. */
   public long startedAfter() {
      return startedAfter;
   }

   /** The last second ids may be issued in without writing the file again. */
   public long reservedThrough() {
      return reservedThrough;
   }

   /**
    * Called with the second of each id issued: returns at once while the second is well inside the reservation;
    * starts a background extension once half a block is used; waits for the write when the second is beyond it.
    */
   public void issuing(long second) {
      long reserved = reservedThrough;
      if (second <= reserved - BLOCK_SECONDS / 2) {
         return;
      }
      if (second > reserved) {
         try {
            reserveThrough(second + BLOCK_SECONDS);
         } catch (UncheckedIOException e) {
            // Ids go on (a gateway that cannot write its data directory has bigger problems than a restart with the
            // clock set back); the block counts as reserved in memory, so this is tried and logged once per block.
            logger.warn("Could not extend the id mark {}: ids go on, but a restart with the wall clock set back could "
                        + "repeat those of the next {} s", file, BLOCK_SECONDS, e);
            assumeReserved(second + BLOCK_SECONDS);
         }
      } else {
         extendInBackground(second + BLOCK_SECONDS);
      }
   }

   /** Extends the reservation through {@code second} on the executor, unless an extension is under way. */
   public void extendInBackground(long second) {
      if (!extending.compareAndSet(false, true)) {
         return;
      }
      try {
         executor.execute(() -> {
            try {
               reserveThrough(second);
            } catch (RuntimeException e) {
               logger.warn("Could not extend the id mark {}: the next id beyond it will retry", file, e);
            } finally {
               extending.set(false);
            }
         });
      } catch (RejectedExecutionException e) {
         extending.set(false); // the broker's pool stopped: the issuing thread extends it when it must
      }
   }

   /** Makes the file cover {@code second} (written and fsynced) before returning; no write when it does already. */
   public synchronized void reserveThrough(long second) {
      if (second <= reservedThrough) {
         return;
      }
      if (file != null) {
         write(second);
      }
      reservedThrough = second;
   }

   private synchronized void assumeReserved(long second) {
      if (second > reservedThrough) {
         reservedThrough = second;
      }
   }

   private void write(long second) {
      try {
         DurableFiles.replace(file, second + "\n", StandardCharsets.US_ASCII);
      } catch (IOException e) {
         throw new UncheckedIOException("Could not write the id mark " + file, e);
      }
   }
}
