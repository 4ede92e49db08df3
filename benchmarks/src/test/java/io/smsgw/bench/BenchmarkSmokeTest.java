package io.smsgw.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smsgw.bench.codec.CmppCodecSamples;
import io.smsgw.bench.codec.CodecComparison;
import io.smsgw.bench.codec.CodecSamples;
import io.smsgw.bench.load.LoadGenerator;
import io.smsgw.bench.load.LoadOptions;
import io.smsgw.bench.load.LoadReport;
import io.smsgw.bench.load.MessageMix;
import io.smsgw.bench.scenario.BenchGateway;
import io.smsgw.bench.scenario.E2eGateway;
import io.smsgw.bench.scenario.JsmppEchoServer;
import io.smsgw.bench.scenario.SmsGateCmppServer;
import io.smsgw.broker.testing.Wait;
import io.smsgw.bench.scenario.MoPreloader;
import io.smsgw.bench.push.MoPushReceiver;
import io.smsgw.bench.sessions.IdleSessions;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.simulator.SimulatorConfig;
import io.smsgw.simulator.SmscSimulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every benchmark scenario for a few seconds, in this JVM, so the tools keep working: each must move
 * messages and report no errors. The numbers mean nothing here; the full runs are benchmarks/run.sh.
 */
class BenchmarkSmokeTest {

    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    private static LoadOptions.Builder brief() {
        return LoadOptions.builder().warmupSeconds(1).durationSeconds(2).connections(2).window(20).quiet(true);
    }

    private static void assertMovedMessagesWithoutErrors(LoadReport report) {
        assertTrue(report.ok() > 0, report.format());
        assertTrue(report.responsesPerSecond() > 0, report.format());
        assertEquals(0, report.errors(), report.format());
    }

    @Test
    void smppIngestAndTheCoreBaselineAgainstTheEmbeddedGateway(@TempDir Path work) throws Exception {
        try (BenchGateway gateway = BenchGateway.start(BenchGateway.repositoryEtc(), work, 0, 0)) {
            LoadReport smpp = LoadGenerator.run(brief().port(gateway.smppPort())
                    .systemId(BenchGateway.ACCOUNT).password(BenchGateway.PASSWORD)
                    .mix(MessageMix.parse("gsm7=8,ucs2=1,long3=1")).build(), QUIET);
            LoadReport core = LoadGenerator.run(brief().protocol("CORE").port(gateway.corePort()).build(), QUIET);

            assertMovedMessagesWithoutErrors(smpp);
            assertMovedMessagesWithoutErrors(core);
        }
    }

    @Test
    void cmppIngestInBothVersionsAgainstTheEmbeddedGateway(@TempDir Path work) throws Exception {
        try (BenchGateway gateway = BenchGateway.start(BenchGateway.repositoryEtc(), work, 0, 0)) {
            LoadOptions.Builder cmpp = brief().protocol("CMPP").port(gateway.cmppPort())
                    .systemId(BenchGateway.CMPP_SP_ID).password(BenchGateway.CMPP_SECRET)
                    .cmppSourceId(BenchGateway.CMPP_SOURCE).mix(MessageMix.parse("gsm7=8,ucs2=1,long3=1"));
            LoadReport v30 = LoadGenerator.run(cmpp.build(), QUIET);
            LoadReport v20 = LoadGenerator.run(cmpp.cmppVersion(LoadOptions.CMPP_20).build(), QUIET);

            assertMovedMessagesWithoutErrors(v30);
            assertMovedMessagesWithoutErrors(v20);
        }
    }

    @Test
    void nonDurableBaselineOnAJsmppServer() throws Exception {
        try (JsmppEchoServer server = JsmppEchoServer.start(0, 4)) {
            LoadReport report = LoadGenerator.run(brief().port(server.port()).build(), QUIET);

            assertMovedMessagesWithoutErrors(report);
        }
    }

    @Test
    void simulatorWithReceiptsAndTheFullMix() throws Exception {
        try (SmscSimulator simulator = SmscSimulator.start(SimulatorConfig.builder()
                .receiptDelay(Duration.ofMillis(50)).build())) {
            LoadReport report = LoadGenerator.run(brief().port(simulator.port()).receipts(true)
                    .mix(MessageMix.parse("gsm7=8,ucs2=1,long3=1")).rate(2_000).build(), QUIET);

            assertMovedMessagesWithoutErrors(report);
            assertTrue(report.receipts() > 0, report.format());
            assertEquals(0, report.receiptsUnmatched(), report.format());
            assertTrue(report.receiptLatency().p50Micros() >= 50_000, report.format());
        }
    }

    // ---------------------------------------------------------------- scenario 3: cmpp-e2e

    @Test
    void endToEndEverySubmitGetsItsStatusReportAndBillingRecord(@TempDir Path work) throws Exception {
        try (SmscSimulator simulator = SmscSimulator.start(SimulatorConfig.builder()
                .credential(E2eGateway.LINK_SYSTEM_ID, E2eGateway.LINK_PASSWORD).receiptDelay(Duration.ofMillis(20))
                .build());
             E2eGateway gateway = E2eGateway.start(BenchGateway.repositoryEtc(), work, "127.0.0.1", simulator.port(),
                     E2eGateway.DEFAULT_LINK_WINDOW, E2eGateway.Billing.CORE)) {
            LoadReport report = LoadGenerator.run(brief().protocol("CMPP").port(gateway.cmppPort())
                    .systemId(BenchGateway.CMPP_SP_ID).password(BenchGateway.CMPP_SECRET)
                    .cmppSourceId(BenchGateway.CMPP_SOURCE).receipts(true).receiptWaitSeconds(20).rate(500)
                    .warmupRate(200).build(),
                    QUIET);

            assertMovedMessagesWithoutErrors(report);
            LoadReport.Completeness complete = report.completeness();
            assertTrue(complete.accepted() > 0, report.format());
            assertEquals(0, complete.missing(), report.format());
            // The 1 s warm-up ran at its own rate (200/s; at the measured 500/s it would have been about 500).
            long answeredInWarmup = complete.accepted() - report.ok();
            assertTrue(answeredInWarmup <= 260, "submits answered during the warm-up: " + answeredInWarmup);
            // Reports that came only during the wait after the run are counted, not timed.
            assertTrue(report.receipts() == 0 || report.receiptLatency().p50Micros() >= 20_000, report.format());
            Wait.until("a billing record for each of the " + complete.accepted() + " submits", Duration.ofSeconds(10),
                    () -> gateway.billingRecords() == complete.accepted());
        }
    }

    /** run.sh's default billing system (decision 162): the broker's CDR file writer reads the billing records. */
    @Test
    void endToEndWithTheBuiltInCdrWriterWritesALineForEverySubmit(@TempDir Path work) throws Exception {
        long accepted;
        try (SmscSimulator simulator = SmscSimulator.start(SimulatorConfig.builder()
                .credential(E2eGateway.LINK_SYSTEM_ID, E2eGateway.LINK_PASSWORD).receiptDelay(Duration.ofMillis(20))
                .build());
             E2eGateway gateway = E2eGateway.start(BenchGateway.repositoryEtc(), work, "127.0.0.1", simulator.port(),
                     E2eGateway.DEFAULT_LINK_WINDOW)) {
            LoadReport report = LoadGenerator.run(brief().protocol("CMPP").port(gateway.cmppPort())
                    .systemId(BenchGateway.CMPP_SP_ID).password(BenchGateway.CMPP_SECRET)
                    .cmppSourceId(BenchGateway.CMPP_SOURCE).receipts(true).receiptWaitSeconds(20).rate(500)
                    .warmupRate(200).build(),
                    QUIET);

            assertMovedMessagesWithoutErrors(report);
            accepted = report.completeness().accepted();
            assertTrue(accepted > 0, report.format());
            assertEquals(0, report.completeness().missing(), report.format());
            Wait.until("a CDR line for each of the " + accepted + " submits", Duration.ofSeconds(10),
                    () -> gateway.billingRead() == accepted);
            assertTrue(gateway.statsLine().contains(" billing-read=" + accepted + " "), gateway.statsLine());
        }
        // the stop closed the last file: every line is in a .csv, after its header
        long lines = 0;
        try (var files = java.nio.file.Files.list(E2eGateway.cdrDirectory(work))) {
            for (Path file : files.toList()) {
                assertTrue(file.getFileName().toString().endsWith(".csv"), file.toString());
                lines += java.nio.file.Files.readAllLines(file).size() - 1;
            }
        }
        assertEquals(accepted, lines);
    }

    // ---------------------------------------------------------------- end of scenario 3

    @Test
    void codecComparisonRunsEveryBenchmark() throws Exception {
        CodecComparison.Result result = CodecComparison.run(true, QUIET);

        for (CodecSamples sample : CodecSamples.values()) {
            for (String operation : new String[] {"decode", "encode"}) {
                for (String library : new String[] {"ours", "cloudhopper", "jsmpp"}) {
                    double nanos = result.nanos(sample, operation, library);
                    assertTrue(nanos > 0, sample + " " + operation + " " + library + ": " + nanos);
                }
            }
        }
    }

    // ---- Scenario 4 (MO push) and scenario 5 (idle sessions)

    @Test
    void moPushDeliversEveryPreloadedMoExactlyOnceOverCmppAndSmpp(@TempDir Path work) throws Exception {
        int count = 5_000;
        try (BenchGateway gateway = BenchGateway.start(BenchGateway.repositoryEtc(), work, 0, 0, true, 0)) {
            MoPreloader.load(gateway.corePort(), BenchGateway.CMPP_SP_ID, BenchGateway.CMPP_SOURCE, count);
            MoPreloader.load(gateway.corePort(), BenchGateway.ACCOUNT, BenchGateway.SMPP_SERVICE_NUMBER, count);

            MoPushReceiver.Report cmpp = MoPushReceiver.run(new MoPushReceiver.Settings(LoadOptions.builder()
                    .protocol("CMPP").port(gateway.cmppPort()).systemId(BenchGateway.CMPP_SP_ID)
                    .password(BenchGateway.CMPP_SECRET).build(), count, 10, gateway.corePort(),
                    SmsAddresses.accountQueue(BenchGateway.CMPP_SP_ID)), QUIET);
            MoPushReceiver.Report smpp = MoPushReceiver.run(new MoPushReceiver.Settings(LoadOptions.builder()
                    .port(gateway.smppPort()).systemId(BenchGateway.ACCOUNT).password(BenchGateway.PASSWORD).build(),
                    count, 10, gateway.corePort(), SmsAddresses.accountQueue(BenchGateway.ACCOUNT)), QUIET);

            for (MoPushReceiver.Report report : new MoPushReceiver.Report[] {cmpp, smpp}) {
                assertEquals(count, report.unique(), report.format());
                assertEquals(0, report.duplicates(), report.format());
                assertEquals(0, report.queueDepth(), report.format());
                assertTrue(report.exact(), report.format());
            }
        }
    }

    @Test
    void idleSessionsAllBindAndStayOpen(@TempDir Path work) throws Exception {
        int sessions = 200;
        try (BenchGateway gateway = BenchGateway.start(BenchGateway.repositoryEtc(), work, 0, 0)) {
            IdleSessions.Report cmpp = IdleSessions.run(new IdleSessions.Settings(LoadOptions.builder().protocol("CMPP")
                    .port(gateway.cmppPort()).systemId(BenchGateway.CMPP_SP_ID).password(BenchGateway.CMPP_SECRET)
                    .connections(sessions).window(1).ioThreads(2).build(), 50, 1), QUIET);
            IdleSessions.Report smpp = IdleSessions.run(new IdleSessions.Settings(LoadOptions.builder()
                    .port(gateway.smppPort()).systemId(BenchGateway.ACCOUNT).password(BenchGateway.PASSWORD)
                    .connections(sessions).window(1).ioThreads(2).build(), 50, 1), QUIET);

            for (IdleSessions.Report report : new IdleSessions.Report[] {cmpp, smpp}) {
                assertEquals(sessions, report.bound(), report.format());
                assertEquals(0, report.failed(), report.format());
                assertEquals(sessions, report.openAfterHold(), report.format());
                assertTrue(report.bindsPerSecond() > 0, report.format());
            }
        }
    }

    // Issue 7, CMPP baselines: SMSGate's codec and server.

    @Test
    void nonDurableCmppBaselineOnAnSmsGateServerInBothVersions() throws Exception {
        for (int version : new int[] {LoadOptions.CMPP_30, LoadOptions.CMPP_20}) {
            try (SmsGateCmppServer server = SmsGateCmppServer.start(0, version, 16)) {
                LoadReport report = LoadGenerator.run(brief().protocol("CMPP").port(server.port())
                        .systemId(SmsGateCmppServer.SP_ID).password(SmsGateCmppServer.SECRET)
                        .cmppSourceId(SmsGateCmppServer.SOURCE).cmppVersion(version).build(), QUIET);

                assertMovedMessagesWithoutErrors(report);
                assertTrue(server.answered() >= report.ok(), server.answered() + " answered, " + report.format());
            }
        }
    }

    @Test
    void cmppCodecComparisonRunsEveryBenchmark() throws Exception {
        CodecComparison.Result result = CodecComparison.run(CodecComparison.Suite.CMPP, true, QUIET);

        for (CmppCodecSamples sample : CmppCodecSamples.values()) {
            for (String operation : new String[] {"decode", "encode"}) {
                for (String library : new String[] {"ours", "smsgate"}) {
                    double nanos = result.nanos(sample, operation, library);
                    assertTrue(nanos > 0, sample + " " + operation + " " + library + ": " + nanos);
                }
            }
        }
    }
}
