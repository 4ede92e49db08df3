package io.smsgw.bench.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.smsgw.bench.load.MessageKind;
import io.smsgw.cmpp.codec.CmppCodec;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Deliver;
import io.smsgw.cmpp.codec.StatusReport;
import io.smsgw.cmpp.codec.Submit;
import io.smsgw.cmpp.codec.SubmitResp;
import io.smsgw.core.text.SmsEncoding;
import io.smsgw.core.text.SmsText;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The CMPP PDUs the CMPP codec benchmarks work on, as wire bytes in their version's layout: what a CMPP
 * gateway decodes and encodes most (an SP's SUBMIT, its SUBMIT_RESP, an MO and a status report DELIVER).
 */
public enum CmppCodecSamples {

    /** CMPP 3.0 SUBMIT: a 159-octet ASCII text (Msg_Fmt 0) to one recipient, receipt requested, as the load generator sends. */
    SUBMIT_30(CmppVersion.V30, submit(CmppVersion.V30)),
    /** The same SUBMIT in the CMPP 2.0 layout. */
    SUBMIT_20(CmppVersion.V20, submit(CmppVersion.V20)),
    /** CMPP 3.0 SUBMIT_RESP: a gateway Msg_Id and Result 0. */
    SUBMIT_RESP_30(CmppVersion.V30, new SubmitResp(1_234_567, 0x4A3B2C1D00010203L, 0)),
    /** CMPP 3.0 DELIVER carrying an MO: 70 UCS2 characters (Msg_Fmt 8, 140 octets). */
    DELIVER_MO_30(CmppVersion.V30, new Deliver(7_654_321, 0x4A3B2C1D00010204L, "106900001", "BENCH", 0, 0, 8,
            "13800138000", 0, 0, SmsText.encode(MessageKind.UCS2.text(), SmsEncoding.UCS2), "", "")),
    /** CMPP 3.0 DELIVER carrying a status report (Registered_Delivery 1, 71 octets of Msg_Content). */
    DELIVER_REPORT_30(CmppVersion.V30, Deliver.ofStatusReport(7_654_322, 0x4A3B2C1D00010205L, "106900001", "BENCH",
            new StatusReport(0x4A3B2C1D00010203L, "DELIVRD", "2611261345", "2611261346", "13800138000", 42),
            CmppVersion.V30));

    static final String SERVICE_ID = "BENCH";
    static final String SP_ID = "900001";
    static final String SRC_ID = "106900001";
    static final String DESTINATION = "13800138000";

    private final CmppVersion version;
    private final CmppPdu pdu;
    private final byte[] wire;

    CmppCodecSamples(CmppVersion version, CmppPdu pdu) {
        this.version = version;
        this.pdu = pdu;
        ByteBuf buffer = Unpooled.buffer();
        CmppCodec.encode(pdu, version, buffer);
        this.wire = new byte[buffer.readableBytes()];
        buffer.readBytes(wire);
    }

    private static Submit submit(CmppVersion version) {
        byte[] text = MessageKind.GSM7.text().substring(0, 159).getBytes(StandardCharsets.US_ASCII);
        return new Submit(1_234_567, 0L, 1, 1, 1, 1, SERVICE_ID, 0, "", 0, 0, 0, 0, SP_ID, "01", "000000", "", "",
                SRC_ID, List.of(DESTINATION), 0, text, "", "");
    }

    /** The CMPP version whose layout {@link #wire()} is in. */
    public CmppVersion version() {
        return version;
    }

    /** The PDU as our codec's record. */
    public CmppPdu pdu() {
        return pdu;
    }

    /** The wire bytes, Total_Length included (do not modify). */
    public byte[] wire() {
        return wire;
    }

    /** Whether this is a DELIVER carrying a status report (decoders should parse the report too). */
    public boolean isStatusReport() {
        return pdu instanceof Deliver deliver && deliver.isStatusReport();
    }
}
