package io.smsgw.simulator;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.Alphabet;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GeneralDataCoding;
import org.jsmpp.bean.InterfaceVersion;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;

/** A jSMPP ESME for the tests: binds, submits and collects the deliver_sm it receives (answering them OK). */
final class JsmppEsme implements AutoCloseable {

    static final String SOURCE = "8610086";
    static final String DESTINATION = "8613800138000";

    final SMPPSession session = new SMPPSession();
    final BlockingQueue<DeliverSm> received = new LinkedBlockingQueue<>();

    JsmppEsme(int port, BindType type, String systemId, String password, InterfaceVersion version) throws Exception {
        session.setTransactionTimer(10_000);
        session.setMessageReceiverListener(new MessageReceiverListener() {
            @Override
            public void onAcceptDeliverSm(DeliverSm deliverSm) {
                received.add(deliverSm);
            }

            @Override
            public void onAcceptAlertNotification(AlertNotification alertNotification) {
            }

            @Override
            public DataSmResult onAcceptDataSm(DataSm dataSm, org.jsmpp.session.Session source) {
                return null;
            }
        });
        session.connectAndBind("127.0.0.1", port, new BindParameter(type, systemId, password, "",
                TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null, version));
    }

    static JsmppEsme transceiver(int port) throws Exception {
        return new JsmppEsme(port, BindType.BIND_TRX, "esme", "secret", InterfaceVersion.IF_34);
    }

    /** Submits ASCII text (data_coding 0) with the given registered_delivery; returns the message id. */
    String submit(String text, byte registeredDelivery) throws Exception {
        return session.submitShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, SOURCE,
                TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, DESTINATION, new ESMClass(), (byte) 0,
                (byte) 1, null, null, new RegisteredDelivery(registeredDelivery), (byte) 0,
                new GeneralDataCoding(Alphabet.ALPHA_DEFAULT), (byte) 0, text.getBytes(StandardCharsets.US_ASCII))
                .getMessageId();
    }

    /** The next deliver_sm, waiting up to 10 s; null if none came. */
    DeliverSm next() throws InterruptedException {
        return received.poll(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        session.unbindAndClose();
    }
}
