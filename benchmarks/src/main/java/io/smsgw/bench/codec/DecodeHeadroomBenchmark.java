package io.smsgw.bench.codec;

import com.cloudhopper.smpp.pdu.Pdu;
import com.cloudhopper.smpp.transcoder.DefaultPduTranscoder;
import com.cloudhopper.smpp.transcoder.DefaultPduTranscoderContext;
import io.netty.buffer.Unpooled;
import io.smsgw.smpp.codec.SmppCodec;
import io.smsgw.smpp.codec.SmppPdu;
import io.smsgw.smpp.codec.SubmitSm;
import java.util.concurrent.TimeUnit;
import org.jboss.netty.buffer.ChannelBuffers;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How fast submit_sm decoding could be: the codec's reader against {@link ArraySubmitSmReader} (array
 * access) and cloudhopper, on the same bytes. Run with
 * {@code java -cp ... org.openjdk.jmh.Main DecodeHeadroomBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DecodeHeadroomBenchmark {

    private final byte[] wire = CodecSamples.SUBMIT_SM.wire();
    private final DefaultPduTranscoder cloudhopper = new DefaultPduTranscoder(new DefaultPduTranscoderContext());

    @Benchmark
    public SmppPdu codec() {
        return SmppCodec.decode(Unpooled.wrappedBuffer(wire));
    }

    @Benchmark
    public SubmitSm arrayReader() {
        return ArraySubmitSmReader.decode(Unpooled.wrappedBuffer(wire));
    }

    @Benchmark
    public Pdu cloudhopper() throws Exception {
        return cloudhopper.decode(ChannelBuffers.wrappedBuffer(wire));
    }
}
