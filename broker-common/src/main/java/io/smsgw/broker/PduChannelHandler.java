package io.smsgw.broker;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.ReferenceCountUtil;
import org.apache.activemq.artemis.utils.runnables.AtomicRunnable;
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
 * @param <P> the protocol's PDU type
 */
public final class PduChannelHandler<P> extends ChannelInboundHandlerAdapter implements PendingRequests {

   private static final Logger logger = LoggerFactory.getLogger(PduChannelHandler.class);

   private final Class<P> pduType;
   private final String protocol;
   private final int maxPending;
   private final int resumeAt;
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
   /** Reading stopped until the broker's storage frees space (decision 131). Event loop only. */
   private boolean storageFull;
   /** The callback registered with the broker for that, until it runs or the connection closes. Event loop only. */
   private StorageResume storageResume;
   /** Callbacks registered with the broker (event loop only; for {@link #describeFlow}). */
   private int storageWaits;

   /**
    * @param maxPendingRequests requests taken and not yet answered at which the connection stops reading (at least 1)
    */
   public PduChannelHandler(Class<P> pduType, String protocol, int maxPendingRequests) {
      this.pduType = pduType;
      this.protocol = protocol;
      this.maxPending = Math.max(1, maxPendingRequests);
      this.resumeAt = this.maxPending / 2;
   }

   /**
    * The handler that goes first in an acceptor's pipeline: answers written while one socket read is handed over
    * (each with its own flush) leave in one flush when the read is done, instead of one TCP segment per answer.
    * Flushes outside a read (storage callbacks, deliveries) are not delayed.
    */
   public static FlushConsolidationHandler flushConsolidation() {
      return new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, false);
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
      P pdu = pduType.cast(msg);
      if (!held.isEmpty() || mustStop()) {
         // The rest of a read that was under way when reading stopped; a PDU never overtakes one held before it.
         held.add(pdu);
         stopReading();
         return;
      }
      handOver(pdu);
   }

   private void handOver(P pdu) {
      try {
         session.onPdu(pdu);
      } finally {
         ReferenceCountUtil.release(pdu);
      }
   }

   private boolean mustStop() {
      return full || storageFull || !ctx.channel().isWritable();
   }

   private void stopReading() {
      ChannelConfig config = ctx.channel().config();
      if (config.isAutoRead()) {
         config.setAutoRead(false);
         stops++;
      }
   }

   /** Hands over what was held while the reasons to stop are gone, then reads again. On the event loop. */
   private void resumeIfPossible() {
      if (handingOver) {
         return; // called from a PDU being handed over below; the loop looks again after it
      }
      handingOver = true;
      try {
         P next;
         while (!mustStop() && (next = held.poll()) != null) {
            try {
               handOver(next);
            } catch (RuntimeException e) {
               exceptionCaught(ctx, e); // as for a PDU handed over straight from channelRead: the connection closes
               return;
            }
         }
      } finally {
         handingOver = false;
      }
      if (held.isEmpty() && !mustStop() && ctx.channel().isActive()) {
         ChannelConfig config = ctx.channel().config();
         if (!config.isAutoRead()) {
            config.setAutoRead(true);
            resumes++;
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
   public void stopReadingForStorage(Consumer<? super AtomicRunnable> register) {
      storageFull = true;
      stopReading();
      if (storageResume != null && !storageResume.isRun()) {
         return; // already waiting: one callback per connection
      }
      if (!ctx.channel().isActive()) {
         return; // closed (channelInactive forgot any callback): nothing to resume
      }
      StorageResume resume = new StorageResume(this::resumeForStorage);
      storageResume = resume;
      storageWaits++;
      register.accept(resume);
   }

   /** The storage freed: reads again, on the event loop. From the broker's thread that freed it. */
   private void resumeForStorage(StorageResume which) {
      try {
         ctx.executor().execute(() -> {
            if (storageResume != which) {
               return; // refused again after this one ran, or closed: the newer callback decides
            }
            storageFull = false;
            storageResume = null;
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

   /**
    * The reading state, for diagnostics: autoRead, PDUs held, requests unanswered, whether the cap stopped reading and
    * a resume is scheduled. On the event loop (what is held is the event loop's alone).
    */
   public String describeFlow() {
      return "autoRead=" + ctx.channel().config().isAutoRead() + " writable=" + ctx.channel().isWritable()
         + " held=" + held.size() + " PDUs, pending=" + pending.get() + " of " + maxPending + " full=" + full
         + " resumeScheduled=" + resumeScheduled.get() + " storageFull=" + storageFull + " storageWaits=" + storageWaits
         + ", reading stopped " + stops + " times and resumed " + resumes + " times";
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
   }

   @Override
   public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
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
