package io.smsgw.bench.correlation;

import io.smsgw.bench.load.LatencySummary;
import io.smsgw.correlation.RocksDbCorrelationStore;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Recorder;

/**
 * Runs numbered store operations from several threads, each keeping a bounded number in flight as an SMSC
 * link's window does, and measures them: rate, issue → completion latency, CPU per operation.
 *
 * <p>Completions only count and record; the issuing thread polls for free room in its window. So the store's
 * writer thread, where write stages complete, pays for no thread wake-up (as with an event loop that is
 * busy anyway). An operation the store refuses because its queue is full is counted and issued again, as
 * the link does after a pause.
 */
final class OperationRunner {

    /** Starts operation number {@code k}; its stage fails with {@link WrongAnswer} when the store answered wrongly. */
    interface Operation {
        CompletionStage<?> start(long k);
    }

    /** The store answered, but not with what it was given (a missing or different record). */
    static final class WrongAnswer extends RuntimeException {
        WrongAnswer(String message) {
            super(message, null, false, false);
        }
    }

    private static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(20);
    private static final long RETRY_PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    /** Paced threads sleep up to this long before an operation is due: few wake-ups, at most a millisecond late. */
    private static final long PACE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final RocksDbCorrelationStore store;
    private final String writerThreadName;
    private final PrintStream log;

    /** @param directory the store's directory, which names its writer thread */
    OperationRunner(RocksDbCorrelationStore store, Path directory, PrintStream log) {
        this.store = store;
        this.writerThreadName = "correlation-store-writer " + directory.getFileName();
        this.log = log;
    }

    /**
     * Runs operations {@code 0 .. operations-1}; thread {@code t} of {@code threads} takes those with
     * {@code k % threads == t} in order. With {@code tenths}, logs and records the rate of each tenth.
     */
    PhaseResult run(String name, long operations, int threads, int window, boolean tenths, Operation operation)
            throws InterruptedException {
        return run(name, operations, threads, window, tenths, 0, operation);
    }

    /**
     * As {@link #run(String, long, int, int, boolean, Operation)}, but paced: operation {@code k} is issued no
     * earlier than {@code k / rate} seconds after the start (0 = as fast as the window allows). Latency counts from
     * the actual issue, so a store that falls behind shows as a lower rate, not as longer latency.
     */
    PhaseResult run(String name, long operations, int threads, int window, boolean tenths, double rate,
                    Operation operation) throws InterruptedException {
        Phase phase = new Phase(operation, window, rate > 0 ? 1e9 / rate : 0, System.nanoTime());
        long diskReadsBefore = store.diskReads();
        long syncsBefore = store.syncedBatches();
        long cpuBefore = processCpuNanos();
        long writerCpuBefore = writerCpuNanos();
        long start = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            Thread worker = new Thread(() -> phase.issue(first, threads, operations), "corr-bench-" + t);
            workers.add(worker);
            worker.start();
        }
        List<Double> stepRates = new ArrayList<>();
        long step = Math.max(operations / 10, 1);
        long lastDone = 0;
        long lastTime = start;
        for (Thread worker : workers) {
            while (worker.isAlive()) {
                worker.join(100);
                long done = phase.finished.get();
                if (tenths && done - lastDone >= step && stepRates.size() < 9) {
                    long now = System.nanoTime();
                    double stepRate = (done - lastDone) * 1e9 / (now - lastTime);
                    stepRates.add(stepRate);
                    log.printf(Locale.ROOT, "  %s: %,d done, %,.0f/s over the last %,d%n", name, done, stepRate, done - lastDone);
                    lastDone = done;
                    lastTime = now;
                }
            }
        }
        long end = System.nanoTime();
        if (tenths && phase.finished.get() > lastDone) {
            stepRates.add((phase.finished.get() - lastDone) * 1e9 / (end - lastTime));
        }
        long count = Math.max(operations, 1);
        PhaseResult result = new PhaseResult(name, operations, phase.ok.get(), phase.failed.get(), phase.rejected.get(),
                phase.firstFailure.get(), threads, window, (end - start) / 1e9,
                LatencySummary.of(phase.latency.getIntervalHistogram()),
                (processCpuNanos() - cpuBefore) / 1e3 / count, (writerCpuNanos() - writerCpuBefore) / 1e3 / count,
                store.diskReads() - diskReadsBefore, store.syncedBatches() - syncsBefore, List.copyOf(stepRates));
        log.print(result.format());
        return result;
    }

    /** The counters of one phase, shared by its threads. */
    private static final class Phase {
        final Operation operation;
        final int window;
        final double nanosPerOperation;
        final long startNanos;
        final AtomicLong finished = new AtomicLong();
        final AtomicLong ok = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong rejected = new AtomicLong();
        final AtomicReference<String> firstFailure = new AtomicReference<>();
        final Recorder latency = new Recorder(3);

        Phase(Operation operation, int window, double nanosPerOperation, long startNanos) {
            this.operation = operation;
            this.window = window;
            this.nanosPerOperation = nanosPerOperation;
            this.startNanos = startNanos;
        }

        /** One thread's share: its operations in order, refused ones again after a pause, then waits for the last. */
        void issue(int first, int threads, long operations) {
            AtomicLong released = new AtomicLong();
            Queue<Long> retries = new ConcurrentLinkedQueue<>();
            long issued = 0;
            for (long k = first; k < operations; k += threads) {
                issued = retry(retries, released, issued);
                waitUntilDue(k);
                issued = acquire(released, issued);
                start(k, released, retries);
            }
            while (released.get() < issued || !retries.isEmpty()) {
                issued = retry(retries, released, issued);
                LockSupport.parkNanos(POLL_NANOS);
            }
        }

        private long retry(Queue<Long> retries, AtomicLong released, long issued) {
            for (Long k; (k = retries.poll()) != null; ) {
                LockSupport.parkNanos(RETRY_PAUSE_NANOS);
                issued = acquire(released, issued);
                start(k, released, retries);
            }
            return issued;
        }

        private void waitUntilDue(long k) {
            if (nanosPerOperation > 0) {
                long due = startNanos + (long) (k * nanosPerOperation);
                for (long now; (now = System.nanoTime()) < due; ) {
                    LockSupport.parkNanos(Math.min(due - now, PACE_PARK_NANOS));
                }
            }
        }

        private long acquire(AtomicLong released, long issued) {
            while (issued - released.get() >= window) {
                LockSupport.parkNanos(POLL_NANOS);
            }
            return issued + 1;
        }

        private void start(long k, AtomicLong released, Queue<Long> retries) {
            long startNanos = System.nanoTime();
            CompletionStage<?> stage;
            try {
                stage = operation.start(k);
            } catch (RuntimeException e) {
                fail(e);
                finished.incrementAndGet();
                released.incrementAndGet();
                return;
            }
            stage.whenComplete((value, error) -> {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                if (cause instanceof RejectedExecutionException) {
                    rejected.incrementAndGet();
                    retries.add(k);
                } else {
                    if (cause == null) {
                        latency.recordValue(Math.max(0, (System.nanoTime() - startNanos) / 1_000));
                        ok.incrementAndGet();
                    } else {
                        fail(cause);
                    }
                    finished.incrementAndGet();
                }
                released.incrementAndGet();
            });
        }

        private void fail(Throwable cause) {
            failed.incrementAndGet();
            firstFailure.compareAndSet(null, cause.toString());
        }
    }

    /** CPU time of the whole process (all threads, RocksDB's own included), in nanoseconds. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** CPU time of the store's writer thread so far, in nanoseconds (0 if it is not found). */
    long writerCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals(writerThreadName)) {
                return Math.max(0, threads.getThreadCpuTime(thread.getId()));
            }
        }
        return 0;
    }
}
