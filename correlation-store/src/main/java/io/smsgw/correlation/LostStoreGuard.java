package io.smsgw.correlation;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

import org.slf4j.Logger;

/**
 * Keeps a store that lives next to the broker's journal from coming back empty after it was lost (decision 199): once
 * the store exists, {@link #mark} writes a marker file into the journal's own directory, so it stays with the journal
 * when the broker data is split; a later start that finds the marker but no store is refused by {@link #refuseIfLost}
 * until the operator restores the store or deletes the marker to accept the loss. No marker and no store is a first
 * start, a store without a marker (a gateway from before the marker) is marked; both quietly. Used at a start, off the
 * event loops (it touches the file system).
 */
public final class LostStoreGuard {

   private final Path store;
   private final Path marker;
   private final String name;
   private final String users;
   private final String emptyWould;
   private final String documentation;

   /**
    * @param store         the store's directory
    * @param marker        the marker file, in the journal's directory
    * @param name          what the store is, as a sentence starts ("The SMSC links' receipt correlation store")
    * @param users         what does not start without it ("the SMSC links")
    * @param emptyWould    what an empty store would do, after "An empty store would " ("lose the receipts of ...")
    * @param documentation the page the marker file points to
    */
   public LostStoreGuard(Path store, Path marker, String name, String users, String emptyWould, String documentation) {
      this.store = store;
      this.marker = marker;
      this.name = name;
      this.users = users;
      this.emptyWould = emptyWould;
      this.documentation = documentation;
   }

   public Path store() {
      return store;
   }

   public Path marker() {
      return marker;
   }

   /**
    * Refuses to create an empty store in place of one this broker used before (marker present, no store): one ERROR on
    * {@code logger} names both paths, what is lost and both ways out.
    *
    * @throws CorrelationStoreException when the store was lost
    */
   public void refuseIfLost(Logger logger) {
      if (!RocksDbCorrelationStore.missing(store) || !Files.exists(marker)) {
         return;
      }
      logger.error(name + " {} is missing, but {} shows that this broker's links used one before: the broker data was"
         + " restored or moved without it, or it is not on the same (persistent) volume as the journal. An empty store"
         + " would " + emptyWould + ", so " + users + " do not start (nor does the broker). Either restore {} from the"
         + " broker's data and start again, or, to accept the loss and start with an empty store, delete {} and start"
         + " again.", store, marker, store, marker);
      throw new CorrelationStoreException("the correlation store " + store + " is missing while " + marker
         + " is present: restore the store, or delete that file to start with an empty one");
   }

   /** Leaves the marker once the store exists; a marker that cannot be written is a WARN on {@code logger}, not fatal. */
   public void mark(Logger logger) {
      if (Files.exists(marker)) {
         return;
      }
      Path written = marker.resolveSibling(marker.getFileName() + ".tmp");
      try {
         Files.writeString(written, name + " is " + store + " (first opened " + Instant.now() + ").\nWhile this file"
            + " exists, the broker does not start if that store is missing: restore it, or delete this file to start with"
            + " an empty store (" + documentation + ").\n", StandardCharsets.UTF_8);
         try (FileChannel channel = FileChannel.open(written, StandardOpenOption.WRITE)) {
            channel.force(true);
         }
         Files.move(written, marker, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException | RuntimeException e) {
         logger.warn("Could not write {}: a later start will not notice if {} {} goes missing", marker,
                     Character.toLowerCase(name.charAt(0)) + name.substring(1), store, e);
      }
   }
}
