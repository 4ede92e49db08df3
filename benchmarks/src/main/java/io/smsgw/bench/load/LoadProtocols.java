package io.smsgw.bench.load;

import io.smsgw.bench.load.core.CoreLoadProtocol;
import io.smsgw.bench.load.smpp.SmppLoadProtocol;
import java.util.Locale;

/**
 * The protocols the load generator speaks, by command-line name: SMPP, and CORE (Artemis' own protocol,
 * the durable-ingest baseline).
 */
public final class LoadProtocols {

    private LoadProtocols() {
    }

    /**
     * @throws IllegalArgumentException for an unknown name
     * @throws UnsupportedOperationException for CMPP, which arrives with the CMPP acceptor
     */
    public static LoadProtocol forName(String name) {
        switch (name.toUpperCase(Locale.ROOT)) {
            case "SMPP":
                return new SmppLoadProtocol();
            case "CORE":
                return new CoreLoadProtocol();
            case "CMPP":
                throw new UnsupportedOperationException(
                        "CMPP load generation arrives with the CMPP acceptor: implement LoadProtocol for it");
            default:
                throw new IllegalArgumentException("unknown protocol " + name + " (SMPP, CORE, CMPP)");
        }
    }
}
