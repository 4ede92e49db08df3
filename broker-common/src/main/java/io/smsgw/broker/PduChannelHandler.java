package io.smsgw.broker;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of an SMPP or CMPP pipeline: hands decoded PDUs to the connection's session on the event
 * loop. It does not pass them on to the broker's own handler; connection close and writability changes still
 * travel on, so the broker removes the connection from management and resumes deliveries.
 *
 * <p>It also decides when the connection reads. Every request is answered, so a peer that sends without reading
 * its answers, or faster than they can be given, would otherwise make the broker buffer them without limit.
 * Reading stops while the channel is not writable (the answers already written wait for the peer to read them)
 * and while the session has {@code maxPendingRequests} requests it has not answered yet; it starts again once
 * the channel is writable and that count has fallen to half the cap. PDUs the decoder still produces from the
 * bytes already read are held here, in order, and handed to the session when reading starts again, so the
 * session never takes more than the cap. Nothing else in the gateway or in Artemis' own handler changes
 * {@code autoRead} on these channels.
 *
 * <p>While the broker's storage is full (decision 131) the connection reads on: only the requests that store something
 * (the session's {@link PduHandler.StoragePause#STORES}) wait here, in order, with whatever non-urgent PDU follows
 * them, until the storage frees. Responses and keep-alives ({@code PASSES}: deliver_sm_resp, DELIVER_RESP,
 * enquire_link, ACTIVE_TEST) are handed over at once, so deliveries still settle and the peer does not look silent;
 * an unbind or TERMINATE ({@code ENDS}) first hands over what waits before it (refused as storage full if it still
 * is). At most {@link #MAX_HELD_FOR_STORAGE} storing requests wait: each further one is answered at once with the
 * protocol's transient storage-full answer ({@link PduHandler#refuseForStorage}), so a client pipelining past that
 * bound is still read (its responses and keep-alives pass) while memory stays bounded. Reading stops only once that
 * many PDUs of other kinds wait behind them.
 *
 * <p>The gateway's outgoing links (SMSC links, FWD links, the GNS client) put one {@link #forLink made for a link} in
 * front of their own connection handler: it reads the same way (not while the channel is not writable, not while the
 * link holds its cap of deliveries unanswered), while errors, the connection's start and close travel on to the link's
 * handler, which decides what they mean for the link.
 *
 * @param <P> the protocol's PDU type
 */
public final class PduChannelHandler<P> extends ChannelInboundHandlerAdapter implements PendingRequests {

   private static final Logger logger = LoggerFactory.getLogger(PduChannelHandler.class);
   /**
    * Storing requests that may wait while the storage is full (bounded memory); further ones are refused at once as
    * storage full. Also the number of other waiting PDUs at which the connection stops reading. Above the window of
    * unanswered submits most ESMEs and SPs use (commonly 1 to 32), so such a peer is never refused for it.
    */
   static final int MAX_HELD_FOR_STORAGE = 64;

   private final Class<P> pduType;
   private final String protocol;
   private final int maxPending;
   private final int resumeAt;
   private final int maxHeldForStorage;
   /** A link's gate: errors go on to the link's own handler instead of closing here. */
   private final boolean passErrors;
   private PduHandler<P> session;
   private ChannelHandlerContext ctx;

   /** PDUs decoded while reading was stopped; handed over before anything read later. Event loop only. */
   private final ArrayDeque<P> held = new ArrayDeque<>();
   private boolean handingOver;
   /** Times reading was stopped and started again (event loop only; for {@link #describeFlow}). */
   private int stops;
   private int resumes;

   private final AtomicInteger pending = new AtomicInteger();
   /** The count reached the cap; cleared on the event loop once it is down to {@link #resumeAt}. */
   private volatile boolean full;
   private final AtomicBoolean resumeScheduled = new AtomicBoolean();
   private final Runnable resume = this::resumeAfterAnswers;
   /** The broker's storage is full: storing requests wait in {@link #held} (decision 131). Event loop only. */
   private boolean storageFull;
   /** The callback registered with the broker for that, until it runs or the connection closes. Event loop only. */
   private StorageResume storageResume;
   /** What refused, and the sender to ask again when the callback runs (a late wake-up registers again). Event loop only. */
   private DurableSender storageSender;
   private DurableSender.StorageFull storageRefusal;
   /** The callback being registered: one the store runs right then is not asked about again (no signal to wait for). */
   private StorageResume registering;
   /** Callbacks registered with the broker (event loop only; for {@link #describeFlow}). */
   private int storageWaits;
   /** Unbind / TERMINATE PDUs in {@link #held}: what waits before them goes on even while the storage is full. */
   private int endsHeld;
   /** Storing requests ({@code STORES}) in {@link #held}. Event loop only. */
   private int storesHeld;
   /** Storing requests refused at once because {@link #maxHeldForStorage} waited (event loop; for {@link #describeFlow}). */
   private int refusedForStorage;
   /** The last answer went out ({@link LastAnswer}): everything read is discarded and reading never stops. Event loop. */
   private boolean discarding;

   /**
    * @param maxPendingRequests requests taken and not yet answered at which the connection stops reading (at least 1)
    */
   public PduChannelHandler(Class<P> pduType, String protocol, int maxPendingRequests) {
      this(pduType, protocol, maxPendingRequests, false);
   }

   private PduChannelHandler(Class<P> pduType, String protocol, int maxPendingRequests, boolean passErrors) {
      this.passErrors = passErrors;
      this.pduType = pduType;
      this.protocol = protocol;
      this.maxPending = Math.max(1, maxPendingRequests);
      this.resumeAt = this.maxPending / 2;
      this.maxHeldForStorage = Math.min(this.maxPending, MAX_HELD_FOR_STORAGE);
   }

   /**
    * The handler that goes first in an acceptor's pipeline: answers written while one socket read is handed over
    * (each with its own flush) leave in one flush when the read is done, instead of one TCP segment per answer.
    * Flushes outside a read (storage callbacks, deliveries) are not delayed.
    */
   public static FlushConsolidationHandler flushConsolidation() {
      return new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, false);
   }

   /**
    * The gate of an outgoing link's connection, placed just before the link's own handler, which it hands the PDUs to
    * ({@code link}'s {@link PduHandler#onPdu}). Everything else travels on to that handler: the connection's start and
    * close ({@link PduHandler#onChannelClosed} is called first), writability changes, errors (nothing is logged or
    * closed here), user events. The link counts with {@link #taken} the requests it answers later (deliveries it
    * stores) and with {@link #answered} their answers.
    *
    * @param maxUnanswered requests taken and not yet answered at which the connection stops reading (at least 1)
    */
   public static <P> PduChannelHandler<P> forLink(Class<P> pduType, String name, int maxUnanswered, PduHandler<P> link) {
      PduChannelHandler<P> gate = new PduChannelHandler<>(pduType, name, maxUnanswered, true);
      gate.attach(link);
      return gate;
   }

   /** Called once the broker created the connection, before any PDU is read. */
   public void attach(PduHandler<P> session) {
      this.session = session;
   }

   @Override
   public void handlerAdded(ChannelHandlerContext ctx) {
      this.ctx = ctx;
   }

   @Override
   public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (session == null || !pduType.isInstance(msg)) {
         ReferenceCountUtil.release(msg);
         return;
      }
      if (discarding) {
         ReferenceCountUtil.release(msg);
         return;
      }
      P pdu = pduType.cast(msg);
      if (!held.isEmpty() || mustStop()) {
         // A PDU never overtakes one held before it, except a response or keep-alive while only the storage holds,
         // and a storing request refused because enough of them wait already.
         PduHandler.StoragePause kind = session.whileStorageFull(pdu);
         if (kind == PduHandler.StoragePause.STORES && refusesForStorage()) {
            refuseForStorage(pdu);
            return;
         }
         held.add(pdu);
         if (kind == PduHandler.StoragePause.ENDS) {
            endsHeld++;
         } else if (kind == PduHandler.StoragePause.STORES) {
            storesHeld++;
         }
         resumeIfPossible();
         return;
      }
      handOver(pdu);
   }

   /**
    * Whether a storing request read now is refused instead of held: the storage is full, as many wait as are kept, and
    * nothing else holds PDUs back (at the cap of unanswered requests or with a peer not reading its answers it waits
    * with the rest; after an unbind it is handed over in order).
    */
   private boolean refusesForStorage() {
      return storageFull && storageRefusal != null && endsHeld == 0 && storesHeld >= maxHeldForStorage && !blocked();
   }

   private void refuseForStorage(P pdu) {
      refusedForStorage++;
      try {
         session.refuseForStorage(pdu, storageRefusal);
      } finally {
         ReferenceCountUtil.release(pdu);
      }
   }

   private void handOver(P pdu) {
      try {
         session.onPdu(pdu);
      } finally {
         ReferenceCountUtil.release(pdu);
      }
   }

   private boolean mustStop() {
      return storageFull || blocked();
   }

   /** Reasons that hold back every PDU: the cap of unanswered requests, a peer not reading its answers. */
   private boolean blocked() {
      return full || !ctx.channel().isWritable();
   }

   /** Only storing requests (and what follows them in order) wait while the storage is full, and not past an unbind. */
   private boolean waitsForStorage(P pdu) {
      return storageFull && endsHeld == 0 && session.whileStorageFull(pdu) == PduHandler.StoragePause.STORES;
   }

   private void stopReading() {
      if (discarding) {
         return; // the peer's bytes are read and dropped until it closes: unread ones would turn the close into a reset
      }
      ChannelConfig config = ctx.channel().config();
      if (config.isAutoRead()) {
         config.setAutoRead(false);
         stops++;
      }
   }

   /**
    * Reads while nothing holds PDUs back, or while only the storage does and fewer than {@link #maxHeldForStorage}
    * PDUs other than storing requests wait (responses and keep-alives must still get through; storing requests past
    * their bound are refused as they are read, so they never stop the reading).
    */
   private void updateReading() {
      boolean read = !blocked() && (held.isEmpty() || storageFull && endsHeld == 0 && held.size() - storesHeld < maxHeldForStorage);
      if (!read) {
         stopReading();
         return;
      }
      ChannelConfig config = ctx.channel().config();
      if (!config.isAutoRead() && ctx.channel().isActive()) {
         config.setAutoRead(true);
         resumes++;
      }
   }

   /** Hands over what was held while the reasons to stop are gone, then reads again. On the event loop. */
   private void resumeIfPossible() {
      if (handingOver || discarding) {
         return; // called from a PDU being handed over below; the loop looks again after it
      }
      handingOver = true;
      try {
         P next;
         while (!blocked() && (next = held.peek()) != null && !waitsForStorage(next)) {
            held.poll();
            PduHandler.StoragePause kind = session.whileStorageFull(next);
            if (kind == PduHandler.StoragePause.ENDS) {
               endsHeld--;
            } else if (kind == PduHandler.StoragePause.STORES) {
               storesHeld--;
            }
            handOver(next);
         }
         if (!blocked() && storageFull && !held.isEmpty()) {
            handOverPassing();
         }
      } catch (RuntimeException e) {
         exceptionCaught(ctx, e); // as for a PDU handed over straight from channelRead: the connection closes
         return;
      } finally {
         handingOver = false;
      }
      updateReading();
   }

   /**
    * While storing requests wait for the storage: the responses and keep-alives behind them go now (a delivery's
    * answer read, an enquire_link answered), or deliveries would time out and come again and the peer be closed as
    * silent.
    */
   private void handOverPassing() {
      for (Iterator<P> it = held.iterator(); it.hasNext() && !blocked(); ) {
         P pdu = it.next();
         if (session.whileStorageFull(pdu) == PduHandler.StoragePause.PASSES) {
            it.remove();
            handOver(pdu);
         }
      }
   }

   @Override
   public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
      // The broker's handler first: it resumes deliveries to a channel that can take them again.
      ctx.fireChannelWritabilityChanged();
      if (ctx.channel().isWritable()) {
         resumeIfPossible();
      } else {
         stopReading();
      }
   }

   /**
    * The session has sent its last answer (decision 156): from here every PDU read, and every one held, is dropped
    * unseen, and the connection reads on whatever held it back, so the peer's bytes never stay unread. Event loop.
    *
    * @return false when it was discarding already
    */
   public boolean discardFurther() {
      if (discarding) {
         return false;
      }
      discarding = true;
      releaseHeld();
      forgetStorageWait();
      ChannelConfig config = ctx.channel().config();
      if (!config.isAutoRead() && ctx.channel().isActive()) {
         config.setAutoRead(true);
         resumes++;
      }
      return true;
   }

   // ---------------------------------------------------------------- PendingRequests

   @Override
   public void taken() {
      if (pending.incrementAndGet() >= maxPending && !full) {
         full = true;
         stopReading();
         // Answers on other threads may have brought the count down before they could see full.
         if (pending.get() <= resumeAt) {
            scheduleResume();
         }
      }
   }

   @Override
   public void answered() {
      if (pending.decrementAndGet() <= resumeAt && full) {
         scheduleResume();
      }
   }

   @Override
   public void stopReadingForStorage(DurableSender sender, DurableSender.StorageFull full) {
      // Reading goes on: the PDUs read from here are sorted in channelRead (responses pass, storing requests wait).
      storageFull = true;
      if (storageResume != null && !storageResume.isRun()) {
         return; // already waiting: one callback per connection
      }
      if (!ctx.channel().isActive()) {
         return; // closed (channelInactive forgot any callback): nothing to resume
      }
      waitForStorage(sender, full);
   }

   private void waitForStorage(DurableSender sender, DurableSender.StorageFull full) {
      StorageResume resume = new StorageResume(this::resumeForStorage);
      storageResume = resume;
      storageSender = sender;
      storageRefusal = full;
      storageWaits++;
      registering = resume;
      try {
         sender.whenStorageFrees(full, resume);
      } finally {
         registering = null;
      }
   }

   /** The storage freed, or the store says so: reads again, on the event loop. From the broker's thread that freed it. */
   private void resumeForStorage(StorageResume which) {
      // Run while registering: the store can take messages already, or its policy gives no signal (DROP, a page
      // limit), where asking again would only register again at once. Read only on the event loop that sets it.
      boolean atOnce = ctx.executor().inEventLoop() && registering == which;
      try {
         ctx.executor().execute(() -> {
            if (storageResume != which) {
               return; // refused again after this one ran, or closed: the newer callback decides
            }
            // A late wake-up (the store's task queued before it filled) while it is still full: wait for the next one,
            // or the SUBMIT that waits would be handed over only to be answered Result 8 / ESME_RMSGQFUL.
            DurableSender.StorageFull still = atOnce ? null : storageSender.stillFull(storageRefusal);
            if (still != null) {
               waitForStorage(storageSender, still);
               return;
            }
            storageFull = false;
            storageResume = null;
            storageSender = null;
            storageRefusal = null;
            resumeIfPossible(); // a closed channel is not set to read
         });
      } catch (java.util.concurrent.RejectedExecutionException e) {
         logger.debug("{} connection's event loop is stopping; nothing to resume", protocol);
      }
   }

   private void forgetStorageWait() {
      if (storageResume != null) {
         storageResume.forget();
         storageResume = null;
      }
      storageSender = null;
      storageRefusal = null;
   }

   private void scheduleResume() {
      if (resumeScheduled.compareAndSet(false, true)) {
         ctx.executor().execute(resume);
      }
   }

   private void resumeAfterAnswers() {
      // Cleared first: an answer from now on that finds the count low schedules another look.
      resumeScheduled.set(false);
      if (full && pending.get() <= resumeAt) {
         full = false;
         resumeIfPossible();
      }
   }

   /** Whether reading is held back because the cap of unanswered requests was reached (until half are answered). Any thread. */
   public boolean atCap() {
      return full;
   }

   /** Requests taken and not answered yet. Any thread. */
   public int pending() {
      return pending.get();
   }

   /**
    * The reading state, for diagnostics: autoRead, PDUs held, requests unanswered, whether the cap stopped reading and
    * a resume is scheduled. On the event loop (what is held is the event loop's alone).
    */
   public String describeFlow() {
      return "autoRead=" + ctx.channel().config().isAutoRead() + " writable=" + ctx.channel().isWritable()
         + " held=" + held.size() + " PDUs, pending=" + pending.get() + " of " + maxPending + " full=" + full
         + " resumeScheduled=" + resumeScheduled.get() + " storageFull=" + storageFull + " storageWaits=" + storageWaits
         + " endsHeld=" + endsHeld + " storesHeld=" + storesHeld
         + " refusedForStorage=" + refusedForStorage + " discarding=" + discarding + ", reading stopped " + stops + " times and resumed " + resumes + " times";
   }

   // ---------------------------------------------------------------- close, errors

   @Override
   public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      releaseHeld();
      forgetStorageWait();
      if (session != null) {
         session.onChannelClosed();
      }
      super.channelInactive(ctx);
   }

   @Override
   public void handlerRemoved(ChannelHandlerContext ctx) {
      releaseHeld();
      forgetStorageWait();
   }

   private void releaseHeld() {
      P pdu;
      while ((pdu = held.poll()) != null) {
         ReferenceCountUtil.release(pdu);
      }
      endsHeld = 0;
      storesHeld = 0;
   }

   @Override
   public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (passErrors) {
         ctx.fireExceptionCaught(cause); // the link's handler says what the error means and closes
         return;
      }
      if (!ctx.channel().isActive()) {
         // Answers still queued when the connection closed fail one by one: one line each would flood the log.
         logger.debug("{} connection from {} already closed: {}", protocol, ctx.channel().remoteAddress(), cause.toString());
         return;
      }
      logger.warn("Closing {} connection from {} after an error: {}", protocol, ctx.channel().remoteAddress(), cause.toString());
      logger.debug("{} connection error", protocol, cause);
      ctx.close();
   }
}
