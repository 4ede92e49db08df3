package io.smsgw.bench.codec;

import com.zx.sms.codec.cmpp.msg.Message;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.smsgw.cmpp.codec.CmppCodec;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Deliver;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Decode and encode of the same CMPP PDUs ({@link CmppCodecSamples}) by our codec and SMSGate's
 * (sms-core 2.1.13.5, {@link SmsGateCmppCodec}). Both decode a freshly wrapped frame, as a frame decoder
 * hands over a new buffer per PDU. SMSGate parses a status report's Msg_Content while decoding the
 * DELIVER, so for that sample ours parses it too ({@code Deliver.statusReport}). Ours encodes into a
 * reused buffer (as a pooled pipeline buffer would be); SMSGate's encoders allocate from the channel's
 * (pooled) allocator, and the benchmark releases that buffer.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CmppCodecBenchmark {

    @Param({"SUBMIT_30", "SUBMIT_20", "SUBMIT_RESP_30", "DELIVER_MO_30", "DELIVER_REPORT_30"})
    public CmppCodecSamples sample;

    private byte[] wire;
    private CmppVersion version;
    private boolean statusReport;
    private CmppPdu ours;
    private ByteBuf ourOut;
    private SmsGateCmppCodec smsgate;
    private Message theirs;

    @Setup
    public void setUp() throws Throwable {
        wire = sample.wire();
        version = sample.version();
        statusReport = sample.isStatusReport();
        ours = sample.pdu();
        ourOut = Unpooled.buffer(512);
        smsgate = SmsGateCmppCodec.forSample(sample);
        theirs = smsgate.decode(Unpooled.wrappedBuffer(wire));
    }

    @Benchmark
    public void oursDecode(Blackhole blackhole) {
        CmppPdu pdu = CmppCodec.decode(Unpooled.wrappedBuffer(wire), version);
        blackhole.consume(pdu);
        if (statusReport) {
            blackhole.consume(((Deliver) pdu).statusReport(version));
        }
    }

    @Benchmark
    public Message smsgateDecode() throws Throwable {
        return smsgate.decode(Unpooled.wrappedBuffer(wire));
    }

    @Benchmark
    public int oursEncode() {
        ourOut.clear();
        CmppCodec.encode(ours, version, ourOut);
        return ourOut.writerIndex();
    }

    @Benchmark
    public int smsgateEncode() throws Throwable {
        ByteBuf encoded = smsgate.encode(theirs);
        int length = encoded.readableBytes();
        encoded.release();
        return length;
    }
}
