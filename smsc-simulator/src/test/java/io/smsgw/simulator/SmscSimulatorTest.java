package io.smsgw.simulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smsgw.smpp.codec.SmppStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.DeliveryReceipt;
import org.jsmpp.util.DeliveryReceiptState;
import org.jsmpp.bean.InterfaceVersion;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.extra.ResponseTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The simulator as an ESME sees it, with jSMPP 3.0.1 as the ESME. */
class SmscSimulatorTest {

    private static final byte RECEIPT_ALWAYS = SMSCDeliveryReceipt.SUCCESS_FAILURE.value();
    private static final byte RECEIPT_ON_FAILURE = SMSCDeliveryReceipt.FAILURE.value();
    private static final byte NO_RECEIPT = SMSCDeliveryReceipt.DEFAULT.value();

    private SmscSimulator simulator;
    private final List<JsmppEsme> esmes = new ArrayList<>();

    @AfterEach
    void stop() {
        esmes.forEach(JsmppEsme::close);
        if (simulator != null) {
            simulator.close();
        }
    }

    private SmscSimulator start(SimulatorConfig.Builder config) {
        simulator = SmscSimulator.start(config.build());
        return simulator;
    }

    private JsmppEsme esme(BindType type, InterfaceVersion version) throws Exception {
        JsmppEsme esme = new JsmppEsme(simulator.port(), type, "esme", "secret", version);
        esmes.add(esme);
        return esme;
    }

    private static int negativeStatus(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof NegativeResponseException negative) {
                return negative.getCommandStatus();
            }
        }
        throw new AssertionError("no negative response in " + thrown, thrown);
    }

    @Test
    void acceptsAnyBindOnAFreePortAndAnswersSubmitsWithUniqueHexIds() throws Exception {
        start(SimulatorConfig.builder());
        assertTrue(simulator.port() > 0);
        JsmppEsme esme = esme(BindType.BIND_TRX, InterfaceVersion.IF_34);

        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            String id = esme.submit("Hello " + i, NO_RECEIPT);
            assertTrue(id.matches("[0-9a-f]{16}"), id);
            ids.add(id);
        }

        assertEquals(5, ids.size());
        SimulatorStats stats = simulator.stats();
        assertEquals(1, stats.bindsAccepted());
        assertEquals(1, stats.sessionsBound());
        assertEquals(5, stats.submitsReceived());
        assertEquals(5, stats.submitsAccepted());
        assertEquals(0, stats.receiptsScheduled());
    }

    @Test
    void decimalIdsAreCutToEightDigitsForSmpp33Sessions() throws Exception {
        start(SimulatorConfig.builder().messageIdFormat(MessageIdFormat.DECIMAL).firstMessageId(123_456_789_012L));
        JsmppEsme v33 = esme(BindType.BIND_TX, InterfaceVersion.IF_33);
        JsmppEsme v34 = esme(BindType.BIND_TX, InterfaceVersion.IF_34);

        assertEquals("56789012", v33.submit("old", NO_RECEIPT));
        assertEquals("123456789013", v34.submit("new", NO_RECEIPT));
    }

    @Test
    void configuredCredentialsRefuseUnknownSystemIdsAndWrongPasswords() throws Exception {
        start(SimulatorConfig.builder().credential("esme", "secret"));

        Exception wrongPassword = assertThrows(Exception.class, () -> new JsmppEsme(simulator.port(),
                BindType.BIND_TRX, "esme", "nope", InterfaceVersion.IF_34));
        Exception unknown = assertThrows(Exception.class, () -> new JsmppEsme(simulator.port(),
                BindType.BIND_TRX, "other", "secret", InterfaceVersion.IF_34));
        JsmppEsme good = esme(BindType.BIND_TRX, InterfaceVersion.IF_34);

        assertEquals(SmppStatus.ESME_RINVPASWD, negativeStatus(wrongPassword));
        assertEquals(SmppStatus.ESME_RINVSYSID, negativeStatus(unknown));
        assertFalse(good.submit("ok", NO_RECEIPT).isEmpty());
        assertEquals(2, simulator.stats().bindsRefused());
        assertEquals(1, simulator.stats().bindsAccepted());
    }

    @Test
    void transceiverBindIsRefusedForSmpp33() {
        start(SimulatorConfig.builder());

        Exception refused = assertThrows(Exception.class, () -> new JsmppEsme(simulator.port(), BindType.BIND_TRX,
                "esme", "secret", InterfaceVersion.IF_33));

        assertEquals(SmppStatus.ESME_RBINDFAIL, negativeStatus(refused));
    }

    @Test
    void receiptsArriveAfterTheDelayWithTheConfiguredSuccessShare() throws Exception {
        long delayMillis = 200;
        start(SimulatorConfig.builder().receiptDelay(Duration.ofMillis(delayMillis)).receiptSuccessRatio(0.5));
        JsmppEsme esme = esme(BindType.BIND_TRX, InterfaceVersion.IF_34);

        long submitted = System.nanoTime();
        List<String> ids = List.of(esme.submit("first message text is long enough", RECEIPT_ALWAYS),
                esme.submit("second", RECEIPT_ALWAYS), esme.submit("third", RECEIPT_ALWAYS),
                esme.submit("fourth", RECEIPT_ALWAYS));
        DeliverSm first = esme.next();
        long firstAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - submitted);
        List<DeliverSm> receipts = new ArrayList<>(List.of(first, esme.next(), esme.next(), esme.next()));

        assertTrue(firstAfterMillis >= delayMillis, "receipt after " + firstAfterMillis + " ms");
        // jSMPP hands deliver_sm to its listener from a thread pool, so they may arrive in any order.
        java.util.Map<String, DeliverSm> byId = new java.util.HashMap<>();
        for (DeliverSm receipt : receipts) {
            byId.put(receipt.getShortMessageAsDeliveryReceipt().getId(), receipt);
        }
        assertEquals(Set.copyOf(ids), byId.keySet());
        int delivered = 0;
        for (String id : ids) {
            DeliverSm receipt = byId.get(id);
            assertTrue(receipt.isSmscDeliveryReceipt());
            DeliveryReceipt text = receipt.getShortMessageAsDeliveryReceipt();
            assertEquals(JsmppEsme.DESTINATION, receipt.getSourceAddr());
            assertEquals(JsmppEsme.SOURCE, receipt.getDestAddress());
            OptionalParameter.COctetString receipted = (OptionalParameter.COctetString)
                    receipt.getOptionalParameter(OptionalParameter.Tag.RECEIPTED_MESSAGE_ID);
            assertEquals(id, receipted.getValueAsString());
            OptionalParameter.Byte state = (OptionalParameter.Byte)
                    receipt.getOptionalParameter(OptionalParameter.Tag.MESSAGE_STATE);
            if (text.getFinalStatus() == DeliveryReceiptState.DELIVRD) {
                delivered++;
                assertEquals(2, state.getValue());
                assertEquals("000", text.getError());
            } else {
                assertEquals(DeliveryReceiptState.UNDELIV, text.getFinalStatus());
                assertEquals(5, state.getValue());
                assertNotNull(receipt.getOptionalParameter(OptionalParameter.Tag.NETWORK_ERROR_CODE));
            }
        }
        assertEquals("first message text i", byId.get(ids.get(0)).getShortMessageAsDeliveryReceipt().getText());
        assertEquals(2, delivered);
        waitFor(() -> simulator.stats().receiptsAcknowledged() == 4);
        assertEquals(0, simulator.stats().receiptsPending());
    }

    @Test
    void receiptsFollowRegisteredDeliveryUnlessToldOtherwise() throws Exception {
        start(SimulatorConfig.builder());
        JsmppEsme esme = esme(BindType.BIND_TRX, InterfaceVersion.IF_34);

        esme.submit("none asked", NO_RECEIPT);
        esme.submit("failures only, and it succeeds", RECEIPT_ON_FAILURE);
        String wanted = esme.submit("asked", RECEIPT_ALWAYS);

        assertEquals(wanted, esme.next().getShortMessageAsDeliveryReceipt().getId());
        assertEquals(1, simulator.stats().receiptsScheduled());
    }

    @Test
    void failureOnlyReceiptsAreSentForFailures() throws Exception {
        start(SimulatorConfig.builder().receiptSuccessRatio(0));
        JsmppEsme esme = esme(BindType.BIND_TRX, InterfaceVersion.IF_34);

        String id = esme.submit("will fail", RECEIPT_ON_FAILURE);

        DeliveryReceipt receipt = esme.next().getShortMessageAsDeliveryReceipt();
        assertEquals(id, receipt.getId());
        assertEquals(DeliveryReceiptState.UNDELIV, receipt.getFinalStatus());
    }

    @Test
    void receiptPolicyAlwaysAndNeverOverrideTheRequest() throws Exception {
        start(SimulatorConfig.builder().receiptPolicy(ReceiptPolicy.ALWAYS));
        JsmppEsme esme = esme(BindType.BIND_TRX, InterfaceVersion.IF_34);
        String id = esme.submit("not asked", NO_RECEIPT);
        assertEquals(id, esme.next().getShortMessageAsDeliveryReceipt().getId());
        esmes.remove(esme);
        esme.close();
        simulator.close();

        start(SimulatorConfig.builder().receiptPolicy(ReceiptPolicy.NEVER));
        JsmppEsme other = esme(BindType.BIND_TRX, InterfaceVersion.IF_34);
        other.submit("asked", RECEIPT_ALWAYS);
        assertEquals(0, simulator.stats().receiptsScheduled());
    }

    @Test
    void receiptsOfATransmitterGoToTheReceiverOfTheSameSystemId() throws Exception {
        start(SimulatorConfig.builder());
        JsmppEsme transmitter = esme(BindType.BIND_TX, InterfaceVersion.IF_34);
        JsmppEsme receiver = esme(BindType.BIND_RX, InterfaceVersion.IF_34);

        String id = transmitter.submit("via the receiver", RECEIPT_ALWAYS);

        assertEquals(id, receiver.next().getShortMessageAsDeliveryReceipt().getId());
        assertTrue(transmitter.received.isEmpty());
    }

    @Test
    void smpp33ReceiversGetReceiptTextWithoutTlvs() throws Exception {
        start(SimulatorConfig.builder());
        JsmppEsme transmitter = esme(BindType.BIND_TX, InterfaceVersion.IF_33);
        JsmppEsme receiver = esme(BindType.BIND_RX, InterfaceVersion.IF_33);

        String id = transmitter.submit("old school", RECEIPT_ALWAYS);

        DeliverSm receipt = receiver.next();
        assertTrue(id.matches("[0-9a-f]{8}"), id);
        assertEquals(id, receipt.getShortMessageAsDeliveryReceipt().getId());
        assertTrue(receipt.getOptionalParameters() == null || receipt.getOptionalParameters().length == 0);
    }

    @Test
    void receiptsWithoutAnyBoundReceiverAreDroppedAndCounted() throws Exception {
        start(SimulatorConfig.builder());
        JsmppEsme transmitter = esme(BindType.BIND_TX, InterfaceVersion.IF_34);

        transmitter.submit("nobody listens", RECEIPT_ALWAYS);

        waitFor(() -> simulator.stats().receiptsDropped() == 1);
        assertEquals(0, simulator.stats().receiptsPending());
    }

    @Test
    void pendingReceiptsAreBounded() throws Exception {
        start(SimulatorConfig.builder().maxPendingReceipts(1).receiptDelay(Duration.ofHours(1)));
        JsmppEsme esme = esme(BindType.BIND_TRX, InterfaceVersion.IF_34);

        esme.submit("kept", RECEIPT_ALWAYS);
        esme.submit("over the limit", RECEIPT_ALWAYS);

        SimulatorStats stats = simulator.stats();
        assertEquals(1, stats.receiptsScheduled());
        assertEquals(1, stats.receiptsPending());
        assertEquals(1, stats.receiptsDropped());
    }

    @Test
    void throttlingAndInjectedErrorsHitExactShares() throws Exception {
        start(SimulatorConfig.builder().submitPolicy(SubmitPolicy.shares(0.25, 0.5, SmppStatus.ESME_RSYSERR)));
        JsmppEsme esme = esme(BindType.BIND_TRX, InterfaceVersion.IF_34);

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            try {
                esme.submit("msg " + i, NO_RECEIPT);
                statuses.add(SmppStatus.ESME_ROK);
            } catch (NegativeResponseException e) {
                statuses.add(e.getCommandStatus());
            }
        }

        assertEquals(2, statuses.stream().filter(s -> s == SmppStatus.ESME_RTHROTTLED).count());
        assertEquals(3, statuses.stream().filter(s -> s == SmppStatus.ESME_RSYSERR).count());
        assertEquals(3, statuses.stream().filter(s -> s == SmppStatus.ESME_ROK).count());
        SimulatorStats stats = simulator.stats();
        assertEquals(2, stats.submitsThrottled());
        assertEquals(3, stats.submitsFailed());
        assertEquals(3, stats.submitsAccepted());
    }

    @Test
    void aPolicyCanLeaveSubmitsUnanswered() throws Exception {
        start(SimulatorConfig.builder().submitPolicy((systemId, submit) -> SubmitPolicy.NO_RESPONSE));
        JsmppEsme esme = esme(BindType.BIND_TRX, InterfaceVersion.IF_34);
        esme.session.setTransactionTimer(300);

        assertThrows(ResponseTimeoutException.class, () -> esme.submit("into the void", NO_RECEIPT));
        assertEquals(1, simulator.stats().submitsUnanswered());
    }

    @Test
    void theSubmitListenerSeesEverySubmitWithItsOutcome() throws Exception {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        start(SimulatorConfig.builder().submitListener((systemId, submit, status, messageId) ->
                seen.add(systemId + "/" + submit.commandName() + "/" + status + "/" + messageId)));
        JsmppEsme esme = esme(BindType.BIND_TRX, InterfaceVersion.IF_34);

        String id = esme.submit("observed", NO_RECEIPT);

        assertEquals(List.of("esme/submit_sm/0/" + id), seen);
    }

    @Test
    void injectedMoReachesTheBoundReceiverAndReportsItsResponse() throws Exception {
        start(SimulatorConfig.builder());
        JsmppEsme esme = esme(BindType.BIND_TRX, InterfaceVersion.IF_34);

        CompletableFuture<Integer> result = simulator.injectMo("esme", MoMessage.text("8613900139000", "10086", "Hi SP"));

        assertEquals(SmppStatus.ESME_ROK, result.get(10, TimeUnit.SECONDS));
        DeliverSm mo = esme.next();
        assertFalse(mo.isSmscDeliveryReceipt());
        assertEquals("8613900139000", mo.getSourceAddr());
        assertEquals("10086", mo.getDestAddress());
        assertArrayEquals("Hi SP".getBytes(StandardCharsets.US_ASCII), mo.getShortMessage());
        assertEquals(1, simulator.stats().moAcknowledged());
    }

    @Test
    void injectingMoWithoutABoundReceiverFails() {
        start(SimulatorConfig.builder());

        CompletableFuture<Integer> result = simulator.injectMo("esme", MoMessage.text("1", "2", "lost"));

        ExecutionException failure = assertThrows(ExecutionException.class, () -> result.get(10, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, failure.getCause());
    }

    @Test
    void closingStopsListening() throws Exception {
        start(SimulatorConfig.builder());
        int port = simulator.port();
        simulator.close();
        simulator = null;

        assertThrows(java.io.IOException.class, () -> new java.net.Socket("127.0.0.1", port).close());
        assertNull(simulator);
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
