package io.smsgw.bench.scenario;

import io.smsgw.core.config.GatewayConfigLocator;
import io.smsgw.examples.QuickStartGateway;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The quick-start gateway ({@link QuickStartGateway}: embedded Artemis, the persistent journal broker.xml asks
 * for (AIO where this JVM can load it, else NIO), the SMPP and CMPP acceptors, the latter on a free port) set
 * up for a benchmark: the repository's {@code broker.xml} with every acceptor on 127.0.0.1, benchmark accounts (SMPP and CMPP) with room for many sessions, and a
 * fresh data folder.
 *
 * <p>{@link #main} runs it as its own process (how {@code run.sh} measures); tests start it in-process.
 */
public final class BenchGateway implements AutoCloseable {

    /**
     * System property: journal-buffer-timeout in nanoseconds to put into the benchmark's broker.xml copy
     * (the repository's file leaves it at Artemis' NIO default of 3,333,333 ns); unset keeps the file as is.
     */
    public static final String BUFFER_TIMEOUT_PROPERTY = "bench.journalBufferTimeoutNanos";

    /**
     * System property: "true" attaches a consumer that reads and acknowledges everything arriving on sms.mt,
     * as routing would, so the queue stays short and the broker never pages during a run.
     */
    public static final String DRAIN_PROPERTY = "bench.drain";

    /** The account the load generator binds as. */
    public static final String ACCOUNT = "bench";
    public static final String PASSWORD = "bench";
    /** The CMPP SP the load generator connects as (SP_Id: six digits), its secret and its service number. */
    public static final String CMPP_SP_ID = "900001";
    public static final String CMPP_SECRET = "bench";
    public static final String CMPP_SOURCE = "106900001";

    // ---- MO push (scenario 4) and idle sessions (scenario 5)

    /**
     * System property: "true" keeps the routing plugin of broker.xml, so MO sent to sms.mo reach the account
     * of their service number ({@link #CMPP_SOURCE} for the CMPP SP, {@link #SMPP_SERVICE_NUMBER} for the
     * SMPP account), as in a deployment. Ingest leaves it out (see {@link #withoutBrokerPlugins}).
     */
    public static final String ROUTING_PROPERTY = "bench.routing";
    /** The SMPP account's service number: MO to it (and longer numbers) go to sms.sp.bench. */
    public static final String SMPP_SERVICE_NUMBER = "10690002";
    /**
     * System property: deliveries in flight per session (the acceptors' cmppWindowSize and smppWindowSize);
     * unset keeps broker.xml's (CMPP 16, SMPP 10).
     */
    public static final String DELIVER_WINDOW_PROPERTY = "bench.deliverWindow";
    /** Sessions each benchmark account may hold at once: enough for scenario 5's 10,000 idle sessions. */
    public static final int MAX_SESSIONS = 20_000;

    private final QuickStartGateway gateway;
    private final QueueDrain drain;

    private BenchGateway(QuickStartGateway gateway, QueueDrain drain) {
        this.gateway = gateway;
        this.drain = drain;
    }

    /**
     * Starts a gateway whose configuration and data live under {@code workDir} (the data is wiped first).
     *
     * @param sourceEtc folder holding the repository's broker.xml
     * @param smppPort  0 for a free port
     * @param corePort  0 for a free port
     */
    /**
     * Ingest is measured into durable storage on {@code sms.mt}, as the CORE baseline is: the routing plugin
     * (which would divert every MT to an SMSC link's queue) is left out of the benchmark's broker.xml.
     */
    static String withoutBrokerPlugins(String brokerXml) {
        int start = brokerXml.indexOf("<broker-plugins>");
        int end = brokerXml.indexOf("</broker-plugins>");
        if (start < 0 || end < 0) {
            return brokerXml;
        }
        return brokerXml.substring(0, start) + brokerXml.substring(end + "</broker-plugins>".length());
    }

    public static BenchGateway start(Path sourceEtc, Path workDir, int smppPort, int corePort) throws Exception {
        return start(sourceEtc, workDir, smppPort, corePort, Boolean.getBoolean(ROUTING_PROPERTY),
                Integer.getInteger(DELIVER_WINDOW_PROPERTY, 0));
    }

    /**
     * Like {@link #start(Path, Path, int, int)}; {@code routing} keeps the routing plugin (see {@link #ROUTING_PROPERTY}),
     * {@code deliverWindow} > 0 replaces both acceptors' delivery window (see {@link #DELIVER_WINDOW_PROPERTY}).
     */
    public static BenchGateway start(Path sourceEtc, Path workDir, int smppPort, int corePort, boolean routing,
                                     int deliverWindow) throws Exception {
        Path etc = workDir.resolve("etc");
        Path data = workDir.resolve("data");
        deleteRecursively(data);
        Files.createDirectories(etc);
        String brokerXml = Files.readString(sourceEtc.resolve("broker.xml"), StandardCharsets.UTF_8)
                .replace("tcp://0.0.0.0:", "tcp://127.0.0.1:")
                // Every load generator connection comes from 127.0.0.1 (scenario 5 binds 10,000 sessions, 100 at a
                // time): lift the per-address cap on connections not logged in yet, meant for one client of many.
                .replace("protocols=SMPP;", "protocols=SMPP;smppMaxUnboundPerAddress=0;")
                .replace("protocols=CMPP;", "protocols=CMPP;cmppMaxUnconnectedPerAddress=0;");
        if (!routing) {
            brokerXml = withoutBrokerPlugins(brokerXml);
        }
        if (deliverWindow > 0) {
            brokerXml = brokerXml.replaceAll("(cmppWindowSize|smppWindowSize)=[0-9]+", "$1=" + deliverWindow);
        }
        String bufferTimeout = System.getProperty(BUFFER_TIMEOUT_PROPERTY);
        if (bufferTimeout != null) {
            String anchor = "<journal-datasync>true</journal-datasync>";
            if (!brokerXml.contains(anchor)) {
                throw new IllegalStateException("broker.xml has no " + anchor + " to put journal-buffer-timeout after");
            }
            brokerXml = brokerXml.replace(anchor, anchor + "<journal-buffer-timeout>" + Long.parseLong(bufferTimeout)
                    + "</journal-buffer-timeout>");
        }
        Files.writeString(etc.resolve("broker.xml"), brokerXml, StandardCharsets.UTF_8);
        Path accounts = etc.resolve("sms-gateway.conf");
        Files.writeString(accounts, String.join("\n",
                "gateway { code = \"001001\", name = \"bench-gateway\" }",
                "accounts {",
                "  " + ACCOUNT + " { password = \"" + PASSWORD + "\", protocols = [SMPP], max-sessions = " + MAX_SESSIONS + " }",
                "  \"" + CMPP_SP_ID + "\" { password = \"" + CMPP_SECRET + "\", protocols = [CMPP], max-sessions = " + MAX_SESSIONS + ","
                        + " source-prefixes = [\"" + CMPP_SOURCE + "\"] }",
                "}",
                // Used only with the routing plugin (MO push): each account's service number.
                "routes { mo = [",
                "  { prefix = \"" + CMPP_SOURCE + "\", account = \"" + CMPP_SP_ID + "\" }",
                "  { prefix = \"" + SMPP_SERVICE_NUMBER + "\", account = " + ACCOUNT + " }",
                "] }", ""), StandardCharsets.UTF_8);
        System.setProperty(GatewayConfigLocator.PATH_PROPERTY, accounts.toString());
        QuickStartGateway gateway = QuickStartGateway.start(new QuickStartGateway.Settings(etc, data, corePort, smppPort));
        QueueDrain drain = Boolean.getBoolean(DRAIN_PROPERTY) ? QueueDrain.start(gateway.corePort(), "sms.mt") : null;
        return new BenchGateway(gateway, drain);
    }

    /** Where the repository's broker.xml is: -Dsmsgw.etc, else broker-config/etc under the working directory or its parent. */
    public static Path repositoryEtc() {
        return QuickStartGateway.Settings.fromSystemProperties().etcDir();
    }

    public int smppPort() {
        return gateway.smppPort();
    }

    public int cmppPort() {
        return gateway.cmppPort();
    }

    public int corePort() {
        return gateway.corePort();
    }

    /** Messages the drain consumer has read, or -1 without one. */
    public long drained() {
        return drain == null ? -1 : drain.count();
    }

    @Override
    public void close() throws Exception {
        try {
            if (drain != null) {
                drain.close();
            }
        } finally {
            gateway.close();
        }
    }

    /**
     * {@code BenchGateway WORK_DIR [SMPP_PORT [CORE_PORT]]}: starts, prints
     * {@code READY smpp=<port> core=<port> cmpp=<port>}, and runs until the process is stopped.
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: BenchGateway WORK_DIR [SMPP_PORT [CORE_PORT]]");
            System.exit(2);
        }
        Path work = Path.of(args[0]);
        int smppPort = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        int corePort = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        BenchGateway gateway = start(repositoryEtc(), work, smppPort, corePort);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                gateway.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }, "bench-gateway-stop"));
        System.out.println("READY smpp=" + gateway.smppPort() + " core=" + gateway.corePort() + " cmpp=" + gateway.cmppPort()
                + (gateway.drain != null ? " drain=on" : ""));
        gateway.gateway.awaitStop();
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
