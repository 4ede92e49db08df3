package io.smsgw.simulator;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything an {@link SmscSimulator} can be told. Build with {@link #builder()}; every setting has a
 * default suited to tests (loopback, a free port, any credentials, immediate receipts). {@link #toString()} never
 * shows a password.
 *
 * @param host               address to listen on
 * @param port               port to listen on, 0 for a free one
 * @param systemId           system_id the simulator answers binds with
 * @param credentials        system_id → password accepted; empty accepts any bind
 * @param messageIdFormat    how assigned message ids are written
 * @param firstMessageId     the first id assigned (then counting up)
 * @param submitPolicy       accept / refuse / ignore decision per submit
 * @param receiptPolicy      when receipts are sent
 * @param receiptDelay       time from the submit_sm_resp to the receipt
 * @param receiptSuccessRatio share of receipts that report DELIVRD (the rest report UNDELIV), 0..1
 * @param deliverWindow      deliver_sm (receipts and MO) in flight per session
 * @param maxPendingReceipts receipts waiting (scheduled, queued or unanswered) across all sessions; beyond
 *                           it new receipts are dropped and counted
 * @param maxPduSize         largest PDU accepted; a larger command_length closes the connection
 * @param ioThreads          Netty I/O threads serving connections
 * @param submitListener     observer of every answered submit
 * @param redeliverReceipts  whether a receipt that found no receiver, or whose deliver_sm got no deliver_sm_resp before its
 *                           connection closed, is kept and sent again once a receiver of its system_id binds (as real
 *                           SMSCs do), instead of being dropped
 */
public record SimulatorConfig(String host, int port, String systemId, Map<String, String> credentials,
                              MessageIdFormat messageIdFormat, long firstMessageId, SubmitPolicy submitPolicy,
                              ReceiptPolicy receiptPolicy, Duration receiptDelay, double receiptSuccessRatio,
                              int deliverWindow, int maxPendingReceipts, int maxPduSize, int ioThreads,
                              SubmitListener submitListener, boolean redeliverReceipts) {

    public SimulatorConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(systemId, "systemId");
        credentials = Map.copyOf(credentials);
        Objects.requireNonNull(messageIdFormat, "messageIdFormat");
        Objects.requireNonNull(submitPolicy, "submitPolicy");
        Objects.requireNonNull(receiptPolicy, "receiptPolicy");
        Objects.requireNonNull(receiptDelay, "receiptDelay");
        Objects.requireNonNull(submitListener, "submitListener");
        if (systemId.length() > MAX_SYSTEM_ID_LENGTH) {
            throw new IllegalArgumentException("systemId must be at most " + MAX_SYSTEM_ID_LENGTH + " characters");
        }
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (receiptDelay.isNegative()) {
            throw new IllegalArgumentException("receiptDelay must not be negative");
        }
        if (!(receiptSuccessRatio >= 0 && receiptSuccessRatio <= 1)) {
            throw new IllegalArgumentException("receiptSuccessRatio must be within [0, 1], got " + receiptSuccessRatio);
        }
        if (deliverWindow < 1 || maxPendingReceipts < 0 || ioThreads < 1 || maxPduSize < 1024) {
            throw new IllegalArgumentException("deliverWindow >= 1, maxPendingReceipts >= 0, ioThreads >= 1 and "
                    + "maxPduSize >= 1024 are required");
        }
    }

    /** The accepted system_ids without their passwords, which must not reach logs or exception messages. */
    @Override
    public String toString() {
        return "SimulatorConfig[host=" + host + ", port=" + port + ", systemId=" + systemId + ", credentials="
                + new java.util.TreeSet<>(credentials.keySet()) + " (passwords ***), messageIdFormat=" + messageIdFormat
                + ", firstMessageId=" + firstMessageId + ", submitPolicy=" + submitPolicy + ", receiptPolicy=" + receiptPolicy
                + ", receiptDelay=" + receiptDelay + ", receiptSuccessRatio=" + receiptSuccessRatio + ", deliverWindow="
                + deliverWindow + ", maxPendingReceipts=" + maxPendingReceipts + ", maxPduSize=" + maxPduSize
                + ", ioThreads=" + ioThreads + ", redeliverReceipts=" + redeliverReceipts + "]";
    }

    /** system_id is a C-Octet String of at most 16 bytes. */
    public static final int MAX_SYSTEM_ID_LENGTH = 15;

    public static Builder builder() {
        return new Builder();
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private String systemId = "SMSCSIM";
        private final Map<String, String> credentials = new LinkedHashMap<>();
        private MessageIdFormat messageIdFormat = MessageIdFormat.HEX;
        private long firstMessageId = 1;
        private SubmitPolicy submitPolicy = SubmitPolicy.acceptAll();
        private ReceiptPolicy receiptPolicy = ReceiptPolicy.REQUESTED;
        private Duration receiptDelay = Duration.ZERO;
        private double receiptSuccessRatio = 1.0;
        private int deliverWindow = 64;
        private int maxPendingReceipts = 1_000_000;
        private int maxPduSize = 70_000;
        private int ioThreads = 1;
        private SubmitListener submitListener = SubmitListener.NONE;
        private boolean redeliverReceipts;

        private Builder() {
        }

        public Builder host(String value) {
            host = value;
            return this;
        }

        public Builder port(int value) {
            port = value;
            return this;
        }

        public Builder systemId(String value) {
            systemId = value;
            return this;
        }

        /** Accepts binds of {@code id} with {@code password}; once any is added, other system_ids are refused. */
        public Builder credential(String id, String password) {
            credentials.put(Objects.requireNonNull(id, "id"), Objects.requireNonNull(password, "password"));
            return this;
        }

        public Builder messageIdFormat(MessageIdFormat value) {
            messageIdFormat = value;
            return this;
        }

        public Builder firstMessageId(long value) {
            firstMessageId = value;
            return this;
        }

        public Builder submitPolicy(SubmitPolicy value) {
            submitPolicy = value;
            return this;
        }

        public Builder receiptPolicy(ReceiptPolicy value) {
            receiptPolicy = value;
            return this;
        }

        public Builder receiptDelay(Duration value) {
            receiptDelay = value;
            return this;
        }

        public Builder receiptSuccessRatio(double value) {
            receiptSuccessRatio = value;
            return this;
        }

        public Builder deliverWindow(int value) {
            deliverWindow = value;
            return this;
        }

        public Builder maxPendingReceipts(int value) {
            maxPendingReceipts = value;
            return this;
        }

        public Builder maxPduSize(int value) {
            maxPduSize = value;
            return this;
        }

        public Builder ioThreads(int value) {
            ioThreads = value;
            return this;
        }

        public Builder submitListener(SubmitListener value) {
            submitListener = value;
            return this;
        }

        /**
         * Keeps receipts nobody took (no receiver bound, or the connection closed before the deliver_sm_resp) and
         * sends them again to the next receiver of the system_id, as real SMSCs retry; off by default (dropped and
         * counted).
         */
        public Builder redeliverReceipts(boolean value) {
            redeliverReceipts = value;
            return this;
        }

        public SimulatorConfig build() {
            return new SimulatorConfig(host, port, systemId, credentials, messageIdFormat, firstMessageId,
                    submitPolicy, receiptPolicy, receiptDelay, receiptSuccessRatio, deliverWindow, maxPendingReceipts,
                    maxPduSize, ioThreads, submitListener, redeliverReceipts);
        }
    }
}
