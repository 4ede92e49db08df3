package io.smsgw.bench.correlation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Where the memory and disk of the store went at one moment.
 *
 * <p>Heap: {@code System.gc()} three times (with G1 each is a full, stop-the-world collection unless
 * {@code -XX:+ExplicitGCInvokesConcurrent} is set), then the used heap from the {@code MemoryMXBean}: what is
 * still reachable. RocksDB keeps its memtables and block cache outside the heap, so the process's resident set
 * ({@code VmRSS} of {@code /proc/self/status}) is reported too; it includes the JVM itself and whatever heap the
 * JVM has touched. Disk: the sizes of all files in the store's directory (tables, WAL, logs).
 *
 * @param label    when it was taken
 * @param records  records in the store ({@code size()})
 * @param heapUsed bytes of heap in use after the full GC
 * @param rss      resident set of the process in bytes, or -1 where {@code /proc} is missing
 * @param disk     bytes in the store's directory
 */
public record MemorySnapshot(String label, long records, long heapUsed, long rss, long disk) {

    static MemorySnapshot take(String label, long records, Path directory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return new MemorySnapshot(label, records, heap, residentSetBytes(), directoryBytes(directory));
    }

    public String format() {
        return String.format(Locale.ROOT, "%s: %,d records; heap after full GC %.1f MiB, process RSS %,d MiB, disk %,d MiB%n",
                label, records, heapUsed / 1048576.0, rss >> 20, disk >> 20);
    }

    public String toJson() {
        return String.format(Locale.ROOT, "{\"label\":\"%s\",\"records\":%d,\"heapUsedBytes\":%d,\"rssBytes\":%d,\"diskBytes\":%d}",
                label, records, heapUsed, rss, disk);
    }

    /** VmRSS of this process in bytes, or -1 without {@code /proc}. */
    static long residentSetBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Not Linux: no RSS figure.
        }
        return -1;
    }

    static long directoryBytes(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.mapToLong(MemorySnapshot::sizeOrZero).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** RocksDB deletes obsolete files at any time; one that went away while walking counts 0. */
    private static long sizeOrZero(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.size(file) : 0;
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
