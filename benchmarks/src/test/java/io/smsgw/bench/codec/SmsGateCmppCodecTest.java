package io.smsgw.bench.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zx.sms.codec.cmpp.msg.CmppDeliverRequestMessage;
import com.zx.sms.codec.cmpp.msg.CmppReportRequestMessage;
import com.zx.sms.codec.cmpp.msg.CmppSubmitRequestMessage;
import com.zx.sms.codec.cmpp.msg.CmppSubmitResponseMessage;
import com.zx.sms.codec.cmpp.msg.Message;
import com.zx.sms.common.util.DefaultMsgIdUtil;
import com.zx.sms.common.util.MsgId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.smsgw.cmpp.codec.CmppCodec;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.Deliver;
import io.smsgw.cmpp.codec.StatusReport;
import io.smsgw.cmpp.codec.Submit;
import io.smsgw.cmpp.codec.SubmitResp;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The CMPP codec benchmark compares like with like only if both codecs read the same values out of the
 * same bytes and write the same bytes back: checked here once per sample, field by field.
 */
class SmsGateCmppCodecTest {

    @ParameterizedTest
    @EnumSource(CmppCodecSamples.class)
    void bothCodecsDecodeTheSameFieldValues(CmppCodecSamples sample) throws Throwable {
        CmppPdu ours = CmppCodec.decode(Unpooled.wrappedBuffer(sample.wire()), sample.version());
        Message theirs = SmsGateCmppCodec.forSample(sample).decode(Unpooled.wrappedBuffer(sample.wire()));

        assertEquals(sample.pdu(), ours);
        assertEquals(ours.sequenceId(), theirs.getHeader().getSequenceId());
        assertEquals(ours.commandId(), theirs.getHeader().getCommandId());
        if (ours instanceof Submit submit) {
            assertSameSubmit(submit, (CmppSubmitRequestMessage) theirs);
        } else if (ours instanceof SubmitResp resp) {
            CmppSubmitResponseMessage their = (CmppSubmitResponseMessage) theirs;
            assertEquals(resp.msgId(), msgId(their.getMsgId()));
            assertEquals(resp.result(), their.getResult());
        } else {
            assertSameDeliver(sample, (Deliver) ours, (CmppDeliverRequestMessage) theirs);
        }
    }

    @ParameterizedTest
    @EnumSource(CmppCodecSamples.class)
    void bothCodecsEncodeTheSameBytes(CmppCodecSamples sample) throws Throwable {
        SmsGateCmppCodec smsgate = SmsGateCmppCodec.forSample(sample);
        ByteBuf theirs = smsgate.encode(smsgate.decode(Unpooled.wrappedBuffer(sample.wire())));
        ByteBuf ours = Unpooled.buffer();
        CmppCodec.encode(sample.pdu(), sample.version(), ours);
        try {
            assertArrayEquals(sample.wire(), ByteBufUtil.getBytes(ours));
            assertArrayEquals(sample.wire(), ByteBufUtil.getBytes(theirs));
        } finally {
            theirs.release();
        }
    }

    private static void assertSameSubmit(Submit ours, CmppSubmitRequestMessage theirs) {
        assertEquals(ours.pkTotal(), theirs.getPktotal());
        assertEquals(ours.pkNumber(), theirs.getPknumber());
        assertEquals(ours.registeredDelivery(), theirs.getRegisteredDelivery());
        assertEquals(ours.msgLevel(), theirs.getMsglevel());
        assertEquals(ours.serviceId(), theirs.getServiceId());
        assertEquals(ours.feeUserType(), theirs.getFeeUserType());
        assertEquals(ours.feeTerminalId(), theirs.getFeeterminalId());
        assertEquals(ours.tpPid(), theirs.getTppid());
        assertEquals(ours.tpUdhi(), theirs.getTpudhi());
        assertEquals(ours.msgFmt(), theirs.getMsgfmt().getValue());
        assertEquals(ours.msgSrc(), theirs.getMsgsrc());
        assertEquals(ours.feeType(), theirs.getFeeType());
        assertEquals(ours.feeCode(), theirs.getFeeCode());
        assertEquals(ours.valIdTime(), theirs.getValIdTime());
        assertEquals(ours.atTime(), theirs.getAtTime());
        assertEquals(ours.srcId(), theirs.getSrcId());
        assertEquals(ours.destTerminalIds(), List.of(theirs.getDestterminalId()));
        assertEquals(ours.msgContent().length, theirs.getMsgLength());
        assertArrayEquals(ours.msgContent(), theirs.getMsgContentBytes());
        assertEquals(ours.linkId(), theirs.getLinkID() == null ? "" : theirs.getLinkID());
    }

    private static void assertSameDeliver(CmppCodecSamples sample, Deliver ours, CmppDeliverRequestMessage theirs) {
        assertEquals(ours.msgId(), msgId(theirs.getMsgId()));
        assertEquals(ours.destId(), theirs.getDestId());
        assertEquals(ours.serviceId(), theirs.getServiceid());
        assertEquals(ours.tpPid(), theirs.getTppid());
        assertEquals(ours.tpUdhi(), theirs.getTpudhi());
        assertEquals(ours.msgFmt(), theirs.getMsgfmt().getValue());
        assertEquals(ours.srcTerminalId(), theirs.getSrcterminalId());
        assertEquals(ours.srcTerminalType(), theirs.getSrcterminalType());
        assertEquals(ours.isStatusReport(), theirs.isReport());
        if (!ours.isStatusReport()) {
            assertArrayEquals(ours.msgContent(), theirs.getMsgContentBytes());
            return;
        }
        StatusReport report = ours.statusReport(sample.version()).orElseThrow();
        CmppReportRequestMessage their = theirs.getReportRequestMessage();
        assertEquals(report.msgId(), msgId(their.getMsgId()));
        assertEquals(report.stat(), their.getStat());
        assertEquals(report.submitTime(), their.getSubmitTime());
        assertEquals(report.doneTime(), their.getDoneTime());
        assertEquals(report.destTerminalId(), their.getDestterminalId());
        assertEquals(report.smscSequence(), their.getSmscSequence());
        assertTrue(report.smscSequence() > 0);
    }

    private static long msgId(MsgId msgId) {
        return ByteBuffer.wrap(DefaultMsgIdUtil.msgId2Bytes(msgId)).getLong();
    }
}
