package io.smsgw.bench.scenario;

import io.smsgw.core.config.GatewayConfigLocator;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.examples.QuickStartGateway;
import io.smsgw.routing.SmsRoutingControlMBean;
import io.smsgw.smpp.client.SmscLinkControlMBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.utils.FileUtil;

/**
 * The whole gateway for the end-to-end benchmark (scenario 3): the quick-start gateway with the repository's
 * {@code broker.xml} as it ships (routing plugin included, acceptors on 127.0.0.1), the bench CMPP SP of
 * {@link BenchGateway}, one SMSC link {@value #LINK} to an SMSC simulator started elsewhere, an MT route for
 * the load generator's numbers ({@value #ROUTE_PREFIX}…) over that link, and a billing system that reads
 * and acknowledges every record on the stock configuration's {@code sms.billing} subscription
 * {@value #BILLING_QUEUE}, so records are counted as they are written and never pile up. The billing system is the
 * broker's own CDR file writer ({@link Billing#CDR}: {@code billing.cdr}, files under {@code <workDir>/cdr}; the
 * default of {@link #main}, decision 162) or a CORE client of the broker reading the same subscription
 * ({@link Billing#CORE}).
 *
 * <p>{@link #main} runs it as its own process and prints a {@code STATS} line per second (billing records
 * written so far, reports and MT still waiting, link counters); {@code run.sh cmpp-e2e} reads the last one.
 */
public final class E2eGateway implements AutoCloseable {

    /** The SMSC link's name (so the queue sms.smsc.e2e) and the credentials it binds to the simulator with. */
    public static final String LINK = "e2e";
    public static final String LINK_SYSTEM_ID = "gwbench";
    public static final String LINK_PASSWORD = "bench";
    /** Destinations routed over the link: the load generator sends to 13800138000. */
    public static final String ROUTE_PREFIX = "138";
    /** The durable subscription of sms.billing declared in the repository's broker.xml. */
    public static final String BILLING_QUEUE = "billing-demo.records";
    /** submit_sm in flight on the link by default (the configuration's default is 10). */
    public static final int DEFAULT_LINK_WINDOW = 512;

    /** Who reads the billing records: a CORE client, or the broker's CDR file writer ({@code E2E_BILLING=cdr}). */
    public enum Billing {
        CORE, CDR;

        /** {@code core} or {@code cdr}, any case. */
        public static Billing of(String name) {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        }
    }

    private final QuickStartGateway gateway;
    private final Queue billing;
    /** The CORE billing system; null when the CDR writer reads the records. */
    private final QueueDrain billingSystem;

    private E2eGateway(QuickStartGateway gateway, Queue billing, QueueDrain billingSystem) {
        this.gateway = gateway;
        this.billing = billing;
        this.billingSystem = billingSystem;
    }

    /** With the CDR writer as billing system, as {@code run.sh cmpp-e2e} runs it by default. */
    public static E2eGateway start(Path sourceEtc, Path workDir, String smscHost, int smscPort, int linkWindow)
            throws Exception {
        return start(sourceEtc, workDir, smscHost, smscPort, linkWindow, Billing.CDR);
    }

    /**
     * Starts a gateway whose configuration and data live under {@code workDir} (the data is wiped first),
     * with its SMSC link towards {@code smscHost:smscPort}, and waits up to 30 s for the link to bind.
     *
     * @param sourceEtc  folder holding the repository's broker.xml
     * @param linkWindow submit_sm in flight on the link
     */
    public static E2eGateway start(Path sourceEtc, Path workDir, String smscHost, int smscPort, int linkWindow,
                                   Billing billingSystem) throws Exception {
        Path etc = workDir.resolve("etc");
        Path data = workDir.resolve("data");
        FileUtil.deleteDirectory(data.toFile());
        Path cdr = cdrDirectory(workDir);
        FileUtil.deleteDirectory(cdr.toFile());
        String billingSection = "";
        if (billingSystem == Billing.CDR) {
            Files.createDirectories(cdr);
            // the subscription the CORE stand-in reads, so the broker stores and routes the same records either way
            billingSection = "billing { cdr { directory = \"" + cdr + "\", queue = \"" + BILLING_QUEUE + "\" } }";
        }
        Files.createDirectories(etc);
        String brokerXml = Files.readString(sourceEtc.resolve("broker.xml"), StandardCharsets.UTF_8)
                .replace("tcp://0.0.0.0:", "tcp://127.0.0.1:");
        if (!brokerXml.contains("io.smsgw.routing.SmsRoutingPlugin") || !brokerXml.contains(BILLING_QUEUE)) {
            throw new IllegalStateException("broker.xml must enable the routing plugin and declare " + BILLING_QUEUE);
        }
        Files.writeString(etc.resolve("broker.xml"), brokerXml, StandardCharsets.UTF_8);
        Path conf = etc.resolve("sms-gateway.conf");
        Files.writeString(conf, String.join("\n",
                "gateway { code = \"001001\", name = \"bench-e2e\" }",
                "accounts {",
                "  \"" + BenchGateway.CMPP_SP_ID + "\" { password = \"" + BenchGateway.CMPP_SECRET + "\", protocols = [CMPP],"
                        + " max-sessions = 64, source-prefixes = [\"" + BenchGateway.CMPP_SOURCE + "\"] }",
                "}",
                "links {",
                "  " + LINK + " { host = \"" + smscHost + "\", port = " + smscPort + ", system-id = \"" + LINK_SYSTEM_ID
                        + "\", password = \"" + LINK_PASSWORD + "\", window = " + linkWindow + " }",
                "}",
                "routes { mt = [ { prefix = \"" + ROUTE_PREFIX + "\", links = [ " + LINK + " ] } ] }",
                billingSection,
                ""), StandardCharsets.UTF_8);
        System.setProperty(GatewayConfigLocator.PATH_PROPERTY, conf.toString());
        QuickStartGateway gateway = QuickStartGateway.start(new QuickStartGateway.Settings(etc, data, 0, 0, 0));
        try {
            Queue billing = gateway.server().locateQueue(SimpleString.of(BILLING_QUEUE));
            E2eGateway started = new E2eGateway(gateway, billing,
                    billingSystem == Billing.CORE ? QueueDrain.start(gateway.corePort(), BILLING_QUEUE) : null);
            started.awaitLinkBound(TimeUnit.SECONDS.toNanos(30));
            return started;
        } catch (Exception | Error e) {
            gateway.close();
            throw e;
        }
    }

    private void awaitLinkBound(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (!"BOUND".equals(link().getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("SMSC link " + LINK + " did not bind within 30 s: " + link().getState());
            }
            Thread.sleep(20);
        }
    }

    public int cmppPort() {
        return gateway.cmppPort();
    }

    /** Billing records written to sms.billing's subscription since the start (read or not). */
    public long billingRecords() {
        return billing.getMessagesAdded();
    }

    /** Where the CDR files go with {@link Billing#CDR}. */
    public static Path cdrDirectory(Path workDir) {
        return workDir.resolve("cdr");
    }

    /** Billing records the billing system has read: acknowledged by the CORE client, or written to CDR files. */
    public long billingRead() {
        if (billingSystem != null) {
            return billingSystem.count();
        }
        return ((SmsRoutingControlMBean) gateway.server().getManagementService().getUntypedControl("sms-routing"))
                .cdrCounters().get("recordsWritten");
    }

    /** Messages still on a queue: MT not yet resolved by the link, reports not yet taken by the SP. */
    public long waiting(String queue) {
        Queue q = gateway.server().locateQueue(SimpleString.of(queue));
        return q == null ? 0 : q.getMessageCount();
    }

    /** The SMSC link's management view (state and counters). */
    public SmscLinkControlMBean link() {
        return (SmscLinkControlMBean) gateway.server().getManagementService().getResource("smsc-link." + LINK);
    }

    /** One line with the counters {@code run.sh} reads: {@code STATS billing=N reports-waiting=N ...}. */
    public String statsLine() {
        SmscLinkControlMBean link = link();
        return String.format(Locale.ROOT,
                "STATS billing=%d billing-read=%d reports-waiting=%d mt-waiting=%d link-submitted=%d link-accepted=%d"
                        + " receipts-matched=%d receipts-unmatched=%d",
                billingRecords(), billingRead(), waiting(SmsAddresses.accountQueue(BenchGateway.CMPP_SP_ID)),
                waiting(SmsAddresses.MT) + waiting(SmsAddresses.smscLinkQueue(LINK)), link.getSubmitted(),
                link.getAccepted(), link.getReceiptsMatched(), link.getReceiptsUnmatched());
    }

    @Override
    public void close() throws Exception {
        try {
            if (billingSystem != null) {
                billingSystem.close();
            }
        } finally {
            gateway.close();
        }
    }

    /**
     * {@code E2eGateway WORK_DIR SMSC_PORT [LINK_WINDOW [core|cdr]]}: starts (the SMSC on 127.0.0.1), prints
     * {@code READY cmpp=<port>} once the link is bound, then a STATS line per second until stopped.
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: E2eGateway WORK_DIR SMSC_PORT [LINK_WINDOW [cdr|core]]");
            System.exit(2);
        }
        int window = args.length > 2 ? Integer.parseInt(args[2]) : DEFAULT_LINK_WINDOW;
        Billing billingSystem = args.length > 3 ? Billing.of(args[3]) : Billing.CDR;
        E2eGateway gateway = start(BenchGateway.repositoryEtc(), Path.of(args[0]), "127.0.0.1",
                Integer.parseInt(args[1]), window, billingSystem);
        AtomicBoolean stopping = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            try {
                gateway.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }, "e2e-gateway-stop"));
        System.out.println("READY cmpp=" + gateway.cmppPort() + " link-window=" + window + " billing="
                + billingSystem.name().toLowerCase(Locale.ROOT));
        while (!stopping.get()) {
            TimeUnit.SECONDS.sleep(1);
            if (!stopping.get()) {
                System.out.println(gateway.statsLine());
            }
        }
    }
}
