package io.smsgw.bench.sessions;

import io.smsgw.bench.BenchCommand;
import io.smsgw.bench.load.ClientTransport;
import io.smsgw.bench.load.LoadConnection;
import io.smsgw.bench.load.LoadMetrics;
import io.smsgw.bench.load.LoadOptions;
import io.smsgw.bench.load.LoadProtocol;
import io.smsgw.bench.load.LoadProtocols;
import io.smsgw.bench.load.WindowedLoadConnection;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Scenario 5, the clients' side: opens many SMPP (transceiver) or CMPP sessions with a bounded number of binds in
 * flight, measures the bind rate, then keeps every session idle for a while (answering the gateway's enquire_link /
 * ACTIVE_TEST) and checks that none was dropped. Prints {@value #ALL_BOUND} when every session is bound, so a
 * script can measure the server's heap during the idle period.
 */
public final class IdleSessions {

    /** The line printed (and flushed) once every session is bound. */
    public static final String ALL_BOUND = "ALL BOUND";

    public static final String USAGE = String.join("\n",
            "Idle sessions: the load generator's connection options (--protocol SMPP|CMPP, --port, --system-id, --password,",
            "--connections N (the sessions), --io-threads, --json) and:",
            "  --binds-in-flight N  binds outstanding at a time (100)",
            "  --hold S             seconds every session stays idle after the last bind (60)");

    /**
     * @param load           connection settings; {@code connections} is the number of sessions
     * @param bindsInFlight  binds outstanding at once
     * @param holdSeconds    idle time after the last bind
     */
    public record Settings(LoadOptions load, int bindsInFlight, int holdSeconds) {

        public Settings {
            if (bindsInFlight < 1 || holdSeconds < 0) {
                throw new IllegalArgumentException("binds-in-flight must be >= 1 and hold >= 0");
            }
            if (!load.protocol().equals("SMPP") && !load.protocol().equals("CMPP")) {
                throw new IllegalArgumentException("idle sessions are SMPP or CMPP sessions, not " + load.protocol());
            }
        }

        public static Settings parse(String... args) {
            int inFlight = 100;
            int hold = 60;
            List<String> rest = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--binds-in-flight" -> inFlight = Integer.parseInt(value(args, ++i));
                    case "--hold" -> hold = Integer.parseInt(value(args, ++i));
                    default -> rest.add(args[i]);
                }
            }
            return new Settings(LoadOptions.parse(rest.toArray(String[]::new)), inFlight, hold);
        }

        private static String value(String[] args, int i) {
            if (i >= args.length) {
                throw new IllegalArgumentException("missing value for " + args[i - 1] + "\n" + USAGE);
            }
            return args[i];
        }
    }

    /**
     * @param bound           sessions bound
     * @param failed          binds refused or connections that failed
     * @param bindSeconds     from the first connect to the last bind
     * @param openAfterHold   sessions still open at the end of the idle period
     * @param firstFailure    the first bind failure's message, or null
     */
    public record Report(String protocol, int sessions, long bound, long failed, double bindSeconds, int holdSeconds,
                         long openAfterHold, String firstFailure) {

        public double bindsPerSecond() {
            return bindSeconds > 0 ? bound / bindSeconds : 0;
        }

        public String format() {
            return String.format(Locale.ROOT, "%s: %,d of %,d sessions bound in %.2f s = %,.0f binds/s, %,d failed%s%n"
                            + "  after %d s idle: %,d still open%n", protocol, bound, sessions, bindSeconds, bindsPerSecond(),
                    failed, firstFailure == null ? "" : " (first: " + firstFailure + ")", holdSeconds, openAfterHold);
        }

        public String toJson() {
            return String.format(Locale.ROOT, "{\"protocol\":\"%s\",\"sessions\":%d,\"bound\":%d,\"failed\":%d,"
                            + "\"bindSeconds\":%.3f,\"bindsPerSecond\":%.1f,\"holdSeconds\":%d,\"openAfterHold\":%d}",
                    protocol, sessions, bound, failed, bindSeconds, bindsPerSecond(), holdSeconds, openAfterHold);
        }
    }

    private IdleSessions() {
    }

    public static void main(String[] args) throws Exception {
        if (BenchCommand.helpRequested(args, USAGE)) {
            return;
        }
        Settings settings = Settings.parse(args);
        Report report = run(settings, System.out);
        BenchCommand.finish(report.format(), report.toJson(), settings.load().jsonReport(),
                report.bound() == report.sessions() && report.openAfterHold() == report.sessions());
    }

    /** Binds every session, holds them idle, closes them; progress to {@code log}. */
    public static Report run(Settings settings, PrintStream log) throws Exception {
        LoadOptions options = settings.load();
        if (options.protocol().equals("SMPP") && options.bind() == null) {
            // Receivers and transceivers are what cost the gateway most: each has a consumer on its account queue.
            options = options.toBuilder().bind("TRANSCEIVER").build();
        }
        LoadProtocol protocol = LoadProtocols.forName(options.protocol());
        LoadMetrics metrics = new LoadMetrics(false);
        int sessions = options.connections();
        List<LoadConnection> connections = Collections.synchronizedList(new ArrayList<>(sessions));
        AtomicLong failed = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        Semaphore inFlight = new Semaphore(settings.bindsInFlight());
        try (ClientTransport transport = ClientTransport.create(options.ioThreads())) {
            long start = System.nanoTime();
            long reportAt = start + TimeUnit.SECONDS.toNanos(1);
            for (int i = 0; i < sessions; i++) {
                inFlight.acquire();
                protocol.connect(transport, options, metrics, i).whenComplete((connection, error) -> {
                    if (error != null) {
                        failed.incrementAndGet();
                        firstFailure.compareAndSet(null, String.valueOf(error));
                    } else {
                        connections.add(connection);
                    }
                    inFlight.release();
                });
                if (System.nanoTime() >= reportAt) {
                    log.printf(Locale.ROOT, "%,d bound, %,d failed%n", connections.size(), failed.get());
                    reportAt += TimeUnit.SECONDS.toNanos(1);
                }
            }
            inFlight.acquire(settings.bindsInFlight());
            double bindSeconds = (System.nanoTime() - start) / 1e9;
            log.printf(Locale.ROOT, "%s %,d sessions in %.2f s%n", ALL_BOUND, connections.size(), bindSeconds);
            log.flush();
            Thread.sleep(TimeUnit.SECONDS.toMillis(settings.holdSeconds()));
            long open;
            synchronized (connections) {
                open = connections.stream().filter(c -> ((WindowedLoadConnection<?>) c).isOpen()).count();
            }
            Report report = new Report(options.protocol(), sessions, connections.size(), failed.get(), bindSeconds,
                    settings.holdSeconds(), open, firstFailure.get());
            closeAll(connections);
            return report;
        }
    }

    private static void closeAll(List<LoadConnection> connections) {
        List<CompletableFuture<Void>> closing;
        synchronized (connections) {
            closing = connections.stream().map(LoadConnection::close).toList();
        }
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture<?>[]::new)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Best effort: the transport shuts down next.
        }
    }
}
