package io.smsgw.bench.push;

import io.smsgw.bench.BenchCommand;
import io.smsgw.bench.load.ClientTransport;
import io.smsgw.bench.load.LoadConnection;
import io.smsgw.bench.load.LoadMetrics;
import io.smsgw.bench.load.LoadOptions;
import io.smsgw.bench.load.LoadProtocol;
import io.smsgw.bench.load.LoadProtocols;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;

/**
 * Scenario 4, the SP's side: binds (SMPP transceiver or CMPP) and sends nothing, answers every deliver_sm /
 * DELIVER with success, and counts the preloaded MOs ({@link MoTally}) until all have arrived or none came for a
 * while. The drain runs from the start of the connect to the last new MO. Optionally checks over CORE that the
 * account queue is empty afterwards, i.e. every delivery was acknowledged.
 */
public final class MoPushReceiver {

    public static final String USAGE = String.join("\n",
            "MO push receiver: the load generator's connection options (--protocol, --port, --system-id, --password,",
            "--connections, --io-threads, --cmpp-version, --smpp-version, --json) and:",
            "  --expect N           MOs preloaded (required)",
            "  --idle-timeout S     stop after S seconds without a new MO (30)",
            "  --queue-port N       CORE port to check afterwards that the account queue is empty",
            "  --queue NAME         that queue (sms.sp.<system-id>)");

    private static final long CONNECT_SECONDS = 30;
    /** After the last expected MO: how long duplicates still get a chance to show up. */
    private static final long LINGER_MILLIS = 1_000;

    /**
     * @param load        connection settings (protocol, port, account, connections, I/O threads)
     * @param expected    MOs preloaded
     * @param idleSeconds stop after this long without a new MO
     * @param queuePort   CORE port for the empty-queue check, 0 = no check
     * @param queue       the account queue checked
     */
    public record Settings(LoadOptions load, int expected, int idleSeconds, int queuePort, String queue) {

        public static Settings parse(String... args) {
            int expected = -1;
            int idle = 30;
            int queuePort = 0;
            String queue = null;
            List<String> rest = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--expect" -> expected = Integer.parseInt(value(args, ++i));
                    case "--idle-timeout" -> idle = Integer.parseInt(value(args, ++i));
                    case "--queue-port" -> queuePort = Integer.parseInt(value(args, ++i));
                    case "--queue" -> queue = value(args, ++i);
                    default -> rest.add(args[i]);
                }
            }
            if (expected < 1 || idle < 1) {
                throw new IllegalArgumentException("--expect N (>= 1) is required, --idle-timeout must be >= 1\n" + USAGE);
            }
            LoadOptions load = LoadOptions.parse(rest.toArray(String[]::new));
            return new Settings(load, expected, idle, queuePort, queue != null ? queue : "sms.sp." + load.systemId());
        }

        private static String value(String[] args, int i) {
            if (i >= args.length) {
                throw new IllegalArgumentException("missing value for " + args[i - 1] + "\n" + USAGE);
            }
            return args[i];
        }
    }

    /**
     * What the drain did.
     *
     * @param drainSeconds  from the start of connecting to the last new MO
     * @param perSecond     new MOs in each whole second of the drain
     * @param warmCount     the first MOs, left out of the steady rate (JIT compilation on both sides)
     * @param steadySeconds from the last warm-up MO to the last new MO
     * @param queueDepth    messages left on the account queue after closing, or -1 when not checked
     */
    public record Report(String protocol, int connections, int expected, long unique, long duplicates, long missing,
                         long foreign, long errors, double drainSeconds, long[] perSecond, long warmCount,
                         double steadySeconds, long queueDepth) {

        public double deliveriesPerSecond() {
            return drainSeconds > 0 ? unique / drainSeconds : 0;
        }

        /** The rate after the warm-up MOs. */
        public double steadyDeliveriesPerSecond() {
            return steadySeconds > 0 ? (unique - warmCount) / steadySeconds : 0;
        }

        /** Every expected MO arrived exactly once, nothing else arrived, nothing failed, nothing was left behind. */
        public boolean exact() {
            return unique == expected && missing == 0 && duplicates == 0 && foreign == 0 && errors == 0 && queueDepth <= 0;
        }

        public String format() {
            long[] sorted = perSecond.length > 2 ? Arrays.copyOfRange(perSecond, 1, perSecond.length - 1) : perSecond.clone();
            Arrays.sort(sorted);
            String spread = sorted.length == 0 ? "-" : String.format(Locale.ROOT, "min %,d, median %,d, max %,d",
                    sorted[0], sorted[sorted.length / 2], sorted[sorted.length - 1]);
            return String.format(Locale.ROOT, "MO push over %s (%d connection(s)): %,d of %,d MO in %.2f s = %,.0f deliveries/s%n"
                            + "  after the first %,d: %,.0f deliveries/s%n"
                            + "  per second (whole seconds, first and last left out): %s%n"
                            + "  duplicates %,d, missing %,d, foreign %,d, errors %,d, queue afterwards %s%n",
                    protocol, connections, unique, expected, drainSeconds, deliveriesPerSecond(), warmCount,
                    steadyDeliveriesPerSecond(), spread, duplicates,
                    missing, foreign, errors, queueDepth < 0 ? "not checked" : String.format(Locale.ROOT, "%,d", queueDepth));
        }

        public String toJson() {
            return String.format(Locale.ROOT, "{\"protocol\":\"%s\",\"connections\":%d,\"expected\":%d,\"unique\":%d,"
                            + "\"duplicates\":%d,\"missing\":%d,\"foreign\":%d,\"errors\":%d,\"drainSeconds\":%.3f,"
                            + "\"deliveriesPerSecond\":%.1f,\"warmCount\":%d,\"steadySeconds\":%.3f,"
                            + "\"steadyDeliveriesPerSecond\":%.1f,\"queueDepth\":%d}",
                    protocol, connections, expected, unique, duplicates, missing, foreign, errors, drainSeconds,
                    deliveriesPerSecond(), warmCount, steadySeconds, steadyDeliveriesPerSecond(), queueDepth);
        }
    }

    private MoPushReceiver() {
    }

    public static void main(String[] args) throws Exception {
        if (BenchCommand.helpRequested(args, USAGE)) {
            return;
        }
        Settings settings = Settings.parse(args);
        Report report = run(settings, System.out);
        BenchCommand.finish(report.format(), report.toJson(), settings.load().jsonReport(), report.exact());
    }

    /** Connects, receives until every expected MO came or the idle timeout passed, closes; progress to {@code log}. */
    public static Report run(Settings settings, PrintStream log) throws Exception {
        LoadOptions options = settings.load();
        if (options.protocol().equals("SMPP") && options.bind() == null) {
            // The gateway pushes deliver_sm only to receivers and transceivers.
            options = options.toBuilder().bind("TRANSCEIVER").build();
        }
        LoadProtocol protocol = LoadProtocols.forName(options.protocol());
        LoadMetrics metrics = new LoadMetrics(false);
        // The first tenth warms both JVMs up; the steady rate is measured over the rest.
        MoTally tally = new MoTally(settings.expected() / 10);
        metrics.onMo(tally);
        List<Long> perSecond = new ArrayList<>();
        // Wall-clock time, to find the drain in server-side recordings (JFR, GC logs).
        log.printf(Locale.ROOT, "connecting at %s%n", java.time.LocalTime.now());
        long start = System.nanoTime();
        try (ClientTransport transport = ClientTransport.create(options.ioThreads())) {
            List<LoadConnection> connections = connectAll(protocol, transport, options, metrics);
            try {
                long previous = 0;
                for (int second = 1; ; second++) {
                    long deadline = start + TimeUnit.SECONDS.toNanos(second);
                    while (System.nanoTime() < deadline && tally.unique() < settings.expected()) {
                        Thread.sleep(5);
                    }
                    long unique = tally.unique();
                    if (unique >= settings.expected()) {
                        break;
                    }
                    perSecond.add(unique - previous);
                    log.printf(Locale.ROOT, "%4ds  mo %,8d/s  received %,d of %,d  duplicates %,d%n", second, unique - previous,
                            unique, settings.expected(), tally.duplicates());
                    previous = unique;
                    long idleSince = tally.lastNewNanos() == 0 ? start : tally.lastNewNanos();
                    if (System.nanoTime() - idleSince > TimeUnit.SECONDS.toNanos(settings.idleSeconds())) {
                        log.printf(Locale.ROOT, "no new MO for %d s; stopping%n", settings.idleSeconds());
                        break;
                    }
                }
                Thread.sleep(LINGER_MILLIS);
            } finally {
                closeAll(connections);
            }
        }
        double drainSeconds = (tally.lastNewNanos() - start) / 1e9;
        double steadySeconds = tally.warmNanos() == 0 ? 0 : (tally.lastNewNanos() - tally.warmNanos()) / 1e9;
        long queueDepth = settings.queuePort() > 0 ? queueDepthWhenSettled(settings.queuePort(), settings.queue()) : -1;
        LoadMetrics.Counts counts = metrics.counts();
        return new Report(options.protocol(), options.connections(), settings.expected(), tally.unique(), tally.duplicates(),
                tally.missing(settings.expected()), tally.foreign(), counts.connectionErrors() + counts.malformed(),
                Math.max(0, drainSeconds), perSecond.stream().mapToLong(Long::longValue).toArray(), tally.warmCount(),
                steadySeconds, queueDepth);
    }

    private static List<LoadConnection> connectAll(LoadProtocol protocol, ClientTransport transport, LoadOptions options,
                                                   LoadMetrics metrics) throws Exception {
        List<CompletableFuture<LoadConnection>> pending = new ArrayList<>();
        for (int i = 0; i < options.connections(); i++) {
            pending.add(protocol.connect(transport, options, metrics, i));
        }
        List<LoadConnection> connections = new ArrayList<>();
        for (CompletableFuture<LoadConnection> future : pending) {
            try {
                connections.add(future.get(CONNECT_SECONDS, TimeUnit.SECONDS));
            } catch (Exception e) {
                closeAll(connections);
                throw new IOException("could not connect as " + options.systemId() + " over " + protocol.name(), e);
            }
        }
        return connections;
    }

    private static void closeAll(List<LoadConnection> connections) {
        try {
            CompletableFuture.allOf(connections.stream().map(LoadConnection::close).toArray(CompletableFuture<?>[]::new))
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Best effort: the transport shuts down next; unanswered deliveries go back to the queue.
        }
    }

    /** The queue's message count once acknowledgements have settled (it stops changing), within 10 s. */
    private static long queueDepthWhenSettled(int corePort, String queue) throws Exception {
        try (ServerLocator locator = ActiveMQClient.createServerLocator("tcp://127.0.0.1:" + corePort);
             ClientSessionFactory factory = locator.createSessionFactory();
             ClientSession session = factory.createSession()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            long depth = session.queueQuery(SimpleString.of(queue)).getMessageCount();
            while (depth != 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
                depth = session.queueQuery(SimpleString.of(queue)).getMessageCount();
            }
            return depth;
        }
    }
}
