package io.smsgw.bench.load.smpp;

import io.smsgw.bench.load.LoadMetrics;
import io.smsgw.bench.load.LoadOptions;
import io.smsgw.bench.load.WindowedLoadConnection;
import io.smsgw.core.receipt.DeliveryReceipt;
import io.smsgw.smpp.codec.BindRequest;
import io.smsgw.smpp.codec.BindResponse;
import io.smsgw.smpp.codec.BindType;
import io.smsgw.smpp.codec.DeliverSm;
import io.smsgw.smpp.codec.EnquireLink;
import io.smsgw.smpp.codec.GenericNack;
import io.smsgw.smpp.codec.MalformedPdu;
import io.smsgw.smpp.codec.SmppPdu;
import io.smsgw.smpp.codec.SmppStatus;
import io.smsgw.smpp.codec.SubmitSmResp;
import io.smsgw.smpp.codec.TlvTag;
import io.smsgw.smpp.codec.Unbind;
import io.smsgw.smpp.codec.UnbindResp;
import java.nio.charset.StandardCharsets;

/**
 * One ESME connection of a load run: binds, keeps the window of submit_sm full, measures each
 * submit_sm → submit_sm_resp, answers deliver_sm and matches receipts (the windowing is the base class's).
 */
final class SmppLoadConnection extends WindowedLoadConnection<SmppPdu> {

    private static final int ESM_CLASS_TYPE_MASK = 0x3C;
    private static final int ESM_CLASS_RECEIPT = 0x04;

    private final SmppSubmitSource source;

    SmppLoadConnection(LoadOptions options, LoadMetrics metrics) {
        super(options, metrics, SmppPdu.class);
        this.source = new SmppSubmitSource(options.mix(), options.receipts());
    }

    @Override
    protected Object loginRequest(int sequence) {
        BindType type = BindType.valueOf(options.effectiveBind());
        return new BindRequest(sequence, type, options.systemId(), options.password(), "",
                options.version34() ? BindRequest.INTERFACE_VERSION_34 : BindRequest.INTERFACE_VERSION_33, 0, 0, "");
    }

    @Override
    protected String loginName() {
        return "the bind";
    }

    @Override
    protected Object logoutRequest(int sequence) {
        return new Unbind(sequence);
    }

    @Override
    protected Object nextSubmit(int sequence) {
        return source.next(sequence);
    }

    @Override
    protected void onPdu(SmppPdu pdu) {
        if (pdu instanceof SubmitSmResp resp) {
            answered(resp.sequenceNumber(), resp.commandStatus(), resp.messageId());
        } else if (pdu instanceof DeliverSm deliver) {
            write(deliver.response(SmppStatus.ESME_ROK));
            onDeliverSm(deliver);
        } else if (pdu instanceof GenericNack nack) {
            if (!loginAnswered()) {
                loginRefused("bind answered with generic_nack " + SmppStatus.name(nack.commandStatus()));
            } else {
                answered(nack.sequenceNumber(), nack.commandStatus() == 0 ? SmppStatus.ESME_RUNKNOWNERR
                        : nack.commandStatus(), "");
            }
        } else if (pdu instanceof BindResponse bind) {
            if (bind.commandStatus() == SmppStatus.ESME_ROK) {
                loginAccepted();
            } else {
                loginRefused("bind refused: " + SmppStatus.name(bind.commandStatus()));
                closeConnection();
            }
        } else if (pdu instanceof EnquireLink enquireLink) {
            write(enquireLink.response());
        } else if (pdu instanceof Unbind unbind) {
            peerLoggedOut(new UnbindResp(unbind.sequenceNumber(), SmppStatus.ESME_ROK));
        } else if (pdu instanceof UnbindResp) {
            closeConnection();
        } else if (pdu instanceof MalformedPdu) {
            metrics.malformed();
        }
    }

    private void onDeliverSm(DeliverSm deliver) {
        if ((deliver.esmClass() & ESM_CLASS_TYPE_MASK) != ESM_CLASS_RECEIPT) {
            metrics.mo(deliver.sourceAddr().address());
            return;
        }
        String id = deliver.tlvs().getCString(TlvTag.RECEIPTED_MESSAGE_ID);
        if (id == null) {
            id = DeliveryReceipt.parse(new String(deliver.shortMessage(), StandardCharsets.ISO_8859_1))
                    .map(DeliveryReceipt::id).orElse(null);
        }
        metrics.receipt(id, System.nanoTime());
    }
}
