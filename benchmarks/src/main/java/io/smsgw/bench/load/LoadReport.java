package io.smsgw.bench.load;

import io.smsgw.smpp.codec.SmppStatus;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a load run measured, counted over the measured interval only (the warm-up is left out).
 *
 * @param label              what ran (protocol, or a scenario name)
 * @param connections        connections (or producers)
 * @param window             outstanding requests per connection
 * @param targetRate         submits/s asked for, 0 = as fast as possible
 * @param mix                content sent, in the {@code --mix} form ({@link MessageMix#toString()})
 * @param seconds            length of the measured interval
 * @param sent               requests sent
 * @param ok                 answered with success
 * @param failed             answered with an error status
 * @param failuresByStatus   error status → count
 * @param timeouts           requests not answered within the response timeout
 * @param unanswered         requests still unanswered when the run ended (after a grace period)
 * @param otherErrors        connection errors, malformed or unexpected responses
 * @param receipts           delivery receipts matched to a submit
 * @param receiptsUnmatched  receipts for unknown message ids
 * @param mo                 MO deliver_sm received
 * @param latency            request → response
 * @param receiptLatency     submit → receipt
 * @param completeness       with {@link LoadOptions#receiptWaitSeconds()}: receipts against accepted submits over
 *                           the whole run, warm-up included; null otherwise
 */
public record LoadReport(String label, int connections, int window, double targetRate, String mix, double seconds,
                         long sent, long ok, long failed, Map<Integer, Long> failuresByStatus, long timeouts,
                         long unanswered, long otherErrors, long receipts, long receiptsUnmatched, long mo,
                         LatencySummary latency, LatencySummary receiptLatency, Completeness completeness) {

    /**
     * Whether every accepted submit of the run (warm-up included) got its receipt by the end of the wait.
     *
     * @param accepted submits answered with success
     * @param receipts receipts matched to one of them
     */
    public record Completeness(long accepted, long receipts) {

        /** Accepted submits still without a receipt. */
        public long missing() {
            return accepted - receipts;
        }
    }

    public double sentPerSecond() {
        return sent / seconds;
    }

    /** Responses (success or error) per second. */
    public double responsesPerSecond() {
        return (ok + failed) / seconds;
    }

    public double okPerSecond() {
        return ok / seconds;
    }

    public double receiptsPerSecond() {
        return receipts / seconds;
    }

    /** Everything that went wrong: error responses, timeouts, unanswered requests, connection problems. */
    public long errors() {
        return failed + timeouts + unanswered + otherErrors;
    }

    /** A human-readable summary, several lines. */
    public String format() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%s: %d connection(s), window %d, %s, mix %s, %.1f s measured%n",
                label, connections, window, targetRate > 0 ? String.format(Locale.ROOT, "rate %.0f/s", targetRate)
                        : "as fast as possible", mix, seconds));
        out.append(String.format(Locale.ROOT, "  submits   %,12d  %,10.0f/s%n", sent, sentPerSecond()));
        out.append(String.format(Locale.ROOT, "  responses %,12d  %,10.0f/s  (ok %,d, errors %,d)%n", ok + failed,
                responsesPerSecond(), ok, failed));
        out.append("  latency   ").append(latency.format()).append(System.lineSeparator());
        if (receipts > 0 || receiptsUnmatched > 0) {
            out.append(String.format(Locale.ROOT, "  receipts  %,12d  %,10.0f/s  (unmatched %,d)%n", receipts,
                    receiptsPerSecond(), receiptsUnmatched));
            out.append("  receipt latency ").append(receiptLatency.format()).append(System.lineSeparator());
        }
        if (completeness != null) {
            out.append(String.format(Locale.ROOT, "  whole run %,12d accepted, %,d receipts, %,d missing%n",
                    completeness.accepted(), completeness.receipts(), completeness.missing()));
        }
        if (mo > 0) {
            out.append(String.format(Locale.ROOT, "  MO        %,12d%n", mo));
        }
        out.append(String.format(Locale.ROOT, "  errors    %,12d  (error responses %,d%s, timeouts %,d, unanswered %,d, "
                + "other %,d)%n", errors(), failed, statusNames(), timeouts, unanswered, otherErrors));
        return out.toString();
    }

    /** The report as one JSON object. */
    public String toJson() {
        String byStatus = failuresByStatus.entrySet().stream()
                .map(e -> "\"" + statusName(e.getKey()) + "\":" + e.getValue())
                .collect(Collectors.joining(",", "{", "}"));
        return String.format(Locale.ROOT,
                "{\"label\":\"%s\",\"connections\":%d,\"window\":%d,\"targetRate\":%.1f,\"mix\":\"%s\","
                        + "\"seconds\":%.3f,\"sent\":%d,\"ok\":%d,\"failed\":%d,\"failuresByStatus\":%s,\"timeouts\":%d,"
                        + "\"unanswered\":%d,\"otherErrors\":%d,\"receipts\":%d,\"receiptsUnmatched\":%d,\"mo\":%d,"
                        + "\"sentPerSecond\":%.1f,\"responsesPerSecond\":%.1f,\"receiptsPerSecond\":%.1f,"
                        + "\"errors\":%d,\"latency\":%s,\"receiptLatency\":%s%s}",
                label.replace("\"", "'"), connections, window, targetRate, mix, seconds, sent, ok, failed, byStatus,
                timeouts, unanswered, otherErrors, receipts, receiptsUnmatched, mo, sentPerSecond(),
                responsesPerSecond(), receiptsPerSecond(), errors(), latency.toJson(), receiptLatency.toJson(),
                completeness == null ? "" : String.format(Locale.ROOT,
                        ",\"acceptedTotal\":%d,\"receiptsTotal\":%d,\"receiptsMissing\":%d",
                        completeness.accepted(), completeness.receipts(), completeness.missing()));
    }

    private String statusNames() {
        if (failuresByStatus.isEmpty()) {
            return "";
        }
        return failuresByStatus.entrySet().stream().map(e -> statusName(e.getKey()) + "=" + e.getValue())
                .collect(Collectors.joining(", ", " [", "]"));
    }

    /** SMPP command_status names; other protocols' codes (CMPP Result) as numbers. */
    private String statusName(int status) {
        return "SMPP".equals(label) ? SmppStatus.name(status) : "result_" + status;
    }
}
