package io.smsgw.bench.load;

import io.smsgw.bench.load.cmpp.CmppLoadProtocol;
import io.smsgw.bench.load.core.CoreLoadProtocol;
import io.smsgw.bench.load.smpp.SmppLoadProtocol;
import java.util.Locale;

/**
 * The protocols the load generator speaks, by command-line name: SMPP, CMPP, and CORE (Artemis' own protocol,
 * the durable-ingest baseline).
 */
public final class LoadProtocols {

    private LoadProtocols() {
    }

    /**
     * @throws IllegalArgumentException for an unknown name
     */
    public static LoadProtocol forName(String name) {
        switch (name.toUpperCase(Locale.ROOT)) {
            case "SMPP":
                return new SmppLoadProtocol();
            case "CORE":
                return new CoreLoadProtocol();
            case "CMPP":
                return new CmppLoadProtocol();
            default:
                throw new IllegalArgumentException("unknown protocol " + name + " (SMPP, CORE, CMPP)");
        }
    }
}
