package io.smsgw.simulator;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.collection.IntObjectHashMap;
import io.smsgw.smpp.codec.BindRequest;
import io.smsgw.smpp.codec.BindType;
import io.smsgw.smpp.codec.CancelSm;
import io.smsgw.smpp.codec.DataSm;
import io.smsgw.smpp.codec.DeliverSmResp;
import io.smsgw.smpp.codec.EnquireLink;
import io.smsgw.smpp.codec.GenericNack;
import io.smsgw.smpp.codec.MalformedPdu;
import io.smsgw.smpp.codec.QuerySm;
import io.smsgw.smpp.codec.ReplaceSm;
import io.smsgw.smpp.codec.ShortMessagePdu;
import io.smsgw.smpp.codec.SmppPdu;
import io.smsgw.smpp.codec.SmppRequest;
import io.smsgw.smpp.codec.SmppStatus;
import io.smsgw.smpp.codec.SubmitMulti;
import io.smsgw.smpp.codec.SubmitSm;
import io.smsgw.smpp.codec.TlvTag;
import io.smsgw.smpp.codec.Tlvs;
import io.smsgw.smpp.codec.Unbind;
import io.smsgw.smpp.codec.UnbindResp;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ESME connection in the SMSC role: bind, answers to every request, receipt timers and the
 * deliver_sm window. Everything runs on the channel's event loop; other threads hand work over with
 * {@code execute}. Responses written while reading are flushed once per read batch.
 */
final class SimulatorSession extends ChannelInboundHandlerAdapter {

    private static final Logger logger = LoggerFactory.getLogger(SimulatorSession.class);
    private static final int INTERFACE_VERSION_34 = 0x34;
    private static final long CLOSE_GRACE_MILLIS = 1_000;
    private static final Tlvs BIND_TLVS_34 = Tlvs.builder().addU8(TlvTag.SC_INTERFACE_VERSION, INTERFACE_VERSION_34).build();

    /** A deliver_sm waiting for a window slot or for its response. */
    private static final class PendingDeliver {
        final ShortMessagePdu.Builder template;
        /** null for receipts. */
        final CompletableFuture<Integer> moResult;
        /** What a receipt was built from, to build it again for another session; null for MO. */
        final ScheduledReceipt receipt;

        PendingDeliver(ShortMessagePdu.Builder template, CompletableFuture<Integer> moResult, ScheduledReceipt receipt) {
            this.template = template;
            this.moResult = moResult;
            this.receipt = receipt;
        }

        boolean isReceipt() {
            return moResult == null;
        }
    }

    private final SimulatorContext context;
    private final SimulatorCounters counters;
    private final IntObjectHashMap<PendingDeliver> inFlight = new IntObjectHashMap<>();
    private final ArrayDeque<PendingDeliver> waiting = new ArrayDeque<>();
    /** Receipts for this session's submits, in due order (the delay is constant). */
    private final ArrayDeque<ScheduledReceipt> receiptTimers = new ArrayDeque<>();
    private final Runnable drainTask = this::drainDueReceipts;

    private ChannelHandlerContext ctx;
    private volatile BindType bindType;
    private String systemId = "";
    private boolean version34;
    private volatile boolean closing;
    private boolean drainScheduled;
    private boolean flushPending;
    private boolean inRead;
    private int nextSequence = 1;

    SimulatorSession(SimulatorContext context) {
        this.context = context;
        this.counters = context.counters;
    }

    /** Whether receipts and MO may be sent here now; read from other threads only as a hint. */
    boolean canReceive() {
        BindType type = bindType;
        return type != null && type.canReceive() && !closing && ctx != null && ctx.channel().isActive();
    }

    // ---------------------------------------------------------------- Netty events

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof SmppPdu pdu && !closing) {
            inRead = true;
            try {
                onPdu(pdu);
            } finally {
                inRead = false;
            }
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (flushPending) {
            flushPending = false;
            ctx.flush();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        if (bindType != null) {
            counters.sessionsBound.decrementAndGet();
            if (bindType.canReceive()) {
                context.registry.remove(systemId, this);
            }
        }
        IllegalStateException closed = new IllegalStateException("connection closed before deliver_sm_resp");
        inFlight.values().forEach(pending -> abandon(pending, closed));
        inFlight.clear();
        waiting.forEach(pending -> abandon(pending, closed));
        waiting.clear();
        // receiptTimers keep draining: due receipts go to another session of the same system_id.
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // The frame decoder raises these for a command_length that is too large or below 4.
        if (cause instanceof TooLongFrameException || cause instanceof CorruptedFrameException) {
            counters.malformed.increment();
            logger.debug("Closing {}: unusable command_length ({})", ctx.channel().remoteAddress(), cause.getMessage());
        } else {
            logger.debug("Closing {} after an error", ctx.channel().remoteAddress(), cause);
        }
        closing = true;
        ctx.close();
    }

    // ---------------------------------------------------------------- dispatch

    private void onPdu(SmppPdu pdu) {
        if (pdu instanceof SubmitSm || pdu instanceof DataSm || pdu instanceof SubmitMulti) {
            onSubmit((SmppRequest) pdu);
        } else if (pdu instanceof DeliverSmResp resp) {
            onDeliverResponse(resp.sequenceNumber(), resp.commandStatus());
        } else if (pdu instanceof EnquireLink enquireLink) {
            counters.enquireLinks.increment();
            write(enquireLink.response());
        } else if (pdu instanceof BindRequest bind) {
            onBind(bind);
        } else if (pdu instanceof Unbind unbind) {
            counters.unbinds.increment();
            writeAndClose(new UnbindResp(unbind.sequenceNumber(), SmppStatus.ESME_ROK));
        } else if (pdu instanceof GenericNack nack) {
            onDeliverResponse(nack.sequenceNumber(),
                    nack.commandStatus() == SmppStatus.ESME_ROK ? SmppStatus.ESME_RUNKNOWNERR : nack.commandStatus());
        } else if (pdu instanceof MalformedPdu malformed) {
            onMalformed(malformed);
        } else if (pdu instanceof SmppRequest request) {
            onOtherRequest(request);
        }
        // Other responses (enquire_link_resp, unbind_resp, ...) need nothing.
    }

    private void onMalformed(MalformedPdu malformed) {
        counters.malformed.increment();
        if (!malformed.isResponse()) {
            write(malformed.genericNack());
        } else if (inFlight.containsKey(malformed.sequenceNumber())) {
            // A broken deliver_sm_resp still answers its deliver_sm: go by the header's status.
            onDeliverResponse(malformed.sequenceNumber(), malformed.commandStatus());
        }
    }

    private void onOtherRequest(SmppRequest request) {
        if (bindType == null) {
            write(request.errorResponse(SmppStatus.ESME_RINVBNDSTS));
        } else if (request instanceof QuerySm) {
            write(request.errorResponse(SmppStatus.ESME_RQUERYFAIL));
        } else if (request instanceof CancelSm) {
            write(request.errorResponse(SmppStatus.ESME_RCANCELFAIL));
        } else if (request instanceof ReplaceSm) {
            write(request.errorResponse(SmppStatus.ESME_RREPLACEFAIL));
        } else {
            // deliver_sm, outbind, alert_notification, 3.3 query extensions: not for an SMSC to receive.
            write(new GenericNack(request.sequenceNumber(), SmppStatus.ESME_RINVCMDID));
        }
    }

    // ---------------------------------------------------------------- bind

    private void onBind(BindRequest bind) {
        if (bindType != null) {
            counters.bindsRefused.increment();
            write(bind.errorResponse(SmppStatus.ESME_RALYBND));
            return;
        }
        int refusal = checkBind(bind);
        if (refusal != SmppStatus.ESME_ROK) {
            counters.bindsRefused.increment();
            logger.debug("Refusing {} of '{}': {}", bind.commandName(), bind.systemId(), SmppStatus.name(refusal));
            writeAndClose(bind.errorResponse(refusal));
            return;
        }
        version34 = bind.isVersion34OrLater();
        systemId = bind.systemId();
        bindType = bind.bindType();
        counters.bindsAccepted.increment();
        counters.sessionsBound.incrementAndGet();
        write(version34
                ? bind.response(SmppStatus.ESME_ROK, context.config.systemId(), BIND_TLVS_34)
                : bind.response(SmppStatus.ESME_ROK, context.config.systemId()));
        if (bindType.canReceive()) {
            context.registry.add(systemId, this);
            context.releaseHeld(systemId);
        }
    }

    private int checkBind(BindRequest bind) {
        if (bind.bindType() == BindType.TRANSCEIVER && !bind.isVersion34OrLater()) {
            return SmppStatus.ESME_RBINDFAIL; // SMPP 3.3 has no transceiver
        }
        if (context.config.credentials().isEmpty()) {
            return SmppStatus.ESME_ROK;
        }
        String password = context.config.credentials().get(bind.systemId());
        if (password == null) {
            return SmppStatus.ESME_RINVSYSID;
        }
        return password.equals(bind.password()) ? SmppStatus.ESME_ROK : SmppStatus.ESME_RINVPASWD;
    }

    // ---------------------------------------------------------------- submits

    private void onSubmit(SmppRequest submit) {
        if (bindType == null || !bindType.canTransmit()) {
            write(submit.errorResponse(SmppStatus.ESME_RINVBNDSTS));
            return;
        }
        if (submit instanceof DataSm && !version34) {
            write(new GenericNack(submit.sequenceNumber(), SmppStatus.ESME_RINVCMDID)); // no data_sm in 3.3
            return;
        }
        counters.submitsReceived.increment();
        int status = context.config.submitPolicy().decide(systemId, submit);
        String messageId = "";
        if (status == SubmitPolicy.NO_RESPONSE) {
            counters.submitsUnanswered.increment();
        } else if (status == SmppStatus.ESME_ROK) {
            messageId = context.nextMessageId(version34);
            counters.submitsAccepted.increment();
            write(accepted(submit, messageId));
            scheduleReceipt(submit, messageId);
        } else {
            (status == SmppStatus.ESME_RTHROTTLED ? counters.submitsThrottled : counters.submitsFailed).increment();
            write(submit.errorResponse(status));
        }
        context.config.submitListener().onSubmit(systemId, submit, status, messageId);
    }

    private static SmppPdu accepted(SmppRequest submit, String messageId) {
        if (submit instanceof SubmitSm s) {
            return s.response(SmppStatus.ESME_ROK, messageId);
        }
        if (submit instanceof DataSm d) {
            return d.response(SmppStatus.ESME_ROK, messageId);
        }
        return ((SubmitMulti) submit).response(SmppStatus.ESME_ROK, messageId, List.of());
    }

    /** Decides now whether (and with which outcome) a receipt follows, and queues it for its due time. */
    private void scheduleReceipt(SmppRequest submit, String messageId) {
        ReceiptPolicy policy = context.config.receiptPolicy();
        int registeredDelivery;
        if (submit instanceof SubmitSm s) {
            registeredDelivery = s.registeredDelivery();
        } else if (submit instanceof DataSm d) {
            registeredDelivery = d.registeredDelivery();
        } else {
            return; // submit_multi: no receipts
        }
        if (policy == ReceiptPolicy.NEVER || policy == ReceiptPolicy.REQUESTED && (registeredDelivery & 0x03) == 0) {
            return;
        }
        boolean success = context.nextReceiptSucceeds();
        if (!policy.wants(registeredDelivery, success)) {
            return;
        }
        if (!context.reserveReceipt()) {
            counters.receiptsDropped.increment();
            return;
        }
        counters.receiptsScheduled.increment();
        ScheduledReceipt receipt;
        if (submit instanceof SubmitSm s) {
            byte[] userData = s.shortMessage().length > 0 || !s.tlvs().contains(TlvTag.MESSAGE_PAYLOAD)
                    ? s.shortMessage() : s.tlvs().getBytes(TlvTag.MESSAGE_PAYLOAD);
            receipt = new ScheduledReceipt(System.nanoTime() + context.receiptDelayNanos, systemId, messageId,
                    s.destinationAddr(), s.sourceAddr(), System.currentTimeMillis(), success,
                    ReceiptFactory.textStart(userData, s.esmClass(), s.dataCoding()));
        } else {
            DataSm d = (DataSm) submit;
            byte[] payload = d.tlvs().getBytes(TlvTag.MESSAGE_PAYLOAD);
            receipt = new ScheduledReceipt(System.nanoTime() + context.receiptDelayNanos, systemId, messageId,
                    d.destinationAddr(), d.sourceAddr(), System.currentTimeMillis(), success,
                    payload == null ? "" : ReceiptFactory.textStart(payload, d.esmClass(), d.dataCoding()));
        }
        receiptTimers.addLast(receipt);
        if (!drainScheduled) {
            drainScheduled = true;
            ctx.executor().schedule(drainTask, context.receiptDelayNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Hands every due receipt to a receiving session of its system_id, then waits for the next one. */
    private void drainDueReceipts() {
        drainScheduled = false;
        long now = System.nanoTime();
        ScheduledReceipt next;
        while ((next = receiptTimers.peekFirst()) != null && next.dueNanos() - now <= 0) {
            receiptTimers.pollFirst();
            SimulatorSession target = context.registry.pick(next.systemId(), this);
            if (target == null) {
                context.undelivered(next);
            } else {
                target.offerReceipt(next);
            }
        }
        if (next != null) {
            drainScheduled = true;
            ctx.executor().schedule(drainTask, next.dueNanos() - now, TimeUnit.NANOSECONDS);
        }
    }

    // ---------------------------------------------------------------- deliver_sm window

    /** Queues a due receipt for this session (from any thread). */
    void offerReceipt(ScheduledReceipt receipt) {
        runOnEventLoop(() -> {
            if (!canReceive()) {
                context.undelivered(receipt);
                return;
            }
            waiting.addLast(new PendingDeliver(
                    ReceiptFactory.build(receipt, version34, System.currentTimeMillis()), null, receipt));
            sendWaiting();
        });
    }

    /** Queues an MO message for this session (from any thread); the future gets the deliver_sm_resp status. */
    void offerMo(MoMessage mo, CompletableFuture<Integer> result) {
        runOnEventLoop(() -> {
            if (!canReceive()) {
                result.completeExceptionally(new IllegalStateException("session of '" + systemId + "' is closed"));
                return;
            }
            waiting.addLast(new PendingDeliver(ShortMessagePdu.builder()
                    .sourceAddr(mo.source()).destinationAddr(mo.destination()).dataCoding(mo.dataCoding())
                    .shortMessage(mo.shortMessage()).tlvs(version34 ? mo.tlvs() : Tlvs.EMPTY), result, null));
            sendWaiting();
        });
    }

    private void sendWaiting() {
        int window = context.config.deliverWindow();
        boolean wrote = false;
        while (inFlight.size() < window && !waiting.isEmpty()) {
            PendingDeliver pending = waiting.pollFirst();
            int sequence = nextSequence();
            inFlight.put(sequence, pending);
            ctx.write(pending.template.sequenceNumber(sequence).buildDeliverSm(), ctx.voidPromise());
            (pending.isReceipt() ? counters.receiptsSent : counters.moSent).increment();
            wrote = true;
        }
        if (wrote) {
            flushSoon();
        }
    }

    private void onDeliverResponse(int sequence, int status) {
        PendingDeliver pending = inFlight.remove(sequence);
        if (pending == null) {
            return; // not ours, or already given up
        }
        boolean ok = status == SmppStatus.ESME_ROK;
        if (pending.isReceipt()) {
            (ok ? counters.receiptsAcknowledged : counters.receiptsRefused).increment();
            counters.receiptsPending.decrementAndGet();
        } else {
            if (ok) {
                counters.moAcknowledged.increment();
            }
            pending.moResult.complete(status);
        }
        sendWaiting();
    }

    private void abandon(PendingDeliver pending, IllegalStateException reason) {
        if (pending.isReceipt()) {
            context.undelivered(pending.receipt); // unanswered: a real SMSC sends it again after the next bind
        } else {
            pending.moResult.completeExceptionally(reason);
        }
    }

    // ---------------------------------------------------------------- writing

    private int nextSequence() {
        int sequence = nextSequence;
        nextSequence = sequence == Integer.MAX_VALUE ? 1 : sequence + 1;
        return sequence;
    }

    private void write(SmppPdu pdu) {
        ctx.write(pdu, ctx.voidPromise());
        flushSoon();
    }

    /** Inside a read the flush waits for channelReadComplete; elsewhere it happens now. */
    private void flushSoon() {
        if (inRead) {
            flushPending = true;
        } else {
            ctx.flush();
        }
    }

    /**
     * Answers, then closes once the ESME had {@link #CLOSE_GRACE_MILLIS} to read the answer (or when it
     * closes first). Closing at once makes some clients (jSMPP) lose the response they are waiting for.
     */
    private void writeAndClose(SmppPdu pdu) {
        closing = true;
        ctx.writeAndFlush(pdu).addListener(written -> {
            if (written.isSuccess()) {
                ctx.executor().schedule(() -> ctx.close(), CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
            } else {
                ctx.close();
            }
        });
    }

    private void runOnEventLoop(Runnable task) {
        if (ctx.executor().inEventLoop()) {
            task.run();
        } else {
            ctx.executor().execute(task);
        }
    }
}
