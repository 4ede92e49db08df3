package io.smsgw.bench.load.cmpp;

import io.smsgw.bench.load.LoadMetrics;
import io.smsgw.bench.load.LoadOptions;
import io.smsgw.bench.load.WindowedLoadConnection;
import io.smsgw.cmpp.codec.ActiveTest;
import io.smsgw.cmpp.codec.CmppAuthenticator;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppPduDecoder;
import io.smsgw.cmpp.codec.CmppPduEncoder;
import io.smsgw.cmpp.codec.CmppTimestamp;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.cmpp.codec.ConnectResp;
import io.smsgw.cmpp.codec.Deliver;
import io.smsgw.cmpp.codec.MalformedCmppPdu;
import io.smsgw.cmpp.codec.StatusReport;
import io.smsgw.cmpp.codec.SubmitResp;
import io.smsgw.cmpp.codec.Terminate;
import io.smsgw.cmpp.codec.TerminateResp;
import io.smsgw.core.id.CmppMsgId;
import java.time.Clock;

/**
 * One SP connection of a CMPP load run: CONNECT with the MD5 authenticator, keeps the window of CMPP_SUBMITs
 * full, measures each SUBMIT → SUBMIT_RESP, answers every DELIVER with Result 0 and matches status reports to
 * their submits by Msg_Id (the windowing is the base class's).
 */
final class CmppLoadConnection extends WindowedLoadConnection<CmppPdu> {

    private final CmppVersion version;
    private final CmppSubmitSource source;
    private final Clock clock;

    /**
     * @param decoder the channel's decoder, set to the version CONNECT asks for
     * @param encoder the channel's encoder, likewise
     * @param clock   for CONNECT's Timestamp (MMDDHHMMSS, local time)
     */
    CmppLoadConnection(LoadOptions options, LoadMetrics metrics, CmppPduDecoder decoder, CmppPduEncoder encoder,
                       Clock clock) {
        super(options, metrics, CmppPdu.class);
        this.version = CmppVersion.fromByte(options.cmppVersion());
        decoder.setVersion(version);
        encoder.setVersion(version);
        this.source = new CmppSubmitSource(options.mix(), options.receipts(), options.systemId(), options.cmppSourceId());
        this.clock = clock;
    }

    @Override
    protected Object loginRequest(int sequence) {
        long timestamp = CmppTimestamp.forConnect(clock, options.systemId());
        byte[] authenticator = CmppAuthenticator.authenticatorSource(options.systemId(), options.password(), timestamp);
        return new Connect(sequence, options.systemId(), authenticator, version.code(), timestamp);
    }

    @Override
    protected String loginName() {
        return "CONNECT";
    }

    @Override
    protected Object logoutRequest(int sequence) {
        return new Terminate(sequence);
    }

    @Override
    protected Object nextSubmit(int sequence) {
        return source.next(sequence);
    }

    @Override
    protected void onPdu(CmppPdu pdu) {
        if (pdu instanceof SubmitResp resp) {
            // The Msg_Id text is needed only to match status reports.
            String msgId = options.receipts() && resp.isOk() ? CmppMsgId.toHex(resp.msgId()) : "";
            answered(resp.sequenceId(), resp.result(), msgId);
        } else if (pdu instanceof Deliver deliver) {
            write(deliver.response(0));
            onDeliver(deliver);
        } else if (pdu instanceof ConnectResp resp) {
            onConnectResp(resp);
        } else if (pdu instanceof ActiveTest test) {
            write(test.response());
        } else if (pdu instanceof Terminate terminate) {
            peerLoggedOut(terminate.response());
        } else if (pdu instanceof TerminateResp) {
            closeConnection();
        } else if (pdu instanceof MalformedCmppPdu) {
            metrics.malformed();
        }
    }

    private void onConnectResp(ConnectResp resp) {
        if (!resp.isOk()) {
            loginRefused("CONNECT refused with Status " + resp.status());
            closeConnection();
            return;
        }
        // CONNECT_RESP's Version is the highest the gateway speaks; the session keeps the version CONNECT asked for.
        loginAccepted();
    }

    private void onDeliver(Deliver deliver) {
        if (!deliver.isStatusReport()) {
            metrics.mo(deliver.srcTerminalId());
            return;
        }
        String msgId = deliver.statusReport(version).map(StatusReport::msgId).map(CmppMsgId::toHex).orElse(null);
        metrics.receipt(msgId, System.nanoTime());
    }
}
