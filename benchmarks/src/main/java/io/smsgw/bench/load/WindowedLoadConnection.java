package io.smsgw.bench.load;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What every PDU-level load connection (SMPP, CMPP) does the same way, entirely on its event loop: logs in,
 * keeps the window of submits full (paced when a rate is set), expires unanswered submits, measures each
 * response, flushes writes made while reading once per read batch, and logs out with a grace period.
 * Subclasses supply the protocol's PDUs and handle what the peer sends.
 *
 * @param <P> the protocol's decoded PDU type
 */
public abstract class WindowedLoadConnection<P> extends ChannelInboundHandlerAdapter implements LoadConnection {

    private static final long TICK_MICROS = 1_000;
    private static final long LOGOUT_GRACE_MILLIS = 2_000;

    protected final LoadOptions options;
    protected final LoadMetrics metrics;
    private final Class<P> pduType;
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

    protected WindowedLoadConnection(LoadOptions options, LoadMetrics metrics, Class<P> pduType) {
        this.options = options;
        this.metrics = metrics;
        this.pduType = pduType;
        this.window = new SendWindow(options.window());
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(options.responseTimeoutMillis());
    }

    /** The login request (bind, CONNECT) with the given sequence number. */
    protected abstract Object loginRequest(int sequence);

    /** How the login is named in errors, e.g. "the bind". */
    protected abstract String loginName();

    /** The logout request (unbind, TERMINATE) with the given sequence number. */
    protected abstract Object logoutRequest(int sequence);

    /** The next submit to send, carrying the given sequence number. */
    protected abstract Object nextSubmit(int sequence);

    /** Handles one PDU from the peer; called while reading, so {@link #write} is flushed after the batch. */
    protected abstract void onPdu(P pdu);

    /** Completes when the login is accepted; fails when it is refused or the connection ends first. */
    public final CompletableFuture<LoadConnection> bound() {
        return bound;
    }

    /** The connection could not be opened: fails the login and counts the connection as closed. */
    public final void failBind(Throwable cause) {
        bound.completeExceptionally(cause);
        closed.complete(null);
    }

    // ---------------------------------------------------------------- LoadConnection (any thread)

    @Override
    public final void startSending(double rate) {
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
    public final void changeRate(double rate) {
        ctx.executor().execute(() -> {
            ratePerSecond = rate;
            rateStartNanos = System.nanoTime();
            sentSinceStart = 0;
            fill();
        });
    }

    @Override
    public final void stopSending() {
        ctx.executor().execute(() -> sending = false);
    }

    @Override
    public final int outstanding() {
        return outstanding;
    }

    @Override
    public final CompletableFuture<Void> close() {
        if (ctx == null) {
            return closed;
        }
        ctx.executor().execute(() -> {
            sending = false;
            if (!ctx.channel().isActive()) {
                return;
            }
            ctx.writeAndFlush(logoutRequest(nextControlSequence()));
            ctx.executor().schedule(() -> ctx.close(), LOGOUT_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        });
        return closed;
    }

    /** Whether the connection is still open (idle sessions, scenario 5: none may be dropped while idle). */
    public final boolean isOpen() {
        return ctx != null && ctx.channel().isActive();
    }

    // ---------------------------------------------------------------- Netty events

    @Override
    public final void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public final void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(loginRequest(nextControlSequence()));
    }

    @Override
    public final void channelRead(ChannelHandlerContext ctx, Object msg) {
        inRead = true;
        try {
            onPdu(pduType.cast(msg));
        } finally {
            inRead = false;
        }
    }

    @Override
    public final void channelReadComplete(ChannelHandlerContext ctx) {
        fill();
        if (flushPending) {
            flushPending = false;
            ctx.flush();
        }
    }

    @Override
    public final void channelWritabilityChanged(ChannelHandlerContext ctx) {
        fill();
    }

    @Override
    public final void channelInactive(ChannelHandlerContext ctx) {
        sending = false;
        if (ticker != null) {
            ticker.cancel(false);
        }
        if (!bound.isDone()) {
            bound.completeExceptionally(new IOException("connection closed before " + loginName() + " was answered"));
        }
        closed.complete(null);
    }

    @Override
    public final void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        metrics.connectionError();
        if (!bound.isDone()) {
            bound.completeExceptionally(cause);
        }
        ctx.close();
    }

    // ---------------------------------------------------------------- for subclasses (event loop)

    protected final boolean loginAnswered() {
        return bound.isDone();
    }

    protected final void loginAccepted() {
        bound.complete(this);
    }

    /** The peer refused the login: fails {@link #bound()}; closing is the caller's choice. */
    protected final void loginRefused(String reason) {
        bound.completeExceptionally(new IOException(reason));
    }

    /** A submit's response: releases its window slot and records latency, status and message id. */
    protected final void answered(int sequence, int status, String messageId) {
        long sentAt = window.release(sequence);
        if (sentAt == SendWindow.UNKNOWN) {
            metrics.unexpectedResponse();
            return;
        }
        outstanding = window.outstanding();
        metrics.answered(sentAt, System.nanoTime(), status, messageId);
    }

    /** The peer logs out: stop sending and answer at once. */
    protected final void peerLoggedOut(Object response) {
        sending = false;
        ctx.writeAndFlush(response);
    }

    protected final void closeConnection() {
        ctx.close();
    }

    /** Writes a response; it is flushed with the read batch. */
    protected final void write(Object pdu) {
        ctx.write(pdu, ctx.voidPromise());
        flushPending = true;
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
            ctx.write(nextSubmit(sequence), ctx.voidPromise());
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

    /** Login and logout use sequence numbers from the top, far from the window's. */
    private int nextControlSequence() {
        return controlSequence--;
    }
}
