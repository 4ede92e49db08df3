package io.smsgw.bench.load;

import java.util.concurrent.CompletableFuture;

/**
 * How the load generator speaks one protocol: SMPP today; CMPP plugs in here with its own
 * implementation (see {@link LoadProtocols}).
 */
public interface LoadProtocol {

    /** Name used on the command line, e.g. "SMPP". */
    String name();

    /**
     * Opens and binds connection number {@code index}.
     *
     * @return completes with a connection ready to send, or fails if it cannot connect or bind
     */
    CompletableFuture<LoadConnection> connect(ClientTransport transport, LoadOptions options, LoadMetrics metrics,
                                              int index);
}
