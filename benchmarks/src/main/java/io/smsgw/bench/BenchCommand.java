package io.smsgw.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the benchmark tools' {@code main} methods share: {@code --help}, and printing the report at the end. */
public final class BenchCommand {

    private BenchCommand() {
    }

    /** Prints {@code usage} and answers true when the first argument asks for help. */
    public static boolean helpRequested(String[] args, String usage) {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println(usage);
            return true;
        }
        return false;
    }

    /**
     * Prints the report, writes its JSON form to {@code jsonFile} when one was asked for, and exits with 0 when
     * the run {@code passed}, else 1 (so scripts can tell).
     */
    public static void finish(String text, String json, Path jsonFile, boolean passed) throws IOException {
        System.out.print(text);
        if (jsonFile != null) {
            Files.writeString(jsonFile, json + System.lineSeparator(), StandardCharsets.UTF_8);
        }
        System.exit(passed ? 0 : 1);
    }
}
