package io.smsgw.bench.load.core;

import io.smsgw.bench.load.LoadConnection;
import io.smsgw.bench.load.LoadMetrics;
import io.smsgw.bench.load.LoadOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.SendAcknowledgementHandler;
import org.apache.activemq.artemis.api.core.client.ServerLocator;

/**
 * One CORE producer connection: a sending thread keeps up to {@code window} durable sends unconfirmed;
 * the broker's send acknowledgements (which follow the journal write) arrive in send order, so the send
 * times wait in a ring and each acknowledgement takes the oldest.
 */
final class CoreLoadConnection implements LoadConnection, SendAcknowledgementHandler {

    /** Large enough never to be what limits the window. */
    private static final int CONFIRMATION_WINDOW_BYTES = 16 * 1024 * 1024;
    private static final long MAX_BACKLOG_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final LoadMetrics metrics;
    private final int window;
    private final ServerLocator locator;
    private final ClientSessionFactory factory;
    private final ClientSession session;
    private final ClientProducer producer;
    private final CoreMessageSource messages;
    private final Semaphore permits;
    private final AtomicLongArray sendTimes;
    private final int mask;
    private long tail;
    private long head;
    private volatile boolean sending;
    private volatile double rate;
    private Thread sender;

    private CoreLoadConnection(LoadOptions options, LoadMetrics metrics, int index) throws Exception {
        this.metrics = metrics;
        this.window = options.window();
        this.permits = new Semaphore(window);
        int size = Integer.highestOneBit(Math.max(window * 2 - 1, 1)) << 1;
        this.sendTimes = new AtomicLongArray(size);
        this.mask = size - 1;
        this.messages = new CoreMessageSource(options.mix(), options.receipts(), index);
        this.locator = ActiveMQClient.createServerLocator("tcp://" + options.host() + ":" + options.port());
        locator.setConfirmationWindowSize(CONFIRMATION_WINDOW_BYTES);
        locator.setBlockOnDurableSend(false);
        locator.setBlockOnNonDurableSend(false);
        this.factory = locator.createSessionFactory();
        this.session = factory.createSession(false, true, true);
        session.setSendAcknowledgementHandler(this);
        this.producer = session.createProducer(CoreLoadProtocol.ADDRESS);
    }

    static CoreLoadConnection open(LoadOptions options, LoadMetrics metrics, int index) throws Exception {
        return new CoreLoadConnection(options, metrics, index);
    }

    @Override
    public void startSending(double ratePerSecond) {
        rate = ratePerSecond;
        sending = true;
        sender = new Thread(this::sendLoop, "core-producer");
        sender.setDaemon(true);
        sender.start();
    }

    @Override
    public void changeRate(double ratePerSecond) {
        rate = ratePerSecond;
    }

    private void sendLoop() {
        double ratePerSecond = rate;
        long start = System.nanoTime();
        long sent = 0;
        try {
            while (sending) {
                if (!permits.tryAcquire(10, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                if (rate != ratePerSecond) {
                    // Paced from now at the new rate.
                    ratePerSecond = rate;
                    start = System.nanoTime();
                    sent = 0;
                }
                if (ratePerSecond > 0) {
                    long due = start + (long) (sent * 1e9 / ratePerSecond);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    } else if (wait < -MAX_BACKLOG_NANOS) {
                        // Fell behind: make up at most 100 ms of sends, not a burst of all that was missed.
                        sent = (long) ((System.nanoTime() - MAX_BACKLOG_NANOS - start) * ratePerSecond / 1e9);
                    }
                }
                Message message = messages.next(session);
                sendTimes.set((int) (tail++ & mask), System.nanoTime());
                producer.send(message);
                metrics.sent();
                sent++;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ActiveMQException e) {
            metrics.connectionError();
        }
    }

    /** Called on the client's I/O thread, in send order. */
    @Override
    public void sendAcknowledged(Message message) {
        long sentAt = sendTimes.get((int) (head++ & mask));
        metrics.answered(sentAt, System.nanoTime(), 0, "");
        permits.release();
    }

    @Override
    public void sendFailed(Message message, Exception e) {
        long sentAt = sendTimes.get((int) (head++ & mask));
        metrics.answered(sentAt, System.nanoTime(), 0x08, "");
        permits.release();
    }

    @Override
    public void stopSending() {
        sending = false;
    }

    @Override
    public int outstanding() {
        return window - permits.availablePermits();
    }

    @Override
    public CompletableFuture<Void> close() {
        return CompletableFuture.runAsync(() -> {
            sending = false;
            try {
                if (sender != null) {
                    sender.join(5_000);
                }
                session.close();
            } catch (Exception e) {
                // best effort
            } finally {
                factory.close();
                locator.close();
            }
        });
    }
}
