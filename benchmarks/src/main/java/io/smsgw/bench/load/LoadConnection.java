package io.smsgw.bench.load;

import java.util.concurrent.CompletableFuture;

/** One bound connection of a load run. Methods may be called from any thread. */
public interface LoadConnection {

    /**
     * Starts submitting: keep up to the window outstanding, and if {@code ratePerSecond > 0} submit at most
     * that many per second (paced from now; after falling behind, at most 100 ms of sends are made up),
     * else as fast as responses come back.
     */
    void startSending(double ratePerSecond);

    /** Changes the rate of a connection that is sending, paced from now ({@code 0} = as fast as possible). */
    void changeRate(double ratePerSecond);

    /** Stops submitting new requests; outstanding ones still get their responses counted. */
    void stopSending();

    /** Requests still waiting for their response. */
    int outstanding();

    /** Unbinds and closes; completes when the connection is closed. */
    CompletableFuture<Void> close();
}
