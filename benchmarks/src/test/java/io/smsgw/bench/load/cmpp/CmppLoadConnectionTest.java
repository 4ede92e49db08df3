package io.smsgw.bench.load.cmpp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.smsgw.bench.load.LoadMetrics;
import io.smsgw.bench.load.LoadOptions;
import io.smsgw.bench.load.MessageMix;
import io.smsgw.cmpp.codec.ActiveTest;
import io.smsgw.cmpp.codec.ActiveTestResp;
import io.smsgw.cmpp.codec.CmppAuthenticator;
import io.smsgw.cmpp.codec.CmppPduDecoder;
import io.smsgw.cmpp.codec.CmppPduEncoder;
import io.smsgw.cmpp.codec.CmppTimestamp;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.cmpp.codec.ConnectResp;
import io.smsgw.cmpp.codec.Deliver;
import io.smsgw.cmpp.codec.DeliverResp;
import io.smsgw.cmpp.codec.StatusReport;
import io.smsgw.cmpp.codec.Submit;
import io.smsgw.cmpp.codec.SubmitResp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The SP side of a CMPP load connection on an embedded channel (PDUs in and out, no codec). */
class CmppLoadConnectionTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T08:30:05Z"), ZoneOffset.UTC);

    private final LoadMetrics metrics = new LoadMetrics(true);

    private static LoadOptions options(int version) {
        return LoadOptions.builder().protocol("CMPP").systemId("900001").password("bench").cmppSourceId("106900001")
                .cmppVersion(version).window(2).receipts(true).mix(MessageMix.GSM7_ONLY).build();
    }

    private CmppLoadConnection connection(int version, CmppPduDecoder decoder, CmppPduEncoder encoder) {
        return new CmppLoadConnection(options(version), metrics, decoder, encoder, CLOCK);
    }

    @ParameterizedTest
    @EnumSource(CmppVersion.class)
    void connectsWithTheMd5AuthenticatorInTheRequestedVersion(CmppVersion version) {
        CmppPduDecoder decoder = new CmppPduDecoder();
        CmppPduEncoder encoder = new CmppPduEncoder();
        CmppLoadConnection connection = connection(version.code(), decoder, encoder);
        EmbeddedChannel channel = new EmbeddedChannel(connection);

        Connect connect = assertInstanceOf(Connect.class, channel.readOutbound());
        long timestamp = connect.timestamp();
        assertEquals("900001", connect.sourceAddr());
        assertEquals(version.code(), connect.version());
        // The clock's time, or a few seconds on when an earlier CONNECT of the same SP took it (no replay refusal).
        long ahead = CmppTimestamp.epochSecond(timestamp, CLOCK).orElseThrow() - CLOCK.instant().getEpochSecond();
        assertTrue(ahead >= 0 && ahead <= CmppTimestamp.MAX_CONNECT_LEAD_SECONDS, "Timestamp " + timestamp + " is " + ahead + " s from the clock");
        assertArrayEquals(CmppAuthenticator.authenticatorSource("900001", "bench", timestamp), connect.authenticatorSource());
        assertEquals(version, decoder.version());
        assertEquals(version, encoder.version());
        assertFalse(connection.bound().isDone());

        // The gateway answers with its highest version; the session stays in the one asked for.
        channel.writeInbound(new ConnectResp(connect.sequenceId(), 0, new byte[16], 0x30));
        assertTrue(connection.bound().isDone() && !connection.bound().isCompletedExceptionally());
        assertEquals(version, decoder.version());
    }

    @Test
    void aRefusedConnectFailsTheBind() {
        CmppLoadConnection connection = connection(0x30, new CmppPduDecoder(), new CmppPduEncoder());
        EmbeddedChannel channel = new EmbeddedChannel(connection);
        Connect connect = (Connect) channel.readOutbound();

        channel.writeInbound(new ConnectResp(connect.sequenceId(), 3, new byte[0], 0x30));

        assertTrue(connection.bound().isCompletedExceptionally());
        assertFalse(channel.isActive());
    }

    @Test
    void keepsTheWindowFullCountsResponsesAndMatchesStatusReports() {
        CmppLoadConnection connection = connection(0x30, new CmppPduDecoder(), new CmppPduEncoder());
        EmbeddedChannel channel = new EmbeddedChannel(connection);
        Connect connect = (Connect) channel.readOutbound();
        channel.writeInbound(new ConnectResp(connect.sequenceId(), 0, new byte[16], 0x30));

        connection.startSending(0);
        channel.runPendingTasks();
        Submit first = assertInstanceOf(Submit.class, channel.readOutbound());
        Submit second = assertInstanceOf(Submit.class, channel.readOutbound());
        assertNull(channel.readOutbound(), "window of 2");
        assertEquals(1, first.registeredDelivery());
        assertEquals(2, connection.outstanding());

        long msgId = 0x1234_5678_9ABC_DEF0L;
        channel.writeInbound(new SubmitResp(first.sequenceId(), msgId, 0));
        assertInstanceOf(Submit.class, channel.readOutbound(), "the freed slot is refilled");
        channel.writeInbound(new SubmitResp(second.sequenceId(), 0L, 9));

        StatusReport report = new StatusReport(msgId, "DELIVRD", "2611260830", "2611260830", "13800138000", 1);
        channel.writeInbound(Deliver.ofStatusReport(77, 555L, "106900001", "BENCH", report, CmppVersion.V30));
        DeliverResp reportResp = nextOfType(channel, DeliverResp.class);
        assertEquals(555L, reportResp.msgId());
        assertEquals(0, reportResp.result());

        channel.writeInbound(new Deliver(78, 556L, "106900001", "", 0, 0, 0, "13800138000", 0, 0,
                new byte[] {'h', 'i'}, "", ""));
        assertEquals(0, nextOfType(channel, DeliverResp.class).result());

        channel.writeInbound(new ActiveTest(79));
        assertEquals(79, nextOfType(channel, ActiveTestResp.class).sequenceId());

        LoadMetrics.Counts counts = metrics.counts();
        assertEquals(1, counts.ok());
        assertEquals(1, counts.failed());
        assertEquals(1L, counts.failuresByStatus().get(9));
        assertEquals(1, counts.receipts());
        assertEquals(0, counts.receiptsUnmatched());
        assertEquals(1, counts.mo());
    }

    /** Skips the submits that refill the window. */
    private static <T> T nextOfType(EmbeddedChannel channel, Class<T> type) {
        Object pdu;
        while ((pdu = channel.readOutbound()) != null) {
            if (type.isInstance(pdu)) {
                return type.cast(pdu);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " written");
    }
}
