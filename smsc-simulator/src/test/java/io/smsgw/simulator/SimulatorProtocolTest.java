package io.smsgw.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smsgw.smpp.codec.Address;
import io.smsgw.smpp.codec.BindRequest;
import io.smsgw.smpp.codec.BindResponse;
import io.smsgw.smpp.codec.BindType;
import io.smsgw.smpp.codec.DataSm;
import io.smsgw.smpp.codec.DataSmResp;
import io.smsgw.smpp.codec.DeliverSm;
import io.smsgw.smpp.codec.DeliverSmResp;
import io.smsgw.smpp.codec.EnquireLink;
import io.smsgw.smpp.codec.EnquireLinkResp;
import io.smsgw.smpp.codec.GenericNack;
import io.smsgw.smpp.codec.QuerySm;
import io.smsgw.smpp.codec.QuerySmResp;
import io.smsgw.smpp.codec.ShortMessagePdu;
import io.smsgw.smpp.codec.SmppPdu;
import io.smsgw.smpp.codec.SmppStatus;
import io.smsgw.smpp.codec.SubmitMulti;
import io.smsgw.smpp.codec.SubmitMultiResp;
import io.smsgw.smpp.codec.SubmitSm;
import io.smsgw.smpp.codec.SubmitSmResp;
import io.smsgw.smpp.codec.TlvTag;
import io.smsgw.smpp.codec.Tlvs;
import io.smsgw.smpp.codec.Unbind;
import io.smsgw.smpp.codec.UnbindResp;
import io.smsgw.smpp.codec.DestinationAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Edge cases of the protocol, driven byte by byte through the gateway's codec. */
class SimulatorProtocolTest {

    private SmscSimulator simulator;

    @BeforeEach
    void start() {
        simulator = SmscSimulator.start(SimulatorConfig.builder().deliverWindow(1).build());
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    private static SubmitSm submit(int sequence, int registeredDelivery) {
        return ShortMessagePdu.builder().sequenceNumber(sequence).sourceAddr(Address.of(1, 1, "8610086"))
                .destinationAddr(Address.of(1, 1, "8613800138000")).registeredDelivery(registeredDelivery)
                .shortMessage("raw".getBytes(StandardCharsets.US_ASCII)).buildSubmitSm();
    }

    private RawEsme bound(BindType type, int interfaceVersion) throws Exception {
        RawEsme esme = new RawEsme(simulator.port());
        esme.send(new BindRequest(1, type, "raw", "pw", "", interfaceVersion, 0, 0, ""));
        BindResponse response = assertInstanceOf(BindResponse.class, esme.receive());
        assertEquals(SmppStatus.ESME_ROK, response.commandStatus());
        return esme;
    }

    @Test
    void requestsBeforeBindAreRefusedWithInvalidBindStatus() throws Exception {
        try (RawEsme esme = new RawEsme(simulator.port())) {
            esme.send(submit(7, 0));

            SubmitSmResp response = assertInstanceOf(SubmitSmResp.class, esme.receive());
            assertEquals(7, response.sequenceNumber());
            assertEquals(SmppStatus.ESME_RINVBNDSTS, response.commandStatus());
        }
    }

    @Test
    void bindResponseCarriesTheSystemIdAndInterfaceVersionFor34() throws Exception {
        try (RawEsme esme = new RawEsme(simulator.port())) {
            esme.send(new BindRequest(1, BindType.TRANSCEIVER, "raw", "pw", "", 0x34, 0, 0, ""));

            BindResponse response = assertInstanceOf(BindResponse.class, esme.receive());
            assertEquals("SMSCSIM", response.systemId());
            assertEquals(0x34, response.tlvs().getU8(TlvTag.SC_INTERFACE_VERSION));
        }
    }

    @Test
    void aSecondBindIsRefusedAsAlreadyBound() throws Exception {
        try (RawEsme esme = bound(BindType.TRANSMITTER, 0x34)) {
            esme.send(new BindRequest(2, BindType.TRANSMITTER, "raw", "pw", "", 0x34, 0, 0, ""));

            assertEquals(SmppStatus.ESME_RALYBND, esme.receive().commandStatus());
        }
    }

    @Test
    void enquireLinkIsAnsweredBeforeAndAfterBind() throws Exception {
        try (RawEsme esme = new RawEsme(simulator.port())) {
            esme.send(new EnquireLink(3));
            assertEquals(new EnquireLinkResp(3, SmppStatus.ESME_ROK), esme.receive());
        }
        try (RawEsme esme = bound(BindType.TRANSCEIVER, 0x34)) {
            esme.send(new EnquireLink(4));
            assertEquals(new EnquireLinkResp(4, SmppStatus.ESME_ROK), esme.receive());
        }
        assertEquals(2, simulator.stats().enquireLinks());
    }

    @Test
    void unbindIsAnsweredAndTheConnectionClosed() throws Exception {
        try (RawEsme esme = bound(BindType.TRANSCEIVER, 0x34)) {
            esme.send(new Unbind(5));

            assertEquals(new UnbindResp(5, SmppStatus.ESME_ROK), esme.receive());
            assertTrue(esme.closedByPeer());
        }
        assertEquals(1, simulator.stats().unbinds());
    }

    @Test
    void unknownCommandIdsGetAGenericNack() throws Exception {
        try (RawEsme esme = bound(BindType.TRANSCEIVER, 0x34)) {
            esme.sendBytes(new byte[] {0, 0, 0, 16, 0, 0, 0, (byte) 0x99, 0, 0, 0, 0, 0, 0, 0, 9});

            assertEquals(new GenericNack(9, SmppStatus.ESME_RINVCMDID), esme.receive());
        }
        assertEquals(1, simulator.stats().malformed());
    }

    @Test
    void aTruncatedSubmitGetsAGenericNackAndTheSessionGoesOn() throws Exception {
        try (RawEsme esme = bound(BindType.TRANSCEIVER, 0x34)) {
            // submit_sm header with a one-byte body: service_type without its NUL.
            esme.sendBytes(new byte[] {0, 0, 0, 17, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 10, 'C'});
            assertEquals(new GenericNack(10, SmppStatus.ESME_RINVCMDLEN), esme.receive());

            esme.send(submit(11, 0));
            assertEquals(SmppStatus.ESME_ROK, esme.receive().commandStatus());
        }
    }

    @Test
    void anAbsurdCommandLengthClosesTheConnection() throws Exception {
        try (RawEsme esme = bound(BindType.TRANSCEIVER, 0x34)) {
            esme.sendBytes(new byte[] {0x7F, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 12});

            assertTrue(esme.closedByPeer());
        }
        assertEquals(1, simulator.stats().malformed());
    }

    @Test
    void dataSmIsAnsweredWithAnIdOn34AndRefusedOn33() throws Exception {
        DataSm dataSm = new DataSm(6, "", Address.of(1, 1, "8610086"), Address.of(1, 1, "8613800138000"), 0, 0, 0,
                Tlvs.builder().add(TlvTag.MESSAGE_PAYLOAD, "payload".getBytes(StandardCharsets.US_ASCII)).build());
        try (RawEsme esme = bound(BindType.TRANSMITTER, 0x34)) {
            esme.send(dataSm);
            DataSmResp response = assertInstanceOf(DataSmResp.class, esme.receive());
            assertEquals(SmppStatus.ESME_ROK, response.commandStatus());
            assertEquals(16, response.messageId().length());
        }
        try (RawEsme esme = bound(BindType.TRANSMITTER, 0x33)) {
            esme.send(dataSm);
            assertEquals(new GenericNack(6, SmppStatus.ESME_RINVCMDID), esme.receive());
        }
    }

    @Test
    void submitMultiIsAcceptedWithOneId() throws Exception {
        try (RawEsme esme = bound(BindType.TRANSMITTER, 0x34)) {
            esme.send(new SubmitMulti(8, "", Address.of(1, 1, "8610086"),
                    List.of(new DestinationAddress.Sme(Address.of(1, 1, "8613800138000"))), 0, 0, 0, "", "", 0, 0, 0,
                    0, "hi all".getBytes(StandardCharsets.US_ASCII), Tlvs.EMPTY));

            SubmitMultiResp response = assertInstanceOf(SubmitMultiResp.class, esme.receive());
            assertEquals(SmppStatus.ESME_ROK, response.commandStatus());
            assertEquals(List.of(), response.unsuccessSmes());
        }
    }

    @Test
    void receiversMayNotSubmitAndQueriesAreRefused() throws Exception {
        try (RawEsme esme = bound(BindType.RECEIVER, 0x34)) {
            esme.send(submit(13, 0));
            assertEquals(SmppStatus.ESME_RINVBNDSTS, esme.receive().commandStatus());

            esme.send(new QuerySm(14, "0000000000000001", Address.of(1, 1, "8610086")));
            QuerySmResp query = assertInstanceOf(QuerySmResp.class, esme.receive());
            assertEquals(SmppStatus.ESME_RQUERYFAIL, query.commandStatus());
        }
    }

    @Test
    void deliverSmWaitsForAFreeWindowSlot() throws Exception {
        try (RawEsme esme = bound(BindType.TRANSCEIVER, 0x34)) {
            esme.send(submit(20, 1));
            esme.send(submit(21, 1));
            // Two submit_sm_resp and the first receipt, in whatever order the simulator wrote them.
            List<SubmitSmResp> responses = new java.util.ArrayList<>();
            DeliverSm receipt = null;
            while (responses.size() < 2 || receipt == null) {
                SmppPdu pdu = esme.receive();
                if (pdu instanceof SubmitSmResp response) {
                    responses.add(response);
                } else {
                    assertNull(receipt, "a second deliver_sm while the window of 1 is full");
                    receipt = assertInstanceOf(DeliverSm.class, pdu);
                }
            }
            assertEquals(List.of(20, 21), responses.stream().map(SubmitSmResp::sequenceNumber).toList());
            assertEquals(responses.get(0).messageId(), receipt.tlvs().getCString(TlvTag.RECEIPTED_MESSAGE_ID));
            assertEquals(1, simulator.stats().receiptsSent());
            esme.send(receipt.response(SmppStatus.ESME_ROK));

            DeliverSm next = assertInstanceOf(DeliverSm.class, esme.receive());
            assertEquals(responses.get(1).messageId(), next.tlvs().getCString(TlvTag.RECEIPTED_MESSAGE_ID));
            esme.send(new GenericNack(next.sequenceNumber(), SmppStatus.ESME_RSYSERR));
            esme.send(new EnquireLink(22));
            assertInstanceOf(EnquireLinkResp.class, esme.receive()); // the nack has been handled
        }
        SimulatorStats stats = simulator.stats();
        assertEquals(1, stats.receiptsAcknowledged());
        assertEquals(1, stats.receiptsRefused());
        assertEquals(0, stats.receiptsPending());
    }

    @Test
    void moInFlightFailsWhenTheConnectionCloses() throws Exception {
        CompletableFuture<Integer> result;
        try (RawEsme esme = bound(BindType.RECEIVER, 0x34)) {
            result = simulator.injectMo("raw", MoMessage.text("1", "2", "never answered"));
            DeliverSm mo = assertInstanceOf(DeliverSm.class, esme.receive());
            assertEquals(0, mo.esmClass());
        }
        java.util.concurrent.ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, () -> result.get(10, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, failure.getCause());
    }

    @Test
    void moRefusalStatusIsReported() throws Exception {
        try (RawEsme esme = bound(BindType.TRANSCEIVER, 0x34)) {
            CompletableFuture<Integer> result = simulator.injectMo("raw", MoMessage.text("1", "2", "refuse me"));
            DeliverSm mo = assertInstanceOf(DeliverSm.class, esme.receive());
            esme.send(new DeliverSmResp(mo.sequenceNumber(), SmppStatus.ESME_RX_T_APPN, "", Tlvs.EMPTY));

            assertEquals(SmppStatus.ESME_RX_T_APPN, result.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void anUnansweredReceiptIsSentAgainAfterTheNextBindWhenRedeliveryIsOn() throws Exception {
        simulator.close();
        simulator = SmscSimulator.start(SimulatorConfig.builder().deliverWindow(1).redeliverReceipts(true).build());
        String messageId;
        try (RawEsme esme = bound(BindType.TRANSCEIVER, 0x34)) {
            esme.send(submit(30, 1));
            SubmitSmResp response = null;
            DeliverSm receipt = null;
            while (response == null || receipt == null) {
                SmppPdu pdu = esme.receive();
                if (pdu instanceof SubmitSmResp r) {
                    response = r;
                } else {
                    receipt = assertInstanceOf(DeliverSm.class, pdu);
                }
            }
            messageId = response.messageId();
            assertEquals(messageId, receipt.tlvs().getCString(TlvTag.RECEIPTED_MESSAGE_ID));
            // Gone without deliver_sm_resp, like a gateway killed while it handled the receipt.
        }
        waitFor(() -> simulator.stats().receiptsHeld() == 1);

        try (RawEsme esme = bound(BindType.RECEIVER, 0x33)) {
            DeliverSm again = assertInstanceOf(DeliverSm.class, esme.receive());
            String text = new String(again.shortMessage(), StandardCharsets.US_ASCII);
            assertTrue(text.startsWith("id:" + messageId + " "), "built anew for an SMPP 3.3 receiver: " + text);
            esme.send(again.response(SmppStatus.ESME_ROK));
            esme.send(new EnquireLink(31));
            assertInstanceOf(EnquireLinkResp.class, esme.receive());
        }
        SimulatorStats stats = simulator.stats();
        assertEquals(2, stats.receiptsSent());
        assertEquals(1, stats.receiptsAcknowledged());
        assertEquals(0, stats.receiptsDropped());
        assertEquals(0, stats.receiptsPending());
    }

    @Test
    void aReceiptWithoutReceiverWaitsForOneWhenRedeliveryIsOn() throws Exception {
        simulator.close();
        simulator = SmscSimulator.start(SimulatorConfig.builder().redeliverReceipts(true).build());
        String messageId;
        try (RawEsme transmitter = bound(BindType.TRANSMITTER, 0x34)) {
            transmitter.send(submit(40, 1));
            messageId = assertInstanceOf(SubmitSmResp.class, transmitter.receive()).messageId();
            waitFor(() -> simulator.stats().receiptsHeld() == 1);
            try (RawEsme receiver = bound(BindType.RECEIVER, 0x34)) {
                DeliverSm receipt = assertInstanceOf(DeliverSm.class, receiver.receive());
                assertEquals(messageId, receipt.tlvs().getCString(TlvTag.RECEIPTED_MESSAGE_ID));
                receiver.send(receipt.response(SmppStatus.ESME_ROK));
                waitFor(() -> simulator.stats().receiptsAcknowledged() == 1);
            }
        }
        assertEquals(0, simulator.stats().receiptsDropped());
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(5); // polling interval, not a synchronisation
        }
    }
}
