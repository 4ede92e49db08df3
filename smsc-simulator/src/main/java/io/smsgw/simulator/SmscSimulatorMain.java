package io.smsgw.simulator;

import io.smsgw.smpp.codec.SmppStatus;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs an {@link SmscSimulator} from the command line until it is stopped (Ctrl-C), printing its counters
 * periodically. {@code --help} lists the options.
 */
public final class SmscSimulatorMain {

    private static final String USAGE = String.join("\n",
            "SMPP SMSC simulator. Options (all optional):",
            "  --host ADDR              listen address (127.0.0.1)",
            "  --port N                 listen port, 0 = any free port (2776)",
            "  --system-id ID           system_id in bind responses (SMSCSIM)",
            "  --credential ID:PASS     accept only these binds; repeatable (default: accept any)",
            "  --id-format hex|decimal  message id format (hex)",
            "  --throttle SHARE         share of submits answered ESME_RTHROTTLED, 0..1 (0)",
            "  --fail SHARE             share of the other submits answered with --fail-status, 0..1 (0)",
            "  --fail-status N          command_status for --fail, decimal or 0x hex (0x08 ESME_RSYSERR)",
            "  --receipts requested|always|never   when to send delivery receipts (requested)",
            "  --receipt-delay-ms N     delay from submit_sm_resp to receipt (0)",
            "  --receipt-success SHARE  share of receipts reporting DELIVRD, the rest UNDELIV (1)",
            "  --redeliver-receipts true|false  keep receipts nobody answered and send them again after the next bind (false)",
            "  --window N               deliver_sm in flight per session (64)",
            "  --io-threads N           I/O threads (1)",
            "  --stats-interval S       seconds between counter lines, 0 = none (10)");

    private SmscSimulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        SimulatorConfig.Builder builder = SimulatorConfig.builder().port(2776);
        double throttle = 0;
        double fail = 0;
        int failStatus = SmppStatus.ESME_RSYSERR;
        long statsInterval = 10;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--help") || option.equals("-h")) {
                System.out.println(USAGE);
                return;
            }
            if (i + 1 >= args.length) {
                throw usage("missing value for " + option);
            }
            String value = args[++i];
            switch (option) {
                case "--host" -> builder.host(value);
                case "--port" -> builder.port(Integer.parseInt(value));
                case "--system-id" -> builder.systemId(value);
                case "--credential" -> {
                    int colon = value.indexOf(':');
                    if (colon <= 0) {
                        throw usage("--credential needs ID:PASSWORD");
                    }
                    builder.credential(value.substring(0, colon), value.substring(colon + 1));
                }
                case "--id-format" -> builder.messageIdFormat(MessageIdFormat.valueOf(value.toUpperCase(Locale.ROOT)));
                case "--throttle" -> throttle = Double.parseDouble(value);
                case "--fail" -> fail = Double.parseDouble(value);
                case "--fail-status" -> failStatus = Integer.decode(value);
                case "--receipts" -> builder.receiptPolicy(ReceiptPolicy.valueOf(value.toUpperCase(Locale.ROOT)));
                case "--receipt-delay-ms" -> builder.receiptDelay(Duration.ofMillis(Long.parseLong(value)));
                case "--receipt-success" -> builder.receiptSuccessRatio(Double.parseDouble(value));
                case "--redeliver-receipts" -> builder.redeliverReceipts(Boolean.parseBoolean(value));
                case "--window" -> builder.deliverWindow(Integer.parseInt(value));
                case "--io-threads" -> builder.ioThreads(Integer.parseInt(value));
                case "--stats-interval" -> statsInterval = Long.parseLong(value);
                default -> throw usage("unknown option " + option);
            }
        }
        if (throttle > 0 || fail > 0) {
            builder.submitPolicy(SubmitPolicy.shares(throttle, fail, failStatus));
        }

        SmscSimulator simulator = SmscSimulator.start(builder.build());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            stopped.countDown();
        }, "smsc-sim-shutdown"));
        System.out.println("SMSC simulator listening on " + simulator.address().getHostString() + ":"
                + simulator.port());
        if (statsInterval > 0) {
            ScheduledExecutorService printer = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "smsc-sim-stats");
                thread.setDaemon(true);
                return thread;
            });
            printer.scheduleAtFixedRate(() -> System.out.println(simulator.stats()), statsInterval, statsInterval,
                    TimeUnit.SECONDS);
        }
        stopped.await();
    }

    private static IllegalArgumentException usage(String problem) {
        return new IllegalArgumentException(problem + "\n" + USAGE);
    }
}
