package io.smsgw.bench.load;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Settings of one load run; {@link #parse} reads them from the command line ({@link #USAGE}).
 *
 * @param host            server address
 * @param port            server port
 * @param protocol        SMPP, CMPP or CORE
 * @param systemId        account to bind as
 * @param password        its password
 * @param connections     connections opened, each bound separately
 * @param window          requests outstanding per connection
 * @param rate            submits per second across all connections; 0 = as fast as the windows allow
 * @param warmupRate      submits per second during the warm-up (a gateway's JIT compiles its whole path
 *                        then, and should not build a backlog meanwhile); negative = {@code rate}
 * @param warmupSeconds   seconds run before measuring
 * @param durationSeconds seconds measured (after the warm-up)
 * @param mix             message mix
 * @param receipts        ask for delivery receipts (registered_delivery 1) and measure them
 * @param bind            TRANSMITTER, TRANSCEIVER, or null for transceiver with receipts, transmitter without
 * @param version34       bind as SMPP 3.4 (else 3.3)
 * @param cmppVersion     CMPP version byte of CONNECT: 0x30 (3.0) or 0x20 (2.0)
 * @param cmppSourceId    CMPP Src_Id of every submit (the account's service number)
 * @param ioThreads       client I/O threads
 * @param responseTimeoutMillis a request unanswered this long counts as timed out
 * @param jsonReport      where to write the report as JSON, or null
 * @param quiet           no per-second progress lines
 * @param receiptWaitSeconds after the run, how long to wait for the receipts of every accepted submit (0 = not)
 */
public record LoadOptions(String host, int port, String protocol, String systemId, String password, int connections,
                          int window, double rate, double warmupRate, int warmupSeconds, int durationSeconds, MessageMix mix,
                          boolean receipts, String bind, boolean version34, int cmppVersion, String cmppSourceId,
                          int ioThreads,
                          long responseTimeoutMillis, Path jsonReport, boolean quiet, int receiptWaitSeconds) {

    public static final String USAGE = String.join("\n",
            "Load generator. Options:",
            "  --host ADDR          server address (127.0.0.1)",
            "  --port N             server port (2775)",
            "  --protocol NAME      SMPP, CMPP, or CORE for the Artemis baseline (SMPP)",
            "  --system-id ID       account (smppclient1)",
            "  --password PW        password (password)",
            "  --connections N      connections (1)",
            "  --window N           outstanding requests per connection (100)",
            "  --rate N             submits/s over all connections, 0 = as fast as possible (0)",
            "  --warmup S           seconds before measuring (10)",
            "  --warmup-rate N      submits/s during the warm-up, 0 = as fast as possible (as --rate)",
            "  --duration S         seconds measured after the warm-up (30)",
            "  --mix SPEC           message mix, e.g. gsm7=80,ucs2=10,long3=10 (gsm7=1)",
            "  --receipts           request delivery receipts and measure their latency",
            "  --bind tx|trx        bind type (trx with --receipts, else tx)",
            "  --smpp-version 3.3|3.4   interface version (3.4)",
            "  --cmpp-version 3.0|2.0   CMPP version of CONNECT (3.0)",
            "  --src-id NUMBER      CMPP Src_Id, within the SP's source prefixes (1065712345)",
            "  --io-threads N       client I/O threads (1)",
            "  --timeout-ms N       response timeout (10000)",
            "  --json FILE          also write the report as JSON",
            "  --quiet              no per-second lines",
            "  --receipt-wait S     with --receipts: after the run, wait up to S seconds for the receipt of every",
            "                       accepted submit (warm-up included) and report any missing (0: no wait)");

    /** CMPP version bytes. */
    public static final int CMPP_30 = 0x30;
    public static final int CMPP_20 = 0x20;

    public LoadOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(mix, "mix");
        Objects.requireNonNull(cmppSourceId, "cmppSourceId");
        if (connections < 1 || window < 1 || ioThreads < 1 || rate < 0 || warmupSeconds < 0 || durationSeconds < 1
                || responseTimeoutMillis < 1 || receiptWaitSeconds < 0) {
            throw new IllegalArgumentException("connections, window, io-threads, duration and timeout must be >= 1; "
                    + "rate, warmup and receipt-wait >= 0");
        }
        if (cmppVersion != CMPP_30 && cmppVersion != CMPP_20) {
            throw new IllegalArgumentException("cmppVersion must be 0x30 or 0x20, got 0x" + Integer.toHexString(cmppVersion));
        }
        if (bind != null && !bind.equals("TRANSMITTER") && !bind.equals("TRANSCEIVER")) {
            throw new IllegalArgumentException("bind must be TRANSMITTER or TRANSCEIVER, got " + bind);
        }
    }

    /** The defaults: SMPP to 127.0.0.1:2775 as the quick start's demo account, 1 connection, window 100, 10 s + 30 s. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.host = host;
        b.port = port;
        b.protocol = protocol;
        b.systemId = systemId;
        b.password = password;
        b.connections = connections;
        b.window = window;
        b.rate = rate;
        b.warmupRate = warmupRate;
        b.warmupSeconds = warmupSeconds;
        b.durationSeconds = durationSeconds;
        b.mix = mix;
        b.receipts = receipts;
        b.bind = bind;
        b.version34 = version34;
        b.cmppVersion = cmppVersion;
        b.cmppSourceId = cmppSourceId;
        b.ioThreads = ioThreads;
        b.responseTimeoutMillis = responseTimeoutMillis;
        b.jsonReport = jsonReport;
        b.quiet = quiet;
        b.receiptWaitSeconds = receiptWaitSeconds;
        return b;
    }

    /** Submits per second during the warm-up. */
    public double effectiveWarmupRate() {
        return warmupRate < 0 ? rate : warmupRate;
    }

    /** The bind type to use: as configured, else transceiver when receipts are wanted. */
    public String effectiveBind() {
        return bind != null ? bind : receipts ? "TRANSCEIVER" : "TRANSMITTER";
    }

    /** Reads the options of {@link #USAGE}. */
    public static LoadOptions parse(String... args) {
        Builder b = builder();
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--receipts")) {
                b.receipts(true);
                continue;
            }
            if (option.equals("--quiet")) {
                b.quiet(true);
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + option + "\n" + USAGE);
            }
            String v = args[++i];
            switch (option) {
                case "--host" -> b.host(v);
                case "--port" -> b.port(Integer.parseInt(v));
                case "--protocol" -> b.protocol(v.toUpperCase(Locale.ROOT));
                case "--system-id" -> b.systemId(v);
                case "--password" -> b.password(v);
                case "--connections" -> b.connections(Integer.parseInt(v));
                case "--window" -> b.window(Integer.parseInt(v));
                case "--rate" -> b.rate(Double.parseDouble(v));
                case "--warmup" -> b.warmupSeconds(Integer.parseInt(v));
                case "--warmup-rate" -> b.warmupRate(Double.parseDouble(v));
                case "--duration" -> b.durationSeconds(Integer.parseInt(v));
                case "--mix" -> b.mix(MessageMix.parse(v));
                case "--bind" -> b.bind(parseBind(v));
                case "--smpp-version" -> b.version34(parseVersion(v));
                case "--cmpp-version" -> b.cmppVersion(parseCmppVersion(v));
                case "--src-id" -> b.cmppSourceId(v);
                case "--io-threads" -> b.ioThreads(Integer.parseInt(v));
                case "--timeout-ms" -> b.responseTimeoutMillis(Long.parseLong(v));
                case "--json" -> b.jsonReport(Path.of(v));
                case "--receipt-wait" -> b.receiptWaitSeconds(Integer.parseInt(v));
                default -> throw new IllegalArgumentException("unknown option " + option + "\n" + USAGE);
            }
        }
        return b.build();
    }

    private static String parseBind(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "tx", "transmitter" -> "TRANSMITTER";
            case "trx", "transceiver" -> "TRANSCEIVER";
            default -> throw new IllegalArgumentException("--bind takes tx or trx, got " + value);
        };
    }

    private static boolean parseVersion(String value) {
        return switch (value) {
            case "3.4" -> true;
            case "3.3" -> false;
            default -> throw new IllegalArgumentException("--smpp-version takes 3.3 or 3.4, got " + value);
        };
    }

    private static int parseCmppVersion(String value) {
        return switch (value) {
            case "3.0", "30", "0x30" -> CMPP_30;
            case "2.0", "20", "0x20" -> CMPP_20;
            default -> throw new IllegalArgumentException("--cmpp-version takes 3.0 or 2.0, got " + value);
        };
    }

    /** Mutable builder starting from the defaults. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 2775;
        private String protocol = "SMPP";
        private String systemId = "smppclient1";
        private String password = "password";
        private int connections = 1;
        private int window = 100;
        private double rate;
        private double warmupRate = -1;
        private int warmupSeconds = 10;
        private int durationSeconds = 30;
        private MessageMix mix = MessageMix.GSM7_ONLY;
        private boolean receipts;
        private String bind;
        private boolean version34 = true;
        private int cmppVersion = CMPP_30;
        private String cmppSourceId = "1065712345";
        private int ioThreads = 1;
        private long responseTimeoutMillis = 10_000;
        private Path jsonReport;
        private boolean quiet;
        private int receiptWaitSeconds;

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

        public Builder protocol(String value) {
            protocol = value;
            return this;
        }

        public Builder systemId(String value) {
            systemId = value;
            return this;
        }

        public Builder password(String value) {
            password = value;
            return this;
        }

        public Builder connections(int value) {
            connections = value;
            return this;
        }

        public Builder window(int value) {
            window = value;
            return this;
        }

        public Builder rate(double value) {
            rate = value;
            return this;
        }

        public Builder warmupRate(double value) {
            warmupRate = value;
            return this;
        }

        public Builder warmupSeconds(int value) {
            warmupSeconds = value;
            return this;
        }

        public Builder durationSeconds(int value) {
            durationSeconds = value;
            return this;
        }

        public Builder mix(MessageMix value) {
            mix = value;
            return this;
        }

        public Builder receipts(boolean value) {
            receipts = value;
            return this;
        }

        /** TRANSMITTER, TRANSCEIVER or null (automatic). */
        public Builder bind(String value) {
            bind = value;
            return this;
        }

        public Builder version34(boolean value) {
            version34 = value;
            return this;
        }

        /** CONNECT's version byte, {@link #CMPP_30} or {@link #CMPP_20}. */
        public Builder cmppVersion(int value) {
            cmppVersion = value;
            return this;
        }

        public Builder cmppSourceId(String value) {
            cmppSourceId = value;
            return this;
        }

        public Builder ioThreads(int value) {
            ioThreads = value;
            return this;
        }

        public Builder responseTimeoutMillis(long value) {
            responseTimeoutMillis = value;
            return this;
        }

        public Builder jsonReport(Path value) {
            jsonReport = value;
            return this;
        }

        public Builder quiet(boolean value) {
            quiet = value;
            return this;
        }

        /** With receipts: seconds to wait after the run for every accepted submit's receipt. */
        public Builder receiptWaitSeconds(int value) {
            receiptWaitSeconds = value;
            return this;
        }

        public LoadOptions build() {
            return new LoadOptions(host, port, protocol, systemId, password, connections, window, rate, warmupRate, warmupSeconds,
                    durationSeconds, mix, receipts, bind, version34, cmppVersion, cmppSourceId, ioThreads, responseTimeoutMillis, jsonReport, quiet,
                    receiptWaitSeconds);
        }
    }
}
