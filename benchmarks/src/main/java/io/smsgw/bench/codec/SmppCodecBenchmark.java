package io.smsgw.bench.codec;

import com.cloudhopper.smpp.pdu.Pdu;
import com.cloudhopper.smpp.transcoder.DefaultPduTranscoder;
import com.cloudhopper.smpp.transcoder.DefaultPduTranscoderContext;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.smsgw.smpp.codec.SmppCodec;
import io.smsgw.smpp.codec.SmppPdu;
import java.util.concurrent.TimeUnit;
import org.jboss.netty.buffer.ChannelBuffer;
import org.jboss.netty.buffer.ChannelBuffers;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.SubmitSm;
import org.jsmpp.bean.SubmitSmResp;
import org.jsmpp.util.DefaultComposer;
import org.jsmpp.util.DefaultDecomposer;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decode and encode of the same PDUs ({@link CodecSamples}) by our codec, cloudhopper's
 * DefaultPduTranscoder (ch-smpp 5.0.9) and jSMPP's DefaultDecomposer / DefaultComposer (3.0.1), each
 * through its natural API: ours reads a Netty ByteBuf and writes into one (reused, as a pooled pipeline
 * buffer would be); cloudhopper reads a Netty 3 ChannelBuffer and returns a new one; jSMPP reads and
 * returns byte arrays. Every decode wraps the wire bytes afresh, as a frame decoder hands over a new
 * buffer per PDU.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SmppCodecBenchmark {

    @Param({"SUBMIT_SM", "SUBMIT_SM_RESP", "DELIVER_SM_RECEIPT"})
    public CodecSamples sample;

    private byte[] wire;
    private SmppPdu ours;
    private ByteBuf ourOut;
    private ByteBuf directFrame;
    private ByteBuf directOut;
    private DefaultPduTranscoder cloudhopper;
    private Pdu theirPdu;
    private DefaultDecomposer jsmppDecomposer;
    private DefaultComposer jsmppComposer;
    private Object jsmppBean;

    @Setup
    public void setUp() throws Exception {
        wire = sample.wire();
        ours = sample.pdu();
        ourOut = Unpooled.buffer(512);
        directFrame = PooledByteBufAllocator.DEFAULT.directBuffer(wire.length).writeBytes(wire);
        directOut = PooledByteBufAllocator.DEFAULT.directBuffer(512);
        cloudhopper = new DefaultPduTranscoder(new DefaultPduTranscoderContext());
        theirPdu = cloudhopper.decode(ChannelBuffers.wrappedBuffer(wire));
        jsmppDecomposer = new DefaultDecomposer();
        jsmppComposer = new DefaultComposer();
        jsmppBean = jsmppDecode();
    }

    @TearDown
    public void tearDown() {
        directFrame.release();
        directOut.release();
    }

    @Benchmark
    public SmppPdu oursDecode() {
        return SmppCodec.decode(Unpooled.wrappedBuffer(wire));
    }

    /**
     * Ours on the kind of frame the gateway's sockets hand over: pooled direct memory, which the decoder
     * first copies into an array. Not a JMH benchmark (CodecComparison pairs methods by name); the
     * interleaved timer reports it beside the heap-frame decode.
     */
    public SmppPdu oursDecodeDirectFrame() {
        directFrame.readerIndex(0);
        return SmppCodec.decode(directFrame);
    }

    @Benchmark
    public Pdu cloudhopperDecode() throws Exception {
        return cloudhopper.decode(ChannelBuffers.wrappedBuffer(wire));
    }

    @Benchmark
    public Object jsmppDecode() throws Exception {
        switch (sample) {
            case SUBMIT_SM:
                return jsmppDecomposer.submitSm(wire);
            case SUBMIT_SM_RESP:
                return jsmppDecomposer.submitSmResp(wire);
            default:
                return jsmppDecomposer.deliverSm(wire);
        }
    }

    @Benchmark
    public int oursEncode() {
        ourOut.clear();
        SmppCodec.encode(ours, ourOut);
        return ourOut.writerIndex();
    }

    /** Ours into a pooled direct buffer, as the gateway's pipeline encodes; see {@link #oursDecodeDirectFrame()}. */
    public int oursEncodeDirect() {
        directOut.clear();
        SmppCodec.encode(ours, directOut);
        return directOut.writerIndex();
    }

    @Benchmark
    public ChannelBuffer cloudhopperEncode() throws Exception {
        theirPdu.removeCommandLength(); // as for a PDU built for sending: the length is computed per PDU
        return cloudhopper.encode(theirPdu);
    }

    @Benchmark
    public byte[] jsmppEncode() throws Exception {
        switch (sample) {
            case SUBMIT_SM: {
                SubmitSm s = (SubmitSm) jsmppBean;
                return jsmppComposer.submitSm(s.getSequenceNumber(), s.getServiceType(), s.getSourceAddrTon(),
                        s.getSourceAddrNpi(), s.getSourceAddr(), s.getDestAddrTon(), s.getDestAddrNpi(),
                        s.getDestAddress(), s.getEsmClass(), s.getProtocolId(), s.getPriorityFlag(),
                        s.getScheduleDeliveryTime(), s.getValidityPeriod(), s.getRegisteredDelivery(),
                        s.getReplaceIfPresent(), s.getDataCoding(), s.getSmDefaultMsgId(), s.getShortMessage(),
                        s.getOptionalParameters());
            }
            case SUBMIT_SM_RESP: {
                SubmitSmResp r = (SubmitSmResp) jsmppBean;
                return jsmppComposer.submitSmResp(r.getSequenceNumber(), r.getMessageId());
            }
            default: {
                DeliverSm d = (DeliverSm) jsmppBean;
                OptionalParameter[] tlvs = d.getOptionalParameters();
                return jsmppComposer.deliverSm(d.getSequenceNumber(), d.getServiceType(), d.getSourceAddrTon(),
                        d.getSourceAddrNpi(), d.getSourceAddr(), d.getDestAddrTon(), d.getDestAddrNpi(),
                        d.getDestAddress(), d.getEsmClass(), d.getProtocolId(), d.getPriorityFlag(),
                        d.getRegisteredDelivery(), d.getDataCoding(), d.getShortMessage(), tlvs);
            }
        }
    }
}
