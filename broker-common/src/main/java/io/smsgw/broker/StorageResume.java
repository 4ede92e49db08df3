package io.smsgw.broker;

import java.util.function.Consumer;

import org.apache.activemq.artemis.utils.runnables.AtomicRunnable;

/**
 * The one "storage freed" callback a connection has registered with the broker at a time (decision 131): a connection
 * refused again while it waits registers nothing more. It runs once; when it runs it takes itself off the store that
 * held it, and a connection that closes first forgets it: it is taken off the store and lets go of the connection, so
 * a store that stays full holds neither callbacks nor closed connections. (The paging manager's list of disk callbacks
 * cannot be taken from; a forgotten callback left there is this small object, run as a no-op when the disk frees.)
 */
final class StorageResume extends AtomicRunnable {

   /** What resuming runs, given this callback; null once run or forgotten. */
   private volatile Consumer<StorageResume> resume;

   StorageResume(Consumer<StorageResume> resume) {
      this.resume = resume;
   }

   @Override
   public void atomicRun() {
      Consumer<StorageResume> task = resume;
      resume = null;
      unregister();
      if (task != null) {
         task.accept(this);
      }
   }

   /** The connection closed: never runs, and is taken off the store it waits on. */
   void forget() {
      resume = null;
      cancel(); // takes it off the store (the cancel task its checkMemory set) unless it ran already
   }

   /** Run from elsewhere (the paging manager, at once after registering): the store's list would keep it until it frees. */
   private void unregister() {
      Consumer<AtomicRunnable> remove = getCancel();
      if (remove != null) {
         remove.accept(this);
      }
   }
}
