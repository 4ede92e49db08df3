package io.smsgw.bench.load.smpp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import io.smsgw.bench.load.LoadConnection;
import io.smsgw.bench.load.LoadMetrics;
import io.smsgw.bench.load.LoadOptions;
import io.smsgw.bench.load.SendWindow;
import io.smsgw.core.receipt.DeliveryReceipt;
import io.smsgw.smpp.codec.BindRequest;
import io.smsgw.smpp.codec.BindResponse;
import io.smsgw.smpp.codec.BindType;
import io.smsgw.smpp.codec.DeliverSm;
import io.smsgw.smpp.codec.EnquireLink;
import io.smsgw.smpp.codec.GenericNack;
import io.smsgw.smpp.codec.MalformedPdu;
import io.smsgw.smpp.codec.SmppPdu;
import io.smsgw.smpp.codec.SmppStatus;
import io.smsgw.smpp.codec.SubmitSmResp;
import io.smsgw.smpp.codec.TlvTag;
import io.smsgw.smpp.codec.Unbind;
import io.smsgw.smpp.codec.UnbindResp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One ESME connection of a load run, entirely on its event loop: binds, keeps the window full (paced
 * when a rate is set), measures each submit_sm → submit_sm_resp, answers deliver_sm and matches receipts.
 * Writes made while reading are flushed once per read batch.
 */
final class SmppLoadConnection extends ChannelInboundHandlerAdapter implements LoadConnection {

    private static final int ESM_CLASS_TYPE_MASK = 0x3C;
    private static final int ESM_CLASS_RECEIPT = 0x04;
    private static final long TICK_MICROS = 1_000;
    private static final long UNBIND_GRACE_MILLIS = 2_000;

    private final LoadOptions options;
    private final LoadMetrics metrics;
    private final SmppSubmitSource source;
    private final SendWindow window;
    private final long timeoutNanos;
    private final CompletableFuture<LoadConnection> bound = new CompletableFuture<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    private ChannelHandlerContext ctx;
    private boolean sending;
    private double ratePerSecond;
    private long rateStartNanos;
    private long sentSinceStart;
    private ScheduledFuture<?> ticker;
    private long nextTimeoutCheckNanos;
    private boolean inRead;
    private boolean flushPending;
    private volatile int outstanding;
    private int controlSequence = Integer.MAX_VALUE;

    SmppLoadConnection(LoadOptions options, LoadMetrics metrics) {
        this.options = options;
        this.metrics = metrics;
        this.source = new SmppSubmitSource(options.mix(), options.receipts());
        this.window = new SendWindow(options.window());
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(options.responseTimeoutMillis());
    }

    CompletableFuture<LoadConnection> bound() {
        return bound;
    }

    void failBind(Throwable cause) {
        bound.completeExceptionally(cause);
        closed.complete(null);
    }

    // ---------------------------------------------------------------- LoadConnection (any thread)

    @Override
    public void startSending(double rate) {
        ctx.executor().execute(() -> {
            sending = true;
            ratePerSecond = rate;
            rateStartNanos = System.nanoTime();
            sentSinceStart = 0;
            ticker = ctx.executor().scheduleAtFixedRate(this::tick, TICK_MICROS, TICK_MICROS, TimeUnit.MICROSECONDS);
            fill();
        });
    }

    @Override
    public void stopSending() {
        ctx.executor().execute(() -> sending = false);
    }

    @Override
    public int outstanding() {
        return outstanding;
    }

    @Override
    public CompletableFuture<Void> close() {
        if (ctx == null) {
            return closed;
        }
        ctx.executor().execute(() -> {
            sending = false;
            if (!ctx.channel().isActive()) {
                return;
            }
            ctx.writeAndFlush(new Unbind(nextControlSequence()));
            ctx.executor().schedule(() -> ctx.close(), UNBIND_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        });
        return closed;
    }

    // ---------------------------------------------------------------- Netty events

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        BindType type = BindType.valueOf(options.effectiveBind());
        ctx.writeAndFlush(new BindRequest(nextControlSequence(), type, options.systemId(), options.password(), "",
                options.version34() ? BindRequest.INTERFACE_VERSION_34 : BindRequest.INTERFACE_VERSION_33, 0, 0, ""));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        inRead = true;
        try {
            onPdu((SmppPdu) msg);
        } finally {
            inRead = false;
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        fill();
        if (flushPending) {
            flushPending = false;
            ctx.flush();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        fill();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        sending = false;
        if (ticker != null) {
            ticker.cancel(false);
        }
        if (!bound.isDone()) {
            bound.completeExceptionally(new IOException("connection closed before the bind was answered"));
        }
        closed.complete(null);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        metrics.connectionError();
        if (!bound.isDone()) {
            bound.completeExceptionally(cause);
        }
        ctx.close();
    }

    // ---------------------------------------------------------------- inbound

    private void onPdu(SmppPdu pdu) {
        if (pdu instanceof SubmitSmResp resp) {
            onResponse(resp.sequenceNumber(), resp.commandStatus(), resp.messageId());
        } else if (pdu instanceof DeliverSm deliver) {
            write(deliver.response(SmppStatus.ESME_ROK));
            onDeliverSm(deliver);
        } else if (pdu instanceof GenericNack nack) {
            if (!bound.isDone()) {
                bound.completeExceptionally(new IOException("bind answered with generic_nack "
                        + SmppStatus.name(nack.commandStatus())));
            } else {
                onResponse(nack.sequenceNumber(), nack.commandStatus() == 0 ? SmppStatus.ESME_RUNKNOWNERR
                        : nack.commandStatus(), "");
            }
        } else if (pdu instanceof BindResponse bind) {
            if (bind.commandStatus() == SmppStatus.ESME_ROK) {
                bound.complete(this);
            } else {
                bound.completeExceptionally(new IOException("bind refused: " + SmppStatus.name(bind.commandStatus())));
                ctx.close();
            }
        } else if (pdu instanceof EnquireLink enquireLink) {
            write(enquireLink.response());
        } else if (pdu instanceof Unbind unbind) {
            sending = false;
            ctx.writeAndFlush(new UnbindResp(unbind.sequenceNumber(), SmppStatus.ESME_ROK));
        } else if (pdu instanceof UnbindResp) {
            ctx.close();
        } else if (pdu instanceof MalformedPdu) {
            metrics.malformed();
        }
    }

    private void onResponse(int sequence, int status, String messageId) {
        long sentAt = window.release(sequence);
        if (sentAt == SendWindow.UNKNOWN) {
            metrics.unexpectedResponse();
            return;
        }
        outstanding = window.outstanding();
        metrics.answered(sentAt, System.nanoTime(), status, messageId);
    }

    private void onDeliverSm(DeliverSm deliver) {
        if ((deliver.esmClass() & ESM_CLASS_TYPE_MASK) != ESM_CLASS_RECEIPT) {
            metrics.mo();
            return;
        }
        String id = deliver.tlvs().getCString(TlvTag.RECEIPTED_MESSAGE_ID);
        if (id == null) {
            id = DeliveryReceipt.parse(new String(deliver.shortMessage(), StandardCharsets.ISO_8859_1))
                    .map(DeliveryReceipt::id).orElse(null);
        }
        metrics.receipt(id, System.nanoTime());
    }

    // ---------------------------------------------------------------- outbound

    private void tick() {
        long now = System.nanoTime();
        if (now - nextTimeoutCheckNanos >= 0) {
            nextTimeoutCheckNanos = now + TimeUnit.MILLISECONDS.toNanos(100);
            int expired = window.expire(now - timeoutNanos);
            if (expired > 0) {
                metrics.timedOut(expired);
                outstanding = window.outstanding();
            }
        }
        fill();
        if (flushPending) {
            flushPending = false;
            ctx.flush();
        }
    }

    /** Sends as many submits as the window, the rate and the socket allow. */
    private void fill() {
        if (!sending) {
            return;
        }
        long now = System.nanoTime();
        long allowance = Long.MAX_VALUE;
        if (ratePerSecond > 0) {
            long due = (long) ((now - rateStartNanos) * ratePerSecond / 1e9) + 1;
            // A connection that fell behind makes up at most 100 ms of sends, not a burst of all it missed.
            long maxBacklog = Math.max(1, (long) (ratePerSecond / 10));
            if (due - sentSinceStart > maxBacklog) {
                sentSinceStart = due - maxBacklog;
            }
            allowance = due - sentSinceStart;
        }
        boolean wrote = false;
        while (allowance > 0 && window.hasRoom() && ctx.channel().isWritable()) {
            int sequence = window.acquire(now);
            ctx.write(source.next(sequence), ctx.voidPromise());
            metrics.sent();
            sentSinceStart++;
            allowance--;
            wrote = true;
        }
        if (wrote) {
            outstanding = window.outstanding();
            if (inRead) {
                flushPending = true;
            } else {
                ctx.flush();
            }
        }
    }

    private void write(SmppPdu pdu) {
        ctx.write(pdu, ctx.voidPromise());
        flushPending = true;
    }

    /** Bind and unbind use sequence numbers from the top, far from the window's. */
    private int nextControlSequence() {
        return controlSequence--;
    }
}
