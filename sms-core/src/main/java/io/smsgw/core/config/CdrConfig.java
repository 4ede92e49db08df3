package io.smsgw.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The broker's built-in CDR file writer ({@code billing.cdr} in {@code sms-gateway.conf}): billing records read from
 * a durable subscription on {@code sms.billing} written as CSV files a mediation system picks up.
 *
 * @param directory      where the files go; must exist and be writable when the configuration loads
 * @param prefix         file names start with it: {@code <prefix>-<yyyyMMdd-HHmmss>-<seq>.csv}
 * @param queue          the durable multicast subscription on {@code sms.billing} the writer reads (created if missing)
 * @param rotateInterval a file is closed this long after it was opened, also when no more records come
 * @param maxRecords     a file is closed once it holds this many records
 * @param maxBytes       a file is closed once it is this large
 */
public record CdrConfig(Path directory, String prefix, String queue, Duration rotateInterval, int maxRecords, long maxBytes) {

   public static final String DEFAULT_PREFIX = "cdr";
   public static final String DEFAULT_QUEUE = "billing-cdr.records";
   public static final Duration DEFAULT_ROTATE_INTERVAL = Duration.ofMinutes(5);
   public static final int DEFAULT_MAX_RECORDS = 100_000;
   public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;

   public CdrConfig {
      Objects.requireNonNull(directory, "directory");
      Objects.requireNonNull(prefix, "prefix");
      Objects.requireNonNull(queue, "queue");
      Objects.requireNonNull(rotateInterval, "rotateInterval");
   }
}
