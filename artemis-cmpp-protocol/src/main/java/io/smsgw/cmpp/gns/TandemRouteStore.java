package io.smsgw.cmpp.gns;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.CRC32;

import io.smsgw.cmpp.codec.RouteUpdateType;
import io.smsgw.core.config.TandemConfig;
import io.smsgw.core.file.DurableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the tandem's route table on disk so route updates received over CMPP survive a restart: one text file,
 * {@code routes.log}, in the broker's data folder. It starts with a snapshot of the whole table and grows by one
 * line per applied update, each written and forced to disk before the update is answered. Every line carries a
 * CRC-32, so a torn or damaged line is recognised.
 *
 * <p>The file remembers a fingerprint of the {@code tandem} section's routes it started from. At start, if the
 * section's routes (or the addresses of their gateways) are unchanged, the file's table is served: the
 * configuration plus every update since. If they changed, the operator has set a new starting point: the
 * configuration is served and the old file is kept aside ({@code routes.log.superseded-<time>}). A damaged
 * line is skipped (its route is missing, or as it was before that change) and the file is kept aside too
 * ({@code .corrupt-<time>}); a file without the header is ignored (the configuration is served). A last line cut
 * short (a crash while writing an update that was therefore never answered) is simply dropped. What was found is logged and shown by the tandem's management bean; it never stops the broker.
 *
 * <p>Not thread-safe: the {@link TandemService} calls it from one thread at a time.
 */
final class TandemRouteStore implements AutoCloseable {

   private static final Logger logger = LoggerFactory.getLogger(TandemRouteStore.class);
   static final String FILE_NAME = "routes.log";
   private static final String MAGIC = "smsgw-tandem-routes";
   private static final int VERSION = 1;
   /** Appended lines after which the file is rewritten as one snapshot. */
   private static final int COMPACT_AFTER = 10_000;
   private static final DateTimeFormatter ASIDE_SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

   private final Path directory;
   private final Path file;
   private final Clock clock;
   private FileChannel appender;
   private String fingerprint;
   private int appended;
   private String problem = "";

   TandemRouteStore(Path directory, Clock clock) {
      this.directory = directory;
      this.file = directory.resolve(FILE_NAME);
      this.clock = clock;
   }

   Path file() {
      return file;
   }

   /** What loading found wrong with the file (empty when nothing): shown by the management bean. */
   String problem() {
      return problem;
   }

   /** Loads the table to serve (see the class comment) and leaves the file as one fresh snapshot of it. */
   TandemRouteTable open(TandemConfig config) throws IOException {
      Files.createDirectories(directory);
      fingerprint = fingerprint(config);
      TandemRouteTable table = Files.exists(file) ? load(config) : null;
      if (table == null) {
         table = TandemRouteTable.fromConfig(config, clock);
      }
      writeSnapshot(table);
      return table;
   }

   private TandemRouteTable load(TandemConfig config) throws IOException {
      byte[] bytes = Files.readAllBytes(file);
      String text = new String(bytes, StandardCharsets.UTF_8);
      String[] lines = text.split("\n", -1);
      boolean endsCleanly = text.endsWith("\n");
      int complete = endsCleanly ? lines.length - 1 : lines.length; // split leaves "" after a final newline
      String[] header = complete == 0 ? new String[0] : lines[0].split(" ");
      if (header.length != 3 || !header[0].equals(MAGIC) || !header[1].equals(String.valueOf(VERSION))) {
         report("line 1 is not a route file header (\"" + MAGIC + " " + VERSION + " <fingerprint>\"); serving the "
                   + "tandem section's routes", "corrupt");
         return null;
      }
      if (!header[2].equals(fingerprint)) {
         Path aside = setAside("superseded");
         logger.warn("The tandem section's routes changed since {} was written: serving the configuration; the route "
                        + "updates applied before are kept in {}", file, aside);
         problem = "the tandem section's routes changed: serving them; earlier updates kept in " + aside.getFileName();
         return null;
      }
      TandemRouteTable table = new TandemRouteTable(clock);
      List<String> damaged = new ArrayList<>();
      for (int i = 1; i < complete; i++) {
         String error = replay(lines[i], table);
         if (error == null) {
            continue;
         }
         if (i == complete - 1 && !endsCleanly) {
            logger.warn("{} line {}: the last update was not written completely (the broker stopped while writing it, "
                           + "before answering it); it is dropped", file, i + 1);
            problem = "line " + (i + 1) + " incomplete (an unanswered update); dropped";
         } else {
            damaged.add("line " + (i + 1) + ": " + error);
         }
      }
      if (!damaged.isEmpty()) {
         // A damaged line only loses its own route (or its last change): the other lines still say what they said.
         report(damaged.size() + " damaged line(s) skipped, their routes are missing or as before (" + String.join("; ", damaged)
                   + ")", "corrupt");
      }
      return table;
   }

   private void report(String what, String asideAs) throws IOException {
      Path aside = setAside(asideAs);
      logger.error("Tandem route file {} {}. The file is kept as {}", file, what, aside);
      problem = what + " (file kept as " + aside.getFileName() + ")";
   }

   private Path setAside(String why) throws IOException {
      Path aside = directory.resolve(FILE_NAME + "." + why + "-" + LocalDateTime.now(clock).format(ASIDE_SUFFIX));
      Files.copy(file, aside, StandardCopyOption.REPLACE_EXISTING);
      return aside;
   }

   /** Applies one line to the table; returns what is wrong with it, or null. */
   private static String replay(String line, TandemRouteTable table) {
      int tab = line.indexOf('\t');
      if (tab != 8) {
         return "no check sum";
      }
      String payload = line.substring(tab + 1);
      if (!line.substring(0, tab).equals(crc(payload))) {
         return "check sum mismatch";
      }
      String[] f = payload.split("\t", -1);
      for (int i = 0; i < f.length; i++) {
         f[i] = unescape(f[i]);
      }
      try {
         switch (f[0]) {
            case "NEXT" -> table.reserveIds(Long.parseLong(f[1]), Long.parseLong(f[2]));
            case "MT" -> table.restoreMt(new MtRouteEntry(Long.parseLong(f[1]), f[2], f[3], Integer.parseInt(f[4]), f[5], f[6],
                                                          f[7], Integer.parseInt(f[8]), f[9]));
            case "MT-DELETE" -> table.forgetMt(Long.parseLong(f[1]));
            case "MO" -> table.restoreMo(new MoRouteEntry(Long.parseLong(f[1]), f[2], f[3], Integer.parseInt(f[4]), f[5], f[6],
                                                          Integer.parseInt(f[7]), f[8], Long.parseLong(f[9]),
                                                          Long.parseLong(f[10]), f[11]), regions(f[12]));
            case "MO-DELETE" -> table.forgetMo(Long.parseLong(f[1]));
            default -> {
               return "unknown record \"" + f[0] + "\"";
            }
         }
         return null;
      } catch (RuntimeException e) {
         return "unreadable " + f[0] + " record (" + e + ")";
      }
   }

   /** Writes an applied MT change and forces it to disk; the caller answers the update only after this returns. */
   void appendMt(TandemRouteTable.Change<MtRouteEntry> change, TandemRouteTable table) throws IOException {
      append(change.updateType() == RouteUpdateType.DELETE ? List.of("MT-DELETE", String.valueOf(change.route().routeId()))
                : mtRecord(change.route()), table);
   }

   void appendMo(TandemRouteTable.Change<MoRouteEntry> change, TandemRouteTable table) throws IOException {
      append(change.updateType() == RouteUpdateType.DELETE ? List.of("MO-DELETE", String.valueOf(change.route().routeId()))
                : moRecord(change.route(), change.regions()), table);
   }

   private void append(List<String> record, TandemRouteTable table) throws IOException {
      if (appender == null) {
         appender = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      }
      write(appender, line(record));
      appender.force(false);
      if (++appended >= COMPACT_AFTER) {
         writeSnapshot(table);
      }
   }

   /** The whole table as a new file: written beside, forced, then moved over the old one in one step. */
   private void writeSnapshot(TandemRouteTable table) throws IOException {
      close();
      StringBuilder out = new StringBuilder(MAGIC).append(' ').append(VERSION).append(' ').append(fingerprint).append('\n');
      out.append(line(List.of("NEXT", String.valueOf(table.nextMtId()), String.valueOf(table.nextMoId()))));
      for (MtRouteEntry route : table.mtRoutes()) {
         out.append(line(mtRecord(route)));
      }
      for (TandemRouteTable.RegionalMoRoute route : table.moRoutes()) {
         out.append(line(moRecord(route.route(), route.regions())));
      }
      DurableFiles.replace(file, out.toString(), StandardCharsets.UTF_8);
      appended = 0;
   }

   @Override
   public void close() throws IOException {
      if (appender != null) {
         appender.close();
         appender = null;
      }
   }

   private static List<String> mtRecord(MtRouteEntry r) {
      return List.of("MT", String.valueOf(r.routeId()), r.gatewayId(), r.gatewayIp(), String.valueOf(r.gatewayPort()),
                     r.startId(), r.endId(), r.areaCode(), String.valueOf(r.userType()), r.timeStamp());
   }

   private static List<String> moRecord(MoRouteEntry r, Set<String> regions) {
      return List.of("MO", String.valueOf(r.routeId()), r.gatewayId(), r.gatewayIp(), String.valueOf(r.gatewayPort()), r.spId(),
                     r.spCode(), String.valueOf(r.accessType()), r.serviceId(), String.valueOf(r.startCode()),
                     String.valueOf(r.endCode()), r.timeStamp(), String.join(",", new TreeSet<>(regions)));
   }

   private static Set<String> regions(String field) {
      Set<String> regions = new LinkedHashSet<>();
      for (String region : field.split(",")) {
         if (!region.isEmpty()) {
            regions.add(region);
         }
      }
      return regions;
   }

   private static String line(List<String> fields) {
      StringBuilder payload = new StringBuilder();
      for (String field : fields) {
         payload.append(payload.isEmpty() ? "" : "\t").append(escape(field));
      }
      return crc(payload.toString()) + "\t" + payload + "\n";
   }

   private static void write(FileChannel channel, String text) throws IOException {
      ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
      while (buffer.hasRemaining()) {
         channel.write(buffer);
      }
   }

   private static String crc(String payload) {
      CRC32 crc = new CRC32();
      crc.update(payload.getBytes(StandardCharsets.UTF_8));
      return String.format("%08x", crc.getValue());
   }

   /** Fields may hold any text (Service_Id): backslash, tab and line breaks are escaped. */
   private static String escape(String field) {
      return field.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
   }

   private static String unescape(String field) {
      if (field.indexOf('\\') < 0) {
         return field;
      }
      StringBuilder out = new StringBuilder(field.length());
      for (int i = 0; i < field.length(); i++) {
         char c = field.charAt(i);
         if (c == '\\' && i + 1 < field.length()) {
            char next = field.charAt(++i);
            out.append(next == 't' ? '\t' : next == 'n' ? '\n' : next == 'r' ? '\r' : next);
         } else {
            out.append(c);
         }
      }
      return out.toString();
   }

   /**
    * What the file's table was built from: the section's routes in file order, with the address and region of
    * their gateways (a route from the configuration takes its gateway's address).
    */
   static String fingerprint(TandemConfig config) {
      StringBuilder canonical = new StringBuilder();
      for (TandemConfig.MtRoute r : config.mtRoutes()) {
         canonical.append("MT|").append(r.start()).append('|').append(r.end()).append('|').append(r.areaCode()).append('|')
            .append(r.userType()).append('|');
         gateway(canonical, config, r.gateway());
      }
      for (TandemConfig.MoRoute r : config.moRoutes()) {
         canonical.append("MO|").append(r.spCode()).append('|').append(r.spId()).append('|').append(r.serviceId()).append('|')
            .append(r.accessType()).append('|').append(new TreeSet<>(r.regions())).append('|');
         gateway(canonical, config, r.gateway());
      }
      try {
         byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
         return HexFormat.of().formatHex(digest, 0, 12);
      } catch (NoSuchAlgorithmException e) {
         throw new IllegalStateException("SHA-256 is part of every JDK", e);
      }
   }

   private static void gateway(StringBuilder canonical, TandemConfig config, String code) {
      TandemConfig.Gateway g = config.gateways().get(code);
      canonical.append(code).append('@').append(g == null ? "?" : g.host() + ":" + g.port()).append('\n');
   }
}
