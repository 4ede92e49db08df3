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
import io.smsgw.bench.scenario.JsmppEchoServer;
import io.smsgw.bench.scenario.SmsGateCmppServer;
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
