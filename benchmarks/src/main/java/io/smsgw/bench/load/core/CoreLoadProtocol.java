package io.smsgw.bench.load.core;

import io.smsgw.bench.load.ClientTransport;
import io.smsgw.bench.load.LoadConnection;
import io.smsgw.bench.load.LoadMetrics;
import io.smsgw.bench.load.LoadOptions;
import io.smsgw.bench.load.LoadProtocol;
import java.util.concurrent.CompletableFuture;

/**
 * The baseline: the broker's own CORE protocol sending the same durable messages to {@code sms.mt}
 * (see {@link CoreMessageSource}), asynchronously with a confirmation window, one connection (and
 * sending thread) per producer, at most {@code window} unconfirmed sends each.
 */
public final class CoreLoadProtocol implements LoadProtocol {

    /** Where the CORE baseline sends: the queue SMPP submits go to. */
    public static final String ADDRESS = "sms.mt";

    @Override
    public String name() {
        return "CORE";
    }

    @Override
    public CompletableFuture<LoadConnection> connect(ClientTransport transport, LoadOptions options,
                                                     LoadMetrics metrics, int index) {
        try {
            return CompletableFuture.completedFuture(CoreLoadConnection.open(options, metrics, index));
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
