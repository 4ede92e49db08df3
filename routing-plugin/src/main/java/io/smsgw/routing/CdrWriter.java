package io.smsgw.routing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import io.smsgw.broker.AbstractSessionCallback;
import io.smsgw.broker.AcknowledgementBatch;
import io.smsgw.broker.LinkTransport;
import io.smsgw.broker.SmsRemotingConnection;
import io.smsgw.core.config.CdrConfig;
import io.smsgw.core.contract.SmsAddresses;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.spi.core.remoting.ReadyListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in CDR file writer ({@code billing.cdr}): reads a durable multicast subscription on {@code sms.billing}
 * through an internal broker session (no client connection) and writes each record as a CSV line
 * ({@link CdrFormat}) to {@code <prefix>-<yyyyMMdd-HHmmss>-<seq>.csv.part}, renamed to {@code .csv} when the file is
 * rotated (by age, record count or size), so a mediation system only ever sees complete files.
 *
 * <p>Durability: the broker hands records over on its delivery threads, which only queue them here; one writer thread
 * of its own writes them in batches, forces each batch to disk ({@link FileChannel#force}) and only then acknowledges
 * the batch's messages in one transaction ({@link AcknowledgementBatch}). A crash between the force and the
 * acknowledgement writes those lines again after the restart (at least once; the record id column tells repeats). A
 * write that fails (disk full, the directory gone) acknowledges nothing: the batch is written again with a backoff
 * until it succeeds, at most {@link #WINDOW} records wait in memory and the rest stays on the queue; one WARN per
 * spell. A {@code .part} file a crash left behind holds forced lines only (a torn last line is cut off): it is renamed
 * at start.
 */
final class CdrWriter extends AbstractSessionCallback {

   private static final Logger logger = LoggerFactory.getLogger(CdrWriter.class);
   /** Records written and forced together. */
   static final int BATCH = 1000;
   /** Records handed over by the broker and not yet acknowledged: the rest waits on the queue. */
   static final int WINDOW = 4 * BATCH;
   private static final long MIN_RETRY_MILLIS = 100;
   private static final long MAX_RETRY_MILLIS = 10_000;
   private static final long IDLE_PARK_NANOS = TimeUnit.SECONDS.toNanos(1);
   private static final long STOP_WAIT_MILLIS = 30_000;
   static final String PART = ".part";
   static final String CSV = ".csv";
   private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

   /** What the writer did since the broker started, across reloads (the routing bean and the meters read them). */
   static final class Counters {
      final LongAdder records = new LongAdder();
      final LongAdder files = new LongAdder();
      final LongAdder errors = new LongAdder();
   }

   private final ActiveMQServer server;
   final CdrConfig config;
   private final Counters counters;
   private final SimpleString queue;
   private final Thread thread;
   private final ConcurrentLinkedQueue<MessageReference> inbox = new ConcurrentLinkedQueue<>();
   private final AtomicInteger inFlight = new AtomicInteger();
   private volatile boolean running = true;
   private volatile boolean idle;
   private volatile ServerConsumer consumer;
   private volatile boolean consumerLost;
   /** The writer closes its own session: not a loss to recover from. */
   private volatile boolean closingOwn;

   // ---- writer thread only
   private ServerSession session;
   private AcknowledgementBatch acks;
   private final List<MessageReference> pending = new ArrayList<>(BATCH);
   private final StringBuilder text = new StringBuilder(256 * BATCH);
   private final CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder();
   private ByteBuffer bytes = ByteBuffer.allocateDirect(512 * BATCH);
   private FileChannel channel;
   /** The file being filled (null: none open, the next batch starts one). */
   private Path part;
   /** What of {@link #part} was forced: after a failed write the file is cut back to it. */
   private long durableSize;
   private int fileRecords;
   private long fileDeadline;
   private int sequence;
   /** A full file the rotation could not rename: renamed before anything else is written. */
   private Path unrenamed;
   private boolean failing;

   CdrWriter(ActiveMQServer server, CdrConfig config, Counters counters) {
      this.server = server;
      this.config = config;
      this.counters = counters;
      this.queue = SimpleString.of(config.queue());
      this.thread = new Thread(this::run, "sms-cdr-writer");
      thread.setDaemon(true);
   }

   /** Starts the writer thread, which renames leftover files and then opens its session (nothing here touches the disk). */
   void start() {
      thread.start();
   }

   /**
    * Stops taking records, closes the current file (renamed to {@code .csv}) and the session: what was handed over and
    * not written goes back to the queue. Waits for the writer thread (a batch being forced finishes first).
    */
   void stop() {
      running = false;
      LockSupport.unpark(thread);
      try {
         thread.join(STOP_WAIT_MILLIS);
      } catch (InterruptedException e) {
         Thread.currentThread().interrupt();
      }
      if (thread.isAlive()) {
         logger.warn("CDR files: the writer did not stop within {} ms (a write to {} hangs); its records stay on {}",
                     STOP_WAIT_MILLIS, config.directory(), queue);
      }
   }

   // ------------------------------------------------------------------ the broker's side (its delivery threads)

   @Override
   public boolean hasCredits(ServerConsumer from) {
      return running && from == consumer && inFlight.get() < WINDOW;
   }

   @Override
   public int sendMessage(MessageReference ref, ServerConsumer from, int deliveryCount) {
      if (from != consumer) {
         return 0; // a consumer being replaced: its deliveries are back on the queue
      }
      inFlight.incrementAndGet();
      inbox.add(ref);
      if (idle) {
         LockSupport.unpark(thread);
      }
      return 0;
   }

   @Override
   public void disconnect(ServerConsumer from, String errorMessage) {
      if (running && from == consumer) {
         if (brokerRunning()) {
            logger.warn("CDR files: the broker closed the consumer on {} ({}); a new one takes the records", queue, errorMessage);
            consumerLost = true;
         }
         LockSupport.unpark(thread); // a stopping broker took the records back: the writer drops them (run)
      }
   }

   /** The broker closed the session (management's closeSessionWithID, say): a new one takes the records. */
   @Override
   public void closed() {
      if (running && !closingOwn) {
         if (brokerRunning()) {
            logger.warn("CDR files: the broker closed the session reading {}; a new one takes the records", queue);
            consumerLost = true;
         }
         LockSupport.unpark(thread); // a stopping broker took the records back: the writer drops them (run)
      }
   }

   /**
    * A stopping broker closes every session (giving back what they were handed) before it stops the writer: nothing
    * to replace then, and nothing to write (written now, the records would be written again after the restart).
    */
   private boolean brokerRunning() {
      return server.getState() == ActiveMQServer.SERVER_STATE.STARTED;
   }

   @Override
   public boolean isWritable(ReadyListener callback, Object protocolContext) {
      return true;
   }

   // ------------------------------------------------------------------ the writer thread

   private void run() {
      long retryMillis = MIN_RETRY_MILLIS;
      boolean recovered = false;
      while (running) {
         try {
            if (!recovered) {
               recoverLeftovers();
               recovered = true;
            }
            if (!brokerRunning()) {
               standDown();
               continue;
            }
            if (session == null || consumerLost) {
               openSession();
            }
            if (unrenamed != null) {
               finish(unrenamed);
               unrenamed = null;
            }
            if (pending.isEmpty()) {
               drain();
            }
            if (pending.isEmpty()) {
               if (part != null && System.nanoTime() - fileDeadline >= 0) {
                  rotate(); // the interval elapsed with records in the file
               } else {
                  waitForRecords();
               }
               continue;
            }
            write();
            acknowledge();
            if (failing) {
               failing = false;
               logger.info("CDR files: writing to {} again", config.directory());
            }
            retryMillis = MIN_RETRY_MILLIS;
            if (fileRecords >= config.maxRecords() || durableSize >= config.maxBytes() || System.nanoTime() - fileDeadline >= 0) {
               rotate();
            }
         } catch (Exception e) {
            failed(e);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(retryMillis));
            retryMillis = Math.min(retryMillis * 2, MAX_RETRY_MILLIS);
         }
      }
      shutdown();
   }

   /**
    * The broker is stopping: drops what it handed over (its session gives that back to the queue, or already has) and
    * takes no more, writing nothing until {@link #stop}. The open file keeps its acknowledged lines and is closed then.
    */
   private void standDown() {
      consumer = null;
      inbox.clear();
      pending.clear();
      inFlight.set(0);
      if (running) {
         LockSupport.parkNanos(IDLE_PARK_NANOS);
      }
   }

   private void waitForRecords() {
      idle = true;
      if (inbox.isEmpty() && running && !consumerLost) {
         long wait = part == null ? IDLE_PARK_NANOS : Math.min(IDLE_PARK_NANOS, Math.max(1, fileDeadline - System.nanoTime()));
         LockSupport.parkNanos(wait);
      }
      idle = false;
   }

   private void drain() {
      MessageReference ref;
      while (pending.size() < BATCH && (ref = inbox.poll()) != null) {
         pending.add(ref);
      }
   }

   /** Appends the pending records to the current file (opened if none) and forces them to disk. */
   private void write() throws IOException {
      if (channel == null) {
         openFile();
      }
      text.setLength(0);
      if (durableSize == 0) {
         text.append(CdrFormat.HEADER);
      }
      for (MessageReference ref : pending) {
         CdrFormat.append(text, ref.getMessage());
      }
      encode();
      while (bytes.hasRemaining()) {
         channel.write(bytes);
      }
      channel.force(false);
      durableSize = channel.position();
      fileRecords += pending.size();
   }

   private void encode() {
      while (true) {
         bytes.clear();
         encoder.reset();
         CharBuffer chars = CharBuffer.wrap(text);
         CoderResult result = encoder.encode(chars, bytes, true);
         if (!result.isOverflow()) {
            encoder.flush(bytes);
            bytes.flip();
            return;
         }
         bytes = ByteBuffer.allocateDirect(bytes.capacity() * 2);
      }
   }

   /**
    * Acknowledges the written records in one transaction. The lines are on disk whatever happens here: a failure
    * (the consumer closed meanwhile) leaves the messages to be delivered again, at least once. Those acknowledged
    * before the failure are given back too (rolled back): left in the abandoned transaction they would be neither on
    * the queue nor delivered until a restart.
    */
   private void acknowledge() {
      int count = pending.size();
      try {
         for (MessageReference ref : pending) {
            acks.acknowledge(consumer, ref.getMessageID());
         }
         acks.commit();
         counters.records.add(count);
      } catch (Exception e) {
         acks.rollback();
         logger.warn("CDR files: {} records written to {} could not be acknowledged on {}; they will be written again",
                     count, part, queue, e);
         consumerLost = true;
      } finally {
         pending.clear();
      }
   }

   private void openFile() throws IOException {
      if (part != null && Files.exists(part)) {
         // after a failed write: cut off what was not forced and go on in the same file
         channel = FileChannel.open(part, StandardOpenOption.WRITE);
         channel.truncate(durableSize);
         channel.position(durableSize);
         return;
      }
      Path next;
      String stamp = STAMP.format(ZonedDateTime.now(ZoneOffset.UTC));
      do {
         sequence++;
         next = config.directory().resolve(fileName(stamp, sequence));
      } while (Files.exists(next) || Files.exists(csvOf(next)));
      channel = FileChannel.open(next, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      part = next;
      durableSize = 0;
      fileRecords = 0;
      fileDeadline = System.nanoTime() + config.rotateInterval().toNanos();
      syncDirectory(); // the new name survives a crash with the lines forced into it
   }

   /** Closes the current file and renames it to {@code .csv}. */
   private void rotate() throws IOException {
      Path full = part;
      closeChannel();
      if (full != null) {
         // After a failed write (then a stop or the interval): what was not forced, a torn line and records not
         // acknowledged, must not reach the .csv. A failure here keeps the file open for the next try.
         cutBack(full, durableSize);
      }
      part = null;
      durableSize = 0;
      fileRecords = 0;
      if (full != null) {
         try {
            finish(full);
         } catch (IOException e) {
            unrenamed = full;
            throw e;
         }
      }
   }

   /** Cuts {@code file} back to its first {@code forced} bytes when a failed write left more. */
   private static void cutBack(Path file, long forced) throws IOException {
      if (Files.exists(file) && Files.size(file) > forced) {
         try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(forced);
            channel.force(true);
         }
      }
   }

   /** Renames a closed file to its {@code .csv} name at once; a file without records goes. */
   private void finish(Path full) throws IOException {
      if (!hasRecords(full)) {
         Files.deleteIfExists(full);
         return;
      }
      Files.move(full, csvOf(full), StandardCopyOption.ATOMIC_MOVE);
      syncDirectory();
      counters.files.increment();
   }

   private static boolean hasRecords(Path file) throws IOException {
      return Files.exists(file) && Files.size(file) > CdrFormat.HEADER.length();
   }

   /** {@code <prefix>-<stamp>-<seq, 6 digits>.csv.part}. */
   private String fileName(String stamp, int seq) {
      String digits = Integer.toString(seq);
      StringBuilder name = new StringBuilder(config.prefix()).append('-').append(stamp).append('-');
      for (int i = digits.length(); i < 6; i++) {
         name.append('0');
      }
      return name.append(digits).append(CSV).append(PART).toString();
   }

   static Path csvOf(Path part) {
      String name = part.getFileName().toString();
      return part.resolveSibling(name.substring(0, name.length() - PART.length()));
   }

   /**
   * Files a crash left as {@code .part}: every complete line was forced before its record was acknowledged (a torn
   * last line was not, and its record is still on the queue), so the file is cut after its last line end and renamed.
   */
   private void recoverLeftovers() throws IOException {
      List<Path> leftovers = new ArrayList<>();
      // Only names of this writer's own form: a glob on the prefix would also take (and close) the open file of a
      // gateway whose prefix merely starts the same way (cdr and cdr-eu sharing the directory).
      try (DirectoryStream<Path> files = Files.newDirectoryStream(config.directory(),
                                                                  f -> isOwnPart(config.prefix(), f.getFileName().toString()))) {
         files.forEach(leftovers::add);
      }
      for (Path leftover : leftovers) {
         try (FileChannel file = FileChannel.open(leftover, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long end = lastLineEnd(file);
            if (end < file.size()) {
               file.truncate(end);
               file.force(true);
            }
         }
         finish(leftover);
         logger.info("CDR files: {} left by an earlier run closed as {}", leftover.getFileName(), csvOf(leftover).getFileName());
      }
   }

   /** Whether {@code name} is {@code <prefix>-<8 digits>-<6 digits>-<6 or more digits>.csv.part}, as {@link #fileName} makes. */
   static boolean isOwnPart(String prefix, String name) {
      String suffix = CSV + PART;
      int end = name.length() - suffix.length();
      if (end < 0 || !name.startsWith(prefix) || !name.endsWith(suffix)) {
         return false;
      }
      int at = prefix.length();
      for (int digits : new int[] {8, 6}) {
         if (at >= end || name.charAt(at) != '-' || !allDigits(name, at + 1, at + 1 + digits, end)) {
            return false;
         }
         at += 1 + digits;
      }
      return at < end && name.charAt(at) == '-' && end - at - 1 >= 6 && allDigits(name, at + 1, end, end);
   }

   private static boolean allDigits(String name, int from, int to, int limit) {
      if (to > limit) {
         return false;
      }
      for (int i = from; i < to; i++) {
         char c = name.charAt(i);
         if (c < '0' || c > '9') {
            return false;
         }
      }
      return true;
   }

   private static long lastLineEnd(FileChannel file) throws IOException {
      long size = file.size();
      ByteBuffer buffer = ByteBuffer.allocate(4096);
      long position = size;
      while (position > 0) {
         int length = (int) Math.min(buffer.capacity(), position);
         position -= length;
         buffer.clear().limit(length);
         file.read(buffer, position);
         for (int i = length - 1; i >= 0; i--) {
            if (buffer.get(i) == '\n') {
               return position + i + 1;
            }
         }
      }
      return 0;
   }

   private void syncDirectory() {
      try (FileChannel dir = FileChannel.open(config.directory(), StandardOpenOption.READ)) {
         dir.force(true);
      } catch (IOException | UnsupportedOperationException e) {
         logger.debug("CDR files: cannot force the directory {}", config.directory(), e);
      }
   }

   /** Opens the internal session and its consumer on the subscription (created if missing); replaces a lost one. */
   private void openSession() throws Exception {
      if (session != null) {
         consumer = null; // what the old consumer still hands over is dropped: its messages are back on the queue
         closeSession();
         inbox.clear();
         pending.clear();
         inFlight.set(0);
      }
      consumerLost = false;
      server.createQueue(QueueConfiguration.of(queue).setAddress(SmsAddresses.BILLING).setRoutingType(RoutingType.MULTICAST)
                            .setDurable(true).setAutoCreated(false), true);
      SmsRemotingConnection connection = new SmsRemotingConnection(new LinkTransport("sms-cdr-" + config.queue(), null), "CDR");
      connection.setClientID("sms-cdr-writer");
      ServerSession opened = server.createInternalSession("sms-cdr-" + UUID.randomUUID(), ActiveMQClient.DEFAULT_MIN_LARGE_MESSAGE_SIZE,
         connection, true, true, false, false, null, this, false, server.newOperationContext(), null, null, false);
      try {
         ServerConsumer created = opened.createConsumer(server.getStorageManager().generateID(), queue, null, false, false, -1);
         session = opened;
         acks = new AcknowledgementBatch(server.getStorageManager(), () -> "CDR writer on " + queue, n -> inFlight.addAndGet(-n));
         consumer = created;
         opened.start();
      } catch (Exception | Error e) {
         session = null;
         try {
            opened.close(false);
         } catch (Exception closing) {
            e.addSuppressed(closing);
         }
         throw e;
      }
   }

   private void failed(Exception e) {
      counters.errors.increment();
      closeChannel();
      if (!failing) {
         failing = true;
         logger.warn("CDR files: cannot write to {} ({}); billing records wait on {} unacknowledged and are written once it "
                     + "works again (retried with a backoff)", config.directory(), e.toString(), queue);
      } else {
         logger.debug("CDR files: still failing", e);
      }
   }

   private void closeChannel() {
      if (channel != null) {
         try {
            channel.close();
         } catch (IOException e) {
            logger.debug("CDR files: closing {}", part, e);
         }
         channel = null;
      }
   }

   /** Writer thread, at the end: the current file is closed and renamed, the session closed (unwritten records go back). */
   private void shutdown() {
      consumer = null;
      try {
         if (part != null) {
            rotate();
         } else if (unrenamed != null) {
            finish(unrenamed);
         }
      } catch (IOException e) {
         logger.warn("CDR files: could not close {} ({}); it is renamed at the next start", part, e.toString());
      }
      closeChannel();
      closeSession();
   }

   private void closeSession() {
      if (session != null) {
         closingOwn = true;
         try {
            session.close(false);
         } catch (Exception e) {
            logger.debug("CDR files: closing the session", e);
         } finally {
            closingOwn = false;
         }
         session = null;
      }
   }

   /** For the bean: records handed over and not acknowledged yet. */
   int inFlight() {
      return inFlight.get();
   }
}
