package io.smsgw.bench.load.cmpp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import io.smsgw.bench.load.LoadConnection;
import io.smsgw.bench.load.LoadMetrics;
import io.smsgw.bench.load.LoadOptions;
import io.smsgw.bench.load.SendWindow;
import io.smsgw.cmpp.codec.ActiveTest;
import io.smsgw.cmpp.codec.CmppAuthenticator;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppPduDecoder;
import io.smsgw.cmpp.codec.CmppPduEncoder;
import io.smsgw.cmpp.codec.CmppTimestamp;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.cmpp.codec.ConnectResp;
import io.smsgw.cmpp.codec.Deliver;
import io.smsgw.cmpp.codec.MalformedCmppPdu;
import io.smsgw.cmpp.codec.StatusReport;
import io.smsgw.cmpp.codec.SubmitResp;
import io.smsgw.cmpp.codec.Terminate;
import io.smsgw.cmpp.codec.TerminateResp;
import io.smsgw.core.id.CmppMsgId;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One SP connection of a CMPP load run, entirely on its event loop: CONNECT with the MD5 authenticator,
 * keeps the window of CMPP_SUBMITs full (paced when a rate is set), measures each SUBMIT → SUBMIT_RESP,
 * answers every DELIVER with Result 0 and matches status reports to their submits by Msg_Id. Writes made
 * while reading are flushed once per read batch.
 */
final class CmppLoadConnection extends ChannelInboundHandlerAdapter implements LoadConnection {

    private static final long TICK_MICROS = 1_000;
    private static final long TERMINATE_GRACE_MILLIS = 2_000;

    private final LoadOptions options;
    private final LoadMetrics metrics;
    private final CmppVersion version;
    private final CmppSubmitSource source;
    private final SendWindow window;
    private final long timeoutNanos;
    private final Clock clock;
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

    /**
     * @param decoder the channel's decoder, set to the version CONNECT asks for
     * @param encoder the channel's encoder, likewise
     * @param clock   for CONNECT's Timestamp (MMDDHHMMSS, local time)
     */
    CmppLoadConnection(LoadOptions options, LoadMetrics metrics, CmppPduDecoder decoder, CmppPduEncoder encoder,
                       Clock clock) {
        this.options = options;
        this.metrics = metrics;
        this.version = CmppVersion.fromByte(options.cmppVersion());
        decoder.setVersion(version);
        encoder.setVersion(version);
        this.source = new CmppSubmitSource(options.mix(), options.receipts(), options.systemId(), options.cmppSourceId());
        this.window = new SendWindow(options.window());
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(options.responseTimeoutMillis());
        this.clock = clock;
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
            ctx.writeAndFlush(new Terminate(nextControlSequence()));
            ctx.executor().schedule(() -> ctx.close(), TERMINATE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
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
        long timestamp = CmppTimestamp.now(clock);
        byte[] authenticator = CmppAuthenticator.authenticatorSource(options.systemId(), options.password(), timestamp);
        ctx.writeAndFlush(new Connect(nextControlSequence(), options.systemId(), authenticator, version.code(), timestamp));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        inRead = true;
        try {
            onPdu((CmppPdu) msg);
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
            bound.completeExceptionally(new IOException("connection closed before CONNECT was answered"));
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

    private void onPdu(CmppPdu pdu) {
        if (pdu instanceof SubmitResp resp) {
            onSubmitResp(resp);
        } else if (pdu instanceof Deliver deliver) {
            write(deliver.response(0));
            onDeliver(deliver);
        } else if (pdu instanceof ConnectResp resp) {
            onConnectResp(resp);
        } else if (pdu instanceof ActiveTest test) {
            write(test.response());
        } else if (pdu instanceof Terminate terminate) {
            sending = false;
            ctx.writeAndFlush(terminate.response());
        } else if (pdu instanceof TerminateResp) {
            ctx.close();
        } else if (pdu instanceof MalformedCmppPdu) {
            metrics.malformed();
        }
    }

    private void onConnectResp(ConnectResp resp) {
        if (!resp.isOk()) {
            bound.completeExceptionally(new IOException("CONNECT refused with Status " + resp.status()));
            ctx.close();
            return;
        }
        // CONNECT_RESP's Version is the highest the gateway speaks; the session keeps the version CONNECT asked for.
        bound.complete(this);
    }

    private void onSubmitResp(SubmitResp resp) {
        long sentAt = window.release(resp.sequenceId());
        if (sentAt == SendWindow.UNKNOWN) {
            metrics.unexpectedResponse();
            return;
        }
        outstanding = window.outstanding();
        // The Msg_Id text is needed only to match status reports.
        String msgId = options.receipts() && resp.isOk() ? CmppMsgId.toHex(resp.msgId()) : "";
        metrics.answered(sentAt, System.nanoTime(), resp.result(), msgId);
    }

    private void onDeliver(Deliver deliver) {
        if (!deliver.isStatusReport()) {
            metrics.mo();
            return;
        }
        String msgId = deliver.statusReport(version).map(StatusReport::msgId).map(CmppMsgId::toHex).orElse(null);
        metrics.receipt(msgId, System.nanoTime());
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

    private void write(CmppPdu pdu) {
        ctx.write(pdu, ctx.voidPromise());
        flushPending = true;
    }

    /** CONNECT and TERMINATE use sequence ids from the top, far from the window's. */
    private int nextControlSequence() {
        return controlSequence--;
    }
}
